package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.idempotency.Entry;
import org.somafractal.memory.redis.RedisTestKeys;
import org.somafractal.memory.store.postgres.PgTestDatabase;

/**
 * The server modes on the local PostgreSQL and Redis: idempotency keys and rate limits shared by two nodes, and a
 * Redis that cannot be reached costing nothing but the sharing.
 */
class RedisModeIT {
  private static PgTestDatabase db;
  private static RedisTestKeys redis;

  @BeforeAll
  static void create() {
    redis = RedisTestKeys.create();
    db = PgTestDatabase.create();
  }

  @AfterAll
  static void cleanUp() {
    if (db != null) {
      db.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static Map<String, String> config(String redisUrl, Map<String, String> more) {
    Map<String, String> config = new HashMap<>(Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", db.url(),
        "SOMA_PG_POOL_SIZE", "2", "REDIS_URL", redisUrl, "SOMA_REDIS_KEY_PREFIX", redis.prefix()));
    config.putAll(more);
    return config;
  }

  @Test
  void anIdempotentRetryOnAnotherNodeReplaysTheAnswerAndStoresOnce() {
    try (TestServer a = TestServer.start(config(RedisTestKeys.URL, Map.of()));
        TestServer b = TestServer.start(config(RedisTestKeys.URL, Map.of()))) {
      JsonObject body = IdempotencyApiTest.memory("3,4", "stored exactly once");
      TestServer.Resp first = IdempotencyApiTest.post(a, "/memories", body, "idem", "retry-1");
      assertThat(first.status()).as("%s", first).isEqualTo(200);
      assertThat(redis.keys("idem:")).as("the key is kept in Redis").hasSize(1);

      TestServer.Resp retry = IdempotencyApiTest.post(b, "/memories", body, "idem", "retry-1");
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.headers().get("Idempotency-Replayed")).isEqualTo("true");
      assertThat(retry.json().getString("id")).isNotNull().isEqualTo(first.json().getString("id"));
      assertThat(b.get("/stats", "idem").json().getLong("total_memories")).isEqualTo(1L);
      assertThat(db.count("SELECT count(*) FROM outbox WHERE tenant = 'idem'")).as("one created event, no update")
          .isEqualTo(1L);

      TestServer.Resp other = IdempotencyApiTest.post(b, "/memories", IdempotencyApiTest.memory("3,4", "changed"),
          "idem", "retry-1");
      assertThat(other.status()).as("%s", other).isEqualTo(409);
      assertThat(a.get("/memories/3,4", "idem").json().getJsonObject("memory").getJsonObject("payload")
          .getString("content")).isEqualTo("stored exactly once");
    }
  }

