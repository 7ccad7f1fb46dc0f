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
  void sequenceNeighboursOfCandidatesBorrowAShareOfTheirRelevanceAboveTheLowestCandidates() {
    Memory a = at("a", 1, 1);
    Memory b = at("b", 1, 2);
    Memory c = at("c", 3, 7);
    Memory before = at("before", 1, 0);
    Memory otherSession = at("other", 2, 1);
    Map<String, Memory> candidates = Map.of("a", a, "b", b, "c", c);
    Map<String, Memory> neighbors = Map.of(before.key(), before, otherSession.key(), otherSession);
    RankingOptions lending = RankingOptions.RRF.withSequenceWeight(0.5);
    List<Hit> hits = List.of(new Hit("a", 0.8f), new Hit("b", 0.5f), new Hit("c", 0.2f));
    List<Ranked> ranked = Ranking.rank(SearchMode.VECTOR, hits, List.of(), candidates, neighbors,
        ImportanceScale.NEUTRAL, lending, NOW);

    // the lowest candidate, c, scores 0.2: a lends 0.5 x (0.8 - 0.2), b lends 0.5 x (0.5 - 0.2), c nothing
    assertThat(ranked).extracting(r -> r.memory().id()).containsExactly("a", "b", "before", "c");
    Scores sa = ranked.get(0).scores();
    assertThat(sa.sequence()).as("a is b's previous turn").isCloseTo(0.15, within(1e-6));
    assertThat(sa.fused()).isCloseTo(0.8 + 0.15, within(1e-6));
    Scores sb = ranked.get(1).scores();
    assertThat(sb.sequence()).as("b is a's next turn").isCloseTo(0.3, within(1e-6));
    assertThat(sb.fused()).isCloseTo(0.5 + 0.3, within(1e-6));
    assertThat(sb.vector()).isCloseTo(0.5, within(1e-6));
    Scores sBefore = ranked.get(2).scores();
    assertThat(sBefore.vector()).as("no index proposed it").isNaN();
    assertThat(sBefore.score()).isCloseTo(0.3, within(1e-6));
    assertThat(ranked.get(3).scores().sequence()).as("c neighbours no candidate").isZero();

    List<Ranked> plain = Ranking.rank(SearchMode.VECTOR, hits, List.of(), candidates, neighbors,
        ImportanceScale.NEUTRAL, RankingOptions.RRF, NOW);
    assertThat(plain).extracting(r -> r.memory().id()).containsExactly("a", "b", "c");
    assertThat(plain.get(1).scores().sequence()).isZero();
  }

  @Test
  void aNeighbourOfTheBestMatchDoesNotOvertakeABetterMatchWhenAllCosinesAreHigh() {
    // cosines as an E5 model gives them: every candidate near 0.8
    Map<String, Memory> candidates = Map.of("best", at("best", 1, 1), "reply", at("reply", 1, 2),
        "better", at("better", 5, 5), "last", at("last", 7, 7));
    List<Ranked> ranked = Ranking.rank(SearchMode.VECTOR, List.of(new Hit("best", 0.86f), new Hit("better", 0.85f),
        new Hit("reply", 0.80f), new Hit("last", 0.78f)), List.of(), candidates, Map.of(), ImportanceScale.NEUTRAL,
        RankingOptions.RRF.withSequenceWeight(0.25), NOW);
    // a share of the whole 0.86 would lift the reply to 1.015, above the better match
    assertThat(ranked).extracting(r -> r.memory().id()).containsExactly("best", "better", "reply", "last");
    assertThat(ranked.get(2).scores().sequence()).isCloseTo(0.25 * (0.86 - 0.78), within(1e-6));
    assertThat(ranked.get(0).scores().sequence()).isCloseTo(0.25 * (0.80 - 0.78), within(1e-6));
  }

  private static Memory withVector(String id, float... vector) {
    return new Memory(id, "t", Coordinate.of(id.hashCode()), new JsonObject(), MemoryType.EPISODIC, 1,
        new JsonObject(), "", vector, null, 0, 0, NOW, 0, 1);
  }

  @Test
  void aLexicalOnlyCandidateGetsItsRealCosineFromItsStoredVector() {
    float[] query = {1, 0};
    Map<String, Memory> m = Map.of("a", withVector("a", 0.9f, 0.436f), "d", withVector("d", 0.5f, 0.866f),
        "b", withVector("b", 0.8f, 0.6f), "c", withVector("c", 0, 1));
    RankingOptions weighted = new RankingOptions(true, 60, 0.5, 0, 0, 0.1, 0);
    List<Hit> vectorHits = List.of(new Hit("a", 0.9f), new Hit("d", 0.5f));
    List<Ranked> ranked = Ranking.rank(SearchMode.HYBRID, query, vectorHits,
        List.of(new Hit("b", 10f), new Hit("c", 8f)), m, Map.of(), ImportanceScale.NEUTRAL, weighted, NOW);
    assertThat(ranked).extracting(r -> r.memory().id()).as("b's cosine 0.8 counts, though the vector index cut it")
        .containsExactly("b", "a", "c", "d");
    assertThat(ranked.get(0).scores().vector()).isCloseTo(0.8, within(1e-6));
    // on the query's cosine scale (0.5 .. 0.9) 0.8 is 0.75
    assertThat(ranked.get(0).scores().score()).isCloseTo(0.5 * 0.75 + 0.5, within(1e-6));
    assertThat(ranked.get(2).scores().vector()).isCloseTo(0, within(1e-6));
    assertThat(ranked.get(2).scores().score()).isCloseTo(0.5 * 0.8, within(1e-6));
    assertThat(Ranking.rank(SearchMode.HYBRID, null, vectorHits, List.of(new Hit("b", 10f)), m,
        Map.of(), ImportanceScale.NEUTRAL, weighted, NOW)).filteredOn(r -> r.memory().id().equals("b"))
        .singleElement().satisfies(r -> assertThat(r.scores().vector())
            .as("without the query's vector the cosine stays unknown").isNaN());
  }

  @Test
  void weightedFusionPutsBm25AndCosineOnTheQuerysOwnScale() {
    Map<String, Memory> m = Map.of("a", memory("a", 1, NOW, 0), "b", memory("b", 1, NOW, 0),
        "c", memory("c", 1, NOW, 0));
    RankingOptions weighted = new RankingOptions(true, 60, 0.5, 0, 0, 0.1, 0);
    List<Ranked> ranked = Ranking.rank(SearchMode.HYBRID, List.of(new Hit("a", 0.9f), new Hit("c", 0.5f)),
        List.of(new Hit("b", 10f), new Hit("a", 5f)), m, ImportanceScale.NEUTRAL, weighted, NOW);
    assertThat(ranked).extracting(r -> r.memory().id()).containsExactly("a", "b", "c");
    assertThat(ranked.get(0).scores().score()).isCloseTo(0.5 * 1 + 0.5 * 0.5, within(1e-6));
    assertThat(ranked.get(1).scores().score()).isCloseTo(0.5, within(1e-6));
    assertThat(ranked.get(2).scores().score()).as("the last vector candidate").isCloseTo(0, within(1e-6));
  }

  @Test
  void weightedFusionDoesNotDependOnTheModelsCosineLevel() {
    Map<String, Memory> m = Map.of("a", memory("a", 1, NOW, 0), "b", memory("b", 1, NOW, 0),
        "c", memory("c", 1, NOW, 0));
    RankingOptions weighted = new RankingOptions(true, 60, 0.3, 0, 0, 0.1, 0);
    List<Hit> lexical = List.of(new Hit("c", 9f), new Hit("b", 4f));
    // a MiniLM-like spread and an E5-like one of the same order
    List<Ranked> wide = Ranking.rank(SearchMode.HYBRID,
        List.of(new Hit("a", 0.6f), new Hit("b", 0.4f), new Hit("c", 0.2f)), lexical, m, ImportanceScale.NEUTRAL,
        weighted, NOW);
    List<Ranked> narrow = Ranking.rank(SearchMode.HYBRID,
        List.of(new Hit("a", 0.9f), new Hit("b", 0.825f), new Hit("c", 0.75f)), lexical, m, ImportanceScale.NEUTRAL,
        weighted, NOW);
    assertThat(narrow).extracting(r -> r.memory().id())
        .containsExactlyElementsOf(wide.stream().map(r -> r.memory().id()).toList());
    for (int i = 0; i < wide.size(); i++) {
      assertThat(narrow.get(i).scores().fused()).isCloseTo(wide.get(i).scores().fused(), within(1e-6));
    }
    assertThat(Ranking.relativeCosine(0.7, 0.7, 0.7)).as("a lone candidate").isEqualTo(1);
    assertThat(Ranking.relativeCosine(0.6, 0.7, 0.7)).isZero();
    assertThat(Ranking.relativeCosine(Double.NaN, 0.9, 0.5)).isZero();
    assertThat(Ranking.relativeCosine(0.95, 0.9, 0.5)).as("a lexical candidate above the best").isEqualTo(1);
  }

  @Test
  void theCosineScaleEndsAtAFixedRankSoThatDeeperPagesRankAlike() {
    Map<String, Memory> m = new java.util.HashMap<>();
    List<Hit> vector = new java.util.ArrayList<>();
    for (int i = 0; i < 80; i++) {
      m.put("m" + i, memory("m" + i, 1, NOW, 0));
      vector.add(new Hit("m" + i, 0.9f - i * 0.002f));
    }
    List<Hit> lexical = List.of(new Hit("m30", 8f), new Hit("m2", 5f), new Hit("m55", 4f));
    RankingOptions weighted = new RankingOptions(true, 60, 0.3, 0, 0, 0.1, 0);
    // a first page asks for 40 vector candidates, a deeper one for 80
    Map<String, Double> shallow = new java.util.HashMap<>();
    Ranking.rank(SearchMode.HYBRID, vector.subList(0, Ranking.COSINE_SCALE_RANK), lexical, m,
        ImportanceScale.NEUTRAL, weighted, NOW).forEach(r -> shallow.put(r.memory().id(), r.scores().fused()));
    List<Ranked> deep = Ranking.rank(SearchMode.HYBRID, vector, lexical, m, ImportanceScale.NEUTRAL, weighted, NOW);
    for (Ranked r : deep) {
      if (shallow.containsKey(r.memory().id())) {
        assertThat(r.scores().fused()).as(r.memory().id()).isCloseTo(shallow.get(r.memory().id()), within(1e-9));
      }
    }
    assertThat(deep).filteredOn(r -> r.memory().id().equals("m60")).singleElement()
        .satisfies(r -> assertThat(r.scores().fused()).as("below the scale's end").isZero());
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
