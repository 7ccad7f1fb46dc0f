package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.auth.TestJwts;

/** Rate limits, quotas, JSON limits and CORS, over real HTTP. */
class LimitsApiTest {

  private static JsonObject memory(String coord, String content) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", content));
  }

  private static JsonObject bulk(int from, int count) {
    JsonArray items = new JsonArray();
    for (int i = from; i < from + count; i++) {
      items.add(memory(Integer.toString(i), "memory " + i));
    }
    return new JsonObject().put("items", items);
  }

  private static long total(TestServer server, String tenant) {
    TestServer.Resp stats = server.get("/stats", tenant);
    assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
    return stats.json().getLong("total_memories");
  }

  /** The first answer of {@code request} that is not a 503, retried for up to five seconds. */
  private static TestServer.Resp admitted(java.util.function.Supplier<TestServer.Resp> request) {
    TestServer.Resp r = request.get();
    for (int attempt = 0; attempt < 250 && r.status() == 503; attempt++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      r = request.get();
    }
    return r;
  }

  @ParameterizedTest
  @ValueSource(strings = {"fixed", "adaptive"})
  void requestsBeyondTheInFlightBoundAre503AtOnceAndServedAgainAfterwards(String admission) {
    try (TestServer server = TestServer.start(Map.of("SOMA_ADMISSION", admission, "SOMA_MIN_IN_FLIGHT", "1",
        "SOMA_MAX_IN_FLIGHT", "1"))) {
      // An import is served while its body streams in: with its first line sent and the rest held back, it is the
      // one request in flight.
      HttpClient raw = server.vertx.createHttpClient();
      HttpClientRequest held = TestServer.await(raw.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(server.server.port()).setURI("/memories/import")
          .putHeader("X-Soma-Tenant", "a").putHeader("Content-Type", "application/x-ndjson")));
      held.setChunked(true);
      TestServer.await(held.write(memory("1", "first").encode() + "\n"));
      // the body is read in the same callback as the headers: read later, it would be gone
      Future<JsonObject> heldResponse = held.response().compose(r -> r.body()
          .map(b -> new JsonObject().put("status", r.statusCode()).put("body", b.toString())));
      TestServer.Resp shed = null;
      // Bounded by time, not by a count of attempts: on a busy machine the import can take a while to get in.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (shed == null && System.nanoTime() < deadline) {
        TestServer.Resp r = server.post("/memories", memory("2", "shed"), "a");
        if (r.status() == 503) {
          shed = r;
        } else {
          // the import may not have reached its handler yet; a store that got in is deleted again
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          server.delete("/memories/2", "a");
        }
      }
      assertThat(shed).as("a request beyond the bound is refused").isNotNull();
      assertThat(shed.json().getString("code")).isEqualTo("unavailable");
      assertThat(shed.json().getString("detail")).contains("1 requests in flight");
      assertThat(shed.headers().get("Retry-After")).isEqualTo("1");
      assertThat(server.get("/healthz", "a").status()).as("probes are never shed").isEqualTo(200);
      assertThat(server.get("/readyz", "a").status()).isEqualTo(200);

      TestServer.await(held.end(memory("3", "last").encode() + "\n"));
      JsonObject done = TestServer.await(heldResponse);
      assertThat(done.getInteger("status")).as(done.encode()).isEqualTo(200);
      assertThat(new JsonObject(done.getString("body")).getInteger("imported")).isEqualTo(2);
      // The slot is given back when the server has finished the import's response, which may be just after the
      // client has it: the next request may still find the bound reached, and is admitted on a retry.
      assertThat(admitted(() -> server.get("/memories/2", "a")).status()).as("the shed store stored nothing")
          .isEqualTo(404);
      assertThat(admitted(() -> server.get("/stats", "a")).json().getLong("total_memories"))
          .as("served again once the import ended").isEqualTo(2);
      TestServer.await(raw.close());
    }
  }

  @Test
  void tenantRateLimitAnswers429WithRetryAfterPerTenantAndRefills() throws InterruptedException {
    try (TestServer server = TestServer.start(Map.of("SOMA_RATE_LIMIT_PER_SECOND", "2", "SOMA_RATE_LIMIT_BURST", "3"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(server.get("/stats", "a").status()).as("request %d of the burst", i).isEqualTo(200);
      }
      TestServer.Resp limited = server.post("/memories", memory("1", "x"), "a");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.json().getString("code")).isEqualTo("rate_limited");
      assertThat(limited.json().getString("detail")).contains("tenant 'a'").contains("2 requests per second");
      assertThat(Integer.parseInt(limited.headers().get("Retry-After"))).isBetween(1, 2);

      assertThat(server.get("/stats", "b").status()).as("tenant b has its own bucket").isEqualTo(200);
      for (String path : new String[] {"/healthz", "/readyz", "/health", "/openapi.json", "/docs"}) {
        for (int i = 0; i < 5; i++) {
          assertThat(server.get(path, "a").status()).as("%s is never limited", path).isIn(200, 503);
        }
      }
      Thread.sleep(600);
      assertThat(server.get("/stats", "a").status()).as("one token back after half a second").isEqualTo(200);
      // Refilling at 2 tokens a second, the bucket is soon empty again: a few more requests at most pass (more only
      // if each took a quarter of a second), then one is refused.
      int passed = 0;
      while (server.get("/stats", "a").status() == 200) {
        assertThat(++passed).as("requests let through after the refill").isLessThan(4);
      }
      assertThat(total(server, "b")).as("the limited write stored nothing").isZero();
    }
  }

  @Test
  void theTenantBucketIsTheVerifiedTenantsWhateverTheHeadersClaim() {
    try (TestServer server = TestServer.start(Map.of("SOMA_JWT_SECRET", TestJwts.SECRET,
        "SOMA_RATE_LIMIT_PER_SECOND", "0.01", "SOMA_RATE_LIMIT_BURST", "2"))) {
      String a = TestJwts.hs256(TestJwts.claims("tenant-a", "memory:read"), TestJwts.SECRET);
      String b = TestJwts.hs256(TestJwts.claims("tenant-b", "memory:read"), TestJwts.SECRET);
      // Anyone may claim tenant-b in a header; without a valid credential that spends none of tenant-b's budget.
      for (int i = 0; i < 5; i++) {
        assertThat(server.call(HttpMethod.GET, "/stats", null, "tenant-b", null).status()).isEqualTo(401);
        assertThat(server.call(HttpMethod.GET, "/stats", null, "tenant-b", "forged." + i + ".jwt").status())
            .isEqualTo(401);
      }
      for (int i = 0; i < 2; i++) {
        assertThat(server.call(HttpMethod.GET, "/stats", null, null, a).status()).as("A's burst, request %d", i)
            .isEqualTo(200);
      }
      TestServer.Resp limited = server.call(HttpMethod.GET, "/stats", null, null, a);
      assertThat(limited.status()).as("no tenant header: still A's bucket, not the default tenant's").isEqualTo(429);
      assertThat(limited.json().getString("detail")).contains("tenant 'tenant-a'");
      assertThat(server.call(HttpMethod.GET, "/docs/../stats", null, null, a).status())
          .as("a dot segment through a public prefix reaches /stats, and its bucket").isEqualTo(429);
      for (String claimed : List.of("tenant-b", "default", "elsewhere")) {
        TestServer.Resp dodge = server.call(HttpMethod.GET, "/stats", null, claimed, a);
        assertThat(dodge.status()).as("A's token claiming %s: refused, never served from another bucket", claimed)
            .isIn(403, 429);
      }
      assertThat(server.call(HttpMethod.GET, "/stats", null, null, b).status()).as("B kept its whole burst")
          .isEqualTo(200);
      assertThat(server.call(HttpMethod.GET, "/stats", null, "tenant-b", b).status()).isEqualTo(200);
      assertThat(server.call(HttpMethod.GET, "/stats", null, null, b).status()).isEqualTo(429);
    }
  }

  @Test
  void credentialRateLimitIsPerToken() {
    try (TestServer server = TestServer.start(Map.of("SOMA_CREDENTIAL_RATE_LIMIT_PER_SECOND", "0.1",
        "SOMA_CREDENTIAL_RATE_LIMIT_BURST", "2"))) {
      for (int i = 0; i < 2; i++) {
        assertThat(server.call(HttpMethod.GET, "/stats", null, "t" + i, "one").status()).isEqualTo(200);
      }
      TestServer.Resp limited = server.call(HttpMethod.GET, "/stats", null, "t9", "one");
      assertThat(limited.status()).as("other tenants, same token").isEqualTo(429);
      assertThat(limited.json().getString("detail")).contains("this credential");
      assertThat(Integer.parseInt(limited.headers().get("Retry-After"))).isBetween(9, 10);
      assertThat(server.call(HttpMethod.GET, "/stats", null, "t0", "two").status()).isEqualTo(200);
      assertThat(server.get("/stats", "t0").status()).as("anonymous is one more credential").isEqualTo(200);
    }
  }

  @Test
  void quotasRefuseWholeWritesAllowUpdatesInPlaceAndShowInStats(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("quotas.json");
    Files.writeString(file, "{\"small\": {\"max_bytes\": 300}, \"big\": {\"max_memories\": 0}}");
    try (TestServer server = TestServer.start(Map.of("SOMA_QUOTA_MAX_MEMORIES", "5", "SOMA_QUOTA_MAX_LINKS", "1",
        "SOMA_QUOTAS_FILE", file.toString()))) {
      TestServer.Resp tooMany = server.post("/memories/bulk", bulk(0, 6), "q");
      assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(403);
      assertThat(tooMany.json().getString("code")).isEqualTo("forbidden");
      assertThat(tooMany.json().getString("detail")).contains("max_memories").contains("'q'");
      assertThat(total(server, "q")).as("a refused bulk stores none").isZero();

      assertThat(server.post("/memories/bulk", bulk(0, 5), "q").status()).isEqualTo(200);
      assertThat(server.post("/memories", memory("2", "replaced in place"), "q").status())
          .as("an update at the limit").isEqualTo(200);
      assertThat(server.post("/memories", memory("9", "new"), "q").status()).isEqualTo(403);
      assertThat(server.post("/remember", new JsonObject().put("payload", new JsonObject().put("task", "t")), "q")
          .status()).as("the seed routes go through the same service").isEqualTo(403);

      JsonObject quota = server.get("/stats", "q").json().getJsonObject("quota");
      assertThat(quota.getLong("max_memories")).isEqualTo(5);
      assertThat(quota.getLong("used_memories")).isEqualTo(5);
      assertThat(quota.getLong("used_bytes")).isPositive();
      assertThat(quota.getLong("max_links")).isEqualTo(1);

      assertThat(server.delete("/memories/4", "q").status()).isEqualTo(200);
      assertThat(server.post("/memories", memory("9", "fits again"), "q").status()).isEqualTo(200);

      JsonObject link = new JsonObject().put("from_coord", "0").put("to_coord", "1");
      assertThat(server.post("/graph/link", link, "q").status()).isEqualTo(200);
      TestServer.Resp secondLink = server.post("/graph/link", new JsonObject().put("from_coord", "1")
          .put("to_coord", "2"), "q");
      assertThat(secondLink.status()).isEqualTo(403);
      assertThat(secondLink.json().getString("detail")).contains("max_links");
      assertThat(server.post("/graph/link", link.copy().put("strength", 2.0), "q").status())
          .as("re-storing an existing link at the limit").isEqualTo(200);
      assertThat(server.get("/stats", "q").json().getJsonObject("quota").getLong("used_links")).isEqualTo(1);

      TestServer.Resp bytes = server.post("/memories", memory("1", "y".repeat(400)), "small");
      assertThat(bytes.status()).isEqualTo(403);
      assertThat(bytes.json().getString("detail")).contains("max_bytes");
      assertThat(server.post("/memories/bulk", bulk(0, 6), "big").status()).as("a per-tenant override")
          .isEqualTo(200);
    }
  }

  @Test
  void deepOrLongJsonIsRefusedBeforeAnyHandler() {
    try (TestServer server = TestServer.start(Map.of("SOMA_MAX_JSON_DEPTH", "8", "SOMA_MAX_STRING_CHARS", "100"))) {
      String deep = "{\"coord\": \"1\", \"payload\": {\"content\": \"x\", \"deep\": " + "[".repeat(10) + "]".repeat(10)
          + "}}";
      TestServer.Resp tooDeep = server.post("/memories", deep, "j");
      assertThat(tooDeep.status()).isEqualTo(400);
      assertThat(tooDeep.json().getString("detail")).contains("SOMA_MAX_JSON_DEPTH");
      TestServer.Resp tooLong = server.post("/memories", memory("1", "z".repeat(101)), "j");
      assertThat(tooLong.status()).isEqualTo(400);
      assertThat(tooLong.json().getString("detail")).contains("SOMA_MAX_STRING_CHARS");
      TestServer.Resp longKey = server.post("/memories", new JsonObject().put("coord", "1")
          .put("payload", new JsonObject().put("k".repeat(101), "v")), "j");
      assertThat(longKey.status()).isEqualTo(400);
      TestServer.Resp longNumber = server.post("/memories", "{\"coord\": \"1\", \"importance\": " + "1".repeat(1500)
          + ", \"payload\": {\"content\": \"x\"}}", "j");
      assertThat(longNumber.status()).isEqualTo(400);
      assertThat(longNumber.json().getString("detail")).isEqualTo("A JSON number is longer than 1000 characters");
      assertThat(server.post("/memories", memory("1", "z".repeat(100)), "j").status()).isEqualTo(200);
      TestServer.Resp imported = server.post("/memories/import",
          "{\"coord\": \"2\", \"payload\": {\"content\": \"" + "w".repeat(200) + "\"}}\n", "j");
      assertThat(imported.json().getInteger("imported")).as(imported.toString()).isZero();
      assertThat(total(server, "j")).isEqualTo(1);
    }
  }

  @Test
  void corsHeadersOnlyWhenOriginsAreConfigured() {
    try (TestServer server = TestServer.start(Map.of("SOMA_CORS_ORIGINS", "https://app.example.com"))) {
      TestServer.Resp preflight = preflight(server, "https://app.example.com");
      assertThat(preflight.status()).isIn(200, 204);
      assertThat(preflight.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
      assertThat(preflight.headers().get("Access-Control-Allow-Methods")).contains("POST").contains("DELETE");
      assertThat(preflight.headers().get("Access-Control-Allow-Headers")).containsIgnoringCase("x-soma-tenant");
      assertThat(preflight.headers().get("Access-Control-Max-Age")).isEqualTo("600");
      TestServer.Resp other = preflight(server, "https://evil.example.com");
      assertThat(other.headers().get("Access-Control-Allow-Origin")).isNull();
      assertThat(other.status()).isLessThan(500);
    }
    try (TestServer server = TestServer.start()) {
      assertThat(preflight(server, "https://app.example.com").headers().get("Access-Control-Allow-Origin")).isNull();
    }
  }

  private static TestServer.Resp preflight(TestServer server, String origin) {
    var response = TestServer.await(server.client.request(HttpMethod.OPTIONS, "/memories")
        .putHeader("Origin", origin).putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "X-Soma-Tenant, Content-Type").send());
    return new TestServer.Resp(response.statusCode(), null, response.bodyAsString(), response.headers());
  }
}
