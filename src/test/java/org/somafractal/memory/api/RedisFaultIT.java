package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.store.postgres.PgTestDatabase;
import org.somafractal.memory.testing.ScratchRedis;

/**
 * Redis crashing, freezing and coming back under load, on a redis-server of the test's own (a free port, its
 * append-only file in a temporary directory; the machine's Redis is never touched), with two nodes sharing it and a
 * database on the local PostgreSQL: no request fails, {@code /health} says degraded while the cache is bypassed,
 * and when Redis comes back <em>with the entries it had</em>, neither node serves a memory that was changed or
 * deleted while it was away.
 */
class RedisFaultIT {
  private static final String TENANT = "redis-faults";
  private static final int MEMORIES = 60;

  private static Map<String, String> node(PgTestDatabase db, ScratchRedis redis) {
    return Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", db.url(), "SOMA_PG_POOL_SIZE", "2",
        "REDIS_URL", redis.url(), "SOMA_REDIS_TIMEOUT_MS", "300", "SOMA_REDIS_KEY_PREFIX", "fault:",
        "SOMA_HEALTH_TIMEOUT_MS", "1000");
  }

  private static String coord(int i) {
    return i + ",7";
  }

  @Test
  void noRequestFailsAndNoStaleRowIsServedAcrossARedisCrashAndFreeze() throws Exception {
    try (ScratchRedis redis = ScratchRedis.start();
        PgTestDatabase db = PgTestDatabase.create();
        TestServer a = TestServer.start(node(db, redis));
        TestServer b = TestServer.start(node(db, redis))) {
      for (int i = 0; i < MEMORIES; i++) {
        assertThat(a.post("/memories", memory(i, "v1"), TENANT).status()).isEqualTo(200);
      }
      for (int i = 0; i < MEMORIES; i++) {
        read(b, i);
      }
      // B fills the cache after it answers, not before: wait for its fills, or A could be first to a row.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (cache(b).getLong("filled") < MEMORIES && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(cache(b).getLong("filled")).as("B filled every row it read").isEqualTo(MEMORIES);
      for (int i = 0; i < MEMORIES; i++) {
        read(a, i);
      }
      assertThat(cache(a).getLong("hits")).as("A is served what B filled").isEqualTo(MEMORIES);

      // Redis crashes: both nodes serve from PostgreSQL, A changes half the memories and deletes a sixth.
      redis.kill();
      List<String> truth = new ArrayList<>();
      for (int i = 0; i < MEMORIES; i++) {
        read(b, i);
        if (i % 6 == 0) {
          assertThat(a.delete("/memories/" + coord(i), TENANT).status()).isEqualTo(200);
          truth.add(null);
        } else if (i % 2 == 0) {
          assertThat(a.post("/memories", memory(i, "v2"), TENANT).status()).isEqualTo(200);
          truth.add("v2");
        } else {
          truth.add("v1");
        }
      }
      for (TestServer node : List.of(a, b)) {
        TestServer.Resp health = node.get("/health", null);
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.json().getString("status")).isEqualTo("degraded");
        assertThat(health.json().getJsonObject("cache").getBoolean("active")).isFalse();
      }

      // Redis comes back with every entry it had, the ones of rows changed since included.
      redis.restart();
      assertThat(FaultLoad.await(() -> {
        for (int i = 0; i < 5; i++) {
          read(a, i);
          read(b, i);
        }
        return cache(a).getBoolean("active") && cache(b).getBoolean("active");
      }, 30)).as("both nodes use the cache again").isTrue();
      long hitsBefore = cache(b).getLong("hits");
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < MEMORIES; i++) {
          assertThat(read(b, i)).as("B at %s", coord(i)).isEqualTo(truth.get(i));
          assertThat(read(a, i)).as("A at %s", coord(i)).isEqualTo(truth.get(i));
        }
      }
      assertThat(cache(b).getLong("hits")).as("served from the cache again").isGreaterThan(hitsBefore);

      // Redis freezes (connections open, no answers): requests take at most the Redis timeout longer, none fails.
      redis.pause();
      try {
        for (int i = 0; i < MEMORIES; i += 3) {
          assertThat(read(b, i)).isEqualTo(truth.get(i));
          if (truth.get(i) != null) {
            assertThat(a.post("/memories", memory(i, "v3"), TENANT).status()).isEqualTo(200);
            truth.set(i, "v3");
          }
        }
        assertThat(cache(a).getBoolean("active")).isFalse();
      } finally {
        redis.resume();
      }
      assertThat(FaultLoad.await(() -> {
        read(a, 1);
        read(b, 1);
        return cache(a).getBoolean("active") && cache(b).getBoolean("active");
      }, 30)).as("both nodes use the cache again after the freeze").isTrue();
      for (int i = 0; i < MEMORIES; i++) {
        assertThat(read(b, i)).as("B at %s after the freeze", coord(i)).isEqualTo(truth.get(i));
        assertThat(read(a, i)).as("A at %s after the freeze", coord(i)).isEqualTo(truth.get(i));
      }
      assertThat(cache(a).getLong("failures")).isPositive();
      assertThat(cache(a).getLong("clears")).as("a flush after each outage").isGreaterThanOrEqualTo(2);
    }
  }

  private static JsonObject memory(int i, String version) {
    return new JsonObject().put("coord", coord(i)).put("payload", new JsonObject().put("content", version));
  }

  /** The content at memory {@code i} through {@code node}, or {@code null} for a 404; any other answer fails. */
  private static String read(TestServer node, int i) {
    TestServer.Resp r = node.get("/memories/" + coord(i), TENANT);
    if (r.status() == 404) {
      return null;
    }
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.json().getJsonObject("memory").getJsonObject("payload").getString("content");
  }

  private static JsonObject cache(TestServer node) {
    return node.get("/health", null).json().getJsonObject("cache");
  }
}
