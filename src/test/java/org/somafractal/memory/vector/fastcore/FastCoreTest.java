package org.somafractal.memory.vector.fastcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.somafractal.memory.vector.fastcore.TestVectors.add;
import static org.somafractal.memory.vector.fastcore.TestVectors.exactDot;
import static org.somafractal.memory.vector.fastcore.TestVectors.unit;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.ImportanceScale;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;

class FastCoreTest {
  private static final int DIM = 48;
  private static final String T = "tenant-a";

  private long now = 1_000;

  static Stream<Arguments> variants() {
    VectorKernels panama = Kernels.panamaOrNull();
    List<Arguments> out = new ArrayList<>();
    for (boolean quantized : new boolean[] {false, true}) {
      out.add(Arguments.of(ScalarKernels.INSTANCE, quantized));
      if (panama != null) {
        out.add(Arguments.of(panama, quantized));
      }
    }
    return out.stream();
  }

  private FastCore core(VectorKernels kernels, boolean quantized) {
    return new FastCore(DIM, 60_000, kernels, quantized, () -> now);
  }

  private FastCore core() {
    return core(Kernels.best(), true);
  }

  @Test
  void panamaKernelsLoadWithTheModulePresent() {
    assertThat(Kernels.panamaOrNull()).isNotNull();
    assertThat(Kernels.best().name()).startsWith("panama-");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void exactResultsEqualBruteForceOnClusteredData(VectorKernels kernels, boolean quantized) {
    Random rnd = new Random(7);
    List<Memory> data = clustered(rnd, 3000, 40);
    FastCore core = core(kernels, quantized);
    core.apply(IndexBatch.upserts(data));
    assertThat(core.count(T)).isEqualTo(3000);
    for (int q = 0; q < 25; q++) {
      float[] query = q % 2 == 0 ? data.get(rnd.nextInt(data.size())).vector() : unit(gaussian(rnd, 1));
      List<Hit> hits = core.search(T, query, 10, MemoryFilter.NONE);
      assertMatchesReference(hits, data, query, 10, m -> true);
    }
  }

  @Test
  void quantizedPrescanGivesTheSameHitsAsTheFloatScan() {
    Random rnd = new Random(11);
    List<Memory> data = clustered(rnd, 4000, 20);
    FastCore exact = core(Kernels.best(), false);
    FastCore quantized = core(Kernels.best(), true);
    exact.apply(IndexBatch.upserts(data));
    quantized.apply(IndexBatch.upserts(data));
    for (int q = 0; q < 30; q++) {
      float[] query = data.get(rnd.nextInt(data.size())).vector();
      assertThat(quantized.search(T, query, 25, MemoryFilter.NONE))
          .isEqualTo(exact.search(T, query, 25, MemoryFilter.NONE));
      assertThat(quantized.lastRescored()).as("the 4-bit scan ran and pruned").isBetween(1, 1000);
    }
  }

  /**
   * Unrelated unit vectors all score alike, so the 4-bit bounds cannot prune a top 200: the slab switches to the
   * float scan (no rescoring), probes the codes every 16th search, and every answer stays exact.
   */
  @Test
  void aSlabWhoseBoundsPruneNothingScansTheFloatsAndStaysExact() {
    Random rnd = new Random(5);
    List<Memory> data = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      data.add(memory("m" + i, unit(gaussian(rnd, 1)), i + 1));
    }
    FastCore core = core(Kernels.best(), true);
    core.apply(IndexBatch.upserts(data));
    int codeScans = 0;
    for (int q = 0; q < 64; q++) {
      float[] query = unit(gaussian(rnd, 1));
      List<Hit> hits = core.search(T, query, 200, MemoryFilter.NONE);
      assertMatchesReference(hits, data, query, 200, m -> true);
      codeScans += core.lastRescored() > 0 ? 1 : 0;
    }
    assertThat(codeScans).as("4-bit scans among 64 searches").isBetween(2, 16);
  }

