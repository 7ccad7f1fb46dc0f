package org.somafractal.memory.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.somafractal.memory.app.StoreBench;
import org.somafractal.memory.vector.fastcore.FastCorePeer;

/**
 * The side-by-side comparison of issue 6: every peer gets the same vectors and the same queries in one JVM run, and
 * reports build time, heap bytes per vector, single-thread search latency (p50/p99 over every query, timed one by
 * one), queries per second with 1 and 2 threads, and recall@10 against the exact float32 scan. Measurements are
 * repeated in {@code --rounds} interleaved rounds (peer A, B, …, then A, B, … again) so that the machine's noise hits
 * every peer alike; the tables show the median and the range over the rounds.
 *
 * <p>Options: {@code --data clustered|locomo} (comma list), {@code --n 10000,100000} (clustered sizes; locomo has its
 * own), {@code --dim 384}, {@code --queries 200}, {@code --k 10}, {@code --rounds 3}, {@code --seconds 3} (per
 * throughput measurement), {@code --peers all} or a comma list of names, {@code --seed 42}, {@code --build-threads 2}
 * and {@code --ann-beam 64} (the fast core's graph), {@code --clusters 1000}, {@code --ann-beams 64,128,256}
 * (after the table, one fast-core graph searched with each beam), {@code --ann-walks floats,codes} (how that graph is
 * walked: by the float rows or the 4-bit codes), {@code --ann-builds floats,codes} (one graph per way its inserts
 * search), {@code --locomo ../shared/data/locomo10.json}, {@code --max-query-seconds 60} (caps the
 * latency phase of a slow peer; fewer queries are then timed, and the table says how many).
 *
 * <p>Run through {@code bin/bench peers …}, which sets the JVM flags; the JSON of every measurement is appended to
 * {@code target/bench/peers.jsonl}.
 */
