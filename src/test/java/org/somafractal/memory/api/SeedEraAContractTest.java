package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replays the seed's era A requests (seed-api.md 1.1) and checks the documented response shapes. */
class SeedEraAContractTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject post(String path, JsonObject body, String tenant) {
    TestServer.Resp r = server.post(path, body, tenant);
    assertThat(r.status()).as(path + " " + r).isEqualTo(200);
    return r.json();
  }

  @Test
  void storeAndRecallSpeakTheSeedShapes() {
    String t = "era-a";
    assertThat(post("/store", new JsonObject().put("coord", "1,2,3").put("type", "episodic")
        .put("payload", new JsonObject().put("task", "write the quarterly docs").put("importance", 3)), t))
        .isEqualTo(new JsonObject().put("ok", true));
    assertThat(post("/store", new JsonObject().put("coord", "4,5,6").put("type", "whatever")
        .put("payload", new JsonObject().put("fact", "the docs live in the wiki")), t).getBoolean("ok")).isTrue();

    JsonArray matches = post("/recall", new JsonObject().put("query", "quarterly docs").put("top_k", 2), t)
        .getJsonArray("matches");
    JsonObject first = matches.getJsonObject(0);
    assertThat(first.getString("task")).isEqualTo("write the quarterly docs");
    assertThat(first.getString("memory_type")).isEqualTo("episodic");
    assertThat(first.getJsonArray("coordinate")).isEqualTo(new JsonArray().add(1.0).add(2.0).add(3.0));
    assertThat(first.getDouble("importance")).isEqualTo(3.0);
    assertThat(first.getValue("timestamp")).isInstanceOf(Number.class);
    assertThat(matches.getJsonObject(1).getString("memory_type")).as("an unknown type stores as episodic")
        .isEqualTo("episodic");

    TestServer.Resp viaGet = server.get("/recall?query=wiki&top_k=1&hybrid=false", t);
    assertThat(viaGet.json().getJsonArray("matches")).hasSize(1);

    JsonArray batches = post("/recall_batch", new JsonObject().put("queries", new JsonArray().add("docs").add("wiki"))
        .put("top_k", 1), t).getJsonArray("batches");
    assertThat(batches).hasSize(2);
    assertThat(batches.getJsonArray(1).getJsonObject(0).getString("fact")).contains("wiki");

    JsonArray scored = post("/recall_with_scores", new JsonObject().put("query", "quarterly docs"), t)
        .getJsonArray("results");
    assertThat(scored.getJsonObject(0).getJsonObject("payload").getString("task")).contains("quarterly");
    assertThat(scored.getJsonObject(0).getValue("score")).isInstanceOf(Number.class);

    JsonArray hybrid = post("/hybrid_recall_with_scores", new JsonObject().put("query", "where are the docs")
        .put("terms", new JsonArray().add("wiki")).put("top_k", 2), t).getJsonArray("results");
    assertThat(hybrid).hasSize(2);
    assertThat(hybrid).extracting(o -> ((JsonObject) o).getJsonObject("payload").getString("fact"))
        .contains("the docs live in the wiki");
  }

  @Test
  void keywordSearchMatchesWholeValuesOrSubstrings() {
    String t = "era-a-keyword";
    post("/store", new JsonObject().put("coord", "1").put("payload", new JsonObject().put("text", "deploy")), t);
    post("/store", new JsonObject().put("coord", "2").put("payload", new JsonObject().put("text", "deploy the app")), t);
    JsonArray exact = post("/keyword_search", new JsonObject().put("term", "Deploy"), t).getJsonArray("results");
    assertThat(exact).hasSize(1);
    assertThat(exact.getJsonObject(0).getString("text")).isEqualTo("deploy");
    JsonArray substring = post("/keyword_search", new JsonObject().put("term", "deploy").put("exact", false), t)
        .getJsonArray("results");
    assertThat(substring).hasSize(2);
    assertThat(post("/keyword_search", new JsonObject().put("term", "Deploy").put("case_sensitive", true), t)
        .getJsonArray("results")).isEmpty();
  }

  @Test
  void keywordSearchFindsAValueThatIsACommonWord() {
    String t = "era-a-keyword-common";
    post("/store", new JsonObject().put("coord", "1").put("payload", new JsonObject().put("status", "down")), t);
    post("/store", new JsonObject().put("coord", "2").put("payload", new JsonObject().put("status", "up and running")),
        t);
    JsonArray down = post("/keyword_search", new JsonObject().put("term", "down"), t).getJsonArray("results");
    assertThat(down).hasSize(1);
    assertThat(down.getJsonObject(0).getString("status")).isEqualTo("down");
  }

  @Test
  void bulkRangeRememberAndDeleteMany() {
    String t = "era-a-bulk";
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("coord", "0.5,0.5").put("payload", new JsonObject().put("text", "a")))
        .add(new JsonObject().put("coord", "3,3").put("payload", new JsonObject().put("text", "b")).put("type", "semantic"));
    assertThat(post("/store_bulk", new JsonObject().put("items", items), t))
        .isEqualTo(new JsonObject().put("stored", 2));
    TestServer.Resp range = server.get("/range?min=0,0&max=1,1", t);
    assertThat(range.json()).isEqualTo(new JsonObject().put("coords", new JsonArray().add(new JsonArray().add(0.5).add(0.5))));

    JsonObject remembered = post("/remember", new JsonObject().put("payload", new JsonObject().put("text", "c")), t);
    assertThat(remembered.getBoolean("ok")).isTrue();
    assertThat(server.get("/memories/" + remembered.getString("coord"), t).status()).isEqualTo(200);

    assertThat(post("/delete_many", new JsonObject().put("coords", new JsonArray().add("0.5,0.5").add("9,9")), t))
        .isEqualTo(new JsonObject().put("deleted", 1));
    assertThat(server.get("/stats", t).json().getLong("total_memories")).isEqualTo(2L);
  }

  @Test
  void contextRecallExportAndImportWithoutServerPaths() {
    String t = "era-a-transfer";
    post("/store", new JsonObject().put("coord", "1").put("payload", new JsonObject().put("text", "kitchen meeting notes")), t);
    post("/store", new JsonObject().put("coord", "2").put("payload", new JsonObject().put("text", "garage inventory")), t);
    JsonArray results = post("/recall_with_context", new JsonObject().put("query", "notes")
        .put("context", new JsonObject().put("room", "kitchen")).put("top_k", 1), t).getJsonArray("results");
    assertThat(results.getJsonObject(0).getString("text")).isEqualTo("kitchen meeting notes");
    assertThat(server.post("/recall_with_context", new JsonObject().put("query", "notes"), t).status()).isEqualTo(422);

    TestServer.Resp exported = server.post("/export_memories", new JsonObject().put("path", "/etc/passwd"), t);
    assertThat(exported.status()).isEqualTo(200);
    String[] lines = exported.text().strip().split("\n");
    assertThat(lines).hasSize(2);
    TestServer.Resp imported = server.call(io.vertx.core.http.HttpMethod.POST, "/import_memories",
        io.vertx.core.buffer.Buffer.buffer(exported.text()), "era-a-copy", null);
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    assertThat(imported.json().getInteger("imported")).isEqualTo(2);
    assertThat(server.get("/memories/2", "era-a-copy").json().getJsonObject("memory").getJsonObject("payload")
        .getString("text")).isEqualTo("garage inventory");
  }

  @Test
  void graphRoutesReadWeightAsALengthAsTheSeedDid() {
    String t = "era-a-graph";
    for (String c : new String[] {"1,0", "2,0", "3,0"}) {
      post("/store", new JsonObject().put("coord", c).put("payload", new JsonObject().put("text", c)), t);
    }
    assertThat(post("/link", new JsonObject().put("from_coord", "1,0").put("to_coord", "3,0").put("weight", 5), t))
        .isEqualTo(new JsonObject().put("ok", true));
    post("/link", new JsonObject().put("from_coord", "1,0").put("to_coord", "2,0").put("weight", 1), t);
    post("/link", new JsonObject().put("from_coord", "2,0").put("to_coord", "3,0").put("weight", 1).put("type", "next"), t);

    JsonObject path = server.get("/shortest_path?frm=1,0&to=3,0", t).json();
    assertThat(path).isEqualTo(new JsonObject().put("path", new JsonArray()
        .add(new JsonArray().add(1.0).add(0.0)).add(new JsonArray().add(2.0).add(0.0))
        .add(new JsonArray().add(3.0).add(0.0))));
    assertThat(server.get("/shortest_path?frm=3,0&to=1,0", t).json())
        .isEqualTo(new JsonObject().put("path", new JsonArray()));

    JsonArray neighbors = server.get("/neighbors?coord=1,0&limit=5", t).json().getJsonArray("neighbors");
    assertThat(neighbors).hasSize(2);
    JsonArray first = neighbors.getJsonArray(0);
    assertThat(first.getJsonArray(0)).isEqualTo(first.getJsonObject(1).getJsonArray("to"));
    assertThat(first.getJsonObject(1).getString("type")).isEqualTo("related");
    assertThat(server.get("/neighbors?coord=2,0&link_type=next", t).json().getJsonArray("neighbors")).hasSize(1);
    assertThat(server.post("/link", new JsonObject().put("from_coord", "9,9").put("to_coord", "1,0"), t).status())
        .as("linking from a coordinate without a memory").isEqualTo(404);
  }

  @Test
  void badSeedRequestsAreClearJsonErrors() {
    assertThat(server.post("/store", new JsonObject().put("payload", new JsonObject()), "x").status()).isEqualTo(422);
    assertThat(server.post("/store", new JsonObject().put("coord", "1,,2").put("payload", new JsonObject()), "x")
        .status()).isEqualTo(400);
    assertThat(server.post("/recall", new JsonObject(), "x").status()).isEqualTo(422);
    assertThat(server.post("/keyword_search", new JsonObject().put("term", "a").put("exact", "yes"), "x").status())
        .isEqualTo(422);
    assertThat(server.post("/delete_many", new JsonObject().put("coords", "1,2"), "x").json().getString("detail"))
        .isNotBlank();
    assertThat(server.get("/stats", "x").json().getLong("total_memories")).isZero();
  }
}