  @Test
  void upsertAtTheSameIdReplacesTheVector() {
    FastCore core = core();
    float[] oldVector = axis(0);
    float[] newVector = axis(1);
    core.apply(IndexBatch.upserts(List.of(memory("m1", oldVector, 1), memory("m2", axis(2), 2))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", newVector, 3))));

    assertThat(core.count(T)).isEqualTo(2);
    assertThat(core.slab(T).highWater).isEqualTo(2);
    assertThat(core.search(T, oldVector, 5, MemoryFilter.NONE)).allSatisfy(h -> assertThat(h.score()).isLessThan(0.5f));
    assertThat(core.search(T, newVector, 1, MemoryFilter.NONE)).containsExactly(new Hit("m1", 1f));
  }

  @Test
  void olderUpsertIsIgnored() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 5))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(0), 4))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(0), 5))));

    assertThat(core.search(T, axis(1), 1, MemoryFilter.NONE)).containsExactly(new Hit("m1", 1f));
  }

  @Test
  void olderUpsertAfterNewerDeleteIsIgnored() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 5))));
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m1", "k", 7))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 6))));
    assertThat(core.count(T)).isZero();
    assertThat(core.search(T, axis(1), 3, MemoryFilter.NONE)).isEmpty();

    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 8))));
    assertThat(core.count(T)).isEqualTo(1);
  }

  @Test
  void deleteArrivingBeforeItsUpsertStillWins() {
    FastCore core = core();
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m1", "k", 9))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 8))));
    assertThat(core.count(T)).isZero();
  }

  @Test
  void olderRemovalIsIgnored() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 5))));
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m1", "k", 4))));
    assertThat(core.count(T)).isEqualTo(1);
  }

  @Test
  void upsertWithoutVectorRemovesTheOldVectorAndBlocksOlderOnes() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 5), memory("m2", axis(2), 5))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", null, 6))));
    assertThat(core.count(T)).isEqualTo(1);
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 5))));
    assertThat(core.search(T, axis(1), 5, MemoryFilter.NONE)).extracting(Hit::id).containsExactly("m2");
  }

  @Test
  void tombstonesExpireAfterTheRetention() {
    FastCore core = core();
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m1", "k", 9))));
    now += 120_000;
    core.apply(IndexBatch.removals(List.of(new Removal(T, "other", "k", 10))));
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 8))));
    assertThat(core.count(T)).isEqualTo(1);
  }

  @Test
  void removalFreesSlotsThatInsertsReuse() {
    FastCore core = core();
    List<Memory> first = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      first.add(memory("a" + i, axis(i), i + 1));
    }
    core.apply(IndexBatch.upserts(first));
    List<Removal> removals = new ArrayList<>();
    for (int i = 0; i < 10; i += 2) {
      removals.add(new Removal(T, "a" + i, "k", 100));
    }
    core.apply(IndexBatch.removals(removals));
    assertThat(core.count(T)).isEqualTo(5);
    assertThat(core.search(T, axis(0), 10, MemoryFilter.NONE)).extracting(Hit::id).doesNotContain("a0");

    List<Memory> second = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      second.add(memory("b" + i, axis(20 + i), 200));
    }
    core.apply(IndexBatch.upserts(second));
    assertThat(core.count(T)).isEqualTo(10);
    assertThat(core.slab(T).highWater).isEqualTo(10);
    assertThat(core.search(T, axis(22), 1, MemoryFilter.NONE)).containsExactly(new Hit("b2", 1f));
  }

  @Test
  void compactionAfterMassDeletesKeepsResultsCorrect() {
    Random rnd = new Random(3);
    List<Memory> data = clustered(rnd, 5000, 25);
    FastCore core = core();
    core.apply(IndexBatch.upserts(data));
    assertThat(core.slab(T).capacity).isEqualTo(2 * Slab.CHUNK_ROWS);

    List<Removal> removals = new ArrayList<>();
    List<Memory> kept = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      if (i % 10 == 3) {
        kept.add(data.get(i));
      } else {
        removals.add(new Removal(T, data.get(i).id(), "k", 10_000));
      }
    }
    core.apply(IndexBatch.removals(removals));

    assertThat(core.count(T)).isEqualTo(kept.size());
    assertThat(core.slab(T).capacity).isEqualTo(512);
    assertThat(core.slab(T).generation).isEqualTo(2);
    assertThat(core.slab(T).highWater).isBetween(kept.size(), 512);
    for (int q = 0; q < 15; q++) {
      float[] query = data.get(rnd.nextInt(data.size())).vector();
      assertMatchesReference(core.search(T, query, 10, MemoryFilter.NONE), kept, query, 10, m -> true);
    }
    core.apply(IndexBatch.upserts(List.of(memory("fresh", axis(3), 20_000))));
    assertThat(core.search(T, axis(3), 1, MemoryFilter.NONE)).containsExactly(new Hit("fresh", 1f));
  }

  @Test
  void tenantWithoutLiveVectorsIsDropped() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 1))));
    core.apply(IndexBatch.removals(List.of(new Removal(T, "m1", "k", 2))));
    assertThat(core.slab(T)).isNull();
    assertThat(core.count(T)).isZero();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void filtersFillKWhenManyNonMatchingMemoriesScoreHigher(VectorKernels kernels, boolean quantized) {
    Random rnd = new Random(5);
    float[] query = unit(gaussian(rnd, 1));
    List<Memory> data = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      boolean matching = i % 20 == 0;
      float[] v = unit(add(query, gaussian(rnd, matching ? 0.6 : 0.05)));
      JsonObject meta = new JsonObject().put("project", new JsonObject().put("name", matching ? "soma" : "other"));
      data.add(new Memory("m" + i, T, null, null, matching ? MemoryType.SEMANTIC : MemoryType.EPISODIC, 1.0, meta,
          "", v, "client", matching ? 5_000 : 1_000, 0, 0, 0, i + 1));
    }
    FastCore core = core(kernels, quantized);
    core.apply(IndexBatch.upserts(data));

    MemoryFilter byType = MemoryFilter.of(EnumSet.of(MemoryType.SEMANTIC), null, Long.MIN_VALUE, Long.MAX_VALUE);
    MemoryFilter byMeta = MemoryFilter.of(null, new JsonObject().put("project.name", "soma"), Long.MIN_VALUE,
        Long.MAX_VALUE);
    MemoryFilter byNestedMeta = MemoryFilter.of(null,
        new JsonObject().put("project", new JsonObject().put("name", "soma")), Long.MIN_VALUE, Long.MAX_VALUE);
    MemoryFilter byCreated = MemoryFilter.of(null, null, 4_000, 6_000);
    Predicate<Memory> matching = m -> m.type() == MemoryType.SEMANTIC;
    assertThat(core.search(T, query, 10, MemoryFilter.NONE)).extracting(Hit::id)
        .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(1)) % 20).isNotZero());
    for (MemoryFilter filter : List.of(byType, byMeta, byNestedMeta, byCreated)) {
      List<Hit> hits = core.search(T, query, 10, filter);
      assertThat(hits).hasSize(10);
      assertMatchesReference(hits, data, query, 10, matching);
    }
    assertThat(core.search(T, query, 50, byType)).hasSize(20);
    MemoryFilter nothing = MemoryFilter.of(Set.of(MemoryType.SUMMARY), null, Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(core.search(T, query, 10, nothing)).isEmpty();
  }

  @Test
  void tenantsAreIsolated() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("a1", axis(1), 1), memory("a2", axis(2), 2))));
    core.apply(IndexBatch.upserts(List.of(new Memory("b1", "tenant-b", null, null, MemoryType.EPISODIC, 1.0, null,
        "", axis(5), "client", 0, 0, 0, 0, 3))));

    assertThat(core.search("tenant-b", axis(1), 10, MemoryFilter.NONE)).extracting(Hit::id).containsExactly("b1");
    assertThat(core.search(T, axis(5), 10, MemoryFilter.NONE)).extracting(Hit::id)
        .containsExactlyInAnyOrder("a1", "a2");
    assertThat(core.count("tenant-b")).isEqualTo(1);
    core.apply(IndexBatch.removals(List.of(new Removal("tenant-b", "a1", "k", 99))));
    assertThat(core.count(T)).isEqualTo(2);
  }

  @Test
  void importanceScaleIsNeutralForOneMemoryAndForEqualImportances() {
    FastCore core = core();
    assertThat(core.importanceScale(T)).isEqualTo(ImportanceScale.NEUTRAL);
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 1, 3.0))));
    assertThat(core.importanceScale(T).normalize(3.0)).isEqualTo(1.0);
    core.apply(IndexBatch.upserts(List.of(memory("m2", axis(2), 2, 3.0), memory("m3", null, 3, 3.0))));
    assertThat(core.importanceScale(T).normalize(3.0)).isEqualTo(1.0);

    core.apply(IndexBatch.upserts(List.of(memory("m4", null, 4, 1.0))));
    ImportanceScale scale = core.importanceScale(T);
    assertThat(scale.normalize(1.0)).isEqualTo(0.0);
    assertThat(scale.normalize(3.0)).isEqualTo(1.0);
    assertThat(core.importanceScale("tenant-b")).isEqualTo(ImportanceScale.NEUTRAL);
  }

  @Test
  void edgeCases() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("m1", axis(1), 1))));
    assertThat(core.search(T, axis(1), 0, MemoryFilter.NONE)).isEmpty();
    assertThat(core.search(T, axis(1), -3, MemoryFilter.NONE)).isEmpty();
    assertThat(core.search("nobody", axis(1), 5, MemoryFilter.NONE)).isEmpty();
    assertThat(core.search(T, axis(1), 5, null)).extracting(Hit::id).containsExactly("m1");
    assertThatThrownBy(() -> core.search(T, new float[DIM + 1], 5, MemoryFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> core.apply(IndexBatch.upserts(List.of(memory("m2", axis(2), 2),
        memory("m3", new float[3], 3))))).isInstanceOf(IllegalArgumentException.class);
    assertThat(core.count(T)).isEqualTo(1);
  }

  @Test
  void equalScoresComeBackInADeterministicOrder() {
    FastCore core = core();
    core.apply(IndexBatch.upserts(List.of(memory("x", axis(1), 1), memory("y", axis(1), 2),
        memory("z", axis(1), 3))));
    List<Hit> first = core.search(T, axis(1), 2, MemoryFilter.NONE);
    assertThat(first).extracting(Hit::id).containsExactly("x", "y");
    assertThat(core.search(T, axis(1), 2, MemoryFilter.NONE)).isEqualTo(first);
  }

  @Test
  void topKOrdersByScoreThenSlot() {
    TopK top = new TopK();
    top.reset(3);
    top.offer(0.5f, 4);
    top.offer(-0.25f, 1);
    top.offer(0.5f, 2);
    top.offer(0.9f, 7);
    top.offer(-0.5f, 0);
    int[] slots = new int[3];
    float[] scores = new float[3];
    assertThat(top.drain(slots, scores)).isEqualTo(3);
    assertThat(slots).containsExactly(7, 2, 4);
    assertThat(scores).containsExactly(0.9f, 0.5f, 0.5f);
    assertThat(TopK.decodeScore(TopK.encode(-0.125f, 9))).isEqualTo(-0.125f);
  }

  /**
   * The hits are the exact top k: at each rank, the hit's exact score equals the reference's at that rank, and its
   * reported score is that exact score. Two memories whose exact scores differ by less than float rounding (1e-6)
   * may come in either order (the kernels sum in float, in an order that depends on the machine's vector width).
   */
  private static void assertMatchesReference(List<Hit> hits, List<Memory> data, float[] query, int k,
      Predicate<Memory> filter) {
    List<Memory> expected = data.stream().filter(filter)
        .sorted(Comparator.comparingDouble((Memory m) -> -exactDot(m.vector(), query))).limit(k).toList();
    Map<String, Memory> byId = data.stream().collect(Collectors.toMap(Memory::id, m -> m));
    assertThat(hits).hasSameSizeAs(expected);
    assertThat(hits).extracting(Hit::id).doesNotHaveDuplicates();
    for (int i = 0; i < hits.size(); i++) {
      Memory hit = byId.get(hits.get(i).id());
      assertThat(filter.test(hit)).as("hit %s passes the filter", hit.id()).isTrue();
      double exact = exactDot(hit.vector(), query);
      assertThat(exact).as("exact score of the hit at rank %d", i)
          .isCloseTo(exactDot(expected.get(i).vector(), query), within(1e-6));
      assertThat((double) hits.get(i).score()).isCloseTo(exact, within(1e-5));
    }
  }

  private static List<Memory> clustered(Random rnd, int n, int clusters) {
    float[][] centroids = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centroids[c] = unit(gaussian(rnd, 1));
    }
    List<Memory> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = unit(add(centroids[rnd.nextInt(clusters)], gaussian(rnd, 0.05)));
      out.add(memory("id-" + i, v, i + 1));
    }
    return out;
  }

  private static Memory memory(String id, float[] vector, long seq) {
    return memory(id, vector, seq, 1.0);
  }

  private static Memory memory(String id, float[] vector, long seq, double importance) {
    return new Memory(id, T, null, null, MemoryType.EPISODIC, importance, null, "", vector, "client", 0, 0, 0, 0,
        seq);
  }

  private static float[] axis(int i) {
    float[] v = new float[DIM];
    v[i] = 1;
    return v;
  }

  private static float[] gaussian(Random rnd, double sigma) {
    return TestVectors.gaussian(rnd, DIM, sigma);
  }
}
