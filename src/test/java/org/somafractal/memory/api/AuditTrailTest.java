package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.auth.RoutePolicy;

/**
 * The audit trail over real HTTP and a real SQLite file: every audited route of {@link RoutePolicy} (each needs a
 * case here, or the test fails) writes exactly one entry with its credential, tenant, route, action, status and
 * target; a request refused for its scope is audited with 403, one without a valid credential is not; the rows in the
 * database never hold a payload word, not even one sent in a delete filter; a clean shutdown right after the last
 * request loses nothing; {@code GET /admin/audit} is for admin credentials only, pages with a cursor, and keeps to the
 * tenant asked; entries older than the retention are deleted at start.
 */
class AuditTrailTest {
  private static final String SECRET = "zanzibar-payload-secret";
  private static final String TENANT = "acme";
  private static final String WRITER = "writer-token";
  private static final String READER = "reader-token";
  private static final String ADMIN = "admin-token";

  /** One request of a case, and what its audit entry's target must hold. */
  private record Call(HttpMethod method, String uri, Object body, String token, int status, JsonObject target) {
  }

  private static JsonObject payload(String words) {
    return new JsonObject().put("content", words + " " + SECRET).put("secret", SECRET);
  }

  private static JsonObject memory(String coord) {
    return new JsonObject().put("coord", coord).put("payload", payload("memory at " + coord))
        .put("metadata", new JsonObject().put("owner", SECRET));
  }

  private static Buffer ndjson(String... coords) {
    StringBuilder sb = new StringBuilder();
    for (String c : coords) {
      sb.append(memory(c).put("kind", "memory").encode()).append('\n');
    }
    return Buffer.buffer(sb.toString());
  }

