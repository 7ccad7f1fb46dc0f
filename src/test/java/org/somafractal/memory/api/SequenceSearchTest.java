package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sequence neighbours over HTTP: the memories just before and after a match in its sequence (its coordinate with the
 * last axis ∓1) are found with it, within the filter and the tenant, unless the search turns it off. The lending
 * tests turn the lexical context field off ({@code SOMA_LEXICAL_CONTEXT_WEIGHT=0}), which would otherwise let the
 * neighbours match by themselves.
 */
class SequenceSearchTest {
  private static final Map<String, String> NO_CONTEXT = Map.of("SOMA_LEXICAL_CONTEXT_WEIGHT", "0");

  private static JsonObject turn(String coord, String content, String type) {
    return new JsonObject().put("coord", coord).put("memory_type", type)
        .put("payload", new JsonObject().put("content", content));
  }

  private static List<String> coords(TestServer.Resp r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().getJsonArray("memories").forEach(m -> out.add(((JsonObject) m).getString("coord")));
    return out;
  }

  @Test
  void neighboursOfAMatchJoinWithTheirShareOfItsRelevance() {
    try (TestServer server = TestServer.start(Map.of("SOMA_SEQUENCE_WEIGHT", "0.3",
        "SOMA_LEXICAL_CONTEXT_WEIGHT", "0"))) {
      // importance 1 everywhere: the neighbours' scores are exactly their share
      server.post("/memories/bulk", new JsonObject().put("items", new JsonArray()
          .add(turn("1,0", "Did you go anywhere last weekend?", "episodic"))
          .add(turn("1,1", "Yes, we hiked up to the glacier lake", "episodic"))
          .add(turn("1,2", "It took us six hours there and back", "semantic"))
          .add(turn("1,5", "Unrelated later remark", "episodic"))
          .add(turn("2,1", "Same position in another session", "episodic"))), "a");
      server.post("/memories", turn("1,0", "glacier lake of another tenant", "episodic"), "b");

      JsonObject query = new JsonObject().put("query", "glacier lake").put("mode", "lexical").put("top_k", 10);
      TestServer.Resp found = server.post("/memories/search", query, "a");
      List<String> coords = coords(found);
      assertThat(coords.get(0)).isEqualTo("1.0,1.0");
      assertThat(coords.subList(1, coords.size())).as("both neighbours, tied").containsExactlyInAnyOrder("1.0,0.0",
          "1.0,2.0");
      JsonArray memories = found.json().getJsonArray("memories");
      JsonObject match = memories.getJsonObject(0).getJsonObject("scores");
      JsonObject before = memories.getJsonObject(coords.indexOf("1.0,0.0")).getJsonObject("scores");
      assertThat(match.getDouble("sequence")).isZero();
      assertThat(before.getValue("lexical")).as("no index proposed it").isNull();
      assertThat(before.getDouble("sequence")).isCloseTo(0.3 * match.getDouble("fused"),
          org.assertj.core.api.Assertions.within(1e-9));

      assertThat(coords(server.post("/memories/search", query.copy().put("sequence_weight", 0), "a")))
          .as("turned off by the search").containsExactly("1.0,1.0");
      assertThat(coords(server.post("/memories/search", query.copy().put("memory_type", "episodic"), "a")))
          .as("a neighbour outside the filter stays out").containsExactly("1.0,1.0", "1.0,0.0");
      assertThat(coords(server.post("/memories/search", query, "b"))).as("only the tenant's own memories")
          .containsExactly("1.0,0.0");

      TestServer.Resp bad = server.post("/memories/search", query.copy().put("sequence_weight", 2), "a");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json().getString("detail")).contains("sequence_weight");
    }
  }

  @Test
  void onAFullPageOnlyAShareThatBeatsTheLastResultBringsANeighbourIn() {
    try (TestServer server = TestServer.start(NO_CONTEXT)) {
      server.post("/memories/bulk", new JsonObject().put("items", new JsonArray()
          .add(turn("1,0", "the reply before", "episodic"))
          .add(turn("1,1", "glacier lake glacier lake glacier", "episodic"))
          .add(turn("9,0", "a lake far away from any other words here", "episodic"))), "a");
      JsonObject query = new JsonObject().put("query", "glacier lake").put("mode", "lexical").put("top_k", 2);
      List<String> lent = coords(server.post("/memories/search", query.copy().put("sequence_weight", 1), "a"));
      assertThat(lent).as("its whole relevance beats the weak match").containsExactlyInAnyOrder("1.0,1.0", "1.0,0.0");
      assertThat(coords(server.post("/memories/search", query.copy().put("sequence_weight", 0.01), "a")))
          .as("a hundredth of it does not").containsExactly("1.0,1.0", "9.0,0.0");
    }
  }

  @Test
  void offByConfiguration() {
    try (TestServer server = TestServer.start(Map.of("SOMA_SEQUENCE_WEIGHT", "0",
        "SOMA_LEXICAL_CONTEXT_WEIGHT", "0"))) {
      server.post("/memories/bulk", new JsonObject().put("items", new JsonArray()
          .add(turn("1,0", "before", "episodic")).add(turn("1,1", "the glacier lake", "episodic"))), "a");
      JsonObject query = new JsonObject().put("query", "glacier lake").put("mode", "lexical");
      assertThat(coords(server.post("/memories/search", query, "a"))).containsExactly("1.0,1.0");
      assertThat(coords(server.post("/memories/search", query.copy().put("sequence_weight", 0.5), "a")))
          .as("a search may still ask for it").containsExactly("1.0,1.0", "1.0,0.0");
    }
  }

  @Test
  void byDefaultANeighboursWordsMatchInTheLexicalIndex() {
    JsonObject items = new JsonObject().put("items", new JsonArray()
        .add(turn("1,0", "How is your family?", "episodic"))
        .add(turn("1,1", "They are a real support", "episodic"))
        .add(turn("1,3", "Nothing else to say", "episodic")));
    JsonObject query = new JsonObject().put("query", "family").put("mode", "lexical").put("sequence_weight", 0);
    try (TestServer server = TestServer.start()) {
      server.post("/memories/bulk", items, "a");
      TestServer.Resp found = server.post("/memories/search", query, "a");
      assertThat(coords(found)).containsExactly("1.0,0.0", "1.0,1.0");
      JsonArray memories = found.json().getJsonArray("memories");
      assertThat(memories.getJsonObject(1).getJsonObject("scores").getDouble("lexical"))
          .as("the reply's own BM25F score, below the question's").isPositive()
          .isLessThan(memories.getJsonObject(0).getJsonObject("scores").getDouble("lexical"));
    }
    try (TestServer server = TestServer.start(NO_CONTEXT)) {
      server.post("/memories/bulk", items, "a");
      assertThat(coords(server.post("/memories/search", query, "a"))).containsExactly("1.0,0.0");
    }
  }
}