public final class PeerBench {
  private PeerBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = StoreBench.options(args);
    int dim = Integer.parseInt(o.getOrDefault("dim", "384"));
    int queries = Integer.parseInt(o.getOrDefault("queries", "200"));
    int k = Integer.parseInt(o.getOrDefault("k", "10"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    double seconds = Double.parseDouble(o.getOrDefault("seconds", "3"));
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    int buildThreads = Integer.parseInt(o.getOrDefault("build-threads", "2"));
    int annBeam = Integer.parseInt(o.getOrDefault("ann-beam", "64"));
    int clusters = Integer.parseInt(o.getOrDefault("clusters", "1000"));
    List<Integer> extraBeams = o.containsKey("ann-beams")
        ? Arrays.stream(o.get("ann-beams").split(",")).map(Integer::parseInt).toList() : List.of();
    List<String> walks = List.of(o.getOrDefault("ann-walks", "codes").split(","));
    List<String> builds = List.of(o.getOrDefault("ann-builds", "codes").split(","));
    double maxQuerySeconds = Double.parseDouble(o.getOrDefault("max-query-seconds", "60"));
    List<String> peers = List.of(o.getOrDefault("peers", "all").split(","));
    Path out = Path.of("target", "bench", "peers.jsonl");
    Files.createDirectories(out.getParent());

    System.out.printf(Locale.ROOT, "# %s, JDK %s, %d CPUs, fast core kernels %s, load average %s%n", Instant.now(),
        Runtime.version(), Runtime.getRuntime().availableProcessors(), FastCorePeer.exactFloat().describe(),
        loadAverage());
    for (String dataName : o.getOrDefault("data", "clustered").split(",")) {
      List<Integer> sizes = dataName.equals("locomo") ? List.of(0)
          : Arrays.stream(o.getOrDefault("n", "10000,100000").split(",")).map(Integer::parseInt).toList();
      for (int n : sizes) {
        Dataset data = dataName.equals("locomo")
            ? Dataset.locomo(Path.of(o.getOrDefault("locomo", "../shared/data/locomo10.json")),
                Path.of("target", "bench-cache"))
            : Dataset.clustered(n, dim, queries, seed, clusters);
        if (data.queries().length > queries) {
          data = new Dataset(data.name(), data.dim(), data.vectors(), Arrays.copyOf(data.queries(), queries));
        }
        run(data, peers, k, rounds, seconds, buildThreads, annBeam, maxQuerySeconds, out);
        if (!extraBeams.isEmpty()) {
          beamSweep(data, k, buildThreads, extraBeams, builds, walks, rounds, seconds);
        }
      }
    }
  }

  private static void run(Dataset data, List<String> names, int k, int rounds, double seconds, int buildThreads,
      int annBeam, double maxQuerySeconds, Path out) throws Exception {
    System.out.printf(Locale.ROOT, "%n## %s, n = %,d, d = %d, %d queries, top %d, %d rounds; load average %s%n",
        data.name(), data.size(), data.dim(), data.queries().length, k, rounds, loadAverage());
    boolean hold = (long) data.size() * data.dim() <= 100_000_000L;
    List<Peer> peers = new ArrayList<>();
    for (String name : List.of("fastcore-float32", "fastcore-4bit+rescore", "fastcore-ann", "lucene-hnsw", "jvector",
        "langchain4j-inmemory")) {
      if (names.contains("all") || names.contains(name)) {
        peers.add(create(name, buildThreads, annBeam));
      }
    }
    Map<String, Result> results = new LinkedHashMap<>();
    int[][] truth = null;
    for (Peer peer : peers) {
      results.put(peer.name(), new Result());
    }
    if (hold) {
      for (Peer peer : peers) {
        build(peer, data, results.get(peer.name()));
        if (truth == null) {
          truth = truthOf(peer, data, k);
        }
      }
      for (int round = 0; round < rounds; round++) {
        for (Peer peer : peers) {
          measure(peer, data, k, truth, seconds, maxQuerySeconds, results.get(peer.name()), round);
        }
      }
    } else {
      for (Peer peer : peers) {
        build(peer, data, results.get(peer.name()));
        if (truth == null) {
          truth = truthOf(peer, data, k);
        }
        for (int round = 0; round < rounds; round++) {
          measure(peer, data, k, truth, seconds, maxQuerySeconds, results.get(peer.name()), round);
        }
        // Described before closing: a closed peer may not answer (Lucene's reader).
        results.get(peer.name()).describe = peer.describe();
        peer.close();
      }
    }
    if (hold) {
      for (Peer peer : peers) {
        results.get(peer.name()).describe = peer.describe();
        peer.close();
      }
    }
    report(data, k, results, out);
  }

  /** One fast-core graph, searched with each beam in turn: recall against latency without rebuilding. */
  private static void beamSweep(Dataset data, int k, int buildThreads, List<Integer> beams, List<String> builds,
      List<String> walks, int rounds, double seconds) throws Exception {
    FastCorePeer exact = FastCorePeer.exactQuantized();
    exact.build(data);
    int[][] truth = truthOf(exact, data, k);
    exact.close();
    List<String> rows = new ArrayList<>();
    for (String buildMode : builds) {
      FastCorePeer peer = FastCorePeer.graph(buildThreads, beams.get(0));
      peer.codeBuild(buildMode.equals("codes"));
      Result built = new Result();
      build(peer, data, built);
      for (int round = 0; round < rounds; round++) {
        for (int beam : beams) {
          for (String walk : walks) {
            peer.searchBeam(beam);
            peer.codeWalk(walk.equals("codes"));
            Result r = new Result();
            measure(peer, data, k, truth, seconds, 60, r, round);
            rows.add(String.format(Locale.ROOT, "| %s (%.0f s) | %d | %s | %d | %.2f | %.2f | %,.0f | %.4f |",
                buildMode, built.buildSeconds, beam, walk, round + 1, r.p50.get(0), r.p99.get(0), r.qps1.get(0),
                r.recall));
          }
        }
      }
      peer.close();
    }
    System.out.printf(Locale.ROOT, "%n| build (time) | search beam | walk | round | p50 ms | p99 ms | queries/s, 1 thread"
        + " | recall@%d |%n|---|---|---|---|---|---|---|---|%n", k);
    rows.forEach(System.out::println);
  }

  private static Peer create(String name, int buildThreads, int annBeam) {
    return switch (name) {
      case "fastcore-float32" -> FastCorePeer.exactFloat();
      case "fastcore-4bit+rescore" -> FastCorePeer.exactQuantized();
      case "fastcore-ann" -> FastCorePeer.graph(buildThreads, annBeam);
      case "lucene-hnsw" -> new LucenePeer(16, 100, 64);
      case "jvector" -> new JVectorPeer(16, 100, 64);
      case "langchain4j-inmemory" -> new Langchain4jPeer();
      default -> throw new IllegalArgumentException("unknown peer " + name);
    };
  }

  /** The exact answers: those of the first peer, which is the exact float32 scan unless the peers say otherwise. */
  private static int[][] truthOf(Peer peer, Dataset data, int k) throws Exception {
    if (!peer.name().startsWith("fastcore-float32") && !peer.name().startsWith("fastcore-4bit")) {
      FastCorePeer exact = FastCorePeer.exactFloat();
      exact.build(data);
      int[][] truth = truthOf(exact, data, k);
      exact.close();
      return truth;
    }
    int[][] truth = new int[data.queries().length][];
    for (int q = 0; q < truth.length; q++) {
      truth[q] = peer.search(data.queries()[q], k);
    }
    return truth;
  }

  private static void build(Peer peer, Dataset data, Result result) throws Exception {
    long before = heapAfterGc();
    long t0 = System.nanoTime();
    peer.build(data);
    result.buildSeconds = (System.nanoTime() - t0) / 1e9;
    result.heapBytesPerVector = (double) (heapAfterGc() - before) / data.size();
    System.out.printf(Locale.ROOT, "built %-22s in %7.1f s, %6.0f heap bytes per vector (load %s)%n", peer.name(),
        result.buildSeconds, result.heapBytesPerVector, loadAverage());
  }

  private static void measure(Peer peer, Dataset data, int k, int[][] truth, double seconds, double maxQuerySeconds,
      Result result, int round) throws Exception {
    float[][] qs = data.queries();
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < qs.length && (i < 50 || System.nanoTime() < warmEnd); i++) {
      peer.search(qs[i], k);
    }
    double[] ms = new double[qs.length];
    double recall = 0;
    int timed = 0;
    long deadline = System.nanoTime() + (long) (maxQuerySeconds * 1e9);
    for (int q = 0; q < qs.length && (timed < 20 || System.nanoTime() < deadline); q++) {
      long s = System.nanoTime();
      int[] rows = peer.search(qs[q], k);
      ms[q] = (System.nanoTime() - s) / 1e6;
      recall += overlap(rows, truth[q]) / (double) Math.min(k, truth[q].length);
      timed++;
    }
    double[] sorted = Arrays.copyOf(ms, timed);
    Arrays.sort(sorted);
    double p50 = sorted[timed / 2];
    double p99 = sorted[Math.min(timed - 1, (int) Math.ceil(timed * 0.99) - 1)];
    double qps1 = throughput(peer, qs, k, 1, seconds);
    double qps2 = throughput(peer, qs, k, 2, seconds);
    result.p50.add(p50);
    result.p99.add(p99);
    result.qps1.add(qps1);
    result.qps2.add(qps2);
    result.recall = recall / timed;
    result.timedQueries = timed;
    result.loads.add(loadAverage());
    System.out.printf(Locale.ROOT,
        "round %d %-22s p50 %8.3f ms  p99 %8.3f ms  qps(1) %8.1f  qps(2) %8.1f  recall@%d %.4f  (%d queries, load %s)%n",
        round + 1, peer.name(), p50, p99, qps1, qps2, k, result.recall, timed, loadAverage());
  }

