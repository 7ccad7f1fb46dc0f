package org.somafractal.memory.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.core.TenantStats;
import org.somafractal.memory.store.MemoryStore.ScanPage;

/**
 * The behaviour every {@link MemoryStore} adapter must show. A subclass supplies {@link #open} and
 * {@link #commits}; tests block the JUnit thread on the returned futures, never an event loop.
 */
@ExtendWith(VertxExtension.class)
public abstract class MemoryStoreContract {
  protected Vertx vertx;
  protected MemoryStore store;

  @TempDir
  protected Path dir;

  /** Opens a fresh, empty store whose files (if any) live under {@code dir}. */
  protected abstract Future<MemoryStore> open(Vertx vertx, Path dir);

  /** The number of write transactions the store has committed. */
  protected abstract long commits(MemoryStore store);

  @BeforeEach
  void openStore(Vertx vertx) {
    this.vertx = vertx;
    this.store = await(open(vertx, dir));
  }

  @AfterEach
  void closeStore() {
    await(store.close());
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("The store did not answer within 10 s", e);
    }
  }

  protected static SomaException failure(Future<?> future) {
    AsyncResult<?> result = await(future.transform(Future::succeededFuture));
    assertThat(result.failed()).as("expected a failure, got %s", result.result()).isTrue();
    assertThat(result.cause()).isInstanceOf(SomaException.class);
    return (SomaException) result.cause();
  }

  protected static MemoryDraft draft(String tenant, String coord, MemoryType type, String text) {
    return new MemoryDraft(tenant, Coordinate.parse(coord), new JsonObject().put("text", text), type, 1.0,
        new JsonObject(), text, null, null);
  }

  protected static MemoryDraft draft(String tenant, String coord) {
    return draft(tenant, coord, MemoryType.EPISODIC, "at " + coord);
  }

  protected Memory put(MemoryDraft draft) {
    List<StoredMemory> stored = await(store.upsert(List.of(draft)));
    assertThat(stored).hasSize(1);
    return stored.getFirst().memory();
  }

  private List<String> rangeKeys(String tenant, String min, String max, MemoryType type, int limit) {
    return await(store.range(tenant, Coordinate.parse(min), Coordinate.parse(max), type, limit)).stream()
        .map(Memory::key).toList();
  }

  @Test
  void upsertAndGetRoundTripEveryField() {
    JsonObject payload = new JsonObject().put("text", "hello").put("nested", new JsonObject()
        .put("list", new JsonArray().add(1).add("two").addNull()));
    JsonObject metadata = new JsonObject().put("tag", "x").put("score", 0.25);
    float[] vector = {0.6f, -0.8f, Float.MIN_VALUE, -0.0f, 1e-30f};
    long before = System.currentTimeMillis();
    StoredMemory stored = await(store.upsert(List.of(new MemoryDraft("t1", Coordinate.parse("1.5,-2,3e-7"), payload,
        MemoryType.SEMANTIC, 2.75, metadata, "hello", vector, "client")))).getFirst();
    long after = System.currentTimeMillis();

    assertThat(stored.created()).isTrue();
    Memory got = await(store.get("t1", "1.5,-2.0,3e-07"));
    assertThat(got).isNotNull();
    assertThat(got.id()).isEqualTo(stored.memory().id()).hasSize(36);
    assertThat(got.tenant()).isEqualTo("t1");
    assertThat(got.coordinate()).isEqualTo(Coordinate.of(1.5, -2, 3e-7));
    assertThat(got.payload()).isEqualTo(payload);
    assertThat(got.type()).isEqualTo(MemoryType.SEMANTIC);
    assertThat(got.importance()).isEqualTo(2.75);
    assertThat(got.metadata()).isEqualTo(metadata);
    assertThat(got.text()).isEqualTo("hello");
    assertThat(got.vector()).hasSize(vector.length);
    for (int i = 0; i < vector.length; i++) {
      assertThat(Float.floatToRawIntBits(got.vector()[i])).as("vector bits %d", i)
          .isEqualTo(Float.floatToRawIntBits(vector[i]));
    }
    assertThat(got.modelId()).isEqualTo("client");
    assertThat(got.createdAt()).isBetween(before, after);
    assertThat(got.updatedAt()).isEqualTo(got.createdAt());
    assertThat(got.lastAccessedAt()).isEqualTo(got.createdAt());
    assertThat(got.accessCount()).isZero();
    assertThat(got.seq()).isPositive().isEqualTo(stored.memory().seq());
    assertThat(stored.memory().createdAt()).isEqualTo(got.createdAt());

    Memory bare = put(new MemoryDraft("t1", Coordinate.of(9), new JsonObject(), MemoryType.EPISODIC, 1.0, null, null,
        null, null));
    Memory bareGot = await(store.get("t1", "9.0"));
    assertThat(bareGot.vector()).isNull();
    assertThat(bareGot.modelId()).isNull();
    assertThat(bareGot.text()).isEmpty();
    assertThat(bareGot.metadata()).isEqualTo(new JsonObject());
    assertThat(bareGot.seq()).isGreaterThan(got.seq()).isEqualTo(bare.seq());
    assertThat(await(store.get("t1", "1.5,-2.0"))).isNull();
  }

  @Test
  void upsertAtSameCoordinateUpdatesInPlace() throws InterruptedException {
    Memory first = put(draft("t", "1,2", MemoryType.EPISODIC, "first"));
    await(store.touch("t", List.of(first.id()), first.createdAt() + 5));
    Thread.sleep(3);
    StoredMemory second = await(store.upsert(List.of(new MemoryDraft("t", Coordinate.of(1, 2),
        new JsonObject().put("v", 2), MemoryType.SUMMARY, 0.5, new JsonObject().put("k", "v"), "second",
        new float[] {1f}, "m2")))).getFirst();

    assertThat(second.created()).isFalse();
    Memory updated = second.memory();
    assertThat(updated.id()).isEqualTo(first.id());
    assertThat(updated.createdAt()).isEqualTo(first.createdAt());
    assertThat(updated.updatedAt()).isGreaterThan(first.updatedAt());
    assertThat(updated.seq()).isGreaterThan(first.seq());
    assertThat(await(store.get("t", "1.0,2.0"))).usingRecursiveComparison().isEqualTo(updated);
    assertThat(updated.lastAccessedAt()).isEqualTo(first.createdAt() + 5);
    assertThat(updated.accessCount()).isEqualTo(1);
    assertThat(updated.type()).isEqualTo(MemoryType.SUMMARY);
    assertThat(updated.payload()).isEqualTo(new JsonObject().put("v", 2));
    assertThat(await(store.stats("t")).total()).isEqualTo(1);
    assertThat(await(store.scan(0, 100)).memories()).hasSize(1);

    List<StoredMemory> twice = await(store.upsert(List.of(draft("t", "7", MemoryType.EPISODIC, "a"),
        draft("t", "7.0", MemoryType.SEMANTIC, "b"))));
    assertThat(twice).extracting(StoredMemory::created).containsExactly(true, false);
    assertThat(twice.get(1).memory().id()).isEqualTo(twice.get(0).memory().id());
    assertThat(twice.get(1).memory().seq()).isGreaterThan(twice.get(0).memory().seq());
    Memory last = await(store.get("t", "7.0"));
    assertThat(last.text()).isEqualTo("b");
    assertThat(last.type()).isEqualTo(MemoryType.SEMANTIC);
    assertThat(await(store.stats("t")).total()).isEqualTo(2);
  }

  @Test
  void tenantsAreIsolated() {
    Memory a = put(draft("a", "1,1", MemoryType.EPISODIC, "of a"));
    Memory b = put(draft("b", "1,1", MemoryType.SEMANTIC, "of b"));
    assertThat(a.id()).isNotEqualTo(b.id());

    assertThat(await(store.get("a", "1.0,1.0")).text()).isEqualTo("of a");
    assertThat(await(store.get("b", "1.0,1.0")).text()).isEqualTo("of b");
    assertThat(await(store.get("c", "1.0,1.0"))).isNull();
    assertThat(await(store.getByIds("a", List.of(a.id(), b.id())))).extracting(Memory::id).containsExactly(a.id());
    assertThat(await(store.range("b", Coordinate.of(0, 0), Coordinate.of(2, 2), null, 10)))
        .extracting(Memory::id).containsExactly(b.id());
    assertThat(await(store.stats("a"))).isEqualTo(new TenantStats(1, 1, 0, 0));
    assertThat(await(store.stats("b"))).isEqualTo(new TenantStats(1, 0, 1, 0));

    await(store.touch("a", List.of(b.id()), b.createdAt() + 1000));
    assertThat(await(store.get("b", "1.0,1.0")).accessCount()).isZero();

    assertThat(await(store.delete("c", List.of("1.0,1.0")))).isEmpty();
    List<Removal> removed = await(store.delete("a", List.of("1.0,1.0")));
    assertThat(removed).extracting(Removal::id).containsExactly(a.id());
    assertThat(await(store.get("a", "1.0,1.0"))).isNull();
    assertThat(await(store.get("b", "1.0,1.0"))).isNotNull();
  }

  @Test
  void getByKeysReturnsTheTenantsMemoriesAtThoseKeysOnly() {
    Memory one = put(draft("t", "1,1"));
    Memory two = put(draft("t", "1,2"));
    put(draft("other", "1,3"));
    assertThat(await(store.getByKeys("t", List.of("1.0,2.0", "1.0,1.0", "1.0,3.0", "9.0,9.0"))))
        .extracting(Memory::id).containsExactlyInAnyOrder(one.id(), two.id());
    assertThat(await(store.getByKeys("t", List.of("1.0,2.0"))).get(0).text()).isEqualTo(two.text());
    assertThat(await(store.getByKeys("other", List.of("1.0,1.0", "1.0,2.0")))).isEmpty();
    assertThat(await(store.getByKeys("t", List.of()))).isEmpty();
  }

  @Test
  void deleteReturnsRemovalsWithIncreasingSeqAndIsIdempotent() {
    Memory one = put(draft("t", "1"));
    Memory two = put(draft("t", "2"));
    List<Removal> removed = await(store.delete("t", List.of("1.0", "404.0", "2.0")));
    assertThat(removed).hasSize(2);
    assertThat(removed.get(0)).isEqualTo(new Removal("t", one.id(), "1.0", removed.get(0).seq()));
    assertThat(removed.get(1)).isEqualTo(new Removal("t", two.id(), "2.0", removed.get(1).seq()));
    assertThat(removed.get(0).seq()).isGreaterThan(two.seq());
    assertThat(removed.get(1).seq()).isGreaterThan(removed.get(0).seq());

    assertThat(await(store.delete("t", List.of("1.0", "2.0")))).isEmpty();
    assertThat(await(store.get("t", "1.0"))).isNull();
    assertThat(await(store.getByIds("t", List.of(one.id(), two.id())))).isEmpty();
    assertThat(await(store.range("t", Coordinate.of(0), Coordinate.of(3), null, 10))).isEmpty();
    assertThat(await(store.stats("t")).total()).isZero();

    Memory again = put(draft("t", "1"));
    assertThat(again.id()).isNotEqualTo(one.id());
    assertThat(again.seq()).isGreaterThan(removed.get(1).seq());
  }

  @Test
  void rangeIsInclusiveAndOrderedByKey() {
    for (int x = 0; x <= 4; x++) {
      for (int y = 0; y <= 4; y++) {
        put(draft("t", x + "," + y));
      }
    }
    List<String> keys = rangeKeys("t", "1,1", "3,2", null, 100);
    assertThat(keys).containsExactly("1.0,1.0", "1.0,2.0", "2.0,1.0", "2.0,2.0", "3.0,1.0", "3.0,2.0");
    assertThat(rangeKeys("t", "4,4", "4,4", null, 100)).containsExactly("4.0,4.0");
    assertThat(rangeKeys("t", "5,5", "9,9", null, 100)).isEmpty();
    assertThat(rangeKeys("t", "3,3", "1,1", null, 100)).isEmpty();
    assertThat(rangeKeys("t", "0,0", "4,4", null, 3)).containsExactly("0.0,0.0", "0.0,1.0", "0.0,2.0");
  }

  @Test
  void rangeComparesExactlyBeyondFloatPrecision() {
    double justAbove = Math.nextUp(1.0);
    put(new MemoryDraft("t", Coordinate.of(1.0, 0), new JsonObject(), MemoryType.EPISODIC, 1, null, "", null, null));
    put(new MemoryDraft("t", Coordinate.of(justAbove, 0), new JsonObject(), MemoryType.EPISODIC, 1, null, "", null,
        null));
    put(new MemoryDraft("t", Coordinate.of(1e300, 0), new JsonObject(), MemoryType.EPISODIC, 1, null, "", null, null));

    assertThat(await(store.range("t", Coordinate.of(0, 0), Coordinate.of(1.0, 0), null, 10)))
        .extracting(m -> m.coordinate().get(0)).containsExactly(1.0);
    assertThat(await(store.range("t", Coordinate.of(justAbove, 0), Coordinate.of(2, 0), null, 10)))
        .extracting(m -> m.coordinate().get(0)).containsExactly(justAbove);
    assertThat(await(store.range("t", Coordinate.of(1e299, -1), Coordinate.of(Double.MAX_VALUE, 1), null, 10)))
        .extracting(m -> m.coordinate().get(0)).containsExactly(1e300);
  }

  @Test
  void rangeChecksAxesBeyondTheIndexExactly() {
    for (int i = 0; i < 100; i++) {
      put(draft("t", String.format("%d,0,0,0,0,%d", i, i % 2)));
    }
    Coordinate min = Coordinate.of(0, 0, 0, 0, 0, 1);
    Coordinate max = Coordinate.of(99, 0, 0, 0, 0, 1);
    List<Memory> odd = await(store.range("t", min, max, null, 1000));
    assertThat(odd).hasSize(50).allMatch(m -> m.coordinate().get(5) == 1.0);
    // A limit larger than one page of index candidates holds only once the rejected candidates are paged past.
    List<Memory> limited = await(store.range("t", min, max, null, 40));
    assertThat(limited).hasSize(40).extracting(Memory::key).isSorted().isEqualTo(odd.stream().limit(40)
        .map(Memory::key).toList());
  }

  @Test
  void rangeComparesOnlyTheAxesAllHave() {
    put(draft("t", "1,5,5"));
    put(draft("t", "2,-5"));
    put(draft("t", "3"));
    put(draft("t", "9,0,0"));
    assertThat(rangeKeys("t", "0", "5", null, 10)).containsExactly("1.0,5.0,5.0", "2.0,-5.0", "3.0");
    assertThat(rangeKeys("t", "0,0", "5,1", null, 10)).containsExactly("3.0");
    assertThat(rangeKeys("t", "0,-10,4", "10,10,6", null, 10)).containsExactly("1.0,5.0,5.0", "2.0,-5.0", "3.0");
  }

  @Test
  void rangeFiltersByType() {
    put(draft("t", "1", MemoryType.EPISODIC, "e"));
    put(draft("t", "2", MemoryType.SEMANTIC, "s"));
    put(draft("t", "3", MemoryType.SEMANTIC, "s"));
    put(draft("t", "4", MemoryType.SUMMARY, "y"));
    assertThat(rangeKeys("t", "0", "10", MemoryType.SEMANTIC, 10)).containsExactly("2.0", "3.0");
    assertThat(rangeKeys("t", "0", "10", MemoryType.SEMANTIC, 1)).containsExactly("2.0");
    assertThat(rangeKeys("t", "0", "10", MemoryType.SUMMARY, 10)).containsExactly("4.0");
    assertThat(rangeKeys("t", "0", "10", null, 10)).hasSize(4);
  }

  @Test
  void touchRecordsReadsWithoutTakingASeq() {
    Memory m = put(draft("t", "1"));
    Memory other = put(draft("t", "2"));
    await(store.touch("t", List.of(m.id()), m.createdAt() + 100));
    await(store.touch("t", List.of(m.id(), "no-such-id"), m.createdAt() + 50));
    Memory got = await(store.get("t", "1.0"));
    assertThat(got.lastAccessedAt()).isEqualTo(m.createdAt() + 100);
    assertThat(got.accessCount()).isEqualTo(2);
    assertThat(got.seq()).isEqualTo(m.seq());
    assertThat(got.updatedAt()).isEqualTo(m.updatedAt());
    assertThat(await(store.get("t", "2.0")).accessCount()).isZero();
    assertThat(put(draft("t", "3")).seq()).isEqualTo(other.seq() + 1);
  }

  @Test
  void statsCountPerType() {
    assertThat(await(store.stats("t"))).isEqualTo(new TenantStats(0, 0, 0, 0));
    await(store.upsert(List.of(draft("t", "1", MemoryType.EPISODIC, ""), draft("t", "2", MemoryType.EPISODIC, ""),
        draft("t", "3", MemoryType.SEMANTIC, ""), draft("t", "4", MemoryType.SUMMARY, ""),
        draft("u", "5", MemoryType.SUMMARY, ""))));
    assertThat(await(store.stats("t"))).isEqualTo(new TenantStats(4, 2, 1, 1));
    assertThat(await(store.stats("u"))).isEqualTo(new TenantStats(1, 0, 0, 1));
  }

  @Test
  void scanPagesThroughEveryTenant() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      ids.add(put(draft("t" + (i % 3), Integer.toString(i))).id());
    }
    ids.remove(await(store.delete("t0", List.of("0.0"))).getFirst().id());

    Set<String> seen = new HashSet<>();
    long after = 0;
    int pages = 0;
    ScanPage page;
    do {
      page = await(store.scan(after, 10));
      pages++;
      assertThat(page.memories().size()).isLessThanOrEqualTo(10);
      for (Memory m : page.memories()) {
        assertThat(seen.add(m.id())).as("seen twice: %s", m.id()).isTrue();
      }
      assertThat(page.next()).isGreaterThanOrEqualTo(after);
      after = page.next();
    } while (!page.done());
    assertThat(seen).isEqualTo(ids);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void scanTenantPagesThroughOneTenantOnly() {
    Set<String> mine = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      Memory m = put(draft(i % 2 == 0 ? "mine" : "other", Integer.toString(i)));
      if (i % 2 == 0) {
        mine.add(m.id());
      }
    }
    mine.remove(await(store.delete("mine", List.of("4.0"))).getFirst().id());

    Set<String> seen = new HashSet<>();
    long after = 0;
    int pages = 0;
    ScanPage page;
    do {
      page = await(store.scanTenant("mine", after, 4));
      pages++;
      assertThat(page.memories().size()).isLessThanOrEqualTo(4);
      for (Memory m : page.memories()) {
        assertThat(m.tenant()).isEqualTo("mine");
        assertThat(seen.add(m.id())).as("seen twice: %s", m.id()).isTrue();
      }
      assertThat(page.next()).isGreaterThanOrEqualTo(after);
      after = page.next();
    } while (!page.done());
    assertThat(seen).isEqualTo(mine);
    assertThat(pages).isEqualTo(4);
    assertThat(await(store.scanTenant("nobody", 0, 10))).satisfies(p -> {
      assertThat(p.memories()).isEmpty();
      assertThat(p.done()).isTrue();
    });
  }

  @Test
  void scanTenantIsNotDisturbedByDeletesBehindIt() {
    for (int i = 0; i < 6; i++) {
      put(draft("t", Integer.toString(i)));
    }
    ScanPage first = await(store.scanTenant("t", 0, 3));
    assertThat(first.memories()).extracting(Memory::key).containsExactly("0.0", "1.0", "2.0");
    await(store.delete("t", first.memories().stream().map(Memory::key).toList()));
    ScanPage second = await(store.scanTenant("t", first.next(), 3));
    assertThat(second.memories()).extracting(Memory::key).containsExactly("3.0", "4.0", "5.0");
  }

  @Test
  void concurrentUpsertsFromTheEventLoopShareCommits() {
    long before = commits(store);
    Context context = vertx.getOrCreateContext();
    Promise<List<StoredMemory>> all = Promise.promise();
    context.runOnContext(v -> {
      List<Future<List<StoredMemory>>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(store.upsert(List.of(draft("t", Integer.toString(i)))));
      }
      Future.all(futures).map(cf -> futures.stream().map(f -> f.result().getFirst()).toList()).onComplete(all);
    });
    List<StoredMemory> stored = await(all.future());
    assertThat(stored).hasSize(200).allMatch(StoredMemory::created);
    assertThat(stored.stream().map(s -> s.memory().seq()).distinct()).hasSize(200);
    assertThat(await(store.stats("t")).total()).isEqualTo(200);
    assertThat(commits(store) - before).isPositive().isLessThan(200 / 4);
  }

  @Test
  void aFailingOperationDoesNotFailItsBatch() {
    Context context = vertx.getOrCreateContext();
    Promise<List<AsyncResult<List<StoredMemory>>>> results = Promise.promise();
    MemoryDraft invalid = new MemoryDraft("t", Coordinate.of(3), new JsonObject(), null, 1.0, null, "", null, null);
    context.runOnContext(v -> {
      List<Future<AsyncResult<List<StoredMemory>>>> futures = new ArrayList<>();
      futures.add(settle(store.upsert(List.of(draft("t", "1")))));
      futures.add(settle(store.upsert(List.of(draft("t", "2"), invalid))));
      futures.add(settle(store.upsert(List.of(draft("t", "4")))));
      Future.all(futures).map(cf -> futures.stream().map(Future::result).toList()).onComplete(results);
    });
    List<AsyncResult<List<StoredMemory>>> outcome = await(results.future());
    assertThat(outcome.get(0).succeeded()).isTrue();
    assertThat(outcome.get(1).failed()).isTrue();
    assertThat(outcome.get(1).cause()).isInstanceOf(SomaException.class);
    assertThat(((SomaException) outcome.get(1).cause()).kind()).isEqualTo(ErrorKind.INVALID);
    assertThat(outcome.get(2).succeeded()).isTrue();
    assertThat(await(store.get("t", "1.0"))).isNotNull();
    assertThat(await(store.get("t", "2.0"))).as("all or none within one upsert").isNull();
    assertThat(await(store.get("t", "4.0"))).isNotNull();
    assertThat(outcome.get(2).result().getFirst().memory().seq())
        .isGreaterThan(outcome.get(0).result().getFirst().memory().seq());
  }

  @Test
  void newIdsAreTimeOrderedUuids() {
    long before = System.currentTimeMillis();
    Memory first = put(draft("t", "1"));
    Memory second = put(draft("t", "2"));
    long after = System.currentTimeMillis();
    for (Memory m : List.of(first, second)) {
      UUID id = UUID.fromString(m.id());
      assertThat(id.version()).isEqualTo(7);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(put(draft("t", "1")).id()).as("a replaced memory keeps its id").isEqualTo(first.id());
  }

  protected static <T> Future<AsyncResult<T>> settle(Future<T> future) {
    return future.transform(Future::succeededFuture);
  }

  @Test
  void futuresCompleteOnTheCallersContext() {
    Context context = vertx.getOrCreateContext();
    Promise<List<Boolean>> checks = Promise.promise();
    context.runOnContext(v -> {
      Future<Boolean> write = store.upsert(List.of(draft("t", "1"))).map(x -> Vertx.currentContext() == context);
      Future<Boolean> read = store.get("t", "1.0").map(x -> Vertx.currentContext() == context);
      Future<Boolean> ping = store.ping().map(x -> Vertx.currentContext() == context);
      Future.all(write, read, ping).map(cf -> List.of(write.result(), read.result(), ping.result()))
          .onComplete(checks);
    });
    assertThat(await(checks.future())).containsExactly(true, true, true);
  }

  protected static Link link(String tenant, String from, String to, String type, double strength) {
    return Link.draft(tenant, from, to, type, strength, new JsonObject().put("why", type));
  }

  /** The tenant's links as "from>to:type@strength", sorted. */
  protected List<String> linkStrings(String tenant) {
    return await(store.links(tenant)).stream()
        .map(l -> l.fromKey() + ">" + l.toKey() + ":" + l.linkType() + "@" + l.strength()).sorted().toList();
  }

  @Test
  void relinkingTheSameTypeUpdatesStrengthAndMetadataAndKeepsOtherTypes() throws InterruptedException {
    put(draft("t", "1"));
    Link first = await(store.putLink(link("t", "1.0", "2.0", "related", 0.5)));
    assertThat(first.createdAt()).isPositive().isEqualTo(first.updatedAt());
    assertThat(first.metadata()).isEqualTo(new JsonObject().put("why", "related"));
    Thread.sleep(3);
    Link again = await(store.putLink(Link.draft("t", "1.0", "2.0", "related", 2.0, new JsonObject().put("v", 2))));
    await(store.putLink(link("t", "1.0", "2.0", "causes", 1.0)));

    assertThat(again.createdAt()).isEqualTo(first.createdAt());
    assertThat(again.updatedAt()).isGreaterThan(first.updatedAt());
    assertThat(linkStrings("t")).containsExactly("1.0>2.0:causes@1.0", "1.0>2.0:related@2.0");
    Link stored = await(store.links("t")).stream().filter(l -> l.linkType().equals("related")).findFirst().orElseThrow();
    assertThat(stored.metadata()).isEqualTo(new JsonObject().put("v", 2));
    assertThat(stored.createdAt()).isEqualTo(first.createdAt());
    assertThat(stored.updatedAt()).isEqualTo(again.updatedAt());

    assertThat(await(store.deleteLinks("t", "1.0", "2.0", "causes"))).isEqualTo(1);
    assertThat(await(store.deleteLinks("t", "1.0", "2.0", "causes"))).isZero();
    await(store.putLink(link("t", "1.0", "2.0", "x", 1.0)));
    assertThat(await(store.deleteLinks("t", "1.0", "2.0", null))).isEqualTo(2);
    assertThat(await(store.links("t"))).isEmpty();
  }

  @Test
  void aLinkNeedsAMemoryAtItsSourceInTheSameTenant() {
    put(draft("a", "1"));
    assertThat(failure(store.putLink(link("b", "1.0", "2.0", "related", 1))).kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(failure(store.putLink(link("a", "2.0", "1.0", "related", 1))).kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(failure(store.putLink(link("a", "1.0", "2.0", "related", Double.NaN))).kind())
        .isEqualTo(ErrorKind.INVALID);
    await(store.putLink(link("a", "1.0", "9.0", "related", 1)));
    assertThat(linkStrings("a")).containsExactly("1.0>9.0:related@1.0");
    assertThat(await(store.links("b"))).isEmpty();
    assertThat(await(store.deleteLinks("b", "1.0", "9.0", null))).isZero();
    assertThat(linkStrings("a")).hasSize(1);
  }

  @Test
  void deletingAMemoryDeletesItsLinksBothWaysInItsTenantOnly() {
    put(draft("t", "1"));
    put(draft("t", "2"));
    put(draft("u", "1"));
    await(store.putLink(link("t", "1.0", "2.0", "a", 1)));
    await(store.putLink(link("t", "2.0", "1.0", "b", 1)));
    await(store.putLink(link("t", "2.0", "3.0", "c", 1)));
    await(store.putLink(link("u", "1.0", "2.0", "a", 1)));

    assertThat(await(store.delete("t", List.of("1.0")))).hasSize(1);
    assertThat(linkStrings("t")).containsExactly("2.0>3.0:c@1.0");
    assertThat(linkStrings("u")).containsExactly("1.0>2.0:a@1.0");
    // An absent memory deletes nothing, not even links that point at its coordinate.
    assertThat(await(store.delete("t", List.of("3.0")))).isEmpty();
    assertThat(linkStrings("t")).containsExactly("2.0>3.0:c@1.0");
  }

  /** Issues {@code n} upserts and a close in one event-loop turn, and waits for all of them. */
  protected List<AsyncResult<List<StoredMemory>>> writeThenCloseAtOnce(int n) {
    Context context = vertx.getOrCreateContext();
    Promise<List<AsyncResult<List<StoredMemory>>>> results = Promise.promise();
    context.runOnContext(v -> {
      List<Future<AsyncResult<List<StoredMemory>>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(settle(store.upsert(List.of(draft("t", Integer.toString(i))))));
      }
      Future<Void> closed = store.close();
      Future.all(futures).compose(cf -> closed).map(x -> futures.stream().map(Future::result).toList())
          .onComplete(results);
    });
    return await(results.future());
  }

  @Test
  void closeCommitsPendingWritesFirst() {
    assertThat(writeThenCloseAtOnce(50)).hasSize(50).allMatch(AsyncResult::succeeded);
  }

  @Test
  void aClosedStoreRefusesWork() {
    await(store.ping());
    await(store.close());
    assertThat(failure(store.upsert(List.of(draft("t", "1")))).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(failure(store.get("t", "1.0")).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
  }
}
