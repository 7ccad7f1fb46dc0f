package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExportImportTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject memory(String coord, String content) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", content));
  }

  /** An export, read raw: TestServer would try to parse the whole NDJSON body as one object. */
  static List<JsonObject> export(String uri, String tenant) {
    HttpResponse<Buffer> r = TestServer.await(server.client.get(uri).putHeader("X-Soma-Tenant", tenant).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/x-ndjson");
    String text = r.bodyAsString();
    List<JsonObject> out = new ArrayList<>();
    for (String line : text == null ? new String[0] : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }

  private static TestServer.Resp importBody(String uri, String ndjson, String tenant) {
    return server.call(HttpMethod.POST, uri, Buffer.buffer(ndjson), tenant, null);
  }

  private static String ndjson(List<JsonObject> lines) {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l.encode()).append('\n'));
    return sb.toString();
  }

  private static Map<String, JsonObject> byCoord(List<JsonObject> lines) {
    Map<String, JsonObject> out = new HashMap<>();
    lines.forEach(l -> out.put(l.getString("coord"), l));
    return out;
  }

  @Test
  void roundTripIntoANewTenantPreservesEverythingTheClientGave() {
    String from = "export-src";
    server.post("/memories", memory("1,2,3", "green tea in the morning").put("memory_type", "semantic")
        .put("importance", 2.5).put("metadata", new JsonObject().put("user", new JsonObject().put("id", "ana"))), from);
    server.post("/memories", memory("4,5", "deploy failed on a full disk").put("memory_type", "summary")
        .put("importance", 0.25), from);
    server.post("/memories", new JsonObject().put("coord", "7").put("payload", new JsonObject().put("n", 1)), from);

    List<JsonObject> exported = export("/memories/export?embeddings=true", from);
    assertThat(exported).hasSize(3).allSatisfy(l -> assertThat(l.getString("kind")).isEqualTo("memory"));
    assertThat(exported.stream().filter(l -> l.getString("coord").equals("1.0,2.0,3.0")).findFirst().orElseThrow()
        .getJsonArray("vector")).hasSize(TestServer.DIM);

    TestServer.Resp imported = importBody("/memories/import", ndjson(exported), "export-dst");
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    assertThat(imported.json().getLong("imported")).isEqualTo(3L);
    assertThat(imported.json().getLong("rejected")).isZero();

    Map<String, JsonObject> before = byCoord(exported);
    Map<String, JsonObject> after = byCoord(export("/memories/export?embeddings=true", "export-dst"));
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String coord : before.keySet()) {
      JsonObject a = before.get(coord);
      JsonObject b = after.get(coord);
      for (String field : List.of("payload", "memory_type", "importance", "metadata", "coordinate")) {
        assertThat(b.getValue(field)).as("%s of %s", field, coord).isEqualTo(a.getValue(field));
      }
      assertThat(b.getValue("vector")).as("vector of %s", coord).isEqualTo(a.getValue("vector"));
    }
    TestServer.Resp found = server.post("/memories/search", new JsonObject().put("query", "green tea"), "export-dst");
    assertThat(found.json().getJsonArray("memories").getJsonObject(0).getString("coord")).isEqualTo("1.0,2.0,3.0");
  }

  @Test
  void exportWithoutEmbeddingsHasNoVectorsAndFiltersByType() {
    String t = "export-type";
    server.post("/memories", memory("1", "one").put("memory_type", "semantic"), t);
    server.post("/memories", memory("2", "two"), t);
    List<JsonObject> semantic = export("/memories/export?memory_type=semantic", t);
    assertThat(semantic).hasSize(1);
    assertThat(semantic.getFirst().getString("coord")).isEqualTo("1.0");
    assertThat(semantic.getFirst().containsKey("vector")).isFalse();
    assertThat(export("/memories/export", "export-empty")).isEmpty();
  }

  @Test
  void malformedLinesAreReportedByNumberAndTheRestImports() {
    String body = memory("1", "first").encode() + "\n"
        + "\n"
        + "{not json\n"
        + memory("2", "second").encode() + "\r\n"
        + memory("3", "bad type").put("memory_type", "weird").encode() + "\n"
        + new JsonObject().put("kind", "link").put("from", "1").put("to", "2").encode() + "\n"
        + "[1, 2]\n"
        + memory("nan,1", "bad coord").encode() + "\n"
        + memory("4", "wrong-length vector is re-embedded").put("vector", new JsonArray().add(1).add(2)).encode()
        + "\n"
        + memory("6", "a base64 vector of another dimension is re-embedded too")
            .put("vector", BadInputTest.base64(new float[] {1, 2})).encode() + "\n"
        + memory("5", "no trailing newline").encode();
    TestServer.Resp r = importBody("/memories/import", body, "import-bad");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("imported")).isEqualTo(5L);
    assertThat(r.json().getLong("rejected")).isEqualTo(5L);
    assertThat(r.json().getLong("skipped")).isZero();
    JsonArray errors = r.json().getJsonArray("errors");
    List<Long> numbers = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) {
      numbers.add(errors.getJsonObject(i).getLong("line"));
      assertThat(errors.getJsonObject(i).getString("detail")).isNotBlank();
    }
    assertThat(numbers).containsExactly(3L, 5L, 6L, 7L, 8L);
    assertThat(errors.getJsonObject(2).getString("detail")).contains("link");
    assertThat(server.get("/stats", "import-bad").json().getLong("total_memories")).isEqualTo(5L);
    assertThat(server.get("/memories/5", "import-bad").status()).isEqualTo(200);
    assertThat(server.get("/memories/6", "import-bad").status()).isEqualTo(200);
  }

  @Test
  void aBase64VectorWithoutPaddingIsReusedAndOneThatIsNotBase64IsItsLinesError() {
    float[] axis = new float[TestServer.DIM];
    axis[0] = 1;
    String unpadded = BadInputTest.base64(axis).replace("=", "");
    assertThat(unpadded.length() % 4).as("this dimension's base64 is padded").isNotZero();
    String body = memory("1", "a vector given without base64 padding").put("vector", unpadded).encode() + "\n"
        + memory("2", "not base64").put("vector", "not base64!").encode() + "\n";
    TestServer.Resp r = importBody("/memories/import", body, "import-base64");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("imported")).isEqualTo(1L);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getLong("line")).isEqualTo(2L);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("detail")).contains("base64");
    JsonArray stored = export("/memories/export?embeddings=true", "import-base64").getFirst().getJsonArray("vector");
    assertThat(stored.getDouble(0)).as("the client's vector, not the text's embedding").isEqualTo(1.0);
    for (int i = 1; i < stored.size(); i++) {
      assertThat(stored.getDouble(i)).isZero();
    }
  }

  @Test
  void replaceFalseSkipsExistingCoordinatesAndReplaceTrueOverwritesThem() {
    String t = "import-replace";
    server.post("/memories", memory("1", "original"), t);
    String body = ndjson(List.of(memory("1", "imported"), memory("2", "new"), memory("2", "duplicate")));

    TestServer.Resp keep = importBody("/memories/import", body, t);
    assertThat(keep.json().getLong("imported")).isEqualTo(1L);
    assertThat(keep.json().getLong("skipped")).isEqualTo(2L);
    assertThat(content(t, "1")).isEqualTo("original");
    assertThat(content(t, "2")).isEqualTo("new");

    TestServer.Resp replace = importBody("/memories/import?replace=true", body, t);
    assertThat(replace.json().getLong("imported")).isEqualTo(3L);
    assertThat(replace.json().getLong("skipped")).isZero();
    assertThat(content(t, "1")).isEqualTo("imported");
    assertThat(content(t, "2")).isEqualTo("duplicate");
    assertThat(server.get("/stats", t).json().getLong("total_memories")).isEqualTo(2L);
  }

  private static String content(String tenant, String coord) {
    return server.get("/memories/" + coord, tenant).json().getJsonObject("memory").getJsonObject("payload")
        .getString("content");
  }

  @Test
  void errorsAreCappedButRejectedCountsEveryLine() {
    TestServer.Resp r = importBody("/memories/import", "nope\n".repeat(150), "import-cap");
    assertThat(r.json().getLong("rejected")).isEqualTo(150L);
    assertThat(r.json().getJsonArray("errors")).hasSize(100);
  }

  @Test
  void aLargeTenantStreamsCompletelyAndNeverIncludesAnotherTenant() {
    String t = "export-large";
    int total = 5000;
    for (int from = 0; from < total; from += 1000) {
      JsonArray items = new JsonArray();
      for (int i = from; i < from + 1000; i++) {
        items.add(memory(i + ",1", "memory number " + i).put("metadata", new JsonObject().put("i", i)));
      }
      TestServer.Resp r = server.post("/memories/bulk", new JsonObject().put("items", items), t);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    server.post("/memories", memory("1,1", "someone else's secret"), "export-neighbour");

    List<JsonObject> exported = export("/memories/export?embeddings=true", t);
    assertThat(exported).hasSize(total);
    Set<String> coords = new HashSet<>();
    exported.forEach(l -> coords.add(l.getString("coord")));
    assertThat(coords).hasSize(total);
    assertThat(exported).noneMatch(l -> l.encode().contains("secret"));
  }
}
