package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.auth.TestJwts;

/**
 * Tenant A is seeded with memories of every type at several coordinates and with links; then, for every operation of
 * the served OpenAPI document, a fresh tenant B sends requests aimed at A's coordinates, ids, words and boxes. B must
 * not read, find, count, link to, export, overwrite or delete anything of A: no response to B carries A's ids or
 * secret payload words, and A's full export (memories with vectors, links) and stats are byte-for-byte as seeded.
 * This runs twice: on an open server, where B is the tenant its header names, and on a JWT server, where B is the
 * tenant its token is bound to; there, B's token naming A (X-Soma-Tenant, X-Soma-Namespace) is refused with 403 on
 * every guarded operation.
 *
 * <p>Every operation of the document needs a case in {@link #cases()}, or an explicit entry in {@link #TENANT_FREE}:
 * a route added to the document without one fails {@link #everyOperationOfTheDocumentHasAnIsolationCase()}.
 */
class TenantIsolationTest {
  private static final String A = "isolation-a";
  /** Only A's payloads hold this marker, and B never sends it: finding it in a response to B is a leak. */
  private static final String SECRET = "A-SECRET";
  private static final String WORDS = "zanzibar quokka";
  private static final List<String> A_COORDS = List.of("11,12,13", "14,15", "16", "11,12,14");
  private static final Set<String> TENANT_FREE = Set.of("GET /", "GET /healthz", "GET /readyz", "GET /health",
      "GET /metrics", "GET /openapi.json", "GET /docs");
  private static final String ALL_SCOPES = "memory:read memory:write memory:delete graph:write";

  private static TestServer open;
  private static TestServer jwt;
  /** A's memory ids on each server. */
  private static final Map<TestServer, List<String>> A_IDS = new HashMap<>();
  private static final AtomicInteger bTenants = new AtomicInteger();

  /** Who sends a request: the tenant header it names (or none) and its bearer token (or none). */
  private record Caller(TestServer server, String tenant, String token) {
    TestServer.Resp call(HttpMethod method, String uri, Object body) {
      return server.call(method, uri, body, tenant, token);
    }

    List<String> idsOfA() {
      return A_IDS.get(server);
    }
  }

  @BeforeAll
  static void seedTenantAOnBothServers() {
    open = TestServer.start();
    jwt = TestServer.start(Map.of("SOMA_JWT_SECRET", TestJwts.SECRET));
    seedA(tenantAOn(open));
    seedA(tenantAOn(jwt));
  }

  private static Caller tenantAOn(TestServer server) {
    return server == jwt ? new Caller(jwt, null, TestJwts.hs256(TestJwts.claims(A, ALL_SCOPES), TestJwts.SECRET))
        : new Caller(open, A, null);
  }

  /** A fresh tenant B: named by the header on the open server, bound to its token on the JWT server. */
  private static Caller freshTenantBOn(TestServer server) {
    String b = "isolation-b-" + bTenants.incrementAndGet();
    return server == jwt ? new Caller(jwt, null, TestJwts.hs256(TestJwts.claims(b, ALL_SCOPES), TestJwts.SECRET))
        : new Caller(open, b, null);
  }

  private static void seedA(Caller a) {
    List<String> ids = new ArrayList<>();
    String[] types = {"episodic", "semantic", "summary", "episodic"};
    for (int i = 0; i < A_COORDS.size(); i++) {
      JsonObject payload = new JsonObject().put("content", WORDS + " harbour ledger " + i).put("secret", SECRET + "-" + i);
      TestServer.Resp r = post("/memories", new JsonObject().put("coord", A_COORDS.get(i)).put("payload", payload)
          .put("memory_type", types[i]).put("metadata", new JsonObject().put("owner", SECRET)), a);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      ids.add(r.json().getString("id"));
    }
    A_IDS.put(a.server(), ids);
    linkInA(a, "11,12,13", "14,15", "causes");
    linkInA(a, "14,15", "16", "related");
    linkInA(a, "16", "11,12,14", "next");
  }

