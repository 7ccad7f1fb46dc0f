package org.somafractal.memory.core;

/**
 * The outcome of storing one draft.
 *
 * @param memory the row as committed
 * @param created {@code true} when the coordinate was new, {@code false} when an existing memory was updated in place
 */
public record StoredMemory(Memory memory, boolean created) {
}
