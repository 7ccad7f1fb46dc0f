package org.somafractal.memory.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;

/**
 * The behaviour every {@link Cache} adapter must show, above all the rules that keep a shared cache from serving a
 * row older than an acknowledged write. A subclass supplies {@link #open}; each test gets a fresh, empty cache.
 */
@ExtendWith(VertxExtension.class)
public abstract class CacheContract {
  protected Vertx vertx;
  protected Cache cache;

  /** A fresh, empty cache; its entries live long enough for every test (minutes). */
  protected abstract Cache open(Vertx vertx);

  /** Releases what {@link #open} took. */
  protected void release(Cache cache) {
  }

  @BeforeEach
  void openCache(Vertx vertx) {
    this.vertx = vertx;
    this.cache = open(vertx);
  }

  @AfterEach
  void closeCache() {
    release(cache);
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("The cache did not answer within 10 s", e);
    }
  }

  static Memory memory(String tenant, String id, String coord, long seq) {
    return new Memory(id, tenant, Coordinate.parse(coord), new JsonObject().put("content", "row " + seq),
        MemoryType.EPISODIC, 1.0, new JsonObject(), "row " + seq, null, null, 1_000, 1_000 + seq, 1_000, 0, seq);
  }

  private long generation(String tenant) {
    return await(cache.byKey(tenant, "0.0")).generation();
  }

  private List<Memory> byKey(String tenant, String key) {
    return await(cache.byKey(tenant, key)).memories();
  }

  private List<Memory> byIds(String tenant, String... ids) {
    return await(cache.byIds(tenant, List.of(ids))).memories();
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  @Test
  void aFilledRowIsFoundByKeyAndByIdWithEveryField() {
    JsonObject payload = new JsonObject().put("content", "héllo \u2603").put("nested", new JsonObject()
        .put("list", new JsonArray().add(1).add("two").addNull().add(2.5)));
    float[] vector = {0.6f, -0.8f, Float.MIN_VALUE, -0.0f, 1e-30f};
    Memory full = new Memory(id(), "t", Coordinate.parse("1.5,-2,3e-7"), payload, MemoryType.SEMANTIC, 2.75,
        new JsonObject().put("tag", "x").put("score", 0.25), "héllo", vector, "client", 1_700_000_000_123L,
        1_700_000_000_456L, 1_700_000_000_789L, 7, 42);
    Memory bare = new Memory(id(), "t", Coordinate.of(9), new JsonObject(), MemoryType.SUMMARY, 1.0,
        new JsonObject(), "", null, null, 5, 6, 7, 0, 43);
    assertThat(byKey("t", full.key())).isEmpty();
    long generation = generation("t");

    assertThat(await(cache.fill("t", List.of(full, bare), generation))).isEqualTo(2);

    assertSame(byKey("t", full.key()), full);
    assertSame(byKey("t", "9.0"), bare);
    assertThat(await(cache.byKeys("t", List.of(full.key(), "9.0", "77.0"))).memories()).extracting(Memory::id)
        .containsExactlyInAnyOrder(full.id(), bare.id());
    List<Memory> both = byIds("t", full.id(), bare.id(), id());
    assertThat(both).extracting(Memory::id).containsExactlyInAnyOrder(full.id(), bare.id());
    assertSame(both.stream().filter(m -> m.id().equals(full.id())).toList(), full);
    assertSame(both.stream().filter(m -> m.id().equals(bare.id())).toList(), bare);
  }

  private static void assertSame(List<Memory> found, Memory expected) {
    assertThat(found).hasSize(1);
    Memory got = found.getFirst();
    assertThat(got.id()).isEqualTo(expected.id());
    assertThat(got.tenant()).isEqualTo(expected.tenant());
    assertThat(got.coordinate()).isEqualTo(expected.coordinate());
    assertThat(got.payload()).isEqualTo(expected.payload());
    assertThat(got.type()).isEqualTo(expected.type());
    assertThat(got.importance()).isEqualTo(expected.importance());
    assertThat(got.metadata()).isEqualTo(expected.metadata());
    assertThat(got.text()).isEqualTo(expected.text());
    if (expected.vector() == null) {
      assertThat(got.vector()).isNull();
    } else {
      assertThat(got.vector()).hasSize(expected.vector().length);
      for (int i = 0; i < expected.vector().length; i++) {
        assertThat(Float.floatToRawIntBits(got.vector()[i])).as("vector bits %d", i)
            .isEqualTo(Float.floatToRawIntBits(expected.vector()[i]));
      }
    }
    assertThat(got.modelId()).isEqualTo(expected.modelId());
    assertThat(got.createdAt()).isEqualTo(expected.createdAt());
    assertThat(got.updatedAt()).isEqualTo(expected.updatedAt());
    assertThat(got.lastAccessedAt()).isEqualTo(expected.lastAccessedAt());
    assertThat(got.accessCount()).isEqualTo(expected.accessCount());
    assertThat(got.seq()).isEqualTo(expected.seq());
  }

  @Test
  void tenantsNeverSeeEachOthersEntries() {
    Memory a = memory("a", id(), "1.0", 5);
    Memory dotted = memory("a.1", id(), "2.0", 6);
    await(cache.fill("a", List.of(a), generation("a")));
    await(cache.fill("a.1", List.of(dotted), generation("a.1")));

    assertThat(byKey("b", "1.0")).isEmpty();
    assertThat(byIds("b", a.id())).isEmpty();
    assertThat(byIds("a.1", a.id())).isEmpty();
    assertThat(byIds("a", dotted.id())).isEmpty();
    assertThat(byKey("a", "2.0")).isEmpty();
    await(cache.invalidate("b", List.of(new Cache.Change("1.0", 99))));
    await(cache.touched("b", List.of(a.id()), 5_000));
    assertThat(byKey("a", "1.0")).singleElement().satisfies(m -> assertThat(m.accessCount()).isZero());
  }

  @Test
  void anInvalidationDropsTheRowAndRefusesAnOlderFillThatRacedWithIt() {
    String id = id();
    Memory v5 = memory("t", id, "3.0", 5);
    await(cache.fill("t", List.of(v5), generation("t")));
    // a reader missed and read v5 from the store; meanwhile an update committed at seq 8 and invalidated
    long readerGeneration = generation("t");
    await(cache.invalidate("t", List.of(new Cache.Change("3.0", 8))));
    assertThat(byKey("t", "3.0")).isEmpty();
    assertThat(byIds("t", id)).isEmpty();

    assertThat(await(cache.fill("t", List.of(v5), readerGeneration))).as("the racing fill").isZero();
    assertThat(byKey("t", "3.0")).isEmpty();

    Memory v8 = memory("t", id, "3.0", 8);
    assertThat(await(cache.fill("t", List.of(v8), generation("t")))).isEqualTo(1);
    assertThat(byKey("t", "3.0")).singleElement().extracting(Memory::seq).isEqualTo(8L);
  }

  @Test
  void aDeletedRowNeverComesBackAndItsIdDiesWithItsCoordinate() {
    Memory x = memory("t", id(), "4.0", 5);
    await(cache.fill("t", List.of(x), generation("t")));
    long readerGeneration = generation("t");
    await(cache.invalidate("t", List.of(new Cache.Change("4.0", 6))));
    assertThat(await(cache.fill("t", List.of(x), readerGeneration))).isZero();
    assertThat(byKey("t", "4.0")).isEmpty();
    assertThat(byIds("t", x.id())).isEmpty();

    // a new memory at the same coordinate has a new id; the old id's stale copy must not count
    Memory y = memory("t", id(), "4.0", 7);
    assertThat(await(cache.fill("t", List.of(y), generation("t")))).isEqualTo(1);
    assertThat(byIds("t", x.id(), y.id())).extracting(Memory::id).containsExactly(y.id());
    assertThat(await(cache.fill("t", List.of(x), generation("t")))).as("x is older than the delete").isZero();
    assertThat(byKey("t", "4.0")).extracting(Memory::id).containsExactly(y.id());
  }

  @Test
  void anOlderRowNeverReplacesANewerCachedOne() {
    String id = id();
    await(cache.fill("t", List.of(memory("t", id, "5.0", 8)), generation("t")));
    assertThat(await(cache.fill("t", List.of(memory("t", id, "5.0", 5)), generation("t")))).isZero();
    assertThat(byIds("t", id)).singleElement().extracting(Memory::seq).isEqualTo(8L);
  }

  @Test
  void aMarkerKeepsTheLargestSeqAndAnUnknownOneRefusesEveryFill() {
    await(cache.invalidate("t", List.of(new Cache.Change("6.0", 9), new Cache.Change("6.0", 4))));
    assertThat(await(cache.fill("t", List.of(memory("t", id(), "6.0", 8)), generation("t")))).isZero();
    assertThat(await(cache.fill("t", List.of(memory("t", id(), "6.0", 9)), generation("t")))).isEqualTo(1);

    await(cache.invalidate("t", List.of(new Cache.Change("7.0", Cache.UNKNOWN_SEQ))));
    assertThat(await(cache.fill("t", List.of(memory("t", id(), "7.0", 1L << 40)), generation("t")))).isZero();
    assertThat(byKey("t", "7.0")).isEmpty();
  }

  @Test
  void aClearDropsEverythingAndRefusesFillsOfTheOldGeneration() {
    Memory a = memory("t", id(), "8.0", 3);
    Memory b = memory("u", id(), "8.0", 4);
    long before = generation("t");
    await(cache.fill("t", List.of(a), before));
    await(cache.fill("u", List.of(b), before));

    long after = await(cache.clear());
    assertThat(after).isNotEqualTo(before);
    assertThat(generation("t")).isEqualTo(after);
    assertThat(byKey("t", "8.0")).isEmpty();
    assertThat(byIds("u", b.id())).isEmpty();
    assertThat(await(cache.fill("t", List.of(a), before))).as("a fill read before the clear").isZero();
    assertThat(byKey("t", "8.0")).isEmpty();
    assertThat(await(cache.fill("t", List.of(a), after))).isEqualTo(1);
  }

  @Test
  void touchedRecordsReadsInTheCachedCopyOnly() {
    Memory m = new Memory(id(), "t", Coordinate.of(10), new JsonObject(), MemoryType.EPISODIC, 1.0,
        new JsonObject(), "", null, null, 100, 100, 1_000, 2, 5);
    await(cache.fill("t", List.of(m), generation("t")));
    await(cache.touched("t", List.of(m.id()), 500));
    assertThat(byIds("t", m.id())).singleElement().satisfies(got -> {
      assertThat(got.accessCount()).isEqualTo(3);
      assertThat(got.lastAccessedAt()).isEqualTo(1_000);
    });
    await(cache.touched("t", List.of(m.id()), 2_000));
    assertThat(byKey("t", "10.0")).singleElement().satisfies(got -> {
      assertThat(got.accessCount()).isEqualTo(4);
      assertThat(got.lastAccessedAt()).isEqualTo(2_000);
      assertThat(got.seq()).as("a read is not a write").isEqualTo(5);
    });

    String absent = id();
    await(cache.touched("t", List.of(absent), 3_000));
    assertThat(byIds("t", absent)).isEmpty();
  }
}
