package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.store.ForwardingMemoryStore;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.MemoryStoreContract;
import org.somafractal.memory.store.sqlite.SqliteMemoryStore;
import org.somafractal.memory.store.sqlite.SqliteOptions;

/**
 * The read-through cache over the SQLite store with the in-process cache: a store with a cache in front must pass
 * the whole store contract (it may not change what any caller sees), and never serve a row older than an
 * acknowledged write, even to a read that raced with it.
 */
class CachingMemoryStoreTest extends MemoryStoreContract {
  private SqliteMemoryStore sqlite;
  private CachingMemoryStore caching;

  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    return SqliteMemoryStore.open(vertx, SqliteOptions.file(dir.resolve("soma.db").toString())).map(s -> {
      sqlite = s;
      caching = new CachingMemoryStore(vertx, s, new CaffeineCache(Duration.ofMinutes(5), 10_000));
      return caching;
    });
  }

  @Override
  protected long commits(MemoryStore store) {
    return sqlite.commits();
  }

  @Test
  void readsAfterTheFirstAreServedFromTheCache() {
    Memory a = put(draft("t", "1"));
    Memory b = put(draft("t", "2"));
    assertThat(await(store.get("t", "1.0")).id()).isEqualTo(a.id());
    assertThat(await(store.get("t", "1.0")).id()).isEqualTo(a.id());
    assertThat(caching.stats().misses()).isEqualTo(1);
    assertThat(caching.stats().hits()).isEqualTo(1);

    assertThat(await(store.getByIds("t", List.of(a.id(), b.id(), "no-such-id"))))
        .extracting(Memory::id).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(caching.stats().hits()).as("a from the cache").isEqualTo(2);
    assertThat(caching.stats().misses()).as("b and the unknown id from the store").isEqualTo(3);
    assertThat(await(store.getByIds("t", List.of(b.id(), a.id())))).hasSize(2);
    assertThat(caching.stats().hits()).isEqualTo(4);
    assertThat(await(store.get("u", "1.0"))).as("another tenant").isNull();

    long hits = caching.stats().hits();
    assertThat(await(store.getByKeys("t", List.of("1.0", "2.0", "3.0")))).extracting(Memory::id)
        .containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(caching.stats().hits() - hits).as("both cached by their coordinates").isEqualTo(2);
  }

  @Test
  void aCachedRowIsNeverReadAfterItsUpdateOrDelete() {
    put(draft("t", "1", MemoryType.EPISODIC, "first"));
    assertThat(await(store.get("t", "1.0")).text()).isEqualTo("first");
    Memory second = put(draft("t", "1", MemoryType.EPISODIC, "second"));
    assertThat(await(store.get("t", "1.0")).text()).isEqualTo("second");
    assertThat(await(store.getByIds("t", List.of(second.id())))).singleElement()
        .extracting(Memory::text).isEqualTo("second");

    await(store.delete("t", List.of("1.0")));
    assertThat(await(store.get("t", "1.0"))).isNull();
    assertThat(await(store.getByIds("t", List.of(second.id())))).isEmpty();
    assertThat(await(store.getByKeys("t", List.of("1.0")))).isEmpty();
  }

  @Test
  void aReadThatRacedWithADeleteCannotBringTheRowBack() {
    Memory m = put(draft("t", "1"));
    Promise<Void> gate = Promise.promise();
    HeldReads held = new HeldReads(sqlite, gate.future());
    CachingMemoryStore gated = new CachingMemoryStore(vertx, held, new CaffeineCache(Duration.ofMinutes(5), 100));
    // the read misses and reads the row from the store; its answer is held until the delete is acknowledged
    Future<Memory> racing = gated.get("t", "1.0");
    assertThat(await(held.read.future())).as("read before the delete").isNotNull();
    assertThat(await(gated.delete("t", List.of("1.0")))).hasSize(1);
    gate.complete();
    assertThat(await(racing)).as("the racing read may see the row it read").isNotNull();

    assertThat(await(gated.get("t", "1.0"))).as("but the cache must not keep it").isNull();
    assertThat(await(gated.getByIds("t", List.of(m.id())))).isEmpty();
    assertThat(gated.stats().hits()).isZero();
  }

  @Test
  void keysWithNoMemoryAreReadOnceThenAnsweredByTheCacheUntilAWriteThere() {
    Memory a = put(draft("t", "1"));
    assertThat(await(store.getByKeys("t", List.of("1.0", "5.0")))).extracting(Memory::id).containsExactly(a.id());
    long misses = caching.stats().misses();
    assertThat(await(store.getByKeys("t", List.of("1.0", "5.0")))).extracting(Memory::id).containsExactly(a.id());
    assertThat(await(store.get("t", "5.0"))).isNull();
    assertThat(caching.stats().misses()).as("5.0 is known to be empty").isEqualTo(misses);
    assertThat(await(store.getByKeys("u", List.of("5.0")))).isEmpty();
    assertThat(caching.stats().misses()).as("but only in its tenant").isEqualTo(misses + 1);

    Memory b = put(draft("t", "5"));
    assertThat(await(store.getByKeys("t", List.of("5.0")))).extracting(Memory::id).containsExactly(b.id());
    assertThat(await(store.get("t", "5.0")).id()).isEqualTo(b.id());
    await(store.delete("t", List.of("5.0")));
    assertThat(await(store.getByKeys("t", List.of("1.0", "5.0")))).extracting(Memory::id).containsExactly(a.id());
    assertThat(await(store.get("t", "5.0"))).isNull();
  }

  @Test
  void aReadOfAnEmptyCoordinateThatRacedWithItsCreationCannotHideIt() {
    for (boolean single : List.of(true, false)) {
      String key = single ? "7.0" : "8.0";
      Promise<Void> gate = Promise.promise();
      HeldReads held = new HeldReads(sqlite, gate.future());
      CachingMemoryStore gated = new CachingMemoryStore(vertx, held, new CaffeineCache(Duration.ofMinutes(5), 100));
      // the read finds nothing; its answer is held until a memory created there is acknowledged
      Future<?> racing = single ? gated.get("t", key) : gated.getByKeys("t", List.of(key));
      assertThat(await(held.read.future())).as("read before the store").isNull();
      Memory created = await(gated.upsert(List.of(draft("t", key.substring(0, 1))))).getFirst().memory();
      gate.complete();
      await(racing);

      assertThat(await(gated.get("t", key)).id()).as("the cache must not remember it as empty").isEqualTo(created.id());
      assertThat(await(gated.getByKeys("t", List.of(key)))).extracting(Memory::id).containsExactly(created.id());
    }
  }

  @Test
  void aWriteWhoseOutcomeIsUnknownKeepsItsCoordinateOutOfTheCache() {
    put(draft("t", "1", MemoryType.EPISODIC, "before"));
    CachingMemoryStore lossy = new CachingMemoryStore(vertx, new LostReplies(sqlite),
        new CaffeineCache(Duration.ofMinutes(5), 100));
    assertThat(await(lossy.get("t", "1.0")).text()).isEqualTo("before");

    Future<List<StoredMemory>> write = lossy.upsert(List.of(draft("t", "1", MemoryType.EPISODIC, "after")));
    assertThat(await(write.transform(ar -> Future.succeededFuture(ar.failed()))).booleanValue()).isTrue();
    assertThat(await(lossy.get("t", "1.0")).text()).as("committed after all").isEqualTo("after");
    assertThat(await(lossy.get("t", "1.0")).text()).isEqualTo("after");
    assertThat(lossy.stats().hits()).as("only the read before the write").isZero();
  }

  @Test
  void anUnreachableCacheCostsNothingButTheCache() {
    Vertx other = Vertx.vertx();
    RedisConnection nowhere = RedisConnection.shared(other, SomaConfig.from(Map.of("MEMORY_MODE",
        "evented_enterprise", "POSTGRES_URL", "postgresql://unused@127.0.0.1/unused", "REDIS_URL",
        "redis://127.0.0.1:1", "SOMA_REDIS_TIMEOUT_MS", "200")));
    CachingMemoryStore down = new CachingMemoryStore(vertx, sqlite, new RedisCache(nowhere, 60_000));

    Memory m = await(down.upsert(List.of(draft("t", "1")))).getFirst().memory();
    assertThat(await(down.get("t", "1.0")).id()).isEqualTo(m.id());
    assertThat(await(down.getByIds("t", List.of(m.id())))).hasSize(1);
    await(down.touch("t", List.of(m.id()), m.createdAt() + 1));
    assertThat(await(down.get("t", "1.0")).accessCount()).isEqualTo(1);
    assertThat(await(down.delete("t", List.of("1.0")))).hasSize(1);
    assertThat(await(down.get("t", "1.0"))).isNull();

    JsonObject stats = down.stats().toJson();
    assertThat(stats.getBoolean("active")).isFalse();
    assertThat(stats.getLong("failures")).isPositive();
    assertThat(stats.getLong("bypassed")).isPositive();
    assertThat(stats.getLong("hits")).isZero();
    await(other.close());
  }

  /** The store, with the answer of {@code get} held back until {@code gate} completes; {@code read} has it first. */
  private static final class HeldReads extends ForwardingMemoryStore {
    private final Future<Void> gate;
    final Promise<Memory> read = Promise.promise();

    HeldReads(MemoryStore inner, Future<Void> gate) {
      super(inner);
      this.gate = gate;
    }

    @Override
    public Future<Memory> get(String tenant, String key) {
      return inner.get(tenant, key).onSuccess(read::tryComplete).compose(m -> gate.map(v -> m));
    }

    @Override
    public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
      return inner.getByKeys(tenant, keys).onSuccess(found -> read.tryComplete(found.isEmpty() ? null
          : found.getFirst())).compose(found -> gate.map(v -> found));
    }
  }

  /** The store, answering every upsert with a failure after it committed: a reply lost on its way back. */
  private static final class LostReplies extends ForwardingMemoryStore {
    LostReplies(MemoryStore inner) {
      super(inner);
    }

    @Override
    public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
      return inner.upsert(drafts).compose(stored -> Future.failedFuture(
          SomaException.unavailable("The memory store is unavailable")));
    }
  }
}
