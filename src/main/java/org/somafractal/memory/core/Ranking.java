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
 * <p>Hybrid fusion is reciprocal rank fusion by default ({@code Σ 1/(k + rank)}, rank from 1) because cosine and BM25
 * live on incomparable scales; the weighted sum normalises BM25 by the query's best BM25 instead. Negative cosines
 * count as 0, as in the seed. The importance weight is {@code 1 - w + w × norm(importance)}, and the decay weight is
 * {@code floor + (1 - floor) × 0.5^(age / (halfLife × (1 + ln(1 + accessCount))))} on the time since last access:
 * frequently used memories fade more slowly, and neither weight can zero a score.
 */
public final class Ranking {
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
        fusedById.put(memory.id(), fuse(mode, e.getValue(), bestLexical, options));
      }
    }
    Map<String, Double> lent = options.sequenceWeight() > 0 ? lend(ranked, fusedById, neighbors, options)
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
      Map<String, Memory> neighbors, RankingOptions options) {
    Map<String, Memory> byKey = new HashMap<>(neighbors);
    candidates.values().forEach(m -> byKey.put(m.key(), m));
    Map<String, Double> lent = new HashMap<>();
    for (Memory candidate : candidates.values()) {
      double share = options.sequenceWeight() * fusedById.get(candidate.id());
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

  private static double fuse(SearchMode mode, double[] p, double bestLexical, RankingOptions options) {
    double cosine = Double.isNaN(p[0]) ? 0 : Math.max(0, p[0]);
    double bm25 = Double.isNaN(p[1]) ? 0 : p[1];
    return switch (mode) {
      case VECTOR -> cosine;
      case LEXICAL -> bm25;
      case HYBRID -> {
        if (options.weightedFusion()) {
          double lexical = bestLexical > 0 ? bm25 / bestLexical : 0;
          yield options.alpha() * cosine + (1 - options.alpha()) * lexical;
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
