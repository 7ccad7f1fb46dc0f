package org.somafractal.memory.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.store.MemoryStore;

/**
 * The behaviour every {@link AuditLog} adapter must show, against a fresh store: a subclass opens the store and names
 * its audit log. Tests block the JUnit thread on the futures, never an event loop.
 */
@ExtendWith(VertxExtension.class)
public abstract class AuditLogContract {
  private static final long T0 = 1_700_000_000_000L;

  protected MemoryStore store;
  protected AuditLog log;

  @TempDir
  protected Path dir;

  /** Opens a fresh, empty store whose files (if any) live under {@code dir}. */
  protected abstract Future<MemoryStore> open(Vertx vertx, Path dir);

  /** The audit log in {@code store}'s database. */
  protected abstract AuditLog auditLogOf(MemoryStore store);

  @BeforeEach
  void openStore(Vertx vertx) {
    store = await(open(vertx, dir));
    log = auditLogOf(store);
  }

  @AfterEach
  void closeStore() {
    await(store.close());
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("The audit log did not answer within 60 s", e);
    }
  }

  protected static AuditEntry entry(String tenant, long at, String coord) {
    return new AuditEntry(0, at, tenant, "jwt:agent-" + tenant, "POST /memories", AuditAction.WRITE, 200,
        new JsonObject().put("coord", coord).put("ids", new JsonArray().add("id-" + coord)));
  }

  private static AuditQuery all(int limit) {
    return new AuditQuery(null, Long.MIN_VALUE, Long.MAX_VALUE, limit, Long.MAX_VALUE);
  }

  @Test
  void appendedEntriesComeBackNewestFirstWithEveryField() {
    await(log.append(List.of(entry("a", T0, "1.0"), entry("b", T0 + 1, "2.0"))));
    await(log.append(List.of(new AuditEntry(0, T0 + 2, "a", "static", "DELETE /memories/{coord}",
        AuditAction.DELETE, 404, new JsonObject().put("coord", "3.0").put("deleted", false)))));

    AuditPage page = await(log.query(all(10)));
    assertThat(page.next()).isNull();
    List<AuditEntry> entries = page.entries();
    assertThat(entries).extracting(AuditEntry::at).containsExactly(T0 + 2, T0 + 1, T0);
    assertThat(entries.get(0).id()).isGreaterThan(entries.get(1).id());
    assertThat(entries.get(1).id()).isGreaterThan(entries.get(2).id());
    AuditEntry delete = entries.get(0);
    assertThat(delete.withId(0)).isEqualTo(new AuditEntry(0, T0 + 2, "a", "static", "DELETE /memories/{coord}",
        AuditAction.DELETE, 404, new JsonObject().put("coord", "3.0").put("deleted", false)));
    assertThat(entries.get(2).withId(0)).isEqualTo(entry("a", T0, "1.0"));
  }

  @Test
  void queriesFilterByTenantAndTimeWindow() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(entry(i % 2 == 0 ? "even" : "odd", T0 + i, Integer.toString(i)));
    }
    await(log.append(batch));

    assertThat(await(log.query(new AuditQuery("even", Long.MIN_VALUE, Long.MAX_VALUE, 100, Long.MAX_VALUE)))
        .entries()).extracting(AuditEntry::at).containsExactly(T0 + 8, T0 + 6, T0 + 4, T0 + 2, T0);
    assertThat(await(log.query(new AuditQuery(null, T0 + 3, T0 + 6, 100, Long.MAX_VALUE))).entries())
        .as("since inclusive, until exclusive").extracting(AuditEntry::at).containsExactly(T0 + 5, T0 + 4, T0 + 3);
    assertThat(await(log.query(new AuditQuery("odd", T0 + 3, T0 + 6, 100, Long.MAX_VALUE))).entries())
        .extracting(AuditEntry::at).containsExactly(T0 + 5, T0 + 3);
    assertThat(await(log.query(new AuditQuery("nobody", Long.MIN_VALUE, Long.MAX_VALUE, 100, Long.MAX_VALUE)))
        .entries()).isEmpty();
  }

  @Test
  void theCursorPagesThroughEveryEntryExactlyOnce() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      batch.add(entry("t", T0 + i, Integer.toString(i)));
    }
    await(log.append(batch));

    List<Long> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long before = Long.MAX_VALUE;
    while (true) {
      AuditPage page = await(log.query(new AuditQuery("t", Long.MIN_VALUE, Long.MAX_VALUE, 10, before)));
      sizes.add(page.entries().size());
      page.entries().forEach(e -> seen.add(e.at()));
      if (page.next() == null) {
        break;
      }
      before = page.next();
    }
    assertThat(sizes).containsExactly(10, 10, 5);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSortedAccordingTo((x, y) -> Long.compare(y, x));
  }

  @Test
  void aFullLastPageSaysThereIsNoNextPage() {
    await(log.append(List.of(entry("t", T0, "1"), entry("t", T0 + 1, "2"))));
    AuditPage page = await(log.query(all(2)));
    assertThat(page.entries()).hasSize(2);
    assertThat(page.next()).isNull();
  }

  @Test
  void purgeDeletesOnlyOlderEntriesAndCountsThem() {
    await(log.append(List.of(entry("t", T0, "1"), entry("t", T0 + 10, "2"), entry("u", T0 + 20, "3"))));
    assertThat(await(log.purgeBefore(T0 + 10))).isEqualTo(1);
    assertThat(await(log.query(all(10))).entries()).extracting(AuditEntry::at).containsExactly(T0 + 20, T0 + 10);
    assertThat(await(log.purgeBefore(T0))).isZero();
  }

  @Test
  void aPurgeLargerThanOneChunkDeletesEverythingOlder() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 5_100; i++) {
      batch.add(entry("t", T0 + i, Integer.toString(i)));
    }
    await(log.append(batch));
    assertThat(await(log.purgeBefore(T0 + 5_050))).isEqualTo(5_050);
    assertThat(await(log.query(all(1000))).entries()).hasSize(50);
  }

  @Test
  void concurrentAppendsAreAllStoredAndAnEmptyAppendIsNothing() {
    List<Future<Void>> appends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      appends.add(log.append(List.of(entry("c", T0 + i, Integer.toString(i)))));
    }
    appends.add(log.append(List.of()));
    await(Future.all(appends));
    assertThat(await(log.query(all(1000))).entries()).hasSize(40);
  }
}
