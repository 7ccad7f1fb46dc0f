package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.redis.RedisTestKeys;

/**
 * The Redis adapter against the contract, on the local Redis (127.0.0.1:6379) under a key prefix of its own, plus
 * its behaviour when Redis cannot be reached.
 */
class RedisCacheIT extends CacheContract {
  private static RedisTestKeys keys;

  @BeforeAll
  static void connect() {
    keys = RedisTestKeys.create();
  }

  @AfterAll
  static void cleanUp() {
    if (keys != null) {
      keys.close();
    }
  }

  static RedisConnection connection(Vertx vertx, String url, String prefix) {
    return RedisConnection.shared(vertx, SomaConfig.from(Map.of("MEMORY_MODE", "evented_enterprise",
        "POSTGRES_URL", "postgresql://unused@127.0.0.1/unused", "REDIS_URL", url, "SOMA_REDIS_KEY_PREFIX", prefix,
        "SOMA_REDIS_TIMEOUT_MS", "2000")));
  }

  @Override
  protected Cache open(Vertx vertx) {
    // a prefix per test: each starts with an empty cache, generation 0
    return new RedisCache(connection(vertx, RedisTestKeys.URL, keys.prefix() + UUID.randomUUID() + ":"), 300_000);
  }

  @Test
  void rowsLiveUnderTheirTenantsKeys() {
    String id = UUID.randomUUID().toString();
    await(cache.fill("acme", List.of(memory("acme", id, "1.0,2.0", 3)), 0));
    List<String> written = keys.keys("");
    assertThat(written).isNotEmpty().allSatisfy(k -> assertThat(k).contains(":cache:"));
    assertThat(written).anySatisfy(k -> assertThat(k).endsWith(":4:acme:m:" + id))
        .anySatisfy(k -> assertThat(k).endsWith(":4:acme:p:1.0,2.0"));
  }

  @Test
  void anUnreachableRedisFailsFastAsUnavailable() {
    Vertx other = Vertx.vertx();
    Cache down = new RedisCache(connection(other, "redis://127.0.0.1:1", keys.prefix() + "down:"), 1_000);
    Throwable first = await(down.byKey("t", "1.0").transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(first).as("the first call tries and fails").isNotNull();
    Throwable next = await(down.byIds("t", List.of("x")).transform(ar ->
        io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(next).isInstanceOf(SomaException.class);
    assertThat(((SomaException) next).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    await(other.close());
  }
}
