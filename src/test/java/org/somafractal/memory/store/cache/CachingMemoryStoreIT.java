package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.redis.RedisTestKeys;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.MemoryStoreContract;
import org.somafractal.memory.store.postgres.PgTestDatabase;
import org.somafractal.memory.store.postgres.PostgresMemoryStore;
import org.somafractal.memory.store.postgres.PostgresOptions;

/**
 * The store contract through the Redis cache over PostgreSQL, on the local services: the cache of the server modes
 * may not change what any caller sees. Two caching stores over the same database and Redis stand for two nodes.
 */
class CachingMemoryStoreIT extends MemoryStoreContract {
  @RegisterExtension
  static final PgTestDatabase.PerClass pg = new PgTestDatabase.PerClass();
  private static RedisTestKeys keys;
  private PostgresMemoryStore postgres;
  private String prefix;

  @BeforeAll
  static void create() {
    keys = RedisTestKeys.create();
  }

  @AfterAll
  static void cleanUp() {
    if (keys != null) {
      keys.close();
    }
  }

  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    pg.db().emptyStore();
    if (prefix == null) {
      prefix = keys.prefix() + java.util.UUID.randomUUID() + ":";
    }
    return PostgresMemoryStore.open(vertx, PostgresOptions.of(pg.db().url())).map(s -> {
      postgres = s;
      return new CachingMemoryStore(vertx, s, new RedisCache(RedisCacheIT.connection(vertx, RedisTestKeys.URL,
          prefix), 300_000));
    });
  }

  @Override
  protected long commits(MemoryStore store) {
    return postgres.commits();
  }

  @Test
  void aDeleteThroughOneNodeIsSeenAtOnceByAnotherThatCachedTheRow() {
    Memory m = put(draft("t", "1"));
    CachingMemoryStore nodeB = new CachingMemoryStore(vertx, postgres,
        new RedisCache(RedisCacheIT.connection(vertx, RedisTestKeys.URL, prefix), 300_000));
    assertThat(await(nodeB.get("t", "1.0"))).isNotNull();
    assertThat(await(nodeB.getByIds("t", List.of(m.id())))).hasSize(1);
    assertThat(nodeB.stats().hits()).as("filled by B's first read").isEqualTo(1);

    put(draft("t", "1", org.somafractal.memory.core.MemoryType.EPISODIC, "changed through A"));
    assertThat(await(nodeB.get("t", "1.0")).text()).isEqualTo("changed through A");
    assertThat(await(store.delete("t", List.of("1.0")))).hasSize(1);
    assertThat(await(nodeB.get("t", "1.0"))).isNull();
    assertThat(await(nodeB.getByIds("t", List.of(m.id())))).isEmpty();
  }
}
