package org.somafractal.memory.vector.fastcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.somafractal.memory.vector.fastcore.TestVectors.add;
import static org.somafractal.memory.vector.fastcore.TestVectors.exactDot;
import static org.somafractal.memory.vector.fastcore.TestVectors.unit;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;

/**
 * The fast core's approximate mode: a graph per large tenant, built in the background. Recall on a seeded clustered
 * set is checked against a threshold (a correctness test, not a timing one); fresh writes, deletes, updates, filters
 * and the switch back to exact scans are checked exactly.
 */
class FastCoreGraphTest {
  private static final int DIM = 64;
  private static final String T = "big";
  private static final int THRESHOLD = 2_000;

  private final List<FastCore> cores = new ArrayList<>();
  private long seq;

  @AfterEach
  void close() {
    cores.forEach(FastCore::close);
  }

  private FastCore core(int threads) {
    return core(threads, true);
  }

  private FastCore core(int threads, boolean quantized) {
    FastCore core = new FastCore(DIM, 60_000, Kernels.best(), quantized, System::currentTimeMillis, THRESHOLD, threads,
        AnnIndex.SEARCH_BEAM);
    cores.add(core);
    return core;
  }

  /** Quantised, the graph is built and walked by the 4-bit codes (by default); unquantised, by the floats. */
  @ParameterizedTest(name = "quantised: {0}")
  @ValueSource(booleans = {true, false})
  void aGraphIsBuiltAboveTheThresholdAndFindsTheTrueNeighbours(boolean quantized) {
    Random rnd = new Random(17);
    List<Memory> data = clustered(rnd, 12_000, 120);
    FastCore core = core(2, quantized);
    core.apply(IndexBatch.upserts(data.subList(0, THRESHOLD - 1)));
    assertThat(core.graphNodes(T)).isZero();
    core.apply(IndexBatch.upserts(data.subList(THRESHOLD - 1, data.size())));
    // Searches are exact while the graph is built, and answer right away.
    float[] first = data.get(5).vector();
    assertThat(core.search(T, first, 1, MemoryFilter.NONE)).extracting(Hit::id).containsExactly("m5");
    awaitGraph(core);

    Map<String, float[]> vectors = byId(data);
    // Walked by the 4-bit codes (the default, when quantised) and by the floats, the graph finds the true
    // neighbours, and every returned score is the exact one.
    for (boolean codes : new boolean[] {true, false}) {
      core.codeWalk(codes);
      Random queries = new Random(5);
      double recall = 0;
      int count = 40;
      for (int q = 0; q < count; q++) {
        float[] query = unit(add(data.get(queries.nextInt(data.size())).vector(), gaussian(queries, 0.05)));
        List<Hit> hits = core.search(T, query, 10, MemoryFilter.NONE);
        assertThat(hits).hasSize(10);
        List<Memory> truth = reference(data, query, 10, m -> true);
        Set<String> expected = new HashSet<>(truth.stream().map(Memory::id).toList());
        recall += hits.stream().filter(h -> expected.contains(h.id())).count() / 10.0;
        for (Hit h : hits) {
          assertThat((double) h.score()).isCloseTo(exactDot(vectors.get(h.id()), query), within(1e-5));
        }
        assertThat(hits).isSortedAccordingTo(Comparator.comparing(Hit::score).reversed());
      }
      assertThat(recall / count).as(codes ? "walked by codes" : "walked by floats").isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void freshWritesDeletesAndUpdatesAreSeenByTheNextSearch() {
    Random rnd = new Random(23);
    List<Memory> data = clustered(rnd, 6_000, 60);
    FastCore core = core(1);
    core.apply(IndexBatch.upserts(data));
    awaitGraph(core);

    float[] fresh = unit(gaussian(rnd, 1));
    core.apply(IndexBatch.upserts(List.of(memory("fresh", fresh))));
    assertThat(core.search(T, fresh, 1, MemoryFilter.NONE)).containsExactly(new Hit("fresh", kernelDot(fresh, fresh)));

    float[] doomed = data.get(100).vector();
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m100", "k", ++seq))));
    assertThat(core.search(T, doomed, 20, MemoryFilter.NONE)).extracting(Hit::id).doesNotContain("m100");

    float[] oldVector = data.get(200).vector();
    float[] newVector = unit(gaussian(rnd, 1));
    core.apply(IndexBatch.upserts(List.of(memory("m200", newVector))));
    assertThat(core.search(T, newVector, 1, MemoryFilter.NONE)).extracting(Hit::id).containsExactly("m200");
    List<Hit> byOld = core.search(T, oldVector, 20, MemoryFilter.NONE);
    assertThat(byOld).filteredOn(h -> h.id().equals("m200"))
        .allSatisfy(h -> assertThat((double) h.score()).isCloseTo(exactDot(newVector, oldVector), within(1e-5)));
    assertThat(core.count(T)).isEqualTo(data.size());
  }

  /**
   * The newest rows, compared beside the graph's answer, are skipped when their 4-bit bound cannot enter the top:
   * with many fresh memories near the query, most of them compete, and the answer must still be the exact one.
   */
  @Test
  void theNewestRowsGiveTheExactTopEvenWhenTheirBoundsPruneThem() {
    Random rnd = new Random(31);
    List<Memory> data = clustered(rnd, 6_000, 60);
    FastCore core = core(1);
    core.apply(IndexBatch.upserts(data));
    awaitGraph(core);

    float[] direction = unit(gaussian(rnd, 1));
    List<Memory> fresh = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      fresh.add(memory("fresh" + i, unit(add(direction, gaussian(rnd, 0.05)))));
    }
    core.apply(IndexBatch.upserts(fresh));
    List<Memory> all = new ArrayList<>(data);
    all.addAll(fresh);

    for (int q = 0; q < 20; q++) {
      float[] query = q == 0 ? direction : unit(add(direction, gaussian(rnd, 0.05)));
      List<Hit> hits = core.search(T, query, 20, MemoryFilter.NONE);
      // Scores rank by rank against every memory's kernel score (ties need no order), each hit's own score exact.
      List<Float> expected = all.stream().map(m -> kernelDot(m.vector(), query))
          .sorted(Comparator.reverseOrder()).limit(20).toList();
      assertThat(hits).extracting(Hit::score).containsExactlyElementsOf(expected);
      Map<String, float[]> vectors = byId(all);
      assertThat(hits).allSatisfy(h -> assertThat(h.score()).isEqualTo(kernelDot(vectors.get(h.id()), query)));
    }
  }

  @Test
  void selectiveFiltersScanExactlyAndBroadOnesStillFillK() {
    Random rnd = new Random(29);
    List<Memory> data = new ArrayList<>();
    List<Memory> plain = clustered(rnd, 8_000, 80);
    for (int i = 0; i < plain.size(); i++) {
      Memory m = plain.get(i);
      String project = i % 100 == 0 ? "rare" : i % 2 == 0 ? "even" : "odd";
      data.add(new Memory(m.id(), T, null, null, i % 100 == 0 ? MemoryType.SEMANTIC : MemoryType.EPISODIC, 1.0,
          new JsonObject().put("project", project), "", m.vector(), "client", 0, 0, 0, 0, m.seq()));
    }
    FastCore core = core(1);
    core.apply(IndexBatch.upserts(data));
    awaitGraph(core);

    MemoryFilter rare = MemoryFilter.of(null, new JsonObject().put("project", "rare"), Long.MIN_VALUE, Long.MAX_VALUE);
    MemoryFilter semantic = MemoryFilter.of(EnumSet.of(MemoryType.SEMANTIC), null, Long.MIN_VALUE, Long.MAX_VALUE);
    MemoryFilter even = MemoryFilter.of(null, new JsonObject().put("project", "even"), Long.MIN_VALUE, Long.MAX_VALUE);
    for (int q = 0; q < 10; q++) {
      float[] query = data.get(rnd.nextInt(data.size())).vector();
      List<Memory> rareTruth = reference(data, query, 10, m -> m.type() == MemoryType.SEMANTIC);
      assertThat(core.search(T, query, 10, rare)).extracting(Hit::id)
          .containsExactlyElementsOf(rareTruth.stream().map(Memory::id).toList());
      assertThat(core.search(T, query, 10, semantic)).extracting(Hit::id)
          .containsExactlyElementsOf(rareTruth.stream().map(Memory::id).toList());
      List<Hit> evenHits = core.search(T, query, 10, even);
      assertThat(evenHits).hasSize(10)
          .allSatisfy(h -> assertThat(Integer.parseInt(h.id().substring(1)) % 2).isZero());
    }
    MemoryFilter none = MemoryFilter.of(null, new JsonObject().put("project", "absent"), Long.MIN_VALUE,
        Long.MAX_VALUE);
    assertThat(core.search(T, data.get(0).vector(), 10, none)).isEmpty();
    assertThat(core.search(T, data.get(0).vector(), 200, rare)).hasSize(80);
  }

  @Test
  void aWornGraphIsRebuiltAndAShrunkTenantGoesBackToExactScans() {
    Random rnd = new Random(31);
    List<Memory> data = clustered(rnd, 4_000, 40);
    FastCore core = core(1);
    core.apply(IndexBatch.upserts(data));
    awaitGraph(core);
    assertThat(core.graphNodes(T)).isEqualTo(4_000);

    List<Memory> moved = new ArrayList<>();
    for (int i = 0; i < 2_100; i++) {
      moved.add(memory("m" + i, unit(gaussian(rnd, 1))));
    }
    core.apply(IndexBatch.upserts(moved));
    awaitGraph(core);
    // 2,100 dead nodes out of 6,100 ordinals: the next batch replaces the graph by one over the 4,000 live vectors.
    core.apply(IndexBatch.upserts(List.of()));
    awaitGraph(core);
    assertThat(core.graphNodes(T)).isEqualTo(4_000);
    float[] query = moved.get(7).vector();
    assertThat(core.search(T, query, 1, MemoryFilter.NONE)).extracting(Hit::id).containsExactly("m7");

    List<Removal> removals = new ArrayList<>();
    for (int i = 0; i < 3_100; i++) {
      removals.add(new Removal(T, "m" + i, "k", ++seq));
    }
    core.apply(IndexBatch.removals(removals));
    assertThat(core.graphNodes(T)).isZero();
    List<Memory> kept = data.subList(3_100, data.size());
    for (int q = 0; q < 5; q++) {
      float[] v = kept.get(rnd.nextInt(kept.size())).vector();
      assertThat(core.search(T, v, 10, MemoryFilter.NONE)).extracting(Hit::id)
          .containsExactlyElementsOf(reference(kept, v, 10, m -> true).stream().map(Memory::id).toList());
    }
  }

  private static void awaitGraph(FastCore core) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!core.graphReady(T) || core.graphPending(T) > 0) {
      assertThat(System.nanoTime()).as("graph built within 120 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private List<Memory> clustered(Random rnd, int n, int clusters) {
    List<float[]> centroids = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      centroids.add(unit(gaussian(rnd, 1)));
    }
    List<Memory> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(memory("m" + i, unit(add(centroids.get(rnd.nextInt(clusters)), gaussian(rnd, 0.08)))));
    }
    return out;
  }

  private Memory memory(String id, float[] vector) {
    return new Memory(id, T, null, null, MemoryType.EPISODIC, 1.0, null, "", vector, "client", 0, 0, 0, 0, ++seq);
  }

  private static List<Memory> reference(List<Memory> data, float[] query, int k, Predicate<Memory> filter) {
    return data.stream().filter(filter)
        .sorted(Comparator.comparingDouble((Memory m) -> -exactDot(m.vector(), query))).limit(k).toList();
  }

  private static Map<String, float[]> byId(List<Memory> data) {
    Map<String, float[]> out = new java.util.HashMap<>();
    data.forEach(m -> out.put(m.id(), m.vector()));
    return out;
  }

  private static float kernelDot(float[] a, float[] b) {
    return Kernels.best().dot(a, 0, b, a.length);
  }

  private static float[] gaussian(Random rnd, double sigma) {
    return TestVectors.gaussian(rnd, DIM, sigma);
  }
}
