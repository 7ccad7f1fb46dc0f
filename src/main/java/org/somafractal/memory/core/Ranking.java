package org.somafractal.memory.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns index candidates into the final ranking: fuse the vector and lexical lists, then weight by importance and
 * decay. Pure and deterministic (ties break on id), so it is tested without any I/O.
 *
 * <p>Hybrid fusion is reciprocal rank fusion ({@code Σ 1/(k + rank)}, rank from 1) or a weighted sum. Cosine and BM25
 * live on incomparable scales, and cosines differ by model: one model's candidates span 0.2–0.6, another's (E5)
 * 0.75–0.9. So the weighted sum puts both on the query's own scale: BM25 over the query's best BM25, and the cosine
 * min-max over the vector candidates, from 0 at the {@value #COSINE_SCALE_RANK}th (or the last) to 1 at the best.
 * Negative cosines count as 0, as in the seed. The importance weight is {@code 1 - w + w × norm(importance)}, and the decay weight is
 * {@code floor + (1 - floor) × 0.5^(age / (halfLife × (1 + ln(1 + accessCount))))} on the time since last access:
 * frequently used memories fade more slowly, and neither weight can zero a score.
 */
public final class Ranking {
  /**
   * The rank of the vector candidate at which the weighted fusion's cosine scale reaches 0 (the last one, when there
   * are fewer). Fixed, so that the pages of one search, which ask the indexes for more candidates the deeper they
   * go, share one scale; a hybrid search asks the vector index for at least this many.
   */
  public static final int COSINE_SCALE_RANK = 40;

  private Ranking() {
  }

  /**
   * {@link #rank(SearchMode, float[], List, List, Map, Map, ImportanceScale, RankingOptions, long)} with no neighbours
   * and no query vector.
   */
  public static List<Ranked> rank(SearchMode mode, List<Hit> vectorHits, List<Hit> lexicalHits,
      Map<String, Memory> memories, ImportanceScale scale, RankingOptions options, long now) {
    return rank(mode, null, vectorHits, lexicalHits, memories, Map.of(), scale, options, now);
  }

  /**
   * {@link #rank(SearchMode, float[], List, List, Map, Map, ImportanceScale, RankingOptions, long)} without the
   * query's vector.
   */
  public static List<Ranked> rank(SearchMode mode, List<Hit> vectorHits, List<Hit> lexicalHits,
      Map<String, Memory> memories, Map<String, Memory> neighbors, ImportanceScale scale, RankingOptions options,
      long now) {
    return rank(mode, null, vectorHits, lexicalHits, memories, neighbors, scale, options, now);
  }

  /**
   * Ranks the candidates found in {@code memories}; candidates whose memory is missing (deleted meanwhile) are
   * dropped. With a sequence weight w, each memory whose coordinate is a candidate's sequence neighbour (its last axis
   * ±1, {@link Coordinate#sequenceNeighborKeys}) gains w × that candidate's fused relevance (the best one, when it
   * neighbours two), and a neighbour that no index proposed joins the ranking with that relevance alone: the turn
   * that answers a question is often the reply to, or the question before, the turn that matches it.
   *
   * <p>What is lent is w × the candidate's fused relevance above what a memory that no index proposed would have:
   * 0, except in vector mode, where that is the cosine of the vector index's last candidate. So a candidate lends
   * what sets it apart, not the level every memory of the query shares (an E5 model gives all of them a cosine of
   * 0.8 or so, and lending a share of the whole lifted a weak match's neighbours above better matches).
   *
   * <p>With the query's (unit) vector, a hybrid candidate that only the lexical index proposed gets its real cosine
   * from its stored vector instead of 0: the vector index returns a cut list, and a memory just below its cut is
   * not dissimilar. Under weighted fusion that cosine counts; reciprocal rank fusion has no rank for it and ignores it.
   *
   * @param queryVector the query's unit vector, or {@code null} when the search has none
   * @param vectorHits vector candidates, best first (may be empty)
   * @param lexicalHits lexical candidates, best first (may be empty)
   * @param neighbors by coordinate key, sequence neighbours of candidates that match the search's filter (may include
   *     candidates)
   * @return every candidate and lent-to neighbour with its scores, best first
   */
  public static List<Ranked> rank(SearchMode mode, float[] queryVector, List<Hit> vectorHits, List<Hit> lexicalHits,
      Map<String, Memory> memories, Map<String, Memory> neighbors, ImportanceScale scale, RankingOptions options,
      long now) {
    Map<String, double[]> parts = new HashMap<>();
    for (int i = 0; i < vectorHits.size(); i++) {
      Hit hit = vectorHits.get(i);
      double[] p = parts.computeIfAbsent(hit.id(), id -> new double[] {Double.NaN, Double.NaN, 0, 0});
      p[0] = hit.score();
      p[2] = i + 1;
    }
    // the weighted fusion's cosine scale: from the vector candidates' best cosine to the one at the scale's rank
    double topCosine = vectorHits.isEmpty() ? Double.NaN : vectorHits.get(0).score();
    double scaleCosine = vectorHits.isEmpty() ? Double.NaN
        : vectorHits.get(Math.min(vectorHits.size(), COSINE_SCALE_RANK) - 1).score();
    double lastCosine = vectorHits.isEmpty() ? Double.NaN : vectorHits.get(vectorHits.size() - 1).score();
    double bestLexical = 0;
    for (int i = 0; i < lexicalHits.size(); i++) {
      Hit hit = lexicalHits.get(i);
      double[] p = parts.computeIfAbsent(hit.id(), id -> new double[] {Double.NaN, Double.NaN, 0, 0});
      p[1] = hit.score();
      p[3] = i + 1;
      bestLexical = Math.max(bestLexical, hit.score());
    }
    Map<String, Memory> ranked = new HashMap<>(parts.size() * 2);
    Map<String, Double> fusedById = new HashMap<>(parts.size() * 2);
    for (Map.Entry<String, double[]> e : parts.entrySet()) {
      Memory memory = memories.get(e.getKey());
      if (memory != null) {
        if (mode == SearchMode.HYBRID && Double.isNaN(e.getValue()[0])) {
          e.getValue()[0] = cosine(queryVector, memory.vector());
        }
        ranked.put(memory.id(), memory);
        fusedById.put(memory.id(), fuse(mode, e.getValue(), topCosine, scaleCosine, bestLexical, options));
      }
    }
    // what a memory that no index proposed would have: no BM25, no rank, no cosine above the vector candidates'
    // last; only in vector mode is that more than 0
    double floor = mode == SearchMode.VECTOR && !vectorHits.isEmpty() ? Math.max(0, lastCosine) : 0;
    Map<String, Double> lent = options.sequenceWeight() > 0 ? lend(ranked, fusedById, neighbors, floor, options)
        : Map.of();
    List<Ranked> out = new ArrayList<>(ranked.size() + lent.size());
    for (Memory memory : ranked.values()) {
      double[] p = parts.get(memory.id());
      out.add(ranked(memory, p[0], p[1], fusedById.get(memory.id()), lent.getOrDefault(memory.id(), 0.0), scale,
          options, now));
    }
    for (Memory memory : neighbors.values()) {
      Double share = lent.get(memory.id());
      if (share != null && !ranked.containsKey(memory.id())) {
        out.add(ranked(memory, Double.NaN, Double.NaN, 0, share, scale, options, now));
      }
    }
    out.sort(Comparator.comparingDouble((Ranked r) -> -r.scores().score()).thenComparing(r -> r.memory().id()));
    return out;
  }

  /** What each memory receives from the candidates it is a sequence neighbour of, by id. */
  private static Map<String, Double> lend(Map<String, Memory> candidates, Map<String, Double> fusedById,
      Map<String, Memory> neighbors, double floor, RankingOptions options) {
    Map<String, Memory> byKey = new HashMap<>(neighbors);
    candidates.values().forEach(m -> byKey.put(m.key(), m));
    Map<String, Double> lent = new HashMap<>();
    for (Memory candidate : candidates.values()) {
      double share = options.sequenceWeight() * (fusedById.get(candidate.id()) - floor);
      if (share <= 0) {
        continue;
      }
      for (String key : candidate.coordinate().sequenceNeighborKeys()) {
        Memory neighbor = byKey.get(key);
        if (neighbor != null) {
          lent.merge(neighbor.id(), share, Math::max);
        }
      }
    }
    return lent;
  }

  private static Ranked ranked(Memory memory, double cosine, double bm25, double fused, double sequence,
      ImportanceScale scale, RankingOptions options, long now) {
    double relevance = fused + sequence;
    double importance = 1 - options.importanceWeight() + options.importanceWeight() * scale.normalize(memory.importance());
    double decay = decay(memory, options, now);
    return new Ranked(memory, new Scores(relevance * importance * decay, cosine, bm25, relevance, importance, decay,
        sequence));
  }

  private static double fuse(SearchMode mode, double[] p, double topCosine, double scaleCosine, double bestLexical,
      RankingOptions options) {
    double cosine = Double.isNaN(p[0]) ? 0 : Math.max(0, p[0]);
    double bm25 = Double.isNaN(p[1]) ? 0 : p[1];
    return switch (mode) {
      case VECTOR -> cosine;
      case LEXICAL -> bm25;
      case HYBRID -> {
        if (options.weightedFusion()) {
          double lexical = bestLexical > 0 ? bm25 / bestLexical : 0;
          yield options.alpha() * relativeCosine(p[0], topCosine, scaleCosine) + (1 - options.alpha()) * lexical;
        }
        double rrf = 0;
        if (p[2] > 0) {
          rrf += 1.0 / (options.rrfK() + p[2]);
        }
        if (p[3] > 0) {
          rrf += 1.0 / (options.rrfK() + p[3]);
        }
        yield rrf;
      }
    };
  }

  /**
   * {@code cosine} on the query's scale: 0 at or below {@code last}, 1 at {@code top}; 0 when the cosine is unknown
   * or there are no vector candidates, and 1 for any cosine at the top when the two ends tie.
   */
  static double relativeCosine(double cosine, double top, double last) {
    if (Double.isNaN(cosine) || Double.isNaN(top)) {
      return 0;
    }
    double span = top - last;
    if (span <= 1e-9) {
      return cosine >= last ? 1 : 0;
    }
    return Math.max(0, Math.min(1, (cosine - last) / span));
  }

  /** {@code q · v} of two unit vectors, or NaN when either is missing or their dimensions differ. */
  private static double cosine(float[] q, float[] v) {
    if (q == null || v == null || q.length != v.length) {
      return Double.NaN;
    }
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * v[i];
    }
    return dot;
  }

  /** The decay weight of a memory at {@code now}. */
  public static double decay(Memory memory, RankingOptions options, long now) {
    if (options.halfLifeMs() <= 0) {
      return 1.0;
    }
    double age = Math.max(0, now - memory.lastAccessedAt());
    double halfLife = options.halfLifeMs() * (1 + Math.log1p(Math.max(0, memory.accessCount())));
    double d = Math.pow(0.5, age / halfLife);
    return options.decayFloor() + (1 - options.decayFloor()) * d;
  }
}