  @AfterAll
  static void stop() {
    open.close();
    jwt.close();
  }

  private static TestServer.Resp post(String uri, Object body, Caller caller) {
    return caller.call(HttpMethod.POST, uri, body);
  }

  private static TestServer.Resp get(String uri, Caller caller) {
    return caller.call(HttpMethod.GET, uri, null);
  }

  private static TestServer.Resp delete(String uri, Caller caller) {
    return caller.call(HttpMethod.DELETE, uri, null);
  }

  private static void linkInA(Caller a, String from, String to, String type) {
    TestServer.Resp r = post("/graph/link", new JsonObject().put("from_coord", from).put("to_coord", to)
        .put("link_type", type).put("strength", 0.7), a);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  /** What B does on one operation: the responses it got, each already checked for leaks by the caller. */
  private interface IsolationCase extends Function<Caller, List<TestServer.Resp>> {
  }

  private static Map<String, IsolationCase> cases() {
    Map<String, IsolationCase> c = new LinkedHashMap<>();
    c.put("GET /stats", b -> List.of(expect(get("/stats", b), r ->
        assertThat(r.json().getLong("total_memories")).isZero())));
    c.put("POST /memories", b -> A_COORDS.stream().map(coord -> post("/memories", ownMemory(coord), b)).toList());
    c.put("POST /memories/bulk", b -> List.of(post("/memories/bulk",
        new JsonObject().put("items", ownMemories()), b)));
    c.put("POST /memories/search", b -> List.of("hybrid", "vector", "lexical").stream()
        .map(mode -> expectNoHits(post("/memories/search", new JsonObject().put("query", WORDS).put("mode", mode)
            .put("top_k", 50), b), "memories")).toList());
    c.put("GET /memories/search", b -> List.of(expectNoHits(
        get("/memories/search?query=zanzibar%20quokka&top_k=50", b), "memories")));
    c.put("POST /memories/search/batch", b -> List.of(post("/memories/search/batch",
        new JsonObject().put("queries", new JsonArray().add(WORDS).add("harbour ledger")), b)));
    c.put("GET /memories/range", b -> List.of("min=0&max=100", "min=0,0&max=100,100", "min=0,0,0&max=100,100,100")
        .stream().map(q -> expectNoHits(get("/memories/range?" + q, b), "memories")).toList());
    c.put("POST /memories/recall_with_context", b -> List.of(expectNoHits(post("/memories/recall_with_context",
        new JsonObject().put("query", WORDS).put("context", new JsonObject().put("owner", SECRET)), b), "memories")));
    c.put("POST /memories/delete", b -> List.of(
        expectDeletedNone(post("/memories/delete", new JsonObject().put("coords", new JsonArray(A_COORDS)), b)),
        expectDeletedNone(post("/memories/delete",
            new JsonObject().put("filter", new JsonObject().put("memory_type", "episodic")), b)),
        expectDeletedNone(post("/memories/delete", new JsonObject().put("all", true), b))));
    c.put("GET /memories/export", b -> List.of(expect(get("/memories/export?embeddings=true", b), r ->
        assertThat(r.text() == null ? "" : r.text().strip()).isEmpty())));
    c.put("POST /memories/import", b -> List.of(importAtACoordinates("/memories/import", b),
        importAtACoordinates("/memories/import?replace=true", b)));
    c.put("GET /memories/{coord}", b -> A_COORDS.stream().map(coord -> expect(get("/memories/" + coord, b), r ->
        assertThat(r.status()).isEqualTo(404))).toList());
    c.put("DELETE /memories/{coord}", b -> A_COORDS.stream().map(coord -> expect(delete("/memories/" + coord, b),
        r -> assertThat(r.json().getBoolean("deleted")).isFalse())).toList());
    c.put("POST /graph/link", b -> List.of(post("/graph/link", new JsonObject().put("from_coord", "11,12,13")
        .put("to_coord", "14,15").put("link_type", "causes").put("strength", 0.1), b)));
    c.put("DELETE /graph/link", b -> List.of(expect(delete("/graph/link?from_coord=11,12,13&to_coord=14,15", b),
        r -> assertThat(r.json().getInteger("deleted")).isZero())));
    c.put("GET /graph/neighbors", b -> A_COORDS.stream().map(coord -> expectNoHits(
        get("/graph/neighbors?coord=" + coord + "&k=3", b), "neighbors")).toList());
    c.put("GET /graph/path", b -> List.of(expect(get("/graph/path?from_coord=11,12,13&to_coord=16", b), r ->
        assertThat(r.json().getBoolean("found")).isFalse())));

    c.put("POST /store", b -> List.of(post("/store", new JsonObject().put("coord", "11,12,13")
        .put("payload", new JsonObject().put("text", "B overwrite")), b)));
    c.put("POST /remember", b -> List.of(post("/remember",
        new JsonObject().put("payload", new JsonObject().put("text", "B remembers")), b)));
    c.put("POST /store_bulk", b -> List.of(post("/store_bulk", new JsonObject().put("items", new JsonArray(
        A_COORDS.stream().map(coord -> new JsonObject().put("coord", coord)
            .put("payload", new JsonObject().put("text", "B bulk"))).toList())), b)));
    c.put("POST /recall", b -> List.of(expectNoHits(post("/recall", new JsonObject().put("query", WORDS), b),
        "matches")));
    c.put("GET /recall", b -> List.of(expectNoHits(get("/recall?query=zanzibar%20quokka&top_k=10", b),
        "matches")));
    c.put("POST /recall_batch", b -> List.of(post("/recall_batch",
        new JsonObject().put("queries", new JsonArray().add(WORDS).add("harbour")), b)));
    c.put("POST /recall_with_scores", b -> List.of(expectNoHits(post("/recall_with_scores",
        new JsonObject().put("query", WORDS), b), "results")));
    c.put("POST /keyword_search", b -> List.of(
        expectNoHits(post("/keyword_search", new JsonObject().put("term", "quokka").put("exact", false), b),
            "results"),
        expectNoHits(post("/keyword_search", new JsonObject().put("term", SECRET.toLowerCase()).put("exact", false),
            b), "results")));
    c.put("POST /hybrid_recall_with_scores", b -> List.of(expectNoHits(post("/hybrid_recall_with_scores",
        new JsonObject().put("query", WORDS), b), "results")));
    c.put("GET /range", b -> List.of(expect(get("/range?min=0,0,0&max=100,100,100", b), r ->
        assertThat(r.text()).doesNotContain("11.0,12.0,13.0"))));
    c.put("POST /recall_with_context", b -> List.of(expectNoHits(post("/recall_with_context",
        new JsonObject().put("query", WORDS).put("context", new JsonObject().put("room", "harbour")), b), "results")));
    c.put("POST /delete_many", b -> List.of(expectDeletedNone(post("/delete_many",
        new JsonObject().put("coords", new JsonArray(A_COORDS)), b))));
    c.put("POST /export_memories", b -> List.of(expect(post("/export_memories", new JsonObject(), b), r ->
        assertThat(r.text() == null ? "" : r.text().strip()).isEmpty())));
    c.put("POST /import_memories", b -> List.of(importAtACoordinates("/import_memories", b)));
    c.put("POST /link", b -> List.of(post("/link", new JsonObject().put("from_coord", "14,15")
        .put("to_coord", "16").put("weight", 9), b)));
    c.put("GET /neighbors", b -> A_COORDS.stream().map(coord -> expectNoHits(get("/neighbors?coord=" + coord, b),
        "neighbors")).toList());
    c.put("GET /shortest_path", b -> List.of(get("/shortest_path?frm=11,12,13&to=16", b)));
    c.put("POST /api/v2/memory/store", b -> List.of(post("/api/v2/memory/store",
        new JsonObject().put("content", "B v2 content"), b)));
    c.put("POST /api/v2/memory/search", b -> List.of(expectNoHits(post("/api/v2/memory/search",
        new JsonObject().put("query", WORDS).put("top_k", 10), b), "results")));
    c.put("DELETE /api/v2/memory/{id}", b -> b.idsOfA().stream().map(id -> expect(delete("/api/v2/memory/" + id, b),
        r -> assertThat(r.json().getBoolean("deleted")).isFalse())).toList());
    c.put("GET /admin/audit", b -> b.server() == jwt
        // B's token has no admin scope: the audit trail is closed to it, A's entries and its own alike.
        ? List.of(expect(get("/admin/audit", b), r -> assertThat(r.status()).isEqualTo(403)),
            expect(get("/admin/audit?tenant=" + A, b), r -> assertThat(r.status()).isEqualTo(403)),
            expect(get("/admin/audit?tenant=*", b), r -> assertThat(r.status()).isEqualTo(403)))
        // On the open server every caller is admin; without a tenant parameter it reads its own tenant only.
        : List.of(expect(get("/admin/audit", b), r -> {
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          r.json().getJsonArray("entries").forEach(e ->
              assertThat(((JsonObject) e).getString("tenant")).isEqualTo(b.tenant()));
        })));
    return c;
  }

  @Test
  void everyOperationOfTheDocumentHasAnIsolationCase() {
    Set<String> missing = new TreeSet<>(documentedOperations());
    missing.removeAll(cases().keySet());
    missing.removeAll(TENANT_FREE);
    assertThat(missing).as("operations of /openapi.json without an isolation case in TenantIsolationTest").isEmpty();
  }

  @Test
  void tenantNamedByHeaderCannotTouchTenantAThroughAnyOperation() {
    tenantBCannotTouchTenantA(open);
  }

  @Test
  void tenantBoundToItsTokenCannotTouchTenantAThroughAnyOperation() {
    tenantBCannotTouchTenantA(jwt);
  }

  @Test
  void aTokenOfTenantBNamingTenantAIsRefusedOnEveryOperation() {
    Caller a = tenantAOn(jwt);
    String exportBefore = fullExportOf(a);
    String tokenOfB = freshTenantBOn(jwt).token();
    JsonObject anyBody = new JsonObject().put("coord", A_COORDS.get(0))
        .put("payload", new JsonObject().put("content", "spoofed")).put("query", WORDS).put("all", true);
    for (String operation : guardedOperations()) {
      String[] op = operation.split(" ", 2);
      HttpMethod method = HttpMethod.valueOf(op[0]);
      String uri = op[1].replace("{coord}", A_COORDS.get(0)).replace("{id}", a.idsOfA().get(0));
      TestServer.Resp byTenant = sendWithHeaders(method, uri, anyBody,
          Map.of("Authorization", "Bearer " + tokenOfB, "X-Soma-Tenant", A));
      TestServer.Resp byNamespace = sendWithHeaders(method, uri, anyBody,
          Map.of("Authorization", "Bearer " + tokenOfB, "X-Soma-Namespace", "brain:" + A));
      for (TestServer.Resp r : List.of(byTenant, byNamespace)) {
        assertThat(r.status()).as(operation + " with B's token naming A: " + r).isEqualTo(403);
        assertNothingOfA(operation, r, a.idsOfA());
      }
    }
    TestServer.Resp v2 = post("/api/v2/memory/store", new JsonObject().put("content", "spoofed")
        .put("namespace", "brain:" + A), new Caller(jwt, null, tokenOfB));
    assertThat(v2.status()).as("v2 body namespace naming A: " + v2).isEqualTo(403);
    assertThat(fullExportOf(a)).as("A's export after B named A").isEqualTo(exportBefore);
  }

  private static TestServer.Resp sendWithHeaders(HttpMethod method, String uri, JsonObject body,
      Map<String, String> headers) {
    var request = jwt.client.request(method, uri).putHeader("Content-Type", "application/json");
    headers.forEach(request::putHeader);
    var response = TestServer.await(request.sendBuffer(body.toBuffer()));
    String text = response.bodyAsString();
    return new TestServer.Resp(response.statusCode(), null, text, response.headers());
  }

  private static void tenantBCannotTouchTenantA(TestServer server) {
    Caller a = tenantAOn(server);
    String exportBefore = fullExportOf(a);
    JsonObject statsBefore = get("/stats", a).json();
    assertThat(statsBefore.getLong("total_memories")).isEqualTo(A_COORDS.size());
    assertThat(exportBefore.lines().filter(l -> l.contains("\"kind\":\"link\""))).hasSize(3);

    Map<String, IsolationCase> cases = cases();
    for (String operation : documentedOperations()) {
      if (TENANT_FREE.contains(operation)) {
        continue;
      }
      List<TestServer.Resp> responses = cases.get(operation).apply(freshTenantBOn(server));
      assertThat(responses).as(operation).isNotEmpty();
      List<String> echoedIds = operation.equals("DELETE /api/v2/memory/{id}") ? List.of() : a.idsOfA();
      responses.forEach(r -> assertNothingOfA(operation, r, echoedIds));
    }

    assertThat(fullExportOf(a)).as("A's export after every operation of B").isEqualTo(exportBefore);
    assertThat(get("/stats", a).json()).as("A's stats").isEqualTo(statsBefore);
    for (String coord : A_COORDS) {
      assertThat(get("/memories/" + coord, a).json().getJsonObject("memory").encode()).contains(SECRET);
    }
  }

  private static List<String> guardedOperations() {
    return documentedOperations().stream().filter(op -> !TENANT_FREE.contains(op)).toList();
  }

  private static List<String> documentedOperations() {
    JsonObject paths = open.get("/openapi.json", null).json().getJsonObject("paths");
    List<String> out = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
          out.add(method.toUpperCase() + " " + path);
        }
      }
    }
    assertThat(out).as("operations of /openapi.json").hasSizeGreaterThan(30);
    return out;
  }

  /** {@code idsOfA}: A's memory ids that must not appear (none where B itself sent them and they are echoed). */
  private static void assertNothingOfA(String operation, TestServer.Resp r, List<String> idsOfA) {
    assertThat(r.status()).as(operation + " answered " + r).isLessThan(500);
    String text = r.text() == null ? "" : r.text();
    assertThat(text).as(operation + " leaked A's payload").doesNotContain(SECRET).doesNotContain("harbour ledger");
    for (String id : idsOfA) {
      assertThat(text).as(operation + " leaked A's id").doesNotContain(id);
    }
  }

  private static String fullExportOf(Caller caller) {
    TestServer.Resp r = get("/memories/export?embeddings=true", caller);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text();
  }

  private static JsonObject ownMemory(String coord) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", "B's own " + coord));
  }

  private static JsonArray ownMemories() {
    return new JsonArray(A_COORDS.stream().map(TenantIsolationTest::ownMemory).toList());
  }

  private static TestServer.Resp importAtACoordinates(String uri, Caller b) {
    StringBuilder ndjson = new StringBuilder();
    A_COORDS.forEach(coord -> ndjson.append(ownMemory(coord).put("kind", "memory").encode()).append('\n'));
    ndjson.append(new JsonObject().put("kind", "link").put("from_coord", "11,12,13").put("to_coord", "16").encode())
        .append('\n');
    return expect(b.call(HttpMethod.POST, uri, Buffer.buffer(ndjson.toString())),
        r -> assertThat(r.status()).isEqualTo(200));
  }

  private static TestServer.Resp expect(TestServer.Resp r, java.util.function.Consumer<TestServer.Resp> check) {
    assertThat(r.status()).as(r.toString()).isLessThan(500);
    check.accept(r);
    return r;
  }

  private static TestServer.Resp expectNoHits(TestServer.Resp r, String field) {
    return expect(r, x -> assertThat(x.json().getJsonArray(field)).as(x.toString()).isEmpty());
  }

  private static TestServer.Resp expectDeletedNone(TestServer.Resp r) {
    return expect(r, x -> assertThat(x.json().getInteger("deleted")).as(x.toString()).isZero());
  }
}
