package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Export carries links after the memories, and import restores them in another tenant. */
class ExportImportLinksTest {

  @Test
  void linksTravelWithTheirMemories() {
    try (TestServer server = TestServer.start()) {
      for (String c : List.of("1", "2", "3")) {
        server.post("/memories", new JsonObject().put("coord", c).put("payload", new JsonObject().put("text", "m" + c)),
            "src");
      }
      server.post("/graph/link", new JsonObject().put("from_coord", "1").put("to_coord", "2").put("link_type", "causes")
          .put("strength", 0.5).put("metadata", new JsonObject().put("why", "test")), "src");
      server.post("/graph/link", new JsonObject().put("from_coord", "2").put("to_coord", "3"), "src");

      TestServer.Resp exported = server.get("/memories/export", "src");
      List<JsonObject> lines = Arrays.stream(exported.text().strip().split("\n")).map(JsonObject::new).toList();
      assertThat(lines).extracting(l -> l.getString("kind"))
          .containsExactly("memory", "memory", "memory", "link", "link");

      String bad = "{\"kind\":\"link\",\"from_coord\":\"9\",\"to_coord\":\"1\"}\n";
      TestServer.Resp imported = server.call(HttpMethod.POST, "/memories/import",
          Buffer.buffer(exported.text() + bad), "dst", null);
      assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
      assertThat(imported.json().getLong("imported")).isEqualTo(3L);
      assertThat(imported.json().getLong("links")).isEqualTo(2L);
      assertThat(imported.json().getLong("rejected")).as("a link from a coordinate without a memory").isEqualTo(1L);
      assertThat(imported.json().getJsonArray("errors").getJsonObject(0).getLong("line")).isEqualTo(6L);

      JsonObject path = server.get("/graph/path?from_coord=1&to_coord=3", "dst").json();
      assertThat(path.getBoolean("found")).isTrue();
      assertThat(path.getJsonArray("link_types")).isEqualTo(new JsonArray().add("causes").add("related"));
      JsonObject first = server.get("/graph/neighbors?coord=1", "dst").json().getJsonArray("neighbors").getJsonObject(0);
      assertThat(first.getDouble("strength")).isEqualTo(0.5);
      assertThat(server.get("/graph/neighbors?coord=1", "other").json().getJsonArray("neighbors")).isEmpty();
    }
  }
}
