package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScopedDeleteTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void store(String tenant, String coord, String content, String type, JsonObject metadata) {
    TestServer.Resp r = server.post("/memories", new JsonObject().put("coord", coord)
        .put("payload", new JsonObject().put("content", content)).put("memory_type", type).put("metadata", metadata),
        tenant);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private static long total(String tenant) {
    return server.get("/stats", tenant).json().getLong("total_memories");
  }

  private static JsonArray search(String tenant, String query) {
    return server.post("/memories/search", new JsonObject().put("query", query).put("top_k", 50), tenant).json()
        .getJsonArray("memories");
  }

  private static TestServer.Resp delete(String tenant, JsonObject body) {
    return server.post("/memories/delete", body, tenant);
  }

  @Test
  void byCoordsDeletesThoseAndReportsWhichExisted() {
    String t = "del-coords";
    store(t, "1", "zebra one", "episodic", new JsonObject());
    store(t, "2", "zebra two", "episodic", new JsonObject());
    store(t, "3", "zebra three", "episodic", new JsonObject());
    TestServer.Resp r = delete(t, new JsonObject().put("coords", new JsonArray().add("1").add("2").add("9")));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("deleted")).isEqualTo(2L);
    assertThat(r.json().getJsonArray("coords")).containsExactlyInAnyOrder("1.0", "2.0");
    assertThat(total(t)).isEqualTo(1L);
    assertThat(search(t, "zebra")).hasSize(1);
    assertThat(server.get("/stats", t).json().getLong("vector_count")).isEqualTo(1L);
    assertThat(server.get("/stats", t).json().getLong("lexical_count")).isEqualTo(1L);
  }

  @Test
  void byFilterDeletesOnlyMatchingTypeAndMetadata() {
    String t = "del-filter";
    for (int i = 0; i < 1200; i++) {
      store(t, Integer.toString(i), "walrus " + i, i % 2 == 0 ? "semantic" : "episodic",
          new JsonObject().put("topic", i % 3 == 0 ? "ocean" : "land"));
    }
    TestServer.Resp r = delete(t, new JsonObject().put("filter", new JsonObject().put("memory_type", "semantic")
        .put("filters", new JsonObject().put("topic", "ocean"))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // i divisible by 6: 0, 6, …, 1194.
    assertThat(r.json().getLong("deleted")).isEqualTo(200L);
    assertThat(r.json().containsKey("coords")).isFalse();
    assertThat(total(t)).isEqualTo(1000L);
    assertThat(server.get("/memories/6", t).status()).isEqualTo(404);
    assertThat(server.get("/memories/3", t).status()).isEqualTo(200);
    assertThat(server.get("/memories/2", t).status()).isEqualTo(200);
    JsonObject stats = server.get("/stats", t).json();
    assertThat(stats.getLong("vector_count")).isEqualTo(1000L);
    assertThat(stats.getLong("lexical_count")).isEqualTo(1000L);
  }

  @Test
  void byTimeDeletesWhatWasCreatedInTheWindow() throws InterruptedException {
    String t = "del-time";
    store(t, "1", "old", "episodic", new JsonObject());
    Thread.sleep(20);
    long cut = System.currentTimeMillis();
    Thread.sleep(20);
    store(t, "2", "new", "episodic", new JsonObject());
    TestServer.Resp r = delete(t, new JsonObject().put("filter", new JsonObject().put("created_before", cut)));
    assertThat(r.json().getLong("deleted")).isEqualTo(1L);
    assertThat(server.get("/memories/1", t).status()).isEqualTo(404);
    assertThat(server.get("/memories/2", t).status()).isEqualTo(200);
  }

  @Test
  void anEmptyFilterIsRefusedWithoutAllTrue() {
    String t = "del-empty";
    store(t, "1", "keep me", "episodic", new JsonObject());
    for (JsonObject body : new JsonObject[] {new JsonObject(), new JsonObject().put("filter", new JsonObject()),
        new JsonObject().put("all", false), new JsonObject().put("filter", new JsonObject().put("typo", 1)),
        new JsonObject().put("coords", new JsonArray().add("1")).put("filter", new JsonObject().put("memory_type",
            "episodic")),
        new JsonObject().put("all", true).put("filter", new JsonObject().put("memory_type", "episodic"))}) {
      TestServer.Resp r = delete(t, body);
      assertThat(r.status()).as("%s -> %s", body, r).isEqualTo(422);
      assertThat(r.json().getString("detail")).isNotBlank();
    }
    assertThat(total(t)).isEqualTo(1L);
  }

  @Test
  void allTrueDeletesOnlyTheCallersTenant() {
    store("del-all", "1", "narwhal mine", "episodic", new JsonObject());
    store("del-all", "2", "narwhal mine too", "semantic", new JsonObject());
    store("del-all-other", "1", "narwhal theirs", "episodic", new JsonObject());
    TestServer.Resp r = delete("del-all", new JsonObject().put("all", true));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("deleted")).isEqualTo(2L);
    assertThat(total("del-all")).isZero();
    assertThat(search("del-all", "narwhal")).isEmpty();
    assertThat(total("del-all-other")).isEqualTo(1L);
    assertThat(search("del-all-other", "narwhal")).hasSize(1);
  }
}
