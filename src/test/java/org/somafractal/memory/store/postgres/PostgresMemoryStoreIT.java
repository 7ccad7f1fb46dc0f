package org.somafractal.memory.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.MemoryStoreContract;

/**
 * The store contract and the PostgreSQL specifics, against the real local PostgreSQL: one fresh database for the
 * class, emptied before each test.
 */
class PostgresMemoryStoreIT extends MemoryStoreContract {
  @RegisterExtension
  static final PgTestDatabase.PerClass pg = new PgTestDatabase.PerClass();

  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    // Called on the JUnit thread: empty the tables (once the first open has created them) before opening.
    pg.db().emptyStore();
    return PostgresMemoryStore.open(vertx, PostgresOptions.of(pg.db().url())).map(s -> s);
  }

  @Override
  protected long commits(MemoryStore store) {
    return ((PostgresMemoryStore) store).commits();
  }

  private long outbox() {
    return await(((PostgresMemoryStore) store).outboxSize());
  }

  @Test
  void migrationsAreIdempotentAcrossOpens() {
    put(draft("t", "1"));
    await(store.close());
    store = await(open(vertx, dir));
    // Several nodes starting at once: each waits for the advisory lock, then finds the schema current.
    List<Future<PostgresMemoryStore>> opens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      opens.add(PostgresMemoryStore.open(vertx, PostgresOptions.of(pg.db().url())));
    }
    for (Future<PostgresMemoryStore> f : opens) {
      await(await(f).close());
    }
    List<String> versions = new ArrayList<>();
    for (Row r : pg.db().sql("SELECT version, script FROM schema_version ORDER BY version")) {
      versions.add(r.getInteger(0) + ":" + r.getString(1));
    }
    assertThat(versions).containsExactly("1:V1__init.sql", "2:V2__key_version.sql", "3:V3__audit.sql",
        "4:V4__eventing.sql");
  }

  @Test
  void everythingSurvivesAReopenAndSeqKeepsIncreasing() {
    Memory kept = put(draft("t", "1,2"));
    put(draft("t", "3,4"));
    List<Removal> removed = await(store.delete("t", List.of("3.0,4.0")));
    await(store.close());
    store = await(PostgresMemoryStore.open(vertx, PostgresOptions.of(pg.db().url())).map(s -> (MemoryStore) s));
    assertThat(await(store.get("t", "1.0,2.0"))).usingRecursiveComparison().isEqualTo(kept);
    assertThat(put(draft("t", "6")).seq()).isGreaterThan(removed.getFirst().seq());
  }

  @Test
  void everyWriteWritesOneOutboxRowInItsTransaction() {
    Memory m = put(draft("t", "1"));
    put(draft("t", "1"));
    await(store.upsert(List.of(draft("t", "2"), draft("t", "3"))));
    await(store.delete("t", List.of("1.0", "404.0")));
    await(store.touch("t", List.of(m.id()), m.createdAt() + 1));
    assertThat(outbox()).isEqualTo(5);
    List<String> events = new ArrayList<>();
    for (Row r : pg.db().sql("SELECT event FROM outbox ORDER BY id")) {
      JsonObject e = r.getJsonObject(0);
      events.add(e.getString("type") + " " + e.getString("coord"));
    }
    assertThat(events).containsExactly("created 1.0", "updated 1.0", "created 2.0", "created 3.0", "deleted 1.0");
    JsonObject deleted = pg.db().sql("SELECT event FROM outbox ORDER BY id DESC LIMIT 1").iterator().next().getJsonObject(0);
    assertThat(deleted.getString("id")).isEqualTo(m.id());
    assertThat(deleted.getString("tenant")).isEqualTo("t");
    assertThat(deleted.getLong("seq")).isPositive();
    assertThat(pg.db().count("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).isEqualTo(5);
  }

  @Test
  void anUpsertsOutboxRowCarriesTheStoredMemory() {
    Memory m = put(draft("t", "1"));
    JsonObject e = pg.db().sql("SELECT event FROM outbox ORDER BY id DESC LIMIT 1").iterator().next().getJsonObject(0);
    assertThat(e.getJsonObject("payload")).isEqualTo(m.payload());
    assertThat(e.getJsonObject("metadata")).isEqualTo(m.metadata());
    assertThat(e.getDouble("importance")).isEqualTo(m.importance());
    assertThat(e.getLong("seq")).isEqualTo(m.seq());
    assertThat(e.getInteger("memory_type")).isEqualTo(m.type().code());
    if (m.vector() != null) {
      assertThat(e.getString("embedding")).isNotBlank();
    }
    assertThat(pg.db().count("SELECT count(DISTINCT event_id) FROM outbox")).isEqualTo(1);
  }

  @Test
  void anUpdateTakesAHigherSeqThanTheRowHeld() {
    Memory first = put(draft("t", "1"));
    Memory second = put(draft("t", "1"));
    assertThat(second.seq()).isGreaterThan(first.seq());
    assertThat(pg.db().count("SELECT seq FROM memories WHERE tenant = 't'")).isEqualTo(second.seq());
  }

  @Test
  void linkWritesWriteTheirOutboxRowInTheSameStatement() {
    Memory from = put(draft("t", "1"));
    put(draft("t", "2"));
    long before = outbox();
    await(store.putLink(new Link("t", "1.0", "2.0", "related", 0.5, new JsonObject().put("why", "test"), 0, 0)));
    await(store.putLink(new Link("t", "1.0", "2.0", "cites", 1.0, null, 0, 0)));
    assertThat(failure(store.putLink(new Link("t", "404.0", "2.0", "related", 1.0, null, 0, 0))).kind())
        .isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(await(store.deleteLinks("t", "1.0", "2.0", null))).isEqualTo(2);
    assertThat(await(store.deleteLinks("t", "1.0", "2.0", null))).isZero();
    List<String> events = new ArrayList<>();
    for (Row r : pg.db().sql("SELECT event, memory_id FROM outbox WHERE id > " + before + " ORDER BY id")) {
      JsonObject e = r.getJsonObject(0);
      assertThat(e.getString("id")).isEqualTo(from.id()).isEqualTo(r.getUUID(1).toString());
      events.add(e.getString("type") + " " + e.getString("from") + ">" + e.getString("to") + " "
          + e.getString("link_type"));
    }
    assertThat(events).containsExactlyInAnyOrder("linked 1.0>2.0 related", "linked 1.0>2.0 cites",
        "unlinked 1.0>2.0 related", "unlinked 1.0>2.0 cites");
    assertThat(events.subList(0, 2)).allMatch(e -> e.startsWith("linked"));
  }

  @Test
  void aFailedBatchLeavesNoMemoriesAndNoOutboxRows() {
    // A NUL character is valid JSON but PostgreSQL's jsonb refuses it: the statement of the second draft fails in
    // the database, after the first draft's rows were written in the same transaction.
    MemoryDraft bad = new MemoryDraft("t", Coordinate.of(2), new JsonObject().put("text", "a\u0000b"),
        MemoryType.EPISODIC, 1.0, null, "", null, null);
    SomaException e = failure(store.upsert(List.of(draft("t", "1"), bad)));
    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
    assertThat(e.getMessage()).doesNotContainIgnoringCase("insert").doesNotContainIgnoringCase("select");
    assertThat(await(store.get("t", "1.0"))).isNull();
    assertThat(outbox()).isZero();
    assertThat(pg.db().count("SELECT count(*) FROM memories")).isZero();
    put(draft("t", "1"));
    assertThat(outbox()).isEqualTo(1);
  }

  @Test
  void rangeIsPlannedOnTheGistIndex() {
    put(draft("t", "1,1"));
    pg.db().sql("INSERT INTO memories (id, tenant, coord_key, coord, coord_cube, payload, memory_type, importance, "
        + "metadata, text, created_at, updated_at, last_accessed_at, access_count, seq) "
        + "SELECT gen_random_uuid(), 't', i || '.0,' || (i % 100) || '.0', ARRAY[i, i % 100]::float8[], "
        + "cube(ARRAY[i, i % 100, -1e60, -1e60, -1e60]::float8[], ARRAY[i, i % 100, 1e60, 1e60, 1e60]::float8[]), "
        + "'{}', 0, 1, '{}', '', 0, 0, 0, 0, nextval('memory_seq') FROM generate_series(2, 20000) i; ANALYZE memories");
    List<String> plan = new ArrayList<>();
    for (Row r : pg.db().sql("EXPLAIN SELECT m.id FROM memories m WHERE m.coord_cube && "
        + "cube(ARRAY[0, 0, -1e60, -1e60, -1e60]::float8[], ARRAY[5, 5, 1e60, 1e60, 1e60]::float8[]) "
        + "AND m.tenant = 't' AND (NULL::smallint IS NULL OR m.memory_type = NULL::smallint) AND m.coord_key > '' "
        + "ORDER BY m.coord_key LIMIT 64")) {
      plan.add(r.getString(0));
    }
    assertThat(String.join("\n", plan)).contains("memories_box");
    assertThat(await(store.range("t", Coordinate.of(0, 0), Coordinate.of(5, 5), null, 100)))
        .extracting(Memory::key).containsExactly("1.0,1.0", "2.0,2.0", "3.0,3.0", "4.0,4.0", "5.0,5.0");
  }

  @Test
  void anUnreachableServerIsUnavailableWithoutDetails() {
    SomaException e = failure(PostgresMemoryStore.open(vertx, new PostgresOptions(
        "postgresql://postgres:secret@127.0.0.1:1/none", 1, 0, false, 2_000, 2_000, null)));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContain("secret").doesNotContainIgnoringCase("sql");
    assertThat(failure(PostgresMemoryStore.open(vertx, PostgresOptions.of("mysql://x"))).kind())
        .isEqualTo(ErrorKind.INVALID);
  }

  @Test
  void writesOfOneCallerKeepTheirOrderAcrossBatches() {
    List<AsyncResult<List<StoredMemory>>> results = writeThenCloseAtOnce(20);
    assertThat(results).allMatch(AsyncResult::succeeded);
    List<Long> seqs = results.stream().map(r -> r.result().getFirst().memory().seq()).toList();
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    store = await(open(vertx, dir));
  }
}
