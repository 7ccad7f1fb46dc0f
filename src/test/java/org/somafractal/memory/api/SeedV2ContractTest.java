package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Replays the requests of the seed README's documented /api/v2/memory routes and checks their response shapes. */
class SeedV2ContractTest {

  @Test
  void storeSearchDeleteById() {
    try (TestServer server = TestServer.start()) {
      TestServer.Resp stored = server.post("/api/v2/memory/store", new JsonObject()
          .put("content", "User likes jasmine tea").put("namespace", "brain:acme").put("type", "semantic")
          .put("importance", 0.8).put("metadata", new JsonObject().put("source", "chat")), null);
      assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
      String id = stored.json().getString("id");
      assertThat(id).isNotBlank();
      assertThat(stored.json().getValue("latency_ms")).isInstanceOf(Number.class);
      assertThat(server.get("/stats", "acme").json().getLong("semantic")).as("namespace selects the tenant")
          .isEqualTo(1L);

      TestServer.Resp found = server.post("/api/v2/memory/search", new JsonObject().put("query", "jasmine tea")
          .put("top_k", 3).put("namespace", "brain:acme"), null);
      JsonArray results = found.json().getJsonArray("results");
      assertThat(results).hasSize(1);
      JsonObject hit = results.getJsonObject(0);
      assertThat(hit.getString("id")).isEqualTo(id);
      assertThat(hit.getString("content")).isEqualTo("User likes jasmine tea");
      assertThat(hit.getValue("score")).isInstanceOf(Number.class);
      assertThat(hit.getJsonObject("metadata").getString("source")).isEqualTo("chat");
      assertThat(found.json().getValue("latency_ms")).isInstanceOf(Number.class);
      assertThat(server.post("/api/v2/memory/search", new JsonObject().put("query", "jasmine tea"), "other")
          .json().getJsonArray("results")).isEmpty();

      assertThat(server.delete("/api/v2/memory/" + id, "other").json().getBoolean("deleted")).isFalse();
      assertThat(server.delete("/api/v2/memory/" + id, "acme").json())
          .isEqualTo(new JsonObject().put("id", id).put("deleted", true));
      assertThat(server.get("/stats", "acme").json().getLong("total_memories")).isZero();
      assertThat(server.post("/api/v2/memory/store", new JsonObject().put("content", ""), null).status())
          .isEqualTo(422);
    }
  }
}
