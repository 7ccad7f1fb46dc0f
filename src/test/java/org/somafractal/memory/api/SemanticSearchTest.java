package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the bundled ONNX model, search finds memories by meaning, not only by shared words. */
class SemanticSearchTest {

  @Test
  void findsByMeaning() {
    try (TestServer server = TestServer.start(Map.of("SOMA_EMBEDDER", "onnx", "SOMA_VECTOR_DIM", "384"))) {
      String[] facts = {"User prefers green tea in the morning", "The deployment pipeline failed on Tuesday",
          "Paris is the capital of France", "The cat sleeps on the red sofa"};
      for (int i = 0; i < facts.length; i++) {
        server.post("/memories", new JsonObject().put("coord", Integer.toString(i))
            .put("payload", new JsonObject().put("content", facts[i])), "s");
      }
      JsonArray hits = server.post("/memories/search", new JsonObject()
          .put("query", "which drink does the user like at breakfast?").put("mode", "vector").put("top_k", 2), "s")
          .json().getJsonArray("memories");
      assertThat(hits.getJsonObject(0).getJsonObject("payload").getString("content")).contains("green tea");
      assertThat(hits.getJsonObject(0).getString("embedding_model")).isEqualTo("onnx:e5-small-v2-q");
      JsonArray city = server.post("/memories/search", new JsonObject()
          .put("query", "French city that is the seat of government").put("top_k", 1), "s")
          .json().getJsonArray("memories");
      assertThat(city.getJsonObject(0).getJsonObject("payload").getString("content")).contains("Paris");
    }
  }
}
