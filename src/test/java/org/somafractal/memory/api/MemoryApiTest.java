package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.events.MemoryEvent;

class MemoryApiTest {
  private static TestServer server;
  private static final List<MemoryEvent> EVENTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.vertx.eventBus().<MemoryEvent>consumer(Addresses.EVENTS, m -> EVENTS.add(m.body()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject memory(String coord, String content) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", content));
  }

  private static JsonArray search(String tenant, JsonObject body) {
    TestServer.Resp r = server.post("/memories/search", body, tenant);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("memories");
  }

  @Test
  void storeGetDeleteRoundTrip() {
    String t = "roundtrip";
    JsonObject body = memory("1,2,3", "alpha beta gamma").put("memory_type", "semantic").put("importance", 2.5)
        .put("metadata", new JsonObject().put("source", "test"));
    TestServer.Resp stored = server.post("/memories", body, t);
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
    assertThat(stored.json().getString("coord")).isEqualTo("1.0,2.0,3.0");
    assertThat(stored.json().getBoolean("created")).isTrue();
    assertThat(stored.json().getBoolean("ok")).isTrue();

    TestServer.Resp got = server.get("/memories/1.0,2,3.00", t);
    assertThat(got.status()).isEqualTo(200);
    JsonObject m = got.json().getJsonObject("memory");
    assertThat(m.getString("id")).isEqualTo(stored.json().getString("id"));
    assertThat(m.getJsonObject("payload")).isEqualTo(new JsonObject().put("content", "alpha beta gamma"));
    assertThat(m.getString("memory_type")).isEqualTo("semantic");
    assertThat(m.getDouble("importance")).isEqualTo(2.5);
    assertThat(m.getJsonObject("metadata").getString("source")).isEqualTo("test");
    assertThat(m.getJsonArray("coordinate")).isEqualTo(new JsonArray().add(1.0).add(2.0).add(3.0));
    assertThat(m.getLong("access_count")).isEqualTo(1L);

    TestServer.Resp deleted = server.delete("/memories/1,2,3", t);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("coord", "1.0,2.0,3.0").put("deleted", true));
    TestServer.Resp missing = server.get("/memories/1,2,3", t);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("detail")).isEqualTo("Memory not found");
    TestServer.Resp again = server.delete("/memories/1,2,3", t);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("deleted")).isFalse();
  }

  @Test
  void upsertAtTheSameCoordinateLeavesExactlyOneSearchableMemory() {
    String t = "upsert";
    String id = server.post("/memories", memory("5,5", "apples oranges orchard fruit"), t).json().getString("id");
    TestServer.Resp second = server.post("/memories", memory("5.0,5.0", "submarine torpedo sonar ocean"), t);
    assertThat(second.json().getBoolean("created")).isFalse();
    assertThat(second.json().getString("id")).isEqualTo(id);

    JsonArray byOldWords = search(t, new JsonObject().put("query", "apples oranges orchard fruit").put("top_k", 10));
    assertThat(byOldWords).hasSize(1);
    JsonObject only = byOldWords.getJsonObject(0);
    assertThat(only.getJsonObject("payload").getString("content")).startsWith("submarine");
    assertThat(only.getJsonObject("scores").getValue("lexical")).isNull();
    assertThat(search(t, new JsonObject().put("query", "apples").put("mode", "lexical"))).isEmpty();
    JsonArray byNewWords = search(t, new JsonObject().put("query", "submarine sonar").put("top_k", 10));
    assertThat(byNewWords).hasSize(1);

    JsonObject stats = server.get("/stats", t).json();
    assertThat(stats.getLong("total_memories")).isEqualTo(1L);
    assertThat(stats.getLong("vector_count")).isEqualTo(1L);
    assertThat(stats.getLong("lexical_count")).isEqualTo(1L);
  }

  @Test
  void deleteRemovesVectorAndLexicalEntries() {
    String t = "cascade";
    server.post("/memories", memory("9,9", "volcano eruption lava"), t);
    assertThat(search(t, new JsonObject().put("query", "volcano lava"))).hasSize(1);
    server.delete("/memories/9,9", t);
    assertThat(search(t, new JsonObject().put("query", "volcano lava").put("mode", "vector"))).isEmpty();
    assertThat(search(t, new JsonObject().put("query", "volcano lava").put("mode", "lexical"))).isEmpty();
    JsonObject stats = server.get("/stats", t).json();
    assertThat(stats.getLong("vector_count")).isZero();
    assertThat(stats.getLong("lexical_count")).isZero();
  }

  @Test
  void filtersStillFillTopK() {
    String t = "filters";
    JsonArray items = new JsonArray();
    IntStream.range(0, 40).forEach(i -> items.add(memory(i + ",0", "green tea morning ritual cup " + i)));
    IntStream.range(0, 6).forEach(i -> items.add(memory(i + ",1", "tea plantation harvest report " + i)
        .put("memory_type", "semantic")
        .put("metadata", new JsonObject().put("ctx", new JsonObject().put("team", i % 2 == 0 ? "red" : "blue")))));
    assertThat(server.post("/memories/bulk", new JsonObject().put("items", items), t).json().getInteger("stored"))
        .isEqualTo(46);

    for (String mode : List.of("hybrid", "vector", "lexical")) {
      JsonArray semantic = search(t, new JsonObject().put("query", "green tea morning ritual").put("top_k", 5)
          .put("memory_type", "semantic").put("mode", mode));
      assertThat(semantic).as(mode).hasSize(5);
      semantic.forEach(o -> assertThat(((JsonObject) o).getString("memory_type")).isEqualTo("semantic"));

      JsonArray red = search(t, new JsonObject().put("query", "green tea morning ritual").put("top_k", 3)
          .put("filters", new JsonObject().put("ctx.team", "red")).put("mode", mode));
      assertThat(red).as(mode).hasSize(3);
      red.forEach(o -> assertThat(((JsonObject) o).getJsonObject("metadata").getJsonObject("ctx").getString("team"))
          .isEqualTo("red"));
    }
    JsonArray page2 = search(t, new JsonObject().put("query", "green tea").put("top_k", 5).put("offset", 5));
    JsonArray page1 = search(t, new JsonObject().put("query", "green tea").put("top_k", 10));
    assertThat(page2.getJsonObject(0).getString("id")).isEqualTo(page1.getJsonObject(5).getString("id"));
  }

  @Test
  void searchCarriesScoreComponentsAndGetMatchesPost() {
    String t = "scores";
    server.post("/memories", memory("1", "the quick brown fox jumps").put("importance", 3), t);
    server.post("/memories", memory("2", "a lazy dog sleeps all day").put("importance", 1), t);
    JsonArray hits = search(t, new JsonObject().put("query", "quick brown fox"));
    JsonObject first = hits.getJsonObject(0);
    assertThat(first.getString("coord")).isEqualTo("1.0");
    JsonObject scores = first.getJsonObject("scores");
    assertThat(scores.getDouble("vector")).isGreaterThan(0.3);
    assertThat(scores.getDouble("lexical")).isGreaterThan(0);
    assertThat(first.getDouble("score")).isEqualTo(
        scores.getDouble("fused") * scores.getDouble("importance") * scores.getDouble("decay"));

    TestServer.Resp viaGet = server.get("/memories/search?query=quick%20brown%20fox&top_k=5", t);
    assertThat(viaGet.status()).isEqualTo(200);
    assertThat(viaGet.json().getJsonArray("memories").getJsonObject(0).getString("id")).isEqualTo(first.getString("id"));

    JsonArray clientVector = new JsonArray();
    IntStream.range(0, TestServer.DIM).forEach(i -> clientVector.add(i == 3 ? 1.0 : 0.0));
    server.post("/memories", memory("3", "vector only memory").put("vector", clientVector), t);
    JsonArray byVector = search(t, new JsonObject().put("vector", clientVector).put("top_k", 1));
    assertThat(byVector.getJsonObject(0).getString("coord")).isEqualTo("3.0");
    assertThat(byVector.getJsonObject(0).getString("embedding_model")).isEqualTo("client");
    assertThat(byVector.getJsonObject(0).getJsonObject("scores").getDouble("vector")).isGreaterThan(0.999);
    // The same vectors as base64 of little-endian float32: stored one way, found the other.
    float[] fifth = new float[TestServer.DIM];
    fifth[5] = 1;
    server.post("/memories", memory("4", "base64 vector memory").put("vector", BadInputTest.base64(fifth)), t);
    JsonArray byArray = search(t, new JsonObject().put("vector", new JsonArray(
        IntStream.range(0, TestServer.DIM).mapToObj(i -> i == 5 ? 1.0 : 0.0).toList())).put("top_k", 1));
    assertThat(byArray.getJsonObject(0).getString("coord")).isEqualTo("4.0");
    float[] third = new float[TestServer.DIM];
    third[3] = 1;
    JsonArray byBase64 = search(t, new JsonObject().put("vector", BadInputTest.base64(third)).put("top_k", 1));
    assertThat(byBase64.getJsonObject(0).getString("coord")).isEqualTo("3.0");
    assertThat(byBase64.getJsonObject(0).getJsonObject("scores").getDouble("vector")).isGreaterThan(0.999);

    assertThat(search(t, new JsonObject().put("query", "quick brown fox").put("min_score", 1e6))).isEmpty();
  }

  @Test
  void batchSearchAnswersEachQueryInOrder() {
    String t = "batch";
    server.post("/memories", memory("1", "mountains and snow"), t);
    server.post("/memories", memory("2", "beaches and sunshine"), t);
    TestServer.Resp r = server.post("/memories/search/batch", new JsonObject()
        .put("queries", new JsonArray().add("snow mountains").add(new JsonObject().put("query", "sunshine beaches")))
        .put("top_k", 1), t);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(2);
    assertThat(results.getJsonObject(0).getJsonArray("memories").getJsonObject(0).getString("coord")).isEqualTo("1.0");
    assertThat(results.getJsonObject(1).getJsonArray("memories").getJsonObject(0).getString("coord")).isEqualTo("2.0");
  }

  @Test
  void rangeReturnsTheInclusiveBox() {
    String t = "range";
    server.post("/memories", memory("0,0", "origin"), t);
    server.post("/memories", memory("1,1", "corner").put("memory_type", "semantic"), t);
    server.post("/memories", memory("0.5,0.5,7", "inside with a third axis"), t);
    server.post("/memories", memory("2,0", "outside"), t);
    TestServer.Resp r = server.get("/memories/range?min=0,0&max=1,1", t);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonArray("memories")).extracting(o -> ((JsonObject) o).getString("coord"))
        .containsExactlyInAnyOrder("0.0,0.0", "1.0,1.0", "0.5,0.5,7.0");
    assertThat(r.json().getJsonArray("coords")).hasSize(3);
    TestServer.Resp semantic = server.get("/memories/range?min=0,0&max=1,1&memory_type=semantic", t);
    assertThat(semantic.json().getJsonArray("memories")).hasSize(1);
  }

  @Test
  void serverChoosesACoordinateWhenNoneIsGiven() {
    String t = "chosen";
    TestServer.Resp r = server.post("/memories", new JsonObject().put("payload", new JsonObject().put("text", "x")), t);
    assertThat(r.status()).isEqualTo(200);
    String coord = r.json().getString("coord");
    assertThat(coord).isNotBlank();
    assertThat(server.get("/memories/" + coord, t).status()).isEqualTo(200);
  }

  @Test
  void tenantsNeverSeeEachOther() {
    String a = "tenant-a";
    String b = "tenant-b";
    server.post("/memories", memory("7,7", "the secret launch code of tenant a"), a);

    assertThat(server.get("/memories/7,7", b).status()).isEqualTo(404);
    assertThat(search(b, new JsonObject().put("query", "secret launch code"))).isEmpty();
    assertThat(server.get("/memories/search?query=secret", b).json().getJsonArray("memories")).isEmpty();
    assertThat(server.get("/memories/range?min=0,0&max=10,10", b).json().getJsonArray("memories")).isEmpty();
    assertThat(server.get("/stats", b).json().getLong("total_memories")).isZero();
    assertThat(server.post("/memories/search/batch", new JsonObject().put("queries", new JsonArray().add("secret")), b)
        .json().getJsonArray("results").getJsonObject(0).getJsonArray("memories")).isEmpty();
    assertThat(server.delete("/memories/7,7", b).json().getBoolean("deleted")).isFalse();
    assertThat(server.post("/memories", memory("7,7", "tenant b's own memory"), b).json().getBoolean("created"))
        .isTrue();
    server.post("/memories/bulk", new JsonObject().put("items", new JsonArray().add(memory("7,7", "b again"))), b);

    JsonObject mine = server.get("/memories/7,7", a).json().getJsonObject("memory");
    assertThat(mine.getJsonObject("payload").getString("content")).contains("tenant a");
    assertThat(search(a, new JsonObject().put("query", "secret launch code"))).hasSize(1);
    assertThat(server.get("/stats", a).json().getLong("total_memories")).isEqualTo(1L);
  }

  @Test
  void namespaceHeaderSelectsTheTenantAsTheSeedClientSendsIt() {
    TestServer.Resp stored = server.call(io.vertx.core.http.HttpMethod.POST, "/memories", memory("4,4", "ns"), null, null);
    assertThat(stored.status()).isEqualTo(200);
    assertThat(server.get("/memories/4,4", "default").status()).isEqualTo(200);
    var request = server.client.get("/memories/4,4").putHeader("X-Soma-Namespace", "brain:elsewhere");
    assertThat(TestServer.await(request.send()).statusCode()).isEqualTo(404);
  }

  @Test
  void eventsFollowEveryCommittedChange() {
    String t = "events";
    server.post("/memories", memory("3,3", "first"), t);
    server.post("/memories", memory("3,3", "second"), t);
    server.delete("/memories/3,3", t);
    long deadline = System.currentTimeMillis() + 5000;
    while (EVENTS.stream().filter(e -> e.tenant().equals(t)).count() < 3 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    List<MemoryEvent> mine = EVENTS.stream().filter(e -> e.tenant().equals(t)).toList();
    assertThat(mine).extracting(MemoryEvent::type).containsExactly("created", "updated", "deleted");
    assertThat(mine).extracting(MemoryEvent::id).containsOnly(mine.get(0).id());
    assertThat(mine.get(2).seq()).isGreaterThan(mine.get(1).seq());
  }

  @Test
  void operationalRoutesAnswer() {
    assertThat(server.get("/healthz", null).status()).isEqualTo(200);
    assertThat(server.get("/readyz", null).json().getBoolean("ready")).isTrue();
    TestServer.Resp health = server.get("/health", null);
    assertThat(health.status()).as(health.toString()).isEqualTo(200);
    assertThat(health.json().getJsonArray("services")).extracting(o -> ((JsonObject) o).getString("name"))
        .containsExactly("store", "vector_index", "lexical_index", "embedder", "cache");
    assertThat(health.json().getJsonObject("cache").getString("backend")).isEqualTo("in-process");
    assertThat(health.json().getJsonObject("cache").getBoolean("active")).isTrue();
    assertThat(server.get("/", null).json().getString("status")).isEqualTo("online");
  }
}
