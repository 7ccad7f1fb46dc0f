package org.somafractal.memory.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;

class LuceneLexicalEngineTest {
  private static final String T = "tenant-a";

  private final LuceneLexicalEngine engine = new LuceneLexicalEngine(60_000);
  private final AtomicInteger coords = new AtomicInteger();

  @AfterEach
  void close() {
    engine.close();
  }

  private Memory memory(String id, String tenant, String text, long seq, MemoryType type, JsonObject metadata,
      long createdAt) {
    return new Memory(id, tenant, Coordinate.of(coords.incrementAndGet()), new JsonObject(), type, 1.0, metadata, text,
        null, "none", createdAt, createdAt, createdAt, 0, seq);
  }

  private Memory memory(String id, String text, long seq) {
    return memory(id, T, text, seq, MemoryType.EPISODIC, new JsonObject(), 1_000L);
  }

  private void upsert(Memory... memories) {
    engine.apply(IndexBatch.upserts(List.of(memories)));
  }

  private void remove(String id, long seq) {
    engine.apply(IndexBatch.removals(List.of(new Removal(T, id, "k", seq))));
  }

  private List<String> ids(String query) {
    return ids(query, 10, MemoryFilter.NONE);
  }

  private List<String> ids(String query, int k, MemoryFilter filter) {
    return engine.search(T, query, k, filter).stream().map(Hit::id).toList();
  }

