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
 * <p>On a quantised slab the scan reads the int8 codes (a quarter of the bytes) and keeps every slot whose upper
 * bound {@code approx + |q| * err} could still reach the k-th best lower bound seen so far; only those are rescored
 * with the float kernel. Since the bound covers both the quantisation error and float rounding, the result is the
 * same as a float scan's, not an approximation of it.
 *
 * <p>Not thread-safe: owned by one {@link FastCore}.
 */
final class SlabSearch {
  private static final int BLOCK = 128;

  private final VectorKernels kernels;
  private final float[] blockScores = new float[BLOCK];
  private final TopK top = new TopK();
  private final TopK lowerBounds = new TopK();
  private int[] resultSlots = new int[16];
  private float[] resultScores = new float[16];
  private int[] candidates = new int[1024];
  private float[] candidateUpper = new float[1024];
  private int candidateCount;
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
    if (slab.codes != null) {
      scanQuantized(slab, query, filter);
    } else {
      scanFloat(slab, query, filter);
    }
    return results(slab);
  }

  private void scanFloat(Slab slab, float[] query, MemoryFilter filter) {
    boolean everything = filter.isEmpty();
    float floor = Float.NEGATIVE_INFINITY;
    for (int start = 0; start < slab.highWater; start += BLOCK) {
      int rows = Math.min(BLOCK, slab.highWater - start);
      kernels.dotRows(slab.vectors, start, rows, slab.dim, query, blockScores);
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
    float queryNorm = norm(query);
    lowerBounds.reset(top.boundK());
    candidateCount = 0;
    float tau = Float.NEGATIVE_INFINITY;
    for (int start = 0; start < slab.highWater; start += BLOCK) {
      int rows = Math.min(BLOCK, slab.highWater - start);
      kernels.dotByteRows(slab.codes, start, rows, slab.dim, query, blockScores);
      for (int r = 0; r < rows; r++) {
        int slot = start + r;
        float approx = blockScores[r] * slab.scales[slot];
        float slack = queryNorm * slab.errors[slot];
        float upper = approx + slack;
        if (upper < tau || !slab.alive[slot]
            || !(everything || filter.matches(slab.type(slot), slab.createdAt[slot], slab.terms[slot]))) {
          continue;
        }
        lowerBounds.offer(approx - slack, slot);
        if (lowerBounds.full()) {
          tau = lowerBounds.floor();
        }
        addCandidate(slot, upper, tau);
      }
    }
    lastRescored = 0;
    for (int i = 0; i < candidateCount; i++) {
      if (candidateUpper[i] >= tau) {
        lastRescored++;
        int slot = candidates[i];
        top.offer(kernels.dot(slab.vectors, slot * slab.dim, query, slab.dim), slot);
      }
    }
  }

  private void addCandidate(int slot, float upper, float tau) {
    if (candidateCount == candidates.length) {
      int kept = 0;
      for (int i = 0; i < candidateCount; i++) {
        if (candidateUpper[i] >= tau) {
          candidates[kept] = candidates[i];
          candidateUpper[kept++] = candidateUpper[i];
        }
      }
      candidateCount = kept;
      if (kept > candidates.length / 2) {
        candidates = Arrays.copyOf(candidates, candidates.length * 2);
        candidateUpper = Arrays.copyOf(candidateUpper, candidates.length);
      }
    }
    candidates[candidateCount] = slot;
    candidateUpper[candidateCount++] = upper;
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

  private static float norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.nextUp((float) Math.sqrt(sum));
  }
}
