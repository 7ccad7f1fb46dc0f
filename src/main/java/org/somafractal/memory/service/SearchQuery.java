package org.somafractal.memory.service;

import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.SearchMode;

/**
 * A validated search.
 *
 * @param text the query text, or {@code null}
 * @param vector the client's query vector, or {@code null}; at least one of text and vector is present
 * @param minScore results with a lower final score are dropped
 * @param sequenceWeight the share of relevance lent to sequence neighbours for this search, or NaN for the
 *     configured one ({@code SOMA_SEQUENCE_WEIGHT})
 */
public record SearchQuery(String tenant, String text, float[] vector, int topK, int offset, SearchMode mode,
    MemoryFilter filter, double minScore, double sequenceWeight) {
}
