package org.somafractal.memory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {
  private static final long NOW = 1_000_000_000L;

  private static Memory memory(String id, double importance, long lastAccess, long accessCount) {
    return new Memory(id, "t", Coordinate.of(id.hashCode()), new JsonObject(), MemoryType.EPISODIC, importance,
        new JsonObject(), "", null, null, 0, 0, lastAccess, accessCount, 1);
  }

  @Test
  void reciprocalRankFusionRewardsAgreementBetweenLists() {
    Map<String, Memory> m = Map.of("a", memory("a", 1, NOW, 0), "b", memory("b", 1, NOW, 0), "c", memory("c", 1, NOW, 0));
    List<Ranked> ranked = Ranking.rank(SearchMode.HYBRID,
        List.of(new Hit("a", 0.9f), new Hit("b", 0.8f)),
        List.of(new Hit("b", 7f), new Hit("c", 5f)),
        m, ImportanceScale.NEUTRAL, RankingOptions.RRF, NOW);
    assertThat(ranked).extracting(r -> r.memory().id()).containsExactly("b", "a", "c");
    Scores b = ranked.get(0).scores();
    assertThat(b.fused()).isCloseTo(1.0 / 62 + 1.0 / 61, within(1e-12));
    assertThat(b.vector()).isCloseTo(0.8, within(1e-6));
    assertThat(b.lexical()).isCloseTo(7.0, within(1e-6));
    assertThat(ranked.get(2).scores().vector()).isNaN();
  }

  private static Memory at(String id, double... coordinate) {
    return new Memory(id, "t", Coordinate.of(coordinate), new JsonObject(), MemoryType.EPISODIC, 1, new JsonObject(),
        "", null, null, 0, 0, NOW, 0, 1);
  }

  @Test
  void sequenceNeighboursOfCandidatesBorrowAShareOfTheirRelevance() {
    Memory a = at("a", 1, 1);
    Memory b = at("b", 1, 2);
    Memory before = at("before", 1, 0);
    Memory otherSession = at("other", 2, 1);
    Map<String, Memory> candidates = Map.of("a", a, "b", b);
    Map<String, Memory> neighbors = Map.of(before.key(), before, otherSession.key(), otherSession);
    RankingOptions lending = RankingOptions.RRF.withSequenceWeight(0.5);
    List<Ranked> ranked = Ranking.rank(SearchMode.VECTOR, List.of(new Hit("a", 0.8f), new Hit("b", 0.2f)), List.of(),
        candidates, neighbors, ImportanceScale.NEUTRAL, lending, NOW);

    assertThat(ranked).extracting(r -> r.memory().id()).containsExactly("a", "b", "before");
    Scores sa = ranked.get(0).scores();
    assertThat(sa.sequence()).as("a is b's previous turn").isCloseTo(0.1, within(1e-6));
    assertThat(sa.fused()).isCloseTo(0.8 + 0.1, within(1e-6));
    Scores sb = ranked.get(1).scores();
    assertThat(sb.sequence()).as("b is a's next turn").isCloseTo(0.4, within(1e-6));
    assertThat(sb.fused()).isCloseTo(0.2 + 0.4, within(1e-6));
    assertThat(sb.vector()).isCloseTo(0.2, within(1e-6));
    Scores sBefore = ranked.get(2).scores();
    assertThat(sBefore.vector()).as("no index proposed it").isNaN();
    assertThat(sBefore.score()).isCloseTo(0.4, within(1e-6));

    List<Ranked> plain = Ranking.rank(SearchMode.VECTOR, List.of(new Hit("a", 0.8f), new Hit("b", 0.2f)), List.of(),
        candidates, neighbors, ImportanceScale.NEUTRAL, RankingOptions.RRF, NOW);
    assertThat(plain).extracting(r -> r.memory().id()).containsExactly("a", "b");
    assertThat(plain.get(1).scores().sequence()).isZero();
  }

  private static Memory withVector(String id, float... vector) {
    return new Memory(id, "t", Coordinate.of(id.hashCode()), new JsonObject(), MemoryType.EPISODIC, 1,
        new JsonObject(), "", vector, null, 0, 0, NOW, 0, 1);
  }

  @Test
  void aLexicalOnlyCandidateGetsItsRealCosineFromItsStoredVector() {
    float[] query = {1, 0};
    Map<String, Memory> m = Map.of("a", withVector("a", 0.6f, 0.8f), "b", withVector("b", 0.8f, 0.6f),
        "c", withVector("c", 0, 1));
    RankingOptions weighted = new RankingOptions(true, 60, 0.5, 0, 0, 0.1, 0);
    List<Ranked> ranked = Ranking.rank(SearchMode.HYBRID, query, List.of(new Hit("a", 0.6f)),
        List.of(new Hit("b", 10f), new Hit("c", 10f)), m, Map.of(), ImportanceScale.NEUTRAL, weighted, NOW);
    assertThat(ranked).extracting(r -> r.memory().id()).as("b's cosine 0.8 counts, though the vector index cut it")
        .containsExactly("b", "c", "a");
    assertThat(ranked.get(0).scores().vector()).isCloseTo(0.8, within(1e-6));
    assertThat(ranked.get(0).scores().score()).isCloseTo(0.5 * 0.8 + 0.5, within(1e-6));
    assertThat(ranked.get(1).scores().vector()).isCloseTo(0, within(1e-6));
    assertThat(Ranking.rank(SearchMode.HYBRID, null, List.of(new Hit("a", 0.6f)), List.of(new Hit("b", 10f)), m,
        Map.of(), ImportanceScale.NEUTRAL, weighted, NOW).get(0).scores().vector())
        .as("without the query's vector the cosine stays unknown").isNaN();
  }

  @Test
  void weightedFusionNormalisesBm25ByTheBestOfTheQuery() {
    Map<String, Memory> m = Map.of("a", memory("a", 1, NOW, 0), "b", memory("b", 1, NOW, 0));
    RankingOptions weighted = new RankingOptions(true, 60, 0.5, 0, 0, 0.1, 0);
    List<Ranked> ranked = Ranking.rank(SearchMode.HYBRID, List.of(new Hit("a", 0.5f)),
        List.of(new Hit("b", 10f), new Hit("a", 5f)), m, ImportanceScale.NEUTRAL, weighted, NOW);
    assertThat(ranked.get(0).memory().id()).isEqualTo("a");
    assertThat(ranked.get(0).scores().score()).isCloseTo(0.5 * 0.5 + 0.5 * 0.5, within(1e-6));
    assertThat(ranked.get(1).scores().score()).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void equalImportanceNeverZeroesScoresAndHigherImportanceWins() {
    ImportanceNormalizer normalizer = new ImportanceNormalizer();
    normalizer.add(1);
    assertThat(normalizer.scale().normalize(1)).isEqualTo(1.0);
    normalizer.add(1);
    assertThat(normalizer.scale().normalize(1)).isEqualTo(1.0);
    normalizer.add(5);
    ImportanceScale scale = normalizer.scale();
    Map<String, Memory> m = Map.of("low", memory("low", 1, NOW, 0), "high", memory("high", 5, NOW, 0));
    List<Ranked> ranked = Ranking.rank(SearchMode.VECTOR, List.of(new Hit("low", 0.8f), new Hit("high", 0.75f)),
        List.of(), m, scale, RankingOptions.RRF, NOW);
    assertThat(ranked.get(0).memory().id()).isEqualTo("high");
    assertThat(ranked.get(1).scores().importance()).isCloseTo(0.7, within(1e-9));
    assertThat(ranked.get(1).scores().score()).isGreaterThan(0);
  }

  @Test
  void decayHalvesAtTheHalfLifeAndAccessSlowsIt() {
    RankingOptions decaying = new RankingOptions(false, 60, 0.5, 0, 1000, 0, 0);
    assertThat(Ranking.decay(memory("x", 1, NOW - 1000, 0), decaying, NOW)).isCloseTo(0.5, within(1e-9));
    assertThat(Ranking.decay(memory("x", 1, NOW - 1000, 10), decaying, NOW)).isGreaterThan(0.5);
    assertThat(Ranking.decay(memory("x", 1, NOW - 1000, 0), RankingOptions.RRF, NOW)).isEqualTo(1.0);
    RankingOptions floored = new RankingOptions(false, 60, 0.5, 0, 1, 0.1, 0);
    assertThat(Ranking.decay(memory("x", 1, 0, 0), floored, NOW)).isCloseTo(0.1, within(1e-9));
  }

  @Test
  void negativeCosinesCountAsZeroAndMissingMemoriesAreDropped() {
    Map<String, Memory> m = Map.of("a", memory("a", 1, NOW, 0));
    List<Ranked> ranked = Ranking.rank(SearchMode.VECTOR, List.of(new Hit("gone", 0.9f), new Hit("a", -0.3f)),
        List.of(), m, ImportanceScale.NEUTRAL, RankingOptions.RRF, NOW);
    assertThat(ranked).hasSize(1);
    assertThat(ranked.get(0).scores().score()).isEqualTo(0.0);
  }
}
