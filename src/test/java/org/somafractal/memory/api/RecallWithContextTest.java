package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecallWithContextTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void store(String tenant, String coord, String content, JsonObject metadata) {
    server.post("/memories", new JsonObject().put("coord", coord)
        .put("payload", new JsonObject().put("content", content)).put("metadata", metadata), tenant);
  }

  @Test
  void contextScalarsBoostTheQueryAndContextFiltersFilter() {
    String t = "recall-ctx";
    store(t, "1", "meeting notes about the budget", new JsonObject().put("project", "apollo"));
    store(t, "2", "meeting notes about the kitchen renovation", new JsonObject().put("project", "home"));
    store(t, "3", "meeting notes about the budget forecast", new JsonObject().put("project", "home"));

    TestServer.Resp boosted = server.post("/memories/recall_with_context", new JsonObject().put("query", "meeting notes")
        .put("context", new JsonObject().put("room", "kitchen").put("nested", new JsonObject().put("x", "budget")))
        .put("top_k", 3).put("mode", "lexical"), t);
    assertThat(boosted.status()).as(boosted.toString()).isEqualTo(200);
    JsonArray all = boosted.json().getJsonArray("memories");
    assertThat(all).hasSize(3);
    // Only the scalar "room: kitchen" joins the query; the nested object does not.
    assertThat(all.getJsonObject(0).getString("coord")).isEqualTo("2.0");
    assertThat(all.getJsonObject(0).getJsonObject("scores").getDouble("lexical"))
        .isGreaterThan(all.getJsonObject(1).getJsonObject("scores").getDouble("lexical"));

    TestServer.Resp filtered = server.post("/memories/recall_with_context", new JsonObject().put("query", "budget")
        .put("context", new JsonObject().put("filters", new JsonObject().put("project", "home"))), t);
    assertThat(filtered.json().getJsonArray("memories")).extracting(m -> ((JsonObject) m).getString("coord"))
        .contains("3.0").doesNotContain("1.0");

    TestServer.Resp noQuery = server.post("/memories/recall_with_context",
        new JsonObject().put("context", new JsonObject().put("a", 1)), t);
    assertThat(noQuery.status()).isEqualTo(422);
  }
}
