package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.auth.TestJwts;
import org.somafractal.memory.config.ConfigException;

/**
 * The policy file over real HTTP: deny rules by tenant, scope, credential, route and memory type refuse with a 403
 * naming the rule and write nothing, on the canonical and the seed routes alike; memory types are read from the
 * request before the handler (unknown = any type); with default deny only allowed requests pass; a bad file stops
 * the start naming SOMA_POLICY_FILE.
 */
class PolicyApiTest {
  private static final String POLICY = """
      {"rules": [
        {"id": "frozen-read-only", "effect": "deny", "tenants": ["frozen"],
         "scopes": ["memory:write", "memory:delete", "graph:write"]},
        {"id": "no-summary-writes", "effect": "deny", "scopes": ["memory:write"], "memory_types": ["summary"]},
        {"id": "no-summary-search", "effect": "deny", "tenants": ["quiet"], "routes": ["POST /memories/search"],
         "memory_types": ["summary"]},
        {"id": "agent-7-no-export", "effect": "deny", "credentials": ["jwt:agent-7"],
         "routes": ["GET /memories/export"]}]}""";

  private static JsonObject memory(String coord, String type) {
    JsonObject m = new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", "m " + coord));
    return type == null ? m : m.put("memory_type", type);
  }

  private static TestServer start(Path dir, String policy, Map<String, String> more) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, policy);
    Map<String, String> config = new java.util.HashMap<>(more);
    config.put("SOMA_POLICY_FILE", file.toString());
    return TestServer.start(config);
  }

  private static void assertDenied(TestServer.Resp r, String rule) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().getString("code")).isEqualTo("forbidden");
    assertThat(r.json().getString("detail")).isEqualTo("Forbidden by policy rule '" + rule + "'");
  }

  private static long total(TestServer server, String tenant) {
    return server.get("/stats", tenant).json().getLong("total_memories");
  }

  @Test
  void denyRulesRefuseWithTheRuleNameAndWriteNothing(@TempDir Path dir) throws Exception {
    try (TestServer server = start(dir, POLICY, Map.of())) {
      assertDenied(server.post("/memories", memory("1", null), "frozen"), "frozen-read-only");
      assertDenied(server.post("/store", new JsonObject().put("coord", "1")
          .put("payload", new JsonObject().put("text", "x")), "frozen"), "frozen-read-only");
      assertDenied(server.delete("/memories/1", "frozen"), "frozen-read-only");
      assertDenied(server.post("/graph/link", new JsonObject().put("from_coord", "1").put("to_coord", "2"), "frozen"),
          "frozen-read-only");
      assertThat(server.get("/stats", "frozen").status()).as("reads are not frozen").isEqualTo(200);
      assertThat(server.post("/memories", memory("1", null), "open").status()).as("another tenant").isEqualTo(200);
      assertThat(total(server, "frozen")).isZero();
    }
  }

  @Test
  void memoryTypesAreReadFromEveryKindOfRequestBeforeTheHandler(@TempDir Path dir) throws Exception {
    try (TestServer server = start(dir, POLICY, Map.of())) {
      String t = "typed";
      assertDenied(server.post("/memories", memory("1", "summary"), t), "no-summary-writes");
      assertThat(server.post("/memories", memory("1", "semantic"), t).status()).isEqualTo(200);
      assertThat(server.post("/memories", memory("2", null), t).status()).as("episodic by default").isEqualTo(200);
      assertDenied(server.post("/memories/bulk", new JsonObject().put("items", new JsonArray()
          .add(memory("3", "episodic")).add(memory("4", "summary"))), t), "no-summary-writes");
      assertDenied(server.post("/store", new JsonObject().put("coord", "5").put("type", "summary")
          .put("payload", new JsonObject().put("text", "x")), t), "no-summary-writes");
      assertThat(server.post("/store", new JsonObject().put("coord", "5").put("type", "dream")
          .put("payload", new JsonObject().put("text", "x")), t).status()).as("era A stores it as episodic")
          .isEqualTo(200);
      assertDenied(server.post("/store_bulk", new JsonObject().put("items", new JsonArray().add(new JsonObject()
          .put("coord", "6").put("type", "summary").put("payload", new JsonObject().put("text", "x")))), t),
          "no-summary-writes");
      assertDenied(server.post("/api/v2/memory/store", new JsonObject().put("content", "x").put("type", "summary"), t),
          "no-summary-writes");
      assertThat(server.post("/api/v2/memory/store", new JsonObject().put("content", "x"), t).status())
          .as("v2 stores semantic by default").isEqualTo(200);
      TestServer.Resp imported = server.call(HttpMethod.POST, "/memories/import",
          Buffer.buffer(memory("7", "episodic").encode() + "\n"), t, null);
      assertDenied(imported, "no-summary-writes");
      assertThat(total(server, t)).as("only the allowed stores").isEqualTo(4);

      String q = "quiet";
      JsonObject search = new JsonObject().put("query", "m");
      assertDenied(server.post("/memories/search", search, q), "no-summary-search");
      assertDenied(server.post("/memories/search", search.copy().put("memory_type", "episodic,summary"), q),
          "no-summary-search");
      assertThat(server.post("/memories/search", search.copy().put("memory_type", new JsonArray().add("episodic")
          .add("semantic")), q).status()).isEqualTo(200);
      assertThat(server.get("/memories/search?query=m", q).status()).as("the rule names only the POST route")
          .isEqualTo(200);
    }
  }

  @Test
  void credentialRulesSeeTheCredentialId(@TempDir Path dir) throws Exception {
    try (TestServer server = start(dir, POLICY, Map.of("SOMA_JWT_SECRET", TestJwts.SECRET))) {
      String agent7 = TestJwts.hs256(TestJwts.claims("acme", "memory:read").put("sub", "agent-7"), TestJwts.SECRET);
      String agent8 = TestJwts.hs256(TestJwts.claims("acme", "memory:read").put("sub", "agent-8"), TestJwts.SECRET);
      assertDenied(server.call(HttpMethod.GET, "/memories/export", null, null, agent7), "agent-7-no-export");
      assertThat(server.call(HttpMethod.GET, "/memories/export", null, null, agent8).status()).isEqualTo(200);
      assertThat(server.call(HttpMethod.GET, "/stats", null, null, agent7).status()).isEqualTo(200);
      TestServer.Resp noScope = server.call(HttpMethod.POST, "/memories", memory("1", null), null, agent7);
      assertThat(noScope.json().getString("detail")).as("the scope is checked first")
          .isEqualTo("Forbidden: missing scope memory:write");
    }
  }

  @Test
  void withDefaultDenyOnlyAllowedRequestsPass(@TempDir Path dir) throws Exception {
    String policy = """
        {"default": "deny", "rules": [
          {"id": "beta-episodic", "effect": "allow", "tenants": ["beta"], "memory_types": ["episodic"]}]}""";
    try (TestServer server = start(dir, policy, Map.of())) {
      assertThat(server.post("/memories", memory("1", "episodic"), "beta").status()).isEqualTo(200);
      TestServer.Resp semantic = server.post("/memories", memory("2", "semantic"), "beta");
      assertThat(semantic.status()).isEqualTo(403);
      assertThat(semantic.json().getString("detail"))
          .isEqualTo("Forbidden by policy: no rule allows POST /memories for tenant 'beta'");
      assertThat(server.post("/memories/search", new JsonObject().put("query", "m").put("memory_type", "episodic"),
          "beta").status()).isEqualTo(200);
      assertThat(server.get("/memories/1", "beta").status()).as("a get may touch any type").isEqualTo(403);
      assertThat(server.post("/memories", memory("1", "episodic"), "gamma").status()).isEqualTo(403);
      assertThat(server.get("/healthz", "gamma").status()).as("public routes are not subject to policy")
          .isEqualTo(200);
    }
  }

  @Test
  void aBadPolicyFileStopsTheStartNamingTheKey(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> start(dir, "{\"rules\": [{\"id\": \"x\", \"effect\": \"deny\", \"routes\": [\"POST /nope\"]}]}",
        Map.of())).rootCause().isInstanceOf(ConfigException.class)
        .hasMessageContaining("SOMA_POLICY_FILE").hasMessageContaining("'POST /nope' is not a guarded route");
  }
}