  private static double throughput(Peer peer, float[][] qs, int k, int threads, double seconds)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t * qs.length / threads;
      workers.add(Thread.ofPlatform().start(() -> {
        int i = offset;
        while (!stop.get()) {
          try {
            peer.search(qs[i++ % qs.length], k);
            done.incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(peer.name() + ": " + failed.get() + " searches failed");
    }
    return done.get() / elapsed;
  }

  private static int overlap(int[] rows, int[] truth) {
    int hits = 0;
    for (int r : rows) {
      for (int t : truth) {
        if (r == t) {
          hits++;
          break;
        }
      }
    }
    return hits;
  }

  private static void report(Dataset data, int k, Map<String, Result> results, Path out) throws IOException {
    Result reference = results.get("fastcore-4bit+rescore");
    System.out.printf(Locale.ROOT, "%n| peer | build s | heap B/vector (× %d B of float32) | p50 ms | p99 ms | "
        + "queries/s, 1 thread | queries/s, 2 threads | recall@%d | p50 / fast core 4-bit p50 |%n"
        + "|---|---|---|---|---|---|---|---|---|%n", 4 * data.dim(), k);
    StringBuilder json = new StringBuilder();
    for (Map.Entry<String, Result> e : results.entrySet()) {
      Result r = e.getValue();
      String ratio = reference == null ? "" : String.format(Locale.ROOT, "%.2f×", median(r.p50) / median(reference.p50));
      System.out.printf(Locale.ROOT, "| %s | %.1f | %,.0f (%.2f×) | %s | %s | %s | %s | %.4f%s | %s |%n", e.getKey(),
          r.buildSeconds, r.heapBytesPerVector, r.heapBytesPerVector / (4.0 * data.dim()), spread(r.p50, "%.2f"),
          spread(r.p99, "%.2f"), spread(r.qps1, "%,.0f"), spread(r.qps2, "%,.0f"), r.recall,
          r.timedQueries < data.queries().length ? " (" + r.timedQueries + " queries)" : "", ratio);
      json.append(String.format(Locale.ROOT,
          "{\"at\":\"%s\",\"data\":\"%s\",\"n\":%d,\"dim\":%d,\"queries\":%d,\"k\":%d,\"peer\":\"%s\","
              + "\"describe\":\"%s\",\"build_s\":%.2f,\"heap_bytes_per_vector\":%.0f,\"p50_ms\":%s,\"p99_ms\":%s,"
              + "\"qps1\":%s,\"qps2\":%s,\"recall\":%.4f,\"timed_queries\":%d,\"loads\":\"%s\"}%n",
          Instant.now(), data.name(), data.size(), data.dim(), data.queries().length, k, e.getKey(),
          r.describe.replace("\"", "'"), r.buildSeconds, r.heapBytesPerVector, r.p50, r.p99, r.qps1, r.qps2,
          r.recall, r.timedQueries, String.join(" | ", r.loads)));
    }
    for (Map.Entry<String, Result> e : results.entrySet()) {
      System.out.printf("- %s: %s%n", e.getKey(), e.getValue().describe);
    }
    Files.writeString(out, json, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String spread(List<Double> values, String format) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    String median = String.format(Locale.ROOT, format, median(values));
    return v.length < 2 ? median : median + " (" + String.format(Locale.ROOT, format, v[0]) + "–"
        + String.format(Locale.ROOT, format, v[v.length - 1]) + ")";
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }


  /** The measurements of one peer over the rounds. */
  private static final class Result {
    double buildSeconds;
    double heapBytesPerVector;
    final List<Double> p50 = new ArrayList<>();
    final List<Double> p99 = new ArrayList<>();
    final List<Double> qps1 = new ArrayList<>();
    final List<Double> qps2 = new ArrayList<>();
    final List<String> loads = new ArrayList<>();
    double recall;
    int timedQueries;
    String describe = "";
  }
}
