package org.somafractal.memory.vector.fastcore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;

/**
 * Single-threaded latency and recall of {@link FastCore} on clustered synthetic unit vectors (1000 centroids, each
 * point the centroid plus N(0, 0.05²) per component, normalised; seeded), for every kernel and with and without the
 * 4-bit pre-scan. Recall@k is measured against a double-precision brute force on a sample of the queries. Prints one
 * JSON object per line.
 *
 * <p>Arguments: {@code --n 100000 --dim 384 --queries 200 --k 10 --seed 42}. Run with
 * {@code --add-modules jdk.incubator.vector} to measure the Panama kernels.
 */
public final class FastCoreBench {
  private static final String TENANT = "bench";
  private static final int CENTROIDS = 1000;
  private static final int RECALL_SAMPLE = 50;

  private FastCoreBench() {
  }

  public static void main(String[] args) {
    int n = intArg(args, "--n", 100_000);
    int dim = intArg(args, "--dim", 384);
    int queries = intArg(args, "--queries", 200);
    int k = intArg(args, "--k", 10);
    long seed = intArg(args, "--seed", 42);

    Random rnd = new Random(seed);
    float[][] centroids = new float[CENTROIDS][];
    for (int c = 0; c < CENTROIDS; c++) {
      centroids[c] = unit(gaussian(rnd, dim, 1.0, null));
    }
    List<Memory> data = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = unit(gaussian(rnd, dim, 0.05, centroids[rnd.nextInt(CENTROIDS)]));
      data.add(new Memory("m" + i, TENANT, null, null, MemoryType.EPISODIC, 1.0, null, "", v, "client", i, i, i, 0,
          i + 1L));
    }
    float[][] qs = new float[queries][];
    for (int q = 0; q < queries; q++) {
      qs[q] = unit(gaussian(rnd, dim, 0.05, centroids[rnd.nextInt(CENTROIDS)]));
    }
    List<Set<String>> truth = new ArrayList<>();
    for (int q = 0; q < Math.min(RECALL_SAMPLE, queries); q++) {
      truth.add(bruteForce(data, qs[q], k));
    }
    System.out.printf(Locale.ROOT, "{\"n\":%d,\"dim\":%d,\"queries\":%d,\"k\":%d,\"seed\":%d,\"recall_sample\":%d}%n",
        n, dim, queries, k, seed, truth.size());

    List<VectorKernels> kernels = new ArrayList<>();
    VectorKernels panama = Kernels.panamaOrNull();
    if (panama != null) {
      kernels.add(panama);
    }
    kernels.add(ScalarKernels.INSTANCE);
    for (VectorKernels kernel : kernels) {
      for (boolean quantized : new boolean[] {false, true}) {
        run(kernel, quantized, dim, data, qs, k, truth);
      }
    }
  }

  private static void run(VectorKernels kernel, boolean quantized, int dim, List<Memory> data, float[][] qs, int k,
      List<Set<String>> truth) {
    FastCore core = new FastCore(dim, 60_000, kernel, quantized, System::currentTimeMillis);
    long t0 = System.nanoTime();
    core.apply(IndexBatch.upserts(data));
    double insertMs = (System.nanoTime() - t0) / 1e6;

    int warmups = Math.max(20, Math.min(qs.length, 2_000_000_000 / (data.size() * dim / 8 + 1)));
    for (int i = 0; i < warmups; i++) {
      core.search(TENANT, qs[i % qs.length], k, MemoryFilter.NONE);
    }
    double[] ms = new double[qs.length];
    long rescored = 0;
    List<List<Hit>> results = new ArrayList<>();
    for (int q = 0; q < qs.length; q++) {
      long s = System.nanoTime();
      List<Hit> hits = core.search(TENANT, qs[q], k, MemoryFilter.NONE);
      ms[q] = (System.nanoTime() - s) / 1e6;
      rescored += core.lastRescored();
      results.add(hits);
    }
    double recall = 0;
    for (int q = 0; q < truth.size(); q++) {
      Set<String> got = new HashSet<>();
      results.get(q).forEach(h -> got.add(h.id()));
      got.retainAll(truth.get(q));
      recall += (double) got.size() / truth.get(q).size();
    }
    recall /= Math.max(1, truth.size());
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT,
        "{\"kernel\":\"%s\",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"mean_ms\":%.3f,\"recall_at_%d\":%.4f,"
            + "\"rescored_mean\":%.1f,\"insert_ms\":%.0f,\"heap_bytes_per_vector\":%d}%n",
        core.kernelName(), sorted[sorted.length / 2], sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)],
        Arrays.stream(ms).average().orElse(0), k, recall, (double) rescored / qs.length, insertMs,
        core.heapBytesPerVector(TENANT));
  }

  private static Set<String> bruteForce(List<Memory> data, float[] query, int k) {
    double[] scores = new double[data.size()];
    Integer[] order = new Integer[data.size()];
    for (int i = 0; i < data.size(); i++) {
      float[] v = data.get(i).vector();
      double s = 0;
      for (int j = 0; j < v.length; j++) {
        s += (double) v[j] * query[j];
      }
      scores[i] = s;
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      ids.add(data.get(order[i]).id());
    }
    return ids;
  }

  /** {@code around} (or zero) plus N(0, sigma²) per component. */
  public static float[] gaussian(Random rnd, int dim, double sigma, float[] around) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) ((around == null ? 0 : around[i]) + rnd.nextGaussian() * sigma);
    }
    return v;
  }

  /** Normalises {@code v} in place and returns it. */
  public static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
