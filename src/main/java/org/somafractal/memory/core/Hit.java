package org.somafractal.memory.core;

/**
 * One candidate from an index, best first in its list.
 *
 * @param id the memory id
 * @param score the index's own score: cosine similarity for vectors, BM25 for the lexical index
 */
public record Hit(String id, float score) {
}
