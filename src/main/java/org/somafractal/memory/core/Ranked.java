package org.somafractal.memory.core;

/** A search result: the memory and its scores. */
public record Ranked(Memory memory, Scores scores) {
}