  @Test
  void docMatchingMoreTermsRanksFirst() {
    upsert(memory("one", "the cat sat quietly on the warm mat", 1),
        memory("both", "a quantum cat sat in the box", 2),
        memory("none", "the dog barked at the mailman", 3));

    List<Hit> hits = engine.search(T, "quantum cat", 10, MemoryFilter.NONE);

    assertThat(hits).extracting(Hit::id).containsExactly("both", "one");
    assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score()).isGreaterThan(0f);
  }

  @Test
  void rarerTermOutweighsCommonTerm() {
    List<Memory> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(memory("common" + i, "weather report number " + i + " says sunny", i + 1));
    }
    batch.add(memory("rare", "volcano report number 99 says ash", 100));
    engine.apply(IndexBatch.upserts(batch));

    assertThat(ids("sunny volcano", 3, MemoryFilter.NONE)).first().isEqualTo("rare");
  }

  @Test
  void stemmingMatchesInflections() {
    upsert(memory("runner", "She runs every morning before work", 1),
        memory("other", "He reads every evening after dinner", 2));

    assertThat(ids("running")).containsExactly("runner");
    assertThat(ids("Morning's")).containsExactly("runner");
  }

  @Test
  void questionWordsPronounsAndAuxiliariesDoNotMatch() {
    upsert(memory("sister", "I booked the trip with my sister last spring", 1),
        memory("chatter", "What did you do then? I did what you said", 2));

    assertThat(ids("What did I tell you about my sister?")).containsExactly("sister");
    assertThat(ids("what did you do")).as("nothing but common words: they are searched").containsExactly("chatter");
    assertThat(List.of("what", "did", "my", "i'm", "sister")).filteredOn(LuceneLexicalEngine.STOP_WORDS::contains)
        .containsExactly("what", "did", "my", "i'm");
  }

  @Test
  void aKeywordThatIsACommonWordIsStillFound() {
    upsert(memory("status", "the uplink is down again", 1), memory("other", "the uplink is fine", 2));

    assertThat(ids("down")).containsExactly("status");
  }

  @Test
  void bm25ParametersReachTheScores() {
    String filler = " and then many other unrelated words followed in a long rambling note about errands";
    try (LuceneLexicalEngine flat = new LuceneLexicalEngine(60_000, 1.2f, 0f);
        LuceneLexicalEngine normalising = new LuceneLexicalEngine(60_000, 1.2f, 1f)) {
      for (LuceneLexicalEngine e : List.of(flat, normalising)) {
        e.apply(IndexBatch.upserts(List.of(memory("short", "volcano trip", 1),
            memory("long", "volcano trip" + filler + filler, 2))));
      }

      List<Hit> same = flat.search(T, "volcano", 10, MemoryFilter.NONE);
      List<Hit> shortFirst = normalising.search(T, "volcano", 10, MemoryFilter.NONE);

      assertThat(same.get(0).score()).isEqualTo(same.get(1).score());
      assertThat(shortFirst).extracting(Hit::id).containsExactly("short", "long");
      assertThat(shortFirst.get(0).score()).isGreaterThan(shortFirst.get(1).score());
    }
  }

  @Test
  void upsertAtSameIdReplacesOldText() {
    upsert(memory("m", "apple banana smoothie", 1));
    upsert(memory("m", "cherry pie", 2));

    assertThat(ids("apple banana")).isEmpty();
    assertThat(ids("cherry")).containsExactly("m");
    assertThat(engine.count(T)).isEqualTo(1);
  }

  @Test
  void olderUpsertIsIgnored() {
    upsert(memory("m", "giraffe", 5));
    upsert(memory("m", "zebra", 3));
    upsert(memory("m", "zebra", 5));

    assertThat(ids("zebra")).isEmpty();
    assertThat(ids("giraffe")).containsExactly("m");
  }

  @Test
  void olderUpsertAfterNewerDeleteIsIgnored() {
    upsert(memory("m", "giraffe", 5));
    remove("m", 6);
    upsert(memory("m", "giraffe zebra", 4));

    assertThat(ids("giraffe zebra")).isEmpty();
    assertThat(engine.count(T)).isZero();

    upsert(memory("m", "zebra", 7));
    assertThat(ids("zebra")).containsExactly("m");
  }

  @Test
  void deleteArrivingBeforeItsUpsertStillWins() {
    remove("m", 9);
    upsert(memory("m", "giraffe", 8));

    assertThat(ids("giraffe")).isEmpty();
    assertThat(engine.count(T)).isZero();
  }

  @Test
  void olderRemovalDoesNotDeleteNewerDoc() {
    upsert(memory("m", "giraffe", 5));
    remove("m", 4);

    assertThat(ids("giraffe")).containsExactly("m");
    assertThat(engine.count(T)).isEqualTo(1);
  }

  @Test
  void removalDeletesDoc() {
    upsert(memory("a", "lighthouse keeper", 1), memory("b", "lighthouse beam", 2));
    assertThat(ids("lighthouse")).hasSize(2);

    remove("a", 3);

    assertThat(ids("lighthouse")).containsExactly("b");
    assertThat(ids("keeper")).isEmpty();
    assertThat(engine.count(T)).isEqualTo(1);
  }

  @Test
  void tenantsAreIsolated() {
    upsert(memory("a1", T, "shared secret words", 1, MemoryType.EPISODIC, null, 1),
        memory("b1", "tenant-b", "shared secret words", 2, MemoryType.EPISODIC, null, 1),
        memory("b2", "tenant-b", "shared words", 3, MemoryType.EPISODIC, null, 1));

    assertThat(ids("secret")).containsExactly("a1");
    assertThat(engine.search("tenant-b", "shared", 10, MemoryFilter.NONE)).extracting(Hit::id)
        .containsExactlyInAnyOrder("b1", "b2");
    assertThat(engine.search("tenant-c", "shared", 10, MemoryFilter.NONE)).isEmpty();
    assertThat(engine.count(T)).isEqualTo(1);
    assertThat(engine.count("tenant-b")).isEqualTo(2);
    assertThat(engine.count("tenant-c")).isZero();
  }

  @Test
  void filtersByType() {
    upsert(memory("e", T, "meeting notes", 1, MemoryType.EPISODIC, null, 1),
        memory("s", T, "meeting notes", 2, MemoryType.SEMANTIC, null, 1),
        memory("y", T, "meeting notes", 3, MemoryType.SUMMARY, null, 1));

    assertThat(ids("meeting", 10, MemoryFilter.of(Set.of(MemoryType.SEMANTIC), null, Long.MIN_VALUE,
        Long.MAX_VALUE))).containsExactly("s");
    assertThat(ids("meeting", 10, MemoryFilter.of(EnumSet.of(MemoryType.EPISODIC, MemoryType.SUMMARY), null,
        Long.MIN_VALUE, Long.MAX_VALUE))).containsExactlyInAnyOrder("e", "y");
  }

  @Test
  void filtersByNestedMetadata() {
    upsert(memory("x", T, "project update", 1, MemoryType.EPISODIC, new JsonObject().put("a", new JsonObject()
        .put("b", "x")), 1),
        memory("y", T, "project update", 2, MemoryType.EPISODIC, new JsonObject().put("a", new JsonObject()
            .put("b", "y")), 1),
        memory("n", T, "project update", 3, MemoryType.EPISODIC, new JsonObject().put("a", new JsonObject()
            .put("b", 1)), 1));

    assertThat(ids("project", 10, metadataFilter(new JsonObject().put("a.b", "x")))).containsExactly("x");
    assertThat(ids("project", 10, metadataFilter(new JsonObject().put("a", new JsonObject().put("b", "y")))))
        .containsExactly("y");
    assertThat(ids("project", 10, metadataFilter(new JsonObject().put("a.b", 1.0)))).containsExactly("n");
    assertThat(ids("project", 10, metadataFilter(new JsonObject().put("a.b", "1")))).isEmpty();
  }

  @Test
  void metadataArrayMeansAnyOf() {
    upsert(memory("red", T, "car", 1, MemoryType.EPISODIC, new JsonObject().put("color", "red"), 1),
        memory("blue", T, "car", 2, MemoryType.EPISODIC, new JsonObject().put("color", "blue"), 1),
        memory("green", T, "car", 3, MemoryType.EPISODIC, new JsonObject().put("color", "green"), 1),
        memory("tags", T, "car", 4, MemoryType.EPISODIC,
            new JsonObject().put("color", new JsonArray().add("green").add("red")), 1));

    assertThat(ids("car", 10, metadataFilter(new JsonObject().put("color", new JsonArray().add("red").add("blue")))))
        .containsExactlyInAnyOrder("red", "blue", "tags");
    assertThat(ids("car", 10, metadataFilter(new JsonObject().put("color", "green").put("nothing", "here"))))
        .isEmpty();
  }

  @Test
  void largestAllowedMetadataFilterRuns() {
    upsert(memory("m", T, "car", 1, MemoryType.EPISODIC, new JsonObject().put("k0", 63).put("k31", 0), 1));
    JsonObject conditions = new JsonObject();
    for (int c = 0; c < MemoryFilter.MAX_CONDITIONS; c++) {
      JsonArray alternatives = new JsonArray();
      for (int a = 0; a < MemoryFilter.MAX_ALTERNATIVES; a++) {
        alternatives.add(a);
      }
      conditions.put("k" + c, alternatives);
    }

    assertThat(ids("car", 10, metadataFilter(conditions))).isEmpty();
    assertThat(ids("car", 10, metadataFilter(new JsonObject().put("k0", conditions.getJsonArray("k0"))
        .put("k31", conditions.getJsonArray("k31"))))).containsExactly("m");
  }

  @Test
  void metadataValueTooLongForLuceneLeavesTheMemorySearchable() {
    String huge = "v".repeat(40_000);
    upsert(memory("m", T, "harbor", 1, MemoryType.EPISODIC, new JsonObject().put("big", huge).put("small", "s"), 1));

    assertThat(ids("harbor")).containsExactly("m");
    assertThat(ids("harbor", 10, metadataFilter(new JsonObject().put("small", "s")))).containsExactly("m");
    assertThatCode(() -> engine.search(T, "harbor", 10, metadataFilter(new JsonObject().put("big", huge))))
        .doesNotThrowAnyException();
  }

  @Test
  void filtersByInclusiveCreatedRange() {
    upsert(memory("early", T, "diary entry", 1, MemoryType.EPISODIC, null, 100),
        memory("mid", T, "diary entry", 2, MemoryType.EPISODIC, null, 200),
        memory("late", T, "diary entry", 3, MemoryType.EPISODIC, null, 300));

    assertThat(ids("diary", 10, MemoryFilter.of(null, null, 100, 200))).containsExactlyInAnyOrder("early", "mid");
    assertThat(ids("diary", 10, MemoryFilter.of(null, null, 201, Long.MAX_VALUE))).containsExactly("late");
    assertThat(ids("diary", 10, MemoryFilter.of(null, null, Long.MIN_VALUE, 99))).isEmpty();
  }

  @Test
  void filteredSearchFillsKEvenWhenUnfilteredDocsScoreHigher() {
    List<Memory> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(memory("loud" + i, T, "alpha alpha alpha", i + 1, MemoryType.EPISODIC,
          new JsonObject().put("kind", "noise"), 1));
    }
    for (int i = 0; i < 15; i++) {
      batch.add(memory("quiet" + i, T, "alpha appears once among many other unrelated words here", 1000 + i,
          MemoryType.SEMANTIC, new JsonObject().put("kind", "signal"), 1));
    }
    engine.apply(IndexBatch.upserts(batch));

    assertThat(ids("alpha", 10, MemoryFilter.NONE)).allMatch(id -> id.startsWith("loud"));
    assertThat(ids("alpha", 10, MemoryFilter.of(Set.of(MemoryType.SEMANTIC), null, Long.MIN_VALUE,
        Long.MAX_VALUE))).hasSize(10).allMatch(id -> id.startsWith("quiet"));
    assertThat(ids("alpha", 10, metadataFilter(new JsonObject().put("kind", "signal"))))
        .hasSize(10).allMatch(id -> id.startsWith("quiet"));
  }

  @Test
  void hostileQueriesDoNotThrow() {
    upsert(memory("u", "an unbalanced quote and a star", 1), memory("j", "東京 café naïve 🙂 emoji", 2));
    StringBuilder longQuery = new StringBuilder();
    Random random = new Random(7);
    while (longQuery.length() < 10_000) {
      longQuery.append((char) ('a' + random.nextInt(26)));
      if (random.nextInt(6) == 0) {
        longQuery.append(' ');
      }
    }
    List<String> queries = List.of("AND OR NOT (", "*", "?", "\"unbalanced", "title:unbalanced", "unbalanced~2",
        "[a TO z]", "+-!(){}[]^\"~*?:\\/", "\u0000\uD800\uDFFF\uD800", "x".repeat(10_000), longQuery.toString(),
        "東京", "CAFÉ", "🙂");

    for (String q : queries) {
      assertThatCode(() -> engine.search(T, q, 10, MemoryFilter.NONE)).as(q.length() > 40 ? "long" : q)
          .doesNotThrowAnyException();
    }
    assertThat(ids("AND OR NOT (")).isEmpty();
    assertThat(ids("*")).isEmpty();
    assertThat(ids("\"unbalanced")).containsExactly("u");
    assertThat(ids("unbalanced~2")).containsExactly("u");
    assertThat(ids("CAFÉ")).containsExactly("j");
  }

  @Test
  void queryWithoutAnalyzableTermsOrPositiveKIsEmpty() {
    upsert(memory("m", "the cat is on the mat", 1));

    assertThat(ids("the and of is")).isEmpty();
    assertThat(ids("... !!! ---")).isEmpty();
    assertThat(ids("")).isEmpty();
    assertThat(ids("cat", 0, MemoryFilter.NONE)).isEmpty();
    assertThat(ids("cat", -3, MemoryFilter.NONE)).isEmpty();
    assertThat(ids("cat")).containsExactly("m");
  }

  @Test
  void blankTextIsNotIndexed() {
    upsert(memory("blank", "   ", 1), memory("empty", "", 2), memory("text", "words", 3));
    assertThat(engine.count(T)).isEqualTo(1);

    upsert(memory("text", " \n\t", 4));
    assertThat(ids("words")).isEmpty();
    assertThat(engine.count(T)).isZero();

    upsert(memory("text", "words again", 3));
    assertThat(ids("words")).isEmpty();

    upsert(memory("text", "words again", 5));
    upsert(memory("text", "words once more", 6));
    assertThat(ids("words")).containsExactly("text");
    assertThat(engine.count(T)).isEqualTo(1);
  }

  @Test
  void kLimitsAndOrdersHits() {
    List<Memory> batch = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      batch.add(memory("m" + i, "signal " + "filler ".repeat(i), i));
    }
    engine.apply(IndexBatch.upserts(batch));

    List<Hit> hits = engine.search(T, "signal", 5, MemoryFilter.NONE);

    assertThat(hits).extracting(Hit::id).containsExactly("m1", "m2", "m3", "m4", "m5");
    for (int i = 1; i < hits.size(); i++) {
      assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
    }
  }

  private static Memory turn(String id, double session, double turn, String text, long seq) {
    return new Memory(id, T, Coordinate.of(session, turn), new JsonObject(), MemoryType.EPISODIC, 1.0,
        new JsonObject(), text, null, "none", 1_000L, 1_000L, 1_000L, 0, seq);
  }

  private static List<String> ids(LuceneLexicalEngine e, String query) {
    return e.search(T, query, 10, MemoryFilter.NONE).stream().map(Hit::id).toList();
  }

  private static LuceneLexicalEngine withContext() {
    return new LuceneLexicalEngine(60_000, LuceneLexicalEngine.DEFAULT_K1, LuceneLexicalEngine.DEFAULT_B, 0.25f);
  }

  @Test
  void aReplyIsFoundThroughTheTurnBeforeIt() {
    List<Memory> talk = List.of(turn("ask", 1, 0, "Caroline: How has your family been supporting you?", 1),
        turn("reply", 1, 1, "Melanie: They are a real support. I appreciate them a lot.", 2),
        turn("later", 1, 5, "Melanie: I painted a sunset over the lake yesterday.", 3));
    try (LuceneLexicalEngine e = withContext()) {
      e.apply(IndexBatch.upserts(talk));
      engine.apply(IndexBatch.upserts(talk));

      assertThat(ids(e, "family")).as("own words first, then the reply beside them").containsExactly("ask", "reply");
      assertThat(ids(engine, "family")).as("without context").containsExactly("ask");
      assertThat(ids(e, "sunset")).containsExactly("later");
    }
  }

  @Test
  void contextFollowsTheNeighboursWhateverTheOrderOfArrival() {
    try (LuceneLexicalEngine e = withContext()) {
      e.apply(IndexBatch.upserts(List.of(turn("reply", 1, 1, "They are a real support.", 1))));
      e.apply(IndexBatch.upserts(List.of(turn("ask", 1, 0, "How is your family?", 2))));
      e.apply(IndexBatch.upserts(List.of(turn("next", 1, 3, "Thanks for asking.", 4),
          turn("gap", 1, 2, "We went camping together in the mountains.", 3))));

      assertThat(ids(e, "family")).containsExactly("ask", "reply");
      assertThat(ids(e, "camping")).as("both sides of a turn stored in one batch, the later one first")
          .containsExactlyInAnyOrder("gap", "reply", "next");
      assertThat(ids(e, "camping").get(0)).isEqualTo("gap");
    }
  }

  @Test
  void aNeighboursDeleteEditOrMoveTakesItsWordsAway() {
    try (LuceneLexicalEngine e = withContext()) {
      e.apply(IndexBatch.upserts(List.of(turn("ask", 1, 0, "How is your family?", 1),
          turn("reply", 1, 1, "They are a real support.", 2),
          turn("other", 1, 2, "The harbour was foggy.", 3))));
      assertThat(ids(e, "family")).containsExactly("ask", "reply");
      assertThat(ids(e, "harbour")).containsExactlyInAnyOrder("other", "reply");

      e.apply(IndexBatch.removals(List.of(new Removal(T, "ask", "1.0,0.0", 4))));
      assertThat(ids(e, "family")).as("deleted").isEmpty();

      e.apply(IndexBatch.upserts(List.of(turn("other", 1, 2, "The lighthouse was foggy.", 5))));
      assertThat(ids(e, "harbour")).as("edited").isEmpty();
      assertThat(ids(e, "lighthouse")).containsExactly("other", "reply");

      e.apply(IndexBatch.upserts(List.of(turn("other", 7, 0, "The lighthouse was foggy.", 6),
          turn("far", 7, 1, "Nothing to report.", 7))));
      assertThat(ids(e, "lighthouse")).as("moved").containsExactly("other", "far");

      e.apply(IndexBatch.upserts(List.of(turn("other", 7, 0, " ", 8))));
      assertThat(ids(e, "lighthouse")).as("blanked").isEmpty();
    }
  }

  @Test
  void aMemoryWrittenAgainForItsNeighboursKeepsItsFilters() {
    Memory reply = new Memory("reply", T, Coordinate.of(1, 1), new JsonObject(), MemoryType.SEMANTIC, 1.0,
        new JsonObject().put("topic", "kin"), "They are a real support.", null, "none", 500L, 500L, 500L, 0, 1);
    try (LuceneLexicalEngine e = withContext()) {
      e.apply(IndexBatch.upserts(List.of(reply)));
      e.apply(IndexBatch.upserts(List.of(turn("ask", 1, 0, "How is your family?", 2))));

      MemoryFilter all = MemoryFilter.of(Set.of(MemoryType.SEMANTIC), new JsonObject().put("topic", "kin"), 500,
          500);
      assertThat(e.search(T, "family", 10, all)).extracting(Hit::id).containsExactly("reply");
      assertThat(e.search(T, "support", 10, MemoryFilter.of(null, null, 501, Long.MAX_VALUE))).extracting(Hit::id)
          .as("the reply's creation time kept; the question beside it matches through its context")
          .containsExactly("ask");
      assertThat(e.count(T)).isEqualTo(2);
    }
  }

  /** With context a batch's documents are written at its end: what they hold must be the batch's last state. */
  @Test
  void oneBatchThatAddsChangesAndRemovesMemoriesLeavesOnlyTheirLastState() {
    try (LuceneLexicalEngine e = withContext()) {
      e.apply(IndexBatch.upserts(List.of(turn("kept", 1, 0, "The kettle whistled.", 1))));
      List<Memory> upserts = List.of(turn("twice", 1, 1, "A first draft about gardens.", 2),
          turn("twice", 1, 1, "A second draft about orchards.", 3),
          turn("gone", 1, 2, "A note about volcanoes.", 4),
          turn("kept", 1, 0, " ", 5),
          turn("kept", 1, 0, "The kettle sang.", 6));
      e.apply(new IndexBatch(upserts, List.of(new Removal(T, "gone", "1.0,2.0", 7))));

      assertThat(ids(e, "gardens")).as("replaced within the batch").isEmpty();
      assertThat(ids(e, "orchards")).containsExactly("twice", "kept");
      assertThat(ids(e, "volcanoes")).as("added and removed within the batch").isEmpty();
      assertThat(ids(e, "whistled")).as("blanked, then written again").isEmpty();
      assertThat(ids(e, "kettle")).containsExactly("kept", "twice");
      assertThat(e.count(T)).isEqualTo(2);
    }
  }

  @Test
  void contextWeightOutsideZeroToOneIsRejected() {
    assertThatThrownBy(() -> new LuceneLexicalEngine(60_000, 0.9f, 0.4f, 1.5f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LuceneLexicalEngine(60_000, 0.9f, 0.4f, -0.1f))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static MemoryFilter metadataFilter(JsonObject conditions) {
    return MemoryFilter.of(null, conditions, Long.MIN_VALUE, Long.MAX_VALUE);
  }
}
