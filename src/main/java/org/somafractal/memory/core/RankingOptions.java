package org.somafractal.memory.core;

/**
 * How candidates are fused and weighted.
 *
 * @param weightedFusion {@code false} = reciprocal rank fusion, {@code true} = weighted sum
 * @param rrfK the k of reciprocal rank fusion
 * @param alpha the vector share of the weighted sum
 * @param importanceWeight w in {@code 1 - w + w × normalised importance}
 * @param halfLifeMs decay half-life on time since last access; 0 turns decay off
 * @param decayFloor the lowest decay weight
 * @param sequenceWeight the share of a candidate's fused relevance its sequence neighbours receive (0 = none); see
 *     {@link Ranking}
 */
public record RankingOptions(boolean weightedFusion, int rrfK, double alpha, double importanceWeight, double halfLifeMs,
    double decayFloor, double sequenceWeight) {
  /** Reciprocal rank fusion with k = 60, importance weight 0.3, no decay, no sequence neighbours. */
  public static final RankingOptions RRF = new RankingOptions(false, 60, 0.5, 0.3, 0, 0.1, 0);

  /** These options with another sequence weight. */
  public RankingOptions withSequenceWeight(double weight) {
    return weight == sequenceWeight ? this
        : new RankingOptions(weightedFusion, rrfK, alpha, importanceWeight, halfLifeMs, decayFloor, weight);
  }
}
