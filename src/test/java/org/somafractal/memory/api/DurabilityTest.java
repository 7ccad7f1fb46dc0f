package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In development mode, every acknowledged write survives a restart and is searchable again. */
class DurabilityTest {

  @Test
  void acknowledgedMemoriesSurviveARestart(@TempDir Path dir) {
    Map<String, String> config = Map.of("MEMORY_MODE", "development", "SOMA_DATA_DIR", dir.toString());
    try (TestServer first = TestServer.start(config)) {
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        JsonObject body = new JsonObject().put("coord", i + ",1").put("memory_type", i % 3 == 0 ? "semantic" : "episodic")
            .put("payload", new JsonObject().put("content", "durable memory number " + i + " about lighthouse " + i));
        writes.add(first.client.post("/memories").putHeader("X-Soma-Tenant", "d").sendJsonObject(body)
            .toCompletionStage().toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      first.post("/memories", new JsonObject().put("coord", "0,1")
          .put("payload", new JsonObject().put("content", "rewritten zeppelin memory")), "d");
      first.delete("/memories/59,1", "d");
    }
    assertThat(Files.exists(dir.resolve("soma.db"))).isTrue();

    try (TestServer second = TestServer.start(config)) {
      JsonObject stats = second.get("/stats", "d").json();
      assertThat(stats.getLong("total_memories")).isEqualTo(59L);
      assertThat(stats.getLong("semantic")).as("0,1 was rewritten as episodic").isEqualTo(19L);
      assertThat(stats.getLong("vector_count")).isEqualTo(59L);
      assertThat(stats.getLong("lexical_count")).isEqualTo(59L);
      assertThat(second.get("/memories/59,1", "d").status()).isEqualTo(404);
      assertThat(second.get("/memories/12,1", "d").json().getJsonObject("memory").getJsonObject("payload")
          .getString("content")).isEqualTo("durable memory number 12 about lighthouse 12");
      JsonArray hits = second.post("/memories/search", new JsonObject().put("query", "zeppelin").put("mode", "lexical"),
          "d").json().getJsonArray("memories");
      assertThat(hits).hasSize(1);
      assertThat(hits.getJsonObject(0).getString("coord")).isEqualTo("0.0,1.0");
      JsonArray byMeaning = second.post("/memories/search", new JsonObject()
          .put("query", "durable memory number 33 about lighthouse 33").put("mode", "vector").put("top_k", 1), "d")
          .json().getJsonArray("memories");
      assertThat(byMeaning.getJsonObject(0).getString("coord")).isEqualTo("33.0,1.0");
    }
  }
}
