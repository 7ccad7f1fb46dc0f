package org.somafractal.memory.core;

/**
 * Why a memory ranked where it did: the final score and its components.
 *
 * @param score the final score: {@code fused × importance × decay}
 * @param vector cosine similarity to the query vector, or NaN when the vector index did not propose it
 * @param lexical BM25 score, or NaN when the lexical index did not propose it
 * @param fused the relevance before weighting: the fusion of vector and lexical (cosine in vector mode, BM25 in
 *     lexical mode) plus {@code sequence}
 * @param importance the importance weight in [1 - w, 1]
 * @param decay the decay weight in [floor, 1]; 1 when decay is off
 * @param sequence the relevance lent by a sequence neighbour that matched the query (0 when none did)
 */
public record Scores(double score, double vector, double lexical, double fused, double importance, double decay,
    double sequence) {
}