  /** The cases, in the order they run; each value makes the calls of one audited route. */
  private static Map<String, Function<TestServer, List<Call>>> cases() {
    Map<String, Function<TestServer, List<Call>>> c = new LinkedHashMap<>();
    c.put("POST /memories", s -> List.of(
        new Call(HttpMethod.POST, "/memories", memory("1,1"), WRITER, 200,
            new JsonObject().put("coord", "1.0,1.0").put("created", true)),
        new Call(HttpMethod.POST, "/memories", memory("1,2"), READER, 403, new JsonObject())));
    c.put("POST /memories/bulk", s -> List.of(new Call(HttpMethod.POST, "/memories/bulk",
        new JsonObject().put("items", new JsonArray().add(memory("2,1")).add(memory("2,2"))), WRITER, 200,
        new JsonObject().put("stored", 2).put("coords", new JsonArray().add("2.0,1.0").add("2.0,2.0")))));
    c.put("POST /store", s -> List.of(new Call(HttpMethod.POST, "/store", new JsonObject().put("coord", "3,1")
        .put("payload", payload("era a")), WRITER, 200, new JsonObject().put("coord", "3.0,1.0"))));
    c.put("POST /remember", s -> List.of(new Call(HttpMethod.POST, "/remember",
        new JsonObject().put("payload", payload("remembered")), WRITER, 200, new JsonObject())));
    c.put("POST /store_bulk", s -> List.of(new Call(HttpMethod.POST, "/store_bulk", new JsonObject().put("items",
        new JsonArray().add(new JsonObject().put("coord", "4,1").put("payload", payload("a")))
            .add(new JsonObject().put("coord", "4,2").put("payload", payload("b")))), WRITER, 200,
        new JsonObject().put("stored", 2).put("coords", new JsonArray().add("4.0,1.0").add("4.0,2.0")))));
    c.put("POST /api/v2/memory/store", s -> List.of(new Call(HttpMethod.POST, "/api/v2/memory/store",
        new JsonObject().put("content", "v2 " + SECRET).put("coord", "6,1"), WRITER, 200,
        new JsonObject().put("coord", "6.0,1.0"))));
    c.put("POST /memories/import", s -> List.of(new Call(HttpMethod.POST, "/memories/import", ndjson("5,1", "5,2"),
        WRITER, 200, new JsonObject().put("imported", 2).put("rejected", 0))));
    c.put("POST /import_memories", s -> List.of(new Call(HttpMethod.POST, "/import_memories?replace=true",
        ndjson("5,3"), WRITER, 200, new JsonObject().put("imported", 1).put("replace", "true"))));
    c.put("POST /graph/link", s -> List.of(new Call(HttpMethod.POST, "/graph/link", new JsonObject()
        .put("from_coord", "4,1").put("to_coord", "4,2").put("metadata", new JsonObject().put("why", SECRET)),
        WRITER, 200, new JsonObject().put("from_coord", "4.0,1.0").put("to_coord", "4.0,2.0")
            .put("link_type", "related"))));
    c.put("POST /link", s -> List.of(new Call(HttpMethod.POST, "/link", new JsonObject().put("from_coord", "4,2")
        .put("to_coord", "4,1").put("type", "next"), WRITER, 200, new JsonObject().put("from_coord", "4.0,2.0")
        .put("to_coord", "4.0,1.0").put("link_type", "next"))));
    c.put("GET /memories/export", s -> List.of(new Call(HttpMethod.GET, "/memories/export?embeddings=true", null,
        WRITER, 200, new JsonObject().put("embeddings", "true").put("memories", 11).put("links", 2))));
    c.put("POST /export_memories", s -> List.of(new Call(HttpMethod.POST, "/export_memories?memory_type=episodic",
        new JsonObject(), WRITER, 200, new JsonObject().put("memory_type", "episodic").put("memories", 10))));
    c.put("DELETE /graph/link", s -> List.of(new Call(HttpMethod.DELETE, "/graph/link?from_coord=4,1&to_coord=4,2",
        null, WRITER, 200, new JsonObject().put("from_coord", "4,1").put("to_coord", "4,2").put("deleted", 1))));
    c.put("DELETE /memories/{coord}", s -> List.of(new Call(HttpMethod.DELETE, "/memories/1,1", null, WRITER, 200,
        new JsonObject().put("coord", "1.0,1.0").put("deleted", true))));
    c.put("POST /memories/delete", s -> List.of(
        new Call(HttpMethod.POST, "/memories/delete", new JsonObject().put("coords", new JsonArray().add("2,1")),
            WRITER, 200, new JsonObject().put("deleted", 1).put("coords", new JsonArray().add("2.0,1.0"))),
        // The filter holds a payload word: it must not reach the audit trail.
        new Call(HttpMethod.POST, "/memories/delete", new JsonObject().put("filter", new JsonObject()
            .put("filters", new JsonObject().put("owner", SECRET))), WRITER, 200, new JsonObject())));
    c.put("POST /delete_many", s -> List.of(new Call(HttpMethod.POST, "/delete_many",
        new JsonObject().put("coords", new JsonArray().add("3,1").add("9,9")), WRITER, 200,
        new JsonObject().put("deleted", 1).put("coords", new JsonArray().add("3.0,1.0")))));
    c.put("DELETE /api/v2/memory/{id}", s -> List.of(new Call(HttpMethod.DELETE, "/api/v2/memory/no-such-id", null,
        WRITER, 200, new JsonObject().put("id", "no-such-id").put("deleted", false))));
    c.put("GET /admin/audit", s -> List.of(new Call(HttpMethod.GET, "/admin/audit?tenant=" + TENANT + "&limit=5",
        null, ADMIN, 200, new JsonObject().put("tenant", TENANT).put("entries", 5))));
    return c;
  }

