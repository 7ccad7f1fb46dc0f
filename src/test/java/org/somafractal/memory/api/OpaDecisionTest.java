package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.config.ConfigException;

/**
 * The external OPA decision over real HTTP on loopback: a small server in the test speaks OPA's data API
 * ({@code POST {"input": …}} → {@code {"result": …}}) with a policy written in Java, and records every input it is
 * sent. The server's answer decides; an undefined decision denies; a timeout, an error status or OPA being down fails
 * closed with 503, or passes with SOMA_OPA_FAIL_OPEN; a denial of the policy file wins without asking OPA.
 */
class OpaDecisionTest {
  private static Vertx opaVertx;
  private static HttpServer opa;
  private static final List<JsonObject> INPUTS = new CopyOnWriteArrayList<>();

  /** OPA's policy: tenant "blocked" may do nothing, and nobody may store a memory named a summary. */
  private static boolean allow(JsonObject input) {
    JsonArray types = input.getJsonArray("memory_type");
    boolean summary = types != null && types.contains("summary");
    return !input.getString("tenant").equals("blocked")
        && !(input.getString("required_scope").equals("memory:write") && summary);
  }

  @BeforeAll
  static void startOpa() {
    opaVertx = Vertx.vertx();
    opa = TestServer.await(opaVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      JsonObject input = body.toJsonObject().getJsonObject("input");
      INPUTS.add(input);
      var response = req.response().putHeader("Content-Type", "application/json");
      switch (req.path()) {
        case "/v1/data/soma/allow" -> response.end(new JsonObject().put("result", allow(input)).encode());
        case "/v1/data/soma" -> response.end(new JsonObject()
            .put("result", new JsonObject().put("allow", allow(input)).put("reason", "java")).encode());
        case "/v1/data/undefined" -> response.end("{}");
        case "/v1/data/broken" -> response.setStatusCode(500).end("{\"code\": \"internal_error\"}");
        case "/v1/data/odd" -> response.end("{\"result\": \"yes\"}");
        case "/v1/data/slow" -> opaVertx.setTimer(2_000, id -> response.end("{\"result\": true}"));
        default -> response.setStatusCode(404).end("{}");
      }
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stopOpa() {
    TestServer.await(opaVertx.close());
  }

  private static TestServer start(String path, Map<String, String> more) {
    Map<String, String> config = new HashMap<>(more);
    config.put("SOMA_OPA_URL", "http://127.0.0.1:" + opa.actualPort() + path);
    return TestServer.start(config);
  }

  private static JsonObject memory(String coord, String type) {
    return new JsonObject().put("coord", coord).put("memory_type", type)
        .put("payload", new JsonObject().put("content", "m " + coord));
  }

  @Test
  void opaDecidesWithTheInputDocumentAndARuleUrl() {
    try (TestServer server = start("/v1/data/soma/allow", Map.of())) {
      INPUTS.clear();
      TestServer.Resp stored = server.post("/memories", memory("1", "semantic"), "acme");
      assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
      assertThat(INPUTS).hasSize(1);
      JsonObject input = INPUTS.get(0);
      assertThat(input.getString("tenant")).isEqualTo("acme");
      assertThat(input.getString("credential")).isEqualTo("open");
      assertThat(input.getJsonArray("scopes")).contains("memory:write", "admin");
      assertThat(input.getString("route")).isEqualTo("POST /memories");
      assertThat(input.getString("method")).isEqualTo("POST");
      assertThat(input.getString("path")).isEqualTo("/memories");
      assertThat(input.getString("required_scope")).isEqualTo("memory:write");
      assertThat(input.getJsonArray("memory_type")).isEqualTo(new JsonArray().add("semantic"));

      TestServer.Resp summary = server.post("/memories", memory("2", "summary"), "acme");
      assertThat(summary.status()).isEqualTo(403);
      assertThat(summary.json().getString("detail")).isEqualTo("Forbidden by OPA policy");
      assertThat(server.get("/memories/1", "blocked").status()).isEqualTo(403);
      assertThat(server.get("/memories/1", "acme").status()).isEqualTo(200);
      assertThat(INPUTS.get(INPUTS.size() - 1).getValue("memory_type")).as("a get names no type").isNull();
      TestServer.Resp imported = server.call(HttpMethod.POST, "/memories/import",
          Buffer.buffer(memory("3", "episodic").encode() + "\n"), "acme", null);
      assertThat(imported.status()).as("the streamed import waits for the decision: " + imported).isEqualTo(200);
      assertThat(imported.json().getLong("imported")).isEqualTo(1);
      assertThat(INPUTS.get(INPUTS.size() - 1).getValue("memory_type")).as("an import names no type").isNull();
      assertThat(server.get("/healthz", "blocked").status()).as("public routes never ask OPA").isEqualTo(200);
      assertThat(server.get("/stats", "acme").json().getLong("total_memories")).isEqualTo(2);
    }
  }

  @Test
  void aPackageUrlAnswersAnObjectWithAllow() {
    try (TestServer server = start("/v1/data/soma", Map.of())) {
      assertThat(server.post("/memories", memory("1", "episodic"), "acme").status()).isEqualTo(200);
      assertThat(server.post("/memories", memory("1", "episodic"), "blocked").status()).isEqualTo(403);
      TestServer.Resp imported = server.call(HttpMethod.POST, "/memories/import?replace=true",
          Buffer.buffer(memory("1", "episodic").encode() + "\n"), "acme", null);
      assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
      assertThat(server.call(HttpMethod.POST, "/memories/import", Buffer.buffer(memory("2", "episodic").encode()
          + "\n"), "blocked", null).status()).isEqualTo(403);
    }
  }

  @Test
  void anUndefinedDecisionDenies() {
    try (TestServer server = start("/v1/data/undefined", Map.of())) {
      TestServer.Resp r = server.get("/stats", "acme");
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().getString("detail")).contains("undefined");
    }
  }

  @Test
  void opaFailuresFailClosedWith503UnlessFailOpenIsSet() {
    for (String path : List.of("/v1/data/broken", "/v1/data/odd", "/v1/data/slow")) {
      try (TestServer server = start(path, Map.of("SOMA_OPA_TIMEOUT_MS", "300"))) {
        TestServer.Resp r = server.post("/memories", memory("1", "episodic"), "acme");
        assertThat(r.status()).as(path + " " + r).isEqualTo(503);
        assertThat(r.headers().get("Retry-After")).isNotNull();
        assertThat(r.json().getString("detail")).contains("OPA");
        assertThat(server.get("/healthz", "acme").status()).isEqualTo(200);
      }
      try (TestServer server = start(path, Map.of("SOMA_OPA_TIMEOUT_MS", "300", "SOMA_OPA_FAIL_OPEN", "true"))) {
        assertThat(server.post("/memories", memory("1", "episodic"), "acme").status()).as(path).isEqualTo(200);
      }
    }
    Map<String, String> down = Map.of("SOMA_OPA_URL", "http://127.0.0.1:" + TestServer.freePort() + "/v1/data/x",
        "SOMA_OPA_TIMEOUT_MS", "1000");
    try (TestServer server = TestServer.start(down)) {
      assertThat(server.get("/stats", "acme").status()).as("OPA down").isEqualTo(503);
    }
  }

  @Test
  void aPolicyFileDenialWinsWithoutAskingOpa(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, "{\"rules\": [{\"id\": \"no-deletes\", \"effect\": \"deny\", "
        + "\"scopes\": [\"memory:delete\"]}]}");
    try (TestServer server = start("/v1/data/soma/allow", Map.of("SOMA_POLICY_FILE", policy.toString()))) {
      INPUTS.clear();
      TestServer.Resp r = server.delete("/memories/1", "acme");
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().getString("detail")).isEqualTo("Forbidden by policy rule 'no-deletes'");
      assertThat(INPUTS).isEmpty();
      assertThat(server.get("/stats", "acme").status()).isEqualTo(200);
      assertThat(INPUTS).hasSize(1);
    }
  }

  @Test
  void aBadOpaUrlStopsTheStartNamingTheKey() {
    assertThatThrownBy(() -> TestServer.start(Map.of("SOMA_OPA_URL", "127.0.0.1:8181/v1/data/x")))
        .rootCause().isInstanceOf(ConfigException.class).hasMessageContaining("SOMA_OPA_URL");
  }
}
