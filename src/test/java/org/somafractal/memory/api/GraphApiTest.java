package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GraphApiTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void remember(TestServer s, String tenant, String... coords) {
    for (String c : coords) {
      TestServer.Resp r = s.post("/memories", new JsonObject().put("coord", c)
          .put("payload", new JsonObject().put("content", "memory at " + c)), tenant);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  private static TestServer.Resp link(TestServer s, String tenant, String from, String to, String type, double strength) {
    JsonObject body = new JsonObject().put("from_coord", from).put("to_coord", to).put("strength", strength);
    if (type != null) {
      body.put("link_type", type);
    }
    return s.post("/graph/link", body, tenant);
  }

  private static void linked(TestServer s, String tenant, String from, String to, String type, double strength) {
    TestServer.Resp r = link(s, tenant, from, to, type, strength);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private static JsonArray neighbors(TestServer s, String tenant, String query) {
    TestServer.Resp r = s.get("/graph/neighbors?" + query, tenant);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("neighbors");
  }

  /** Neighbours as "key/type/hops". */
  private static List<String> brief(JsonArray neighbors) {
    return neighbors.stream().map(o -> (JsonObject) o)
        .map(n -> n.getString("coord") + "/" + n.getString("link_type") + "/" + n.getInteger("hops")).toList();
  }

  private static JsonObject path(TestServer s, String tenant, String query) {
    TestServer.Resp r = s.get("/graph/path?" + query, tenant);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void linkRelinkAndUnlinkWithSeveralTypesPerPair() {
    String t = "links";
    remember(server, t, "1,2");
    TestServer.Resp r = link(server, t, "1,2", "3, 4.00", null, 1.0);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("from_coord", "1.0,2.0").put("to_coord", "3.0,4.0")
        .put("link_type", "related").put("strength", 1.0).put("ok", true));
    linked(server, t, "1,2", "3,4", "causes", 0.5);
    linked(server, t, "1,2", "3,4", "related", 0.25);

    JsonArray both = neighbors(server, t, "coord=1,2");
    // One neighbour, reached by its strongest link; the re-link lowered "related" to 0.25.
    assertThat(both).hasSize(1);
    assertThat(both.getJsonObject(0)).isEqualTo(new JsonObject().put("coord", "3.0,4.0")
        .put("coordinate", new JsonArray().add(3.0).add(4.0)).put("link_type", "causes").put("strength", 0.5)
        .put("hops", 1));
    assertThat(neighbors(server, t, "coord=1,2&link_type=related").getJsonObject(0).getDouble("strength"))
        .isEqualTo(0.25);

    TestServer.Resp deleted = server.delete("/graph/link?from_coord=1,2&to_coord=3,4&link_type=causes", t);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("deleted", 1));
    assertThat(brief(neighbors(server, t, "coord=1,2"))).containsExactly("3.0,4.0/related/1");
    linked(server, t, "1,2", "3,4", "x", 1);
    assertThat(server.delete("/graph/link?from_coord=1,2&to_coord=3,4", t).json().getInteger("deleted")).isEqualTo(2);
    assertThat(neighbors(server, t, "coord=1,2")).isEmpty();
    assertThat(server.delete("/graph/link?from_coord=1,2&to_coord=3,4", t).json().getInteger("deleted")).isZero();
  }

  /** a→b (1.0), a→c (0.5), b→d (1.0), c→d (0.9), d→e (1.0), x→a (0.7). */
  private static void chain(TestServer s, String t) {
    remember(s, t, "1", "2", "3", "4", "9");
    linked(s, t, "1", "2", "r", 1.0);
    linked(s, t, "1", "3", "r", 0.5);
    linked(s, t, "2", "4", "r", 1.0);
    linked(s, t, "3", "4", "q", 0.9);
    linked(s, t, "4", "5", "r", 1.0);
    linked(s, t, "9", "1", "r", 0.7);
  }

  @Test
  void neighborsByHopDirectionTypeAndPage() {
    String t = "hops";
    chain(server, t);
    assertThat(brief(neighbors(server, t, "coord=1"))).containsExactly("2.0/r/1", "3.0/r/1");
    assertThat(brief(neighbors(server, t, "coord=1&k_hop=2"))).containsExactly("2.0/r/1", "3.0/r/1", "4.0/r/2");
    assertThat(brief(neighbors(server, t, "coord=1&k_hop=5")))
        .containsExactly("2.0/r/1", "3.0/r/1", "4.0/r/2", "5.0/r/3");
    assertThat(brief(neighbors(server, t, "coord=1&direction=in"))).containsExactly("9.0/r/1");
    assertThat(brief(neighbors(server, t, "coord=4&direction=in&k_hop=2")))
        .containsExactly("2.0/r/1", "3.0/q/1", "1.0/r/2");
    assertThat(brief(neighbors(server, t, "coord=1&direction=both")))
        .containsExactly("2.0/r/1", "9.0/r/1", "3.0/r/1");
    assertThat(brief(neighbors(server, t, "coord=1&k_hop=3&limit=2&offset=1"))).containsExactly("3.0/r/1", "4.0/r/2");
    // With only "r" links, 4 is reached through 2 alone; 3→4 is of type q.
    assertThat(brief(neighbors(server, t, "coord=3&k_hop=3&link_type=r"))).isEmpty();
    assertThat(brief(neighbors(server, t, "coord=3&k_hop=3&link_type=q"))).containsExactly("4.0/q/1");
    assertThat(neighbors(server, t, "coord=77")).isEmpty();
  }

  @Test
  void pathByHopsAndByWeightWithRealLinkTypes() {
    String t = "paths";
    remember(server, t, "1", "2");
    linked(server, t, "1", "3", "direct", 0.1);
    linked(server, t, "1", "2", "first", 1.0);
    linked(server, t, "2", "3", "second", 1.0);

    JsonObject hops = path(server, t, "from_coord=1&to_coord=3");
    assertThat(hops.getJsonArray("path")).isEqualTo(new JsonArray().add("1.0").add("3.0"));
    assertThat(hops.getJsonArray("link_types")).isEqualTo(new JsonArray().add("direct"));
    assertThat(hops.getBoolean("found")).isTrue();
    assertThat(hops.getDouble("strength")).isEqualTo(0.1);

    JsonObject weight = path(server, t, "from_coord=1&to_coord=3&by=weight");
    assertThat(weight.getJsonArray("path")).isEqualTo(new JsonArray().add("1.0").add("2.0").add("3.0"));
    assertThat(weight.getJsonArray("link_types")).isEqualTo(new JsonArray().add("first").add("second"));
    assertThat(weight.getDouble("strength")).isEqualTo(2.0);
    assertThat(weight.getDouble("cost")).isEqualTo(2.0);

    // The cheaper path has two links: with at most one, the weighted search must settle for the direct link.
    JsonObject bounded = path(server, t, "from_coord=1&to_coord=3&by=weight&max_length=1");
    assertThat(bounded.getJsonArray("path")).isEqualTo(new JsonArray().add("1.0").add("3.0"));
    assertThat(bounded.getDouble("cost")).isEqualTo(10.0);

    JsonObject typed = path(server, t, "from_coord=1&to_coord=3&link_type=first");
    assertThat(typed.getBoolean("found")).isFalse();
    assertThat(typed.getJsonArray("path")).isEmpty();
    assertThat(typed.getJsonArray("link_types")).isEmpty();

    assertThat(path(server, t, "from_coord=3&to_coord=1").getBoolean("found")).isFalse();
    JsonObject self = path(server, t, "from_coord=2&to_coord=2.0");
    assertThat(self.getJsonArray("path")).isEqualTo(new JsonArray().add("2.0"));
    assertThat(self.getBoolean("found")).isTrue();
  }

  @Test
  void maxLengthCountsLinks() {
    String t = "maxlen";
    chain(server, t);
    assertThat(path(server, t, "from_coord=1&to_coord=5&max_length=2").getBoolean("found")).isFalse();
    JsonObject three = path(server, t, "from_coord=1&to_coord=5&max_length=3");
    assertThat(three.getJsonArray("path")).isEqualTo(new JsonArray().add("1.0").add("2.0").add("4.0").add("5.0"));
    assertThat(three.getJsonArray("link_types")).isEqualTo(new JsonArray().add("r").add("r").add("r"));
    assertThat(path(server, t, "from_coord=1&to_coord=5&max_length=2&by=weight").getBoolean("found")).isFalse();
    assertThat(path(server, t, "from_coord=1&to_coord=5&max_length=3&by=weight").getJsonArray("path")).hasSize(4);
  }

  @Test
  void deletingAMemoryRemovesItsLinks() {
    String t = "cascade";
    chain(server, t);
    assertThat(brief(neighbors(server, t, "coord=1"))).hasSize(2);
    assertThat(server.delete("/memories/2", t).json().getBoolean("deleted")).isTrue();
    assertThat(brief(neighbors(server, t, "coord=1"))).containsExactly("3.0/r/1");
    assertThat(brief(neighbors(server, t, "coord=4&direction=in"))).containsExactly("3.0/q/1");
    assertThat(path(server, t, "from_coord=1&to_coord=5").getJsonArray("path"))
        .isEqualTo(new JsonArray().add("1.0").add("3.0").add("4.0").add("5.0"));
    // The cascade is in the store too: a link from the deleted coordinate needs a memory again.
    assertThat(link(server, t, "2", "4", "r", 1).status()).isEqualTo(404);
  }

  @Test
  void keptDanglingLinksSurviveTheirMemories() {
    try (TestServer keep = TestServer.start(Map.of("SOMA_GRAPH_KEEP_DANGLING_LINKS", "true"))) {
      String t = "dangling";
      chain(keep, t);
      assertThat(keep.delete("/memories/2", t).json().getBoolean("deleted")).isTrue();
      assertThat(brief(neighbors(keep, t, "coord=1"))).containsExactly("2.0/r/1", "3.0/r/1");
      assertThat(brief(neighbors(keep, t, "coord=2"))).containsExactly("4.0/r/1");
    }
  }

  @Test
  void tenantsNeverSeeOrLinkIntoEachOthersGraph() {
    chain(server, "tenant-a");
    assertThat(neighbors(server, "tenant-b", "coord=1")).isEmpty();
    assertThat(path(server, "tenant-b", "from_coord=1&to_coord=2").getBoolean("found")).isFalse();
    TestServer.Resp r = link(server, "tenant-b", "1", "2", "r", 1);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("detail")).contains("from_coord").contains("1.0");
    assertThat(server.delete("/graph/link?from_coord=1&to_coord=2", "tenant-b").json().getInteger("deleted")).isZero();
    assertThat(brief(neighbors(server, "tenant-a", "coord=1"))).containsExactly("2.0/r/1", "3.0/r/1");
  }

  @Test
  void linksSurviveARestartInDevelopmentMode(@TempDir Path dir) {
    Map<String, String> config = Map.of("MEMORY_MODE", "development", "SOMA_DATA_DIR", dir.toString());
    try (TestServer first = TestServer.start(config)) {
      chain(first, "durable");
      assertThat(first.delete("/graph/link?from_coord=9&to_coord=1", "durable").status()).isEqualTo(200);
    }
    try (TestServer second = TestServer.start(config)) {
      assertThat(brief(neighbors(second, "durable", "coord=1&direction=both&k_hop=2")))
          .containsExactly("2.0/r/1", "3.0/r/1", "4.0/r/2");
      assertThat(path(second, "durable", "from_coord=1&to_coord=4&by=weight").getJsonArray("link_types"))
          .isEqualTo(new JsonArray().add("r").add("r"));
    }
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource(delimiter = '|', value = {
      "POST|/graph/link|400|{\"from_coord\":\"1,x\",\"to_coord\":\"2\"}",
      "POST|/graph/link|400|{\"to_coord\":\"2\"}",
      "POST|/graph/link|400|{\"from_coord\":\"1\",\"to_coord\":[1,\"a\"]}",
      "POST|/graph/link|400|not json",
      "POST|/graph/link|422|[1]",
      "POST|/graph/link|422|{\"from_coord\":\"1\",\"to_coord\":\"2\",\"link_type\":\"has space\"}",
      "POST|/graph/link|422|{\"from_coord\":\"1\",\"to_coord\":\"2\",\"link_type\":\"\"}",
      "POST|/graph/link|422|{\"from_coord\":\"1\",\"to_coord\":\"2\",\"link_type\":7}",
      "POST|/graph/link|422|{\"from_coord\":\"1\",\"to_coord\":\"2\",\"strength\":\"strong\"}",
      "POST|/graph/link|422|{\"from_coord\":\"1\",\"to_coord\":\"2\",\"metadata\":[]}",
      "POST|/graph/link|404|{\"from_coord\":\"404\",\"to_coord\":\"2\"}",
      "DELETE|/graph/link?from_coord=1|400|",
      "DELETE|/graph/link?from_coord=1&to_coord=2&link_type=a/b|422|",
      "GET|/graph/neighbors|400|",
      "GET|/graph/neighbors?coord=nan|400|",
      "GET|/graph/neighbors?coord=1&k_hop=0|422|",
      "GET|/graph/neighbors?coord=1&k_hop=6|422|",
      "GET|/graph/neighbors?coord=1&k_hop=two|422|",
      "GET|/graph/neighbors?coord=1&limit=0|422|",
      "GET|/graph/neighbors?coord=1&offset=-1|422|",
      "GET|/graph/neighbors?coord=1&direction=up|422|",
      "GET|/graph/neighbors?coord=1&link_type=%20|422|",
      "GET|/graph/path?from_coord=1|400|",
      "GET|/graph/path?from_coord=1&to_coord=2&max_length=0|422|",
      "GET|/graph/path?from_coord=1&to_coord=2&max_length=101|422|",
      "GET|/graph/path?from_coord=1&to_coord=2&by=cost|422|",
  })
  void badInputIsA4xxJsonAnswer(String method, String uri, int status, String body) {
    TestServer.Resp r = server.call(io.vertx.core.http.HttpMethod.valueOf(method), uri, body, "bad-input", null);
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json()).as(r.toString()).isNotNull();
    assertThat(r.json().getString("detail")).isNotBlank();
  }
}
