package org.somafractal.memory.vector.fastcore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.MemoryFilter;

/**
 * The exact top-k scan over one {@link Slab}, with the filter evaluated only for slots whose score would enter the
 * current top-k. Scores are computed a block of rows at a time into a reused buffer, so apart from the result list a
 * search allocates nothing.
 *
 * <p>On a quantised slab the scan reads the 4-bit codes (an eighth of the bytes), against the query rounded to
 * integers {@code q ≈ qScale * Q} with {@code |Q| ≤ 63}, in exact integer arithmetic. For a row with code
 * {@code x̂ = scale * (u - 7.5)} the estimate {@code Q·x̂ * qScale} is within
 * {@code |q| * |x - x̂| + |q - qScale * Q| * |x̂|} (plus float rounding) of {@code q·x}, by Cauchy-Schwarz; both norms
 * are known exactly per row and per query. The scan keeps every matching slot whose upper bound reaches the k-th
 * best lower bound seen so far, then rescores them in float, best upper bound first, and stops as soon as an upper
 * bound falls below the k-th best float score. The result is therefore the float scan's, not an approximation of it.
 * When the bounds prune little (the k-th best score sits among rows that all score alike), the slab scans its floats
 * instead ({@link Slab#prefersCodes}): 100 tenants of 1,000 clustered rows asked for 40 candidates rescored 68 % of
 * the rows, and a search took 160 µs through the codes against 104 µs with the switch.
 *
 * <p>Not thread-safe: owned by one {@link FastCore}.
 */
final class SlabSearch {
  private static final int BLOCK = 128;

  private final VectorKernels kernels;
  private final float[] blockScores = new float[BLOCK];
  private final int[] blockSums = new int[BLOCK];
  private final float[] blockUpper = new float[BLOCK];
  private final TopK top = new TopK();
  private final TopK lowerBounds = new TopK();
  private int[] resultSlots = new int[16];
  private float[] resultScores = new float[16];
  /** Candidates as {@link TopK#encode}(upper bound, slot), so that sorting orders them by upper bound. */
  private long[] candidates = new long[1024];
  private int candidateCount;
  private final NibbleQuery nibble = new NibbleQuery();
  /** How many slots the last quantised search rescored in float; for benchmarks. */
  int lastRescored;

  SlabSearch(VectorKernels kernels) {
    this.kernels = kernels;
  }

  List<Hit> search(Slab slab, float[] query, int k, MemoryFilter filter) {
    int bound = Math.min(k, slab.live);
    if (bound <= 0) {
      return List.of();
    }
    top.reset(bound);
    if (slab.prefersCodes()) {
      scanQuantized(slab, query, filter);
      slab.noteRescored(lastRescored);
    } else {
      lastRescored = 0;
      scanFloat(slab, query, filter);
    }
    return results(slab);
  }

  /**
   * The best {@code k} matches {@code graph} finds with a search beam of {@code beam}, or {@code null} when it finds
   * fewer than {@code k} (or all) matching slots, so that the caller scans exactly.
   */
  List<Hit> searchGraph(Slab slab, AnnIndex graph, float[] query, int k, int beam, MemoryFilter filter) {
    int bound = Math.min(k, slab.live);
    if (bound <= 0) {
      return List.of();
    }
    top.reset(bound);
    graph.search(query, Math.max(beam, bound), filter, top);
    return top.full() ? results(slab) : null;
  }

  private void scanFloat(Slab slab, float[] query, MemoryFilter filter) {
    boolean everything = filter.isEmpty();
    float floor = Float.NEGATIVE_INFINITY;
    for (int start = 0; start < slab.highWater; start += BLOCK) {
      int rows = Math.min(BLOCK, slab.highWater - start);
      kernels.dotRows(slab.chunk(start), start & Slab.CHUNK_MASK, rows, slab.dim, query, blockScores);
      for (int r = 0; r < rows; r++) {
        float score = blockScores[r];
        if (score < floor) {
          continue;
        }
        int slot = start + r;
        if (!slab.alive[slot] || !top.accepts(score, slot)
            || !(everything || filter.matches(slab.type(slot), slab.createdAt[slot], slab.terms[slot]))) {
          continue;
        }
        top.offer(score, slot);
        if (top.full()) {
          floor = top.floor();
        }
      }
    }
  }

