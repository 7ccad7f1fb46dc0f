package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.somafractal.memory.auth.TestJwts.SECRET;
import static org.somafractal.memory.auth.TestJwts.claims;
import static org.somafractal.memory.auth.TestJwts.hs256;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.auth.RoutePolicy;
import org.somafractal.memory.auth.TestJwts;

/** JWTs, scopes and tenant rules over a real server; every guarded route of the policy table is exercised. */
class JwtAuthTest {
  private static final JsonObject MEMORY = new JsonObject().put("coord", "1").put("payload",
      new JsonObject().put("content", "scoped"));
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SOMA_JWT_SECRET", SECRET, "SOMA_API_TOKEN", "ops-token"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String token(String tenant, String scope) {
    return hs256(claims(tenant, scope), SECRET);
  }

  @Test
  void everyGuardedRouteNeedsACredentialAndItsScope() {
    String noScopes = token("t", "unknown:scope");
    for (var entry : RoutePolicy.table().entrySet()) {
      if (entry.getValue().isPublic() || entry.getKey().endsWith("*")) {
        continue;
      }
      String[] op = entry.getKey().split(" ", 2);
      String path = op[1].replace("{coord}", "1").replace("{id}", "x");
      HttpMethod method = HttpMethod.valueOf(op[0]);
      TestServer.Resp missing = server.call(method, path, null, "t", null);
      assertThat(missing.status()).as(entry.getKey() + " without a credential").isEqualTo(401);
      assertThat(missing.headers().get("WWW-Authenticate")).startsWith("Bearer");
      TestServer.Resp forbidden = server.call(method, path, null, "t", noScopes);
      assertThat(forbidden.status()).as(entry.getKey() + " without its scope").isEqualTo(403);
      assertThat(forbidden.json().getString("code")).isEqualTo("forbidden");
      assertThat(forbidden.json().getString("detail"))
          .isEqualTo("Forbidden: missing scope " + entry.getValue().scope().wire());
    }
  }

  @Test
  void readOnlyTokenCannotWriteDeleteLinkOrImport() {
    String writer = token("ro", "memory:write");
    assertThat(server.call(HttpMethod.POST, "/memories", MEMORY, null, writer).status()).isEqualTo(200);
    String reader = token("ro", "memory:read");
    assertThat(server.call(HttpMethod.GET, "/memories/1", null, null, reader).status()).isEqualTo(200);
    assertThat(server.call(HttpMethod.POST, "/memories/search", new JsonObject().put("query", "scoped"), null, reader)
        .status()).isEqualTo(200);
    assertThat(server.call(HttpMethod.GET, "/graph/neighbors?coord=1", null, null, reader).status()).isEqualTo(200);

    TestServer.Resp store = server.call(HttpMethod.POST, "/memories", MEMORY, null, reader);
    assertThat(store.status()).isEqualTo(403);
    assertThat(store.json().getString("detail")).endsWith("missing scope memory:write");
    assertThat(server.call(HttpMethod.POST, "/store", MEMORY, null, reader).status()).isEqualTo(403);
    assertThat(server.call(HttpMethod.DELETE, "/memories/1", null, null, reader).json().getString("detail"))
        .endsWith("missing scope memory:delete");
    assertThat(server.call(HttpMethod.POST, "/graph/link", new JsonObject().put("from_coord", "1")
        .put("to_coord", "2"), null, reader).json().getString("detail")).endsWith("missing scope graph:write");
    assertThat(server.call(HttpMethod.POST, "/memories/import", Buffer.buffer("{}\n"), null, reader).status())
        .isEqualTo(403);
    assertThat(server.call(HttpMethod.GET, "/memories/1", null, null, reader).status()).as("still there").isEqualTo(200);
  }

  @Test
  void tenantComesFromTheClaimAndHeadersCannotEscapeIt() {
    String a = token("tenant-a", "memory:read memory:write");
    assertThat(server.call(HttpMethod.POST, "/memories", MEMORY.copy().put("coord", "7"), null, a).status())
        .isEqualTo(200);
    assertThat(server.call(HttpMethod.GET, "/memories/7", null, "tenant-a", a).status()).isEqualTo(200);
    TestServer.Resp other = server.call(HttpMethod.GET, "/memories/7", null, "tenant-b", a);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().getString("detail")).contains("tenant-b");
    var namespace = server.client.get("/memories/7").putHeader("Authorization", "Bearer " + a)
        .putHeader("X-Soma-Namespace", "soma:tenant-b");
    assertThat(TestServer.await(namespace.send()).statusCode()).isEqualTo(403);
    assertThat(server.call(HttpMethod.POST, "/api/v2/memory/search", new JsonObject().put("query", "scoped")
        .put("namespace", "x:tenant-b"), null, a).status()).as("a body namespace is a tenant choice too")
        .isEqualTo(403);

    String b = token("tenant-b", "memory:read");
    assertThat(server.call(HttpMethod.GET, "/memories/7", null, null, b).status()).as("isolated").isEqualTo(404);

    String admin = token(null, "admin");
    assertThat(server.call(HttpMethod.GET, "/memories/7", null, "tenant-a", admin).status()).isEqualTo(200);
    assertThat(server.call(HttpMethod.GET, "/memories/7", null, "tenant-b", admin).status()).isEqualTo(404);
    assertThat(server.call(HttpMethod.GET, "/memories/7", null, "tenant-a", "ops-token").status())
        .as("the static token has no tenant: the header picks it").isEqualTo(200);
  }

  @Test
  void expiredAndForgedTokensAre401() {
    TestServer.Resp expired = server.call(HttpMethod.GET, "/stats", null, null,
        hs256(claims("t", "memory:read").put("exp", TestJwts.now() - 3600), SECRET));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().getString("detail")).isEqualTo("JWT expired");
    assertThat(expired.headers().get("WWW-Authenticate")).startsWith("Bearer");
    assertThat(server.call(HttpMethod.GET, "/stats", null, null, TestJwts.unsigned(claims("t", "admin"))).status())
        .isEqualTo(401);
    assertThat(server.call(HttpMethod.GET, "/stats", null, null, hs256(claims("t", "admin"), SECRET + "!")).status())
        .isEqualTo(401);
    assertThat(server.get("/healthz", null).status()).isEqualTo(200);
  }
}
