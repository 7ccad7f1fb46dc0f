package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SOMA_EMBED_MODEL=auto}, the default: a new store is embedded with E5, and a store that some other bundled model
 * embedded keeps that model across restarts, so its memories are still found by text after an upgrade.
 */
class EmbeddingModelChoiceTest {

  private static Map<String, String> development(Path dir, String model) {
    Map<String, String> config = new HashMap<>(Map.of("MEMORY_MODE", "development", "SOMA_DATA_DIR", dir.toString(),
        "SOMA_EMBEDDER", "onnx", "SOMA_VECTOR_DIM", "384"));
    if (model != null) {
      config.put("SOMA_EMBED_MODEL", model);
    }
    return config;
  }

  @Test
  void aStoreKeepsTheModelThatEmbeddedItsMemories(@TempDir Path dir) {
    try (TestServer first = TestServer.start(development(dir, "all-minilm-l6-v2-q"))) {
      first.post("/memories", new JsonObject().put("coord", "1").put("vector", new JsonArray(java.util.Collections
          .nCopies(384, 0.05))).put("payload", new JsonObject().put("content", "a client vector says nothing")), "m");
      first.post("/memories", new JsonObject().put("coord", "2")
          .put("payload", new JsonObject().put("content", "User prefers green tea in the morning")), "m");
    }
    try (TestServer second = TestServer.start(development(dir, null))) {
      assertThat(second.server.modelId()).isEqualTo("onnx:all-minilm-l6-v2-q");
      JsonArray hits = second.post("/memories/search", new JsonObject()
          .put("query", "which drink does the user like at breakfast?").put("mode", "vector").put("top_k", 1), "m")
          .json().getJsonArray("memories");
      assertThat(hits.getJsonObject(0).getString("coord")).isEqualTo("2.0");
    }
    try (TestServer named = TestServer.start(development(dir, "e5-small-v2-q"))) {
      assertThat(named.server.modelId()).as("a model named explicitly is loaded as named")
          .isEqualTo("onnx:e5-small-v2-q");
    }
  }

  @Test
  void aNewStoreAndAStoreOfClientVectorsOnlyAreEmbeddedWithE5(@TempDir Path dir) {
    try (TestServer first = TestServer.start(development(dir, null))) {
      assertThat(first.server.modelId()).isEqualTo("onnx:e5-small-v2-q");
      first.post("/memories", new JsonObject().put("coord", "1").put("vector", new JsonArray(java.util.Collections
          .nCopies(384, 0.05))).put("payload", new JsonObject().put("content", "client vector")), "m");
    }
    try (TestServer second = TestServer.start(development(dir, "auto"))) {
      assertThat(second.server.modelId()).isEqualTo("onnx:e5-small-v2-q");
    }
  }
}
