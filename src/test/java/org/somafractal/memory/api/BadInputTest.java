package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a 4xx with a JSON {@code detail}, and nothing is stored. */
class BadInputTest {
  private static final String TENANT = "hostile";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SOMA_MAX_REQUEST_BODY_MB", "1", "SOMA_MAX_TOP_K", "500"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject ok() {
    return new JsonObject().put("coord", "1,2").put("payload", new JsonObject().put("content", "x"));
  }

  private static String nested(int depth) {
    return "{\"payload\":".repeat(depth) + "{}" + "}".repeat(depth);
  }

  static Stream<Arguments> badRequests() {
    JsonArray wrongDim = new JsonArray().add(1.0).add(2.0);
    return Stream.of(
        Arguments.of("POST", "/memories", "{\"coord\": \"1,2\", \"payload\": ", 400),
        Arguments.of("POST", "/memories", "not json at all", 400),
        Arguments.of("POST", "/memories", "", 400),
        Arguments.of("POST", "/memories", "[1,2,3]", 422),
        Arguments.of("POST", "/memories", "{}", 422),
        Arguments.of("POST", "/memories", ok().put("payload", "a string").encode(), 422),
        Arguments.of("POST", "/memories", ok().put("coord", "").encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", "1,,2").encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", "nan,1").encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", "inf,1").encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", "1e400").encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", 5).encode(), 400),
        Arguments.of("POST", "/memories", ok().put("coord", new JsonArray().add(1).add("a")).encode(), 400),
        Arguments.of("POST", "/memories", ok().put("memory_type", "weird").encode(), 422),
        Arguments.of("POST", "/memories", ok().put("memory_type", 3).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("importance", "high").encode(), 422),
        Arguments.of("POST", "/memories", ok().put("metadata", new JsonArray()).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", wrongDim).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", new JsonArray().add("x")).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", zeros(TestServer.DIM)).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", "not base64!").encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", base64(new float[2])).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", base64(withFirst(Float.NaN))).encode(), 422),
        Arguments.of("POST", "/memories", ok().put("vector", base64(new float[TestServer.DIM])).encode(), 422),
        Arguments.of("POST", "/memories", nested(5000), 400),
        Arguments.of("POST", "/memories/bulk", "{}", 422),
        Arguments.of("POST", "/memories/bulk", new JsonObject().put("items", new JsonArray()).encode(), 422),
        Arguments.of("POST", "/memories/bulk", new JsonObject().put("items", new JsonArray().add(1)).encode(), 422),
        Arguments.of("POST", "/memories/bulk", new JsonObject().put("items", new JsonArray().add(ok())
            .add(ok().put("coord", "bad"))).encode(), 400),
        Arguments.of("POST", "/memories/search", "{}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"   \"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": 0}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": -3}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": 1000000000}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": \"5\"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": 2.5}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"offset\": -1}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"top_k\": 400, \"offset\": 400}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"mode\": \"psychic\"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"filters\": \"a=b\"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"memory_type\": \"bogus\"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": \"x\", \"created_after\": \"yesterday\"}", 422),
        Arguments.of("POST", "/memories/search", "{\"query\": 42}", 422),
        Arguments.of("POST", "/memories/search", new JsonObject().put("vector", wrongDim).encode(), 422),
        Arguments.of("POST", "/memories/search", new JsonObject().put("vector", base64(new float[3])).encode(), 422),
        Arguments.of("POST", "/memories/search/batch", "{\"queries\": []}", 422),
        Arguments.of("POST", "/memories/search/batch", "{\"queries\": [7]}", 422),
        Arguments.of("GET", "/memories/search?query=x&top_k=abc", null, 422),
        Arguments.of("GET", "/memories/search?query=x&top_k=NaN", null, 422),
        Arguments.of("GET", "/memories/search?query=x&filters=%7Bbad", null, 400),
        Arguments.of("GET", "/memories/search", null, 422),
        Arguments.of("GET", "/memories/not,a,coord", null, 400),
        Arguments.of("DELETE", "/memories/1,nan", null, 400),
        Arguments.of("GET", "/memories/range?min=0", null, 422),
        Arguments.of("GET", "/memories/range?min=a&max=1", null, 400),
        Arguments.of("GET", "/memories/range?min=0&max=1&limit=0", null, 422),
        Arguments.of("GET", "/memories/range?min=0&max=1&memory_type=x", null, 422),
        Arguments.of("POST", "/memories/delete", "{}", 422),
        Arguments.of("POST", "/memories/delete", "not json", 400),
        Arguments.of("POST", "/memories/delete", "{\"all\": \"yes\"}", 422),
        Arguments.of("POST", "/memories/delete", "{\"coords\": []}", 422),
        Arguments.of("POST", "/memories/delete", "{\"coords\": [\"1,nan\"]}", 400),
        Arguments.of("POST", "/memories/delete", "{\"coords\": \"1,2\"}", 422),
        Arguments.of("POST", "/memories/delete", "{\"filter\": {\"memory_type\": \"bogus\"}}", 422),
        Arguments.of("POST", "/memories/delete", "{\"filter\": {\"created_after\": \"yesterday\"}}", 422),
        Arguments.of("POST", "/memories/delete", "{\"filter\": {\"filters\": 3}}", 422),
        Arguments.of("GET", "/memories/export?embeddings=maybe", null, 422),
        Arguments.of("GET", "/memories/export?memory_type=bogus", null, 422),
        Arguments.of("POST", "/memories/import?replace=perhaps", ok().encode(), 422),
        Arguments.of("POST", "/memories/recall_with_context", "{}", 422),
        Arguments.of("POST", "/memories/recall_with_context", "{\"query\": \"x\", \"context\": 5}", 422),
        Arguments.of("POST", "/memories/recall_with_context",
            "{\"query\": \"x\", \"context\": {\"filters\": \"a=b\"}}", 422),
        Arguments.of("GET", "/no/such/route", null, 404),
        Arguments.of("PUT", "/memories", "{}", 405));
  }

  /** {@code values} as the base64 of their little-endian float32 bytes, the vector encoding besides a JSON array. */
  static String base64(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  private static float[] withFirst(float first) {
    float[] v = new float[TestServer.DIM];
    v[0] = first;
    v[1] = 1;
    return v;
  }

  private static JsonArray zeros(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(0.0);
    }
    return a;
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("badRequests")
  void answersAClearJsonError(String method, String uri, String body, int status) {
    TestServer.Resp r = server.call(HttpMethod.valueOf(method), uri, body == null ? null : Buffer.buffer(body), TENANT,
        null);
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json()).as(r.toString()).isNotNull();
    assertThat(r.json().getString("detail")).isNotBlank();
    assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(server.get("/stats", TENANT).json().getLong("total_memories")).isZero();
  }

  @Test
  void bodiesOverTheLimitAre413AndStoreNothing() {
    String big = ok().put("payload", new JsonObject().put("content", "x".repeat(2 * 1024 * 1024))).encode();
    TestServer.Resp r = server.call(HttpMethod.POST, "/memories", Buffer.buffer(big), TENANT, null);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("detail")).isNotBlank();
    assertThat(server.get("/stats", TENANT).json().getLong("total_memories")).isZero();
  }

  @Test
  void anImportLineOverTheBodyLimitIs413() {
    String big = ok().put("payload", new JsonObject().put("content", "x".repeat(2 * 1024 * 1024))).encode();
    TestServer.Resp r = server.call(HttpMethod.POST, "/memories/import", Buffer.buffer(big + "\n"), TENANT, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(413);
    assertThat(r.json().getString("detail")).contains("line 1");
    assertThat(server.get("/stats", TENANT).json().getLong("total_memories")).isZero();
  }

  @Test
  void anImportOverSomaMaxImportMbIs413() {
    try (TestServer small = TestServer.start(Map.of("SOMA_MAX_IMPORT_MB", "1"))) {
      String line = ok().put("payload", new JsonObject().put("content", "y".repeat(1000))).encode() + "\n";
      TestServer.Resp r = small.call(HttpMethod.POST, "/memories/import", Buffer.buffer(line.repeat(1100)), TENANT,
          null);
      assertThat(r.status()).as(r.toString()).isEqualTo(413);
      assertThat(r.json().getString("detail")).contains("SOMA_MAX_IMPORT_MB");
    }
  }

  @Test
  void invalidTenantNamesAreRejected() {
    TestServer.Resp r = server.call(HttpMethod.GET, "/stats", null, "no spaces allowed!", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("detail")).contains("tenant");
  }

  @Test
  void theServerKeepsAnsweringAfterHostileInput() {
    answersAClearJsonError("POST", "/memories", nested(5000), 400);
    TestServer.Resp fine = server.post("/memories", ok(), "after-hostile");
    assertThat(fine.status()).isEqualTo(200);
  }
}