  private void scanQuantized(Slab slab, float[] query, MemoryFilter filter) {
    boolean everything = filter.isEmpty();
    NibbleQuery q = nibble;
    q.quantize(query, slab.dim, slab.groups * 4 * slab.width);
    float errorWeight = q.errorWeight;
    float normWeight = q.normWeight;
    float offset = NibbleQuery.HALF_RANGE * q.sum;
    lowerBounds.reset(top.boundK());
    candidateCount = 0;
    float tau = Float.NEGATIVE_INFINITY;
    for (int start = 0; start < slab.highWater; start += BLOCK) {
      int rows = Math.min(BLOCK, slab.highWater - start);
      kernels.nibbleDotRows(slab.codes[start >>> Slab.CHUNK_SHIFT], start & Slab.CHUNK_MASK, rows, slab.groups,
          slab.width, q.codes, blockSums);
      kernels.nibbleUpperBounds(blockSums, rows, slab.scales, slab.errors, slab.decodedNorms, start, q.scale,
          offset, errorWeight, normWeight, blockUpper);
      for (int r = 0; r < rows; r++) {
        if (blockUpper[r] < tau) {
          continue;
        }
        int slot = start + r;
        float estimate = slab.scales[slot] * q.scale * (blockSums[r] - offset);
        float slack = errorWeight * slab.errors[slot] + normWeight * slab.decodedNorms[slot];
        float upper = Math.max(blockUpper[r], estimate + slack);
        if (!slab.alive[slot]
            || !(everything || filter.matches(slab.type(slot), slab.createdAt[slot], slab.terms[slot]))) {
          continue;
        }
        lowerBounds.offer(estimate - slack, slot);
        if (lowerBounds.full()) {
          tau = lowerBounds.floor();
        }
        addCandidate(slot, upper, tau);
      }
    }
    rescore(slab, query, tau);
  }

  /** Rescores the candidates that can still reach {@code tau} in float, best upper bound first. */
  private void rescore(Slab slab, float[] query, float tau) {
    int kept = keep(tau);
    Arrays.sort(candidates, 0, kept);
    lastRescored = 0;
    for (int i = kept - 1; i >= 0; i--) {
      float upper = TopK.decodeScore(candidates[i]);
      if (top.full() && upper < top.floor()) {
        break;
      }
      int slot = TopK.decodeSlot(candidates[i]);
      lastRescored++;
      top.offer(kernels.dot(slab.chunk(slot), slab.offset(slot), query, slab.dim), slot);
    }
  }

  private void addCandidate(int slot, float upper, float tau) {
    if (candidateCount == candidates.length) {
      int kept = keep(tau);
      if (kept > candidates.length / 2) {
        candidates = Arrays.copyOf(candidates, candidates.length * 2);
      }
    }
    candidates[candidateCount++] = TopK.encode(upper, slot);
  }

  /** Drops the candidates whose upper bound is under {@code tau}; returns how many remain. */
  private int keep(float tau) {
    int kept = 0;
    for (int i = 0; i < candidateCount; i++) {
      if (TopK.decodeScore(candidates[i]) >= tau) {
        candidates[kept++] = candidates[i];
      }
    }
    candidateCount = kept;
    return kept;
  }

  private List<Hit> results(Slab slab) {
    if (resultSlots.length < top.size()) {
      resultSlots = new int[top.boundK()];
      resultScores = new float[top.boundK()];
    }
    int n = top.drain(resultSlots, resultScores);
    List<Hit> hits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      hits.add(new Hit(slab.ids[resultSlots[i]], resultScores[i]));
    }
    return hits;
  }
}