  @Test
  void aRetryWhileAnotherNodeStillWorksOnTheKeyIsAConflictWithRetryAfter() {
    try (TestServer server = TestServer.start(config(RedisTestKeys.URL, Map.of()))) {
      JsonObject body = IdempotencyApiTest.memory("9,9", "in flight elsewhere");
      String hash = sha256(body.toBuffer().getBytes());
      redis.set("idem:" + IdempotentRoute.scope("flight", "memories", "busy"),
          Entry.pending(hash, System.currentTimeMillis()).encode(), 60_000);
      TestServer.Resp busy = IdempotencyApiTest.post(server, "/memories", body, "flight", "busy");
      assertThat(busy.status()).as("%s", busy).isEqualTo(409);
      assertThat(busy.json().getString("code")).isEqualTo("idempotency_key_in_flight");
      assertThat(busy.headers().get("Retry-After")).isEqualTo("1");
      assertThat(server.get("/stats", "flight").json().getLong("total_memories")).isZero();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void twoNodesDrawFromOneRateLimitBucketThatRefills() throws InterruptedException {
    Map<String, String> limits = Map.of("SOMA_RATE_LIMIT_PER_SECOND", "1", "SOMA_RATE_LIMIT_BURST", "3");
    try (TestServer a = TestServer.start(config(RedisTestKeys.URL, limits));
        TestServer b = TestServer.start(config(RedisTestKeys.URL, limits))) {
      assertThat(a.get("/stats", "rl").status()).isEqualTo(200);
      assertThat(b.get("/stats", "rl").status()).isEqualTo(200);
      assertThat(a.get("/stats", "rl").status()).isEqualTo(200);
      TestServer.Resp refused = b.get("/stats", "rl");
      assertThat(refused.status()).as("the burst of 3 is shared by both nodes: %s", refused).isEqualTo(429);
      assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
      assertThat(a.get("/stats", "other-tenant").status()).as("one bucket per tenant").isEqualTo(200);
      Thread.sleep(1_100);
      assertThat(b.get("/stats", "rl").status()).as("refilled at 1 per second").isEqualTo(200);
      assertThat(a.get("/stats", "rl").status()).isEqualTo(429);
    }
  }

  @Test
  void twoNodesShareTheCacheAndNeitherServesARowOlderThanAnAcknowledgedWrite() {
    try (TestServer a = TestServer.start(config(RedisTestKeys.URL, Map.of()));
        TestServer b = TestServer.start(config(RedisTestKeys.URL, Map.of()))) {
      String t = "shared-cache";
      assertThat(a.post("/memories", IdempotencyApiTest.memory("1,2", "first words"), t).status()).isEqualTo(200);
      assertThat(content(b.get("/memories/1,2", t))).isEqualTo("first words");
      assertThat(content(b.get("/memories/1,2", t))).isEqualTo("first words");
      assertThat(content(a.get("/memories/1,2", t))).as("filled by B, read by A").isEqualTo("first words");
      assertThat(a.get("/health", null).json().getJsonObject("cache").getLong("hits")).isPositive();
      assertThat(b.get("/health", null).json().getJsonObject("cache").getString("backend")).isEqualTo("redis");

      assertThat(a.post("/memories", IdempotencyApiTest.memory("1,2", "second words"), t).status()).isEqualTo(200);
      assertThat(content(b.get("/memories/1,2", t))).isEqualTo("second words");

      assertThat(a.delete("/memories/1,2", t).json().getBoolean("deleted")).isTrue();
      assertThat(b.get("/memories/1,2", t).status()).as("no stale read after a delete on another node")
          .isEqualTo(404);
      assertThat(a.get("/memories/1,2", t).status()).isEqualTo(404);
    }
  }

  @Test
  void anEncryptedTenantsRowsReachRedisSealed() {
    Map<String, String> sealed = Map.of("SOMA_ENCRYPT_TENANTS", "vault",
        "SOMA_MASTER_KEY", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=");
    try (TestServer server = TestServer.start(config(RedisTestKeys.URL, sealed))) {
      assertThat(server.post("/memories", IdempotencyApiTest.memory("5,5", "zanzibar marmalade recipe"), "vault")
          .status()).isEqualTo(200);
      assertThat(content(server.get("/memories/5,5", "vault"))).isEqualTo("zanzibar marmalade recipe");
      assertThat(content(server.get("/memories/5,5", "vault"))).isEqualTo("zanzibar marmalade recipe");
      assertThat(server.get("/health", null).json().getJsonObject("cache").getLong("hits")).isPositive();
      List<String> cached = redis.values("cache:");
      assertThat(cached).as("the row is in Redis").anySatisfy(v -> assertThat(v).contains("soma:enc:v1:"));
      assertThat(cached).noneSatisfy(v -> assertThat(v).containsIgnoringCase("zanzibar"));
      // the database is shared by this class's tests, whose servers have no master key to open the row with
      assertThat(server.delete("/memories/5,5", "vault").status()).isEqualTo(200);
    }
  }

  private static String content(TestServer.Resp got) {
    assertThat(got.status()).as("%s", got).isEqualTo(200);
    return got.json().getJsonObject("memory").getJsonObject("payload").getString("content");
  }

  @Test
  void withRedisDownRequestsStillSucceedAndHealthSaysSo() {
    String closed = "redis://127.0.0.1:" + TestServer.freePort();
    try (TestServer server = TestServer.start(config(closed, Map.of("SOMA_RATE_LIMIT_PER_SECOND", "1",
        "SOMA_RATE_LIMIT_BURST", "2")))) {
      JsonObject body = IdempotencyApiTest.memory("8,8", "redis is down");
      TestServer.Resp first = IdempotencyApiTest.post(server, "/memories", body, "down", "k");
      assertThat(first.status()).as("%s", first).isEqualTo(200);
      TestServer.Resp retry = IdempotencyApiTest.post(server, "/memories", body, "down", "k");
      assertThat(retry.headers().get("Idempotency-Replayed")).as("in process instead").isEqualTo("true");
      assertThat(server.get("/stats", "down").status()).as("rate limits in process: burst of 2 spent")
          .isEqualTo(429);

      TestServer.Resp health = server.get("/health", null);
      assertThat(health.status()).as("%s", health).isEqualTo(200);
      assertThat(health.json().getString("status")).isEqualTo("degraded");
      JsonArray services = health.json().getJsonArray("services");
      JsonObject entry = services.stream().map(s -> (JsonObject) s).filter(s -> s.getString("name").equals("redis"))
          .findFirst().orElseThrow();
      assertThat(entry.getBoolean("healthy")).isFalse();
      assertThat(server.post("/memories", IdempotencyApiTest.memory("8,9", "read without the cache"), "nocache")
          .status()).isEqualTo(200);
      assertThat(server.get("/memories/8,9", "nocache").status()).as("served from PostgreSQL").isEqualTo(200);
      JsonObject cache = server.get("/health", null).json().getJsonObject("cache");
      assertThat(cache.getBoolean("active")).isFalse();
      assertThat(cache.getLong("bypassed")).isPositive();
    }
  }
}