  private static Map<String, String> config(Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonArray()
        .add(new JsonObject().put("token", WRITER).put("tenant", TENANT).put("id", "acme-writer")
            .put("scopes", "memory:read memory:write memory:delete graph:write"))
        .add(new JsonObject().put("token", READER).put("tenant", TENANT).put("id", "acme-reader")
            .put("scopes", "memory:read"))
        .add(new JsonObject().put("token", ADMIN).put("tenant", "ops").put("id", "ops-admin").put("scopes", "admin"))
        .encode());
    Map<String, String> config = new HashMap<>();
    config.put("MEMORY_MODE", "development");
    config.put("SOMA_DATA_DIR", dir.resolve("data").toString());
    config.put("SOMA_TOKENS_FILE", tokens.toString());
    return config;
  }

  @Test
  void everyAuditedRouteWritesExactlyOneEntryAndNoPayloadReachesTheTable(@TempDir Path dir) throws Exception {
    Map<String, Function<TestServer, List<Call>>> cases = cases();
    Set<String> audited = new TreeSet<>();
    RoutePolicy.table().forEach((op, need) -> {
      if (need.audit() != null) {
        audited.add(op);
      }
    });
    assertThat(cases.keySet()).as("every audited route of RoutePolicy has a case here").containsExactlyInAnyOrderElementsOf(audited);

    List<String> expectedRoutes = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    try (TestServer server = TestServer.start(config(dir))) {
      for (var e : cases.entrySet()) {
        for (Call call : e.getValue().apply(server)) {
          TestServer.Resp r = server.call(call.method(), call.uri(), call.body(), null, call.token());
          assertThat(r.status()).as(e.getKey() + " " + r).isEqualTo(call.status());
          expectedRoutes.add(e.getKey());
          calls.add(call);
        }
      }
      // Not audited: no valid credential, and reads.
      assertThat(server.call(HttpMethod.POST, "/memories", memory("7,7"), null, "forged").status()).isEqualTo(401);
      assertThat(server.call(HttpMethod.GET, "/memories/4,1", null, null, WRITER).status()).isEqualTo(200);
      assertThat(server.call(HttpMethod.POST, "/memories/search", new JsonObject().put("query", "memory"), null,
          WRITER).status()).isEqualTo(200);
    }
    // The server is stopped: what it had not stored yet must have been stored on the way down.

    List<Map<String, Object>> rows = rows(dir.resolve("data/soma.db"));
    assertThat(rows).extracting(r -> r.get("route")).as("one entry per audited request, in order")
        .containsExactlyElementsOf(expectedRoutes);
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      Call call = calls.get(i);
      String where = row.get("route") + " #" + i;
      assertThat(row.get("status")).as(where).isEqualTo(call.status());
      assertThat(row.get("credential")).as(where).isEqualTo(switch (call.token()) {
        case WRITER -> "acme-writer";
        case READER -> "acme-reader";
        default -> "ops-admin";
      });
      assertThat(row.get("tenant")).as(where).isEqualTo(call.token().equals(ADMIN) ? "ops" : TENANT);
      assertThat(row.get("action")).as(where).isEqualTo(RoutePolicy.of((String) row.get("route")).orElseThrow()
          .audit().wire());
      assertThat((Long) row.get("at")).as(where).isPositive();
      JsonObject target = new JsonObject((String) row.get("target"));
      for (String field : call.target().fieldNames()) {
        assertThat(target.getValue(field)).as(where + " target." + field + " in " + target)
            .isEqualTo(call.target().getValue(field));
      }
      if (row.get("route").equals("POST /memories") && call.status() == 200) {
        assertThat(target.getString("id")).as(where).hasSize(36);
      }
      for (Object value : row.values()) {
        assertThat(String.valueOf(value)).as(where + ": no payload in the audit table").doesNotContain(SECRET)
            .doesNotContain("memory at");
      }
    }
    assertThat(rows.stream().filter(r -> r.get("route").equals("POST /remember")).findFirst().orElseThrow()
        .get("target").toString()).contains("\"coord\":");
  }

  @Test
  void theAuditRouteIsForAdminsPagesWithACursorAndKeepsToTheTenantAsked(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(config(dir))) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.call(HttpMethod.POST, "/memories", memory("1," + i), null, WRITER).status()).isEqualTo(200);
      }
      TestServer.Resp otherTenant = server.call(HttpMethod.POST, "/memories", memory("1,1"), "other", ADMIN);
      assertThat(otherTenant.status()).as("an admin may act for any tenant").isEqualTo(200);

      JsonObject first = server.call(HttpMethod.GET, "/admin/audit?tenant=acme&limit=3", null, null, ADMIN).json();
      assertThat(first.getJsonArray("entries")).hasSize(3);
      String cursor = first.getString("next_cursor");
      assertThat(cursor).isNotNull();
      JsonObject second = server.call(HttpMethod.GET, "/admin/audit?tenant=acme&limit=3&cursor=" + cursor, null, null,
          ADMIN).json();
      assertThat(second.getJsonArray("entries")).hasSize(2);
      assertThat(second.getValue("next_cursor")).isNull();
      List<JsonObject> acme = new ArrayList<>();
      first.getJsonArray("entries").forEach(e -> acme.add((JsonObject) e));
      second.getJsonArray("entries").forEach(e -> acme.add((JsonObject) e));
      assertThat(acme).extracting(e -> e.getString("tenant")).containsOnly(TENANT);
      assertThat(acme).extracting(e -> e.getJsonObject("target").getString("coord"))
          .containsExactly("1.0,4.0", "1.0,3.0", "1.0,2.0", "1.0,1.0", "1.0,0.0");
      assertThat(acme.get(0).getString("credential")).isEqualTo("acme-writer");
      assertThat(acme.get(0).getString("action")).isEqualTo("write");
      assertThat(acme.get(0).getString("route")).isEqualTo("POST /memories");
      assertThat(acme.get(0).getInteger("status")).isEqualTo(200);

      JsonObject other = server.call(HttpMethod.GET, "/admin/audit?tenant=other", null, null, ADMIN).json();
      assertThat(other.getJsonArray("entries")).hasSize(1);
      assertThat(other.getJsonArray("entries").getJsonObject(0).getString("credential")).isEqualTo("ops-admin");
      JsonObject own = server.call(HttpMethod.GET, "/admin/audit", null, null, ADMIN).json();
      assertThat(own.getJsonArray("entries")).extracting(e -> ((JsonObject) e).getString("tenant"))
          .as("without a tenant parameter: the admin's own tenant, whose entries are its audit reads").containsOnly("ops");
      JsonObject all = server.call(HttpMethod.GET, "/admin/audit?tenant=*&limit=1000", null, null, ADMIN).json();
      assertThat(all.getJsonArray("entries")).extracting(e -> ((JsonObject) e).getString("tenant"))
          .contains(TENANT, "other", "ops");

      for (String token : List.of(WRITER, READER)) {
        for (String uri : List.of("/admin/audit", "/admin/audit?tenant=" + TENANT, "/admin/audit?tenant=*")) {
          TestServer.Resp r = server.call(HttpMethod.GET, uri, null, null, token);
          assertThat(r.status()).as(uri + " with a non-admin token: " + r).isEqualTo(403);
          assertThat(r.json().getString("detail")).contains("missing scope admin");
        }
      }
      assertThat(server.call(HttpMethod.GET, "/admin/audit", null, null, null).status()).isEqualTo(401);

      JsonObject refused = server.call(HttpMethod.GET, "/admin/audit?tenant=acme&limit=6", null, null, ADMIN).json();
      assertThat(refused.getJsonArray("entries")).as("the refused reads of the audit trail are audited too")
          .allSatisfy(e -> {
            assertThat(((JsonObject) e).getString("route")).isEqualTo("GET /admin/audit");
            assertThat(((JsonObject) e).getInteger("status")).isEqualTo(403);
          });

      String since = Long.toString(System.currentTimeMillis() + 60_000);
      assertThat(server.call(HttpMethod.GET, "/admin/audit?tenant=*&since=" + since, null, null, ADMIN).json()
          .getJsonArray("entries")).isEmpty();
      assertThat(server.call(HttpMethod.GET, "/admin/audit?until=2000-01-01T00:00:00Z&tenant=*", null, null, ADMIN)
          .json().getJsonArray("entries")).isEmpty();
      for (String bad : List.of("limit=0", "limit=abc", "cursor=-3", "since=yesterday", "tenant=no%20spaces")) {
        TestServer.Resp r = server.call(HttpMethod.GET, "/admin/audit?" + bad, null, null, ADMIN);
        assertThat(r.status()).as(bad + " " + r).isIn(400, 422);
      }

      TestServer.Resp badEscape = server.call(HttpMethod.POST, "/memories?x=%zz", memory("1,9"), null, WRITER);
      assertThat(badEscape.status()).as("the route reads no query parameter: " + badEscape).isEqualTo(200);
      JsonObject afterBadEscape = server.call(HttpMethod.GET, "/admin/audit?tenant=acme&limit=1", null, null, ADMIN)
          .json();
      assertThat(afterBadEscape.getJsonArray("entries")).as("a write with an undecodable query string is audited")
          .singleElement().satisfies(e -> assertThat(((JsonObject) e).getJsonObject("target").getString("coord"))
              .isEqualTo("1.0,9.0"));
    }
  }

  @Test
  void entriesOlderThanTheRetentionAreDeletedAtStartAndAuditingCanBeTurnedOff(@TempDir Path dir) throws Exception {
    Map<String, String> config = config(dir);
    try (TestServer server = TestServer.start(config)) {
      assertThat(server.call(HttpMethod.POST, "/memories", memory("1,1"), null, WRITER).status()).isEqualTo(200);
    }
    Path db = dir.resolve("data/soma.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      long old = System.currentTimeMillis() - 3L * 86_400_000;
      st.executeUpdate("INSERT INTO audit_log (at, tenant, credential, route, action, status, target) VALUES ("
          + old + ", 'acme', 'acme-writer', 'POST /memories', 'write', 200, '{}')");
    }
    assertThat(rows(db)).hasSize(2);

    config.put("SOMA_AUDIT_RETENTION_DAYS", "2");
    try (TestServer server = TestServer.start(config)) {
      // The purge runs when the audit verticle starts; an admin query is stored and answered after it.
      long deadline = System.currentTimeMillis() + 30_000;
      int left;
      do {
        left = server.call(HttpMethod.GET, "/admin/audit?tenant=acme", null, null, ADMIN).json()
            .getJsonArray("entries").size();
      } while (left != 1 && System.currentTimeMillis() < deadline);
      assertThat(left).as("the entry older than 2 days is gone, the recent one stays").isEqualTo(1);
    }

    config.put("SOMA_AUDIT", "false");
    try (TestServer server = TestServer.start(config)) {
      assertThat(server.call(HttpMethod.DELETE, "/memories/1,1", null, null, WRITER).status()).isEqualTo(200);
      TestServer.Resp off = server.call(HttpMethod.GET, "/admin/audit", null, null, ADMIN);
      assertThat(off.status()).isEqualTo(404);
      assertThat(off.json().getString("detail")).contains("SOMA_AUDIT=false");
    }
    assertThat(rows(db)).extracting(r -> r.get("route")).as("nothing audited while it was off")
        .doesNotContain("DELETE /memories/{coord}");
  }

  /** Every row of the audit table, oldest first, each column by name. */
  static List<Map<String, Object>> rows(Path db) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM audit_log ORDER BY id")) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.put(meta.getColumnName(i), v instanceof Number n && !meta.getColumnName(i).equals("at")
              ? (Object) n.intValue() : v instanceof Number n ? (Object) n.longValue() : v);
        }
        out.add(row);
      }
    }
    return out;
  }
}
