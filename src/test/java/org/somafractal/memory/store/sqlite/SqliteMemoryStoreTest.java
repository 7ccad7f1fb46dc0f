package org.somafractal.memory.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.MemoryStoreContract;

class SqliteMemoryStoreTest extends MemoryStoreContract {

  private static String file(Path dir) {
    return dir.resolve("nested/dir/soma.db").toString();
  }

  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    return SqliteMemoryStore.open(vertx, SqliteOptions.file(file(dir))).map(s -> s);
  }

  @Override
  protected long commits(MemoryStore store) {
    return ((SqliteMemoryStore) store).commits();
  }

  /**
   * Batches run without savepoints first and are replayed with them when an operation fails; the replay must hand
   * out the same sequence numbers, with no gap for the failed operation.
   */
  @Test
  void aFailingOperationAmongManyLeavesTheOthersStoredWithContiguousSeqs() {
    MemoryDraft invalid = new MemoryDraft("t", Coordinate.of(999), new JsonObject(), null, 1.0, null, "", null, null);
    Promise<List<AsyncResult<List<StoredMemory>>>> results = Promise.promise();
    long commitsBefore = commits(store);
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<AsyncResult<List<StoredMemory>>>> futures = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        futures.add(settle(store.upsert(i % 20 == 10 ? List.of(draft("t", i + ".5"), invalid)
            : List.of(draft("t", Integer.toString(i))))));
      }
      Future.all(futures).map(cf -> futures.stream().map(Future::result).toList()).onComplete(results);
    });
    List<AsyncResult<List<StoredMemory>>> outcome = await(results.future());
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < outcome.size(); i++) {
      if (i % 20 == 10) {
        assertThat(outcome.get(i).failed()).isTrue();
        assertThat(((SomaException) outcome.get(i).cause()).kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(await(store.get("t", i + ".5"))).isNull();
      } else {
        assertThat(outcome.get(i).succeeded()).isTrue();
        seqs.add(outcome.get(i).result().getFirst().memory().seq());
      }
    }
    assertThat(seqs).doesNotHaveDuplicates();
    assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()
        - seqs.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(seqs.size() - 1);
    assertThat(await(store.stats("t")).total()).isEqualTo(57);
    assertThat(commits(store) - commitsBefore).as("the writes still shared commits").isLessThan(57);
  }

  @Test
  void linksSurviveAReopenAndCanBeKeptDanglingOnDelete() {
    put(draft("t", "1"));
    await(store.putLink(link("t", "1.0", "2.0", "related", 0.25)));
    await(store.close());

    store = await(SqliteMemoryStore.open(vertx, new SqliteOptions(file(dir), 0, 0, true)).map(s -> (MemoryStore) s));
    assertThat(linkStrings("t")).containsExactly("1.0>2.0:related@0.25");
    assertThat(await(store.delete("t", List.of("1.0")))).hasSize(1);
    assertThat(linkStrings("t")).containsExactly("1.0>2.0:related@0.25");
  }

  @Test
  void everythingSurvivesAReopenAndSeqKeepsIncreasing() throws SQLException {
    Memory kept = put(draft("t", "1,2"));
    Memory gone = put(draft("t", "3,4"));
    Memory touched = put(draft("u", "5"));
    await(store.touch("u", List.of(touched.id()), touched.createdAt() + 7));
    List<Removal> removed = await(store.delete("t", List.of("3.0,4.0")));
    assertThat(removed).extracting(Removal::id).containsExactly(gone.id());
    await(store.close());

    store = await(open(vertx, dir));
    assertThat(await(store.get("t", "1.0,2.0"))).usingRecursiveComparison().isEqualTo(kept);
    assertThat(await(store.get("t", "3.0,4.0"))).isNull();
    assertThat(await(store.get("u", "5.0")).accessCount()).isEqualTo(1);
    assertThat(await(store.range("t", Coordinate.of(0, 0), Coordinate.of(9, 9), null, 10)))
        .extracting(Memory::id).containsExactly(kept.id());
    // The delete took the newest seq and removed its row: the next write must still go above it.
    assertThat(put(draft("t", "6")).seq()).isGreaterThan(removed.getFirst().seq());

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file(dir));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, script FROM schema_version ORDER BY version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getString(2)).isEqualTo("V1__init.sql");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(2);
      assertThat(rs.getString(2)).isEqualTo("V2__tenant_scan.sql");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(3);
      assertThat(rs.getString(2)).isEqualTo("V3__links.sql");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(4);
      assertThat(rs.getString(2)).isEqualTo("V4__key_version.sql");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(5);
      assertThat(rs.getString(2)).isEqualTo("V5__audit.sql");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(6);
      assertThat(rs.getString(2)).isEqualTo("V6__axis0_index.sql");
      assertThat(rs.next()).isFalse();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file(dir));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void writesPendingAtCloseAreOnDiskAfterReopen() {
    assertThat(writeThenCloseAtOnce(50)).allMatch(AsyncResult::succeeded);
    store = await(open(vertx, dir));
    assertThat(await(store.stats("t")).total()).isEqualTo(50);
  }

  @Test
  void anUnopenableFileIsUnavailableWithoutSqlInTheMessage() throws Exception {
    Path directory = Files.createDirectories(dir.resolve("not-a-file"));
    SomaException e = failure(SqliteMemoryStore.open(vertx, SqliteOptions.file(directory.toString())));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContainIgnoringCase("sql").doesNotContain(directory.toString());
  }

  @Test
  void rangeReadsItsCandidatesFromTheAxisIndexAlone() throws SQLException {
    put(draft("t", "1"));
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file(dir));
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + SqliteQueries.RANGE_CANDIDATES)) {
      ps.setString(1, "t");
      ps.setDouble(2, 0);
      ps.setDouble(3, 1);
      ps.setNull(4, java.sql.Types.INTEGER);
      ps.setNull(5, java.sql.Types.INTEGER);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(4));
        }
      }
    }
    assertThat(plan).containsExactly(
        "SEARCH memories USING COVERING INDEX memories_tenant_axis0 (tenant=? AND axis0>? AND axis0<?)");
  }

  /**
   * Schema version 6 replaced the R*Tree by an index on the first axis, filled from the R*Tree's float-rounded lower
   * bounds; a range over migrated rows must still find exactly the rows inside it.
   */
  @Test
  void rowsWrittenUnderTheRTreeSchemaAreFoundByRangeAfterTheMigration() throws Exception {
    await(store.close());
    Path old = dir.resolve("v5/soma.db");
    Files.createDirectories(old.getParent());
    double[][] points = {{1.0, 0}, {1.0000000001, 0}, {-5, 2}, {1e300, 1}, {-1e300, 1}, {0.1, 9}};
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
      SqliteMigrations.apply(c, SqliteQueries.MIGRATIONS.subList(0, 5));
      try (PreparedStatement row = c.prepareStatement("INSERT INTO memories (id, tenant, coord_key, coord, dims, "
          + "payload, memory_type, importance, metadata, text, embedding, model_id, created_at, updated_at, "
          + "last_accessed_at, access_count, seq) VALUES (?, 't', ?, ?, 2, '{}', ?, 1.0, '{}', '', NULL, NULL, 1, 1, "
          + "1, 0, ?) RETURNING rowid");
          PreparedStatement box = c.prepareStatement("INSERT INTO memory_box VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              + "?)")) {
        for (int i = 0; i < points.length; i++) {
          Coordinate coordinate = Coordinate.of(points[i]);
          row.setString(1, "id-" + i);
          row.setString(2, coordinate.key());
          row.setBytes(3, SqliteCodec.coordinate(coordinate));
          row.setInt(4, i == 5 ? MemoryType.SEMANTIC.code() : MemoryType.EPISODIC.code());
          row.setLong(5, i + 1);
          long rowid;
          try (ResultSet rs = row.executeQuery()) {
            rowid = rs.getLong(1);
          }
          // The bounds V1's R*Tree was given: clamped to its extent, rounded outward to floats, full extent beyond.
          box.setLong(1, rowid);
          for (int axis = 0; axis < 5; axis++) {
            double v = axis < 2 ? Math.max(-SqliteCodec.BOX_LIMIT, Math.min(SqliteCodec.BOX_LIMIT, points[i][axis]))
                : Double.NaN;
            float f = (float) v;
            box.setDouble(2 + 2 * axis, axis < 2 ? (f > v ? Math.nextDown(f) : f) : -3.0e38);
            box.setDouble(3 + 2 * axis, axis < 2 ? (f < v ? Math.nextUp(f) : f) : 3.0e38);
          }
          box.executeUpdate();
        }
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE meta SET value = " + points.length + " WHERE key = 'last_seq'");
      }
    }

    store = await(SqliteMemoryStore.open(vertx, SqliteOptions.file(old.toString())).map(s -> (MemoryStore) s));
    assertThat(rangeKeys("1.0000000001,-1", "2,1", null)).containsExactly("1.0000000001,0.0");
    assertThat(rangeKeys("1,0", "1,0", null)).containsExactly("1.0,0.0");
    assertThat(rangeKeys("-10", "10", null)).containsExactly("-5.0,2.0", "0.1,9.0", "1.0,0.0", "1.0000000001,0.0");
    assertThat(rangeKeys("1e299", "1.7976931348623157e308", null)).containsExactly("1e+300,1.0");
    assertThat(rangeKeys("-1.7976931348623157e308", "-1e299", null)).containsExactly("-1e+300,1.0");
    assertThat(rangeKeys("-10", "10", MemoryType.SEMANTIC)).containsExactly("0.1,9.0");
    assertThat(rangeKeys("0,5", "10,10", null)).containsExactly("0.1,9.0");
    // New rows sit beside the migrated ones in the same index, and the R*Tree is gone.
    put(draft("t", "1.00000000005,0"));
    put(draft("t", "-1e301,3"));
    put(draft("t", "2e300,3"));
    assertThat(rangeKeys("1,0", "1.0000000001,0", null))
        .containsExactly("1.0,0.0", "1.00000000005,0.0", "1.0000000001,0.0");
    assertThat(rangeKeys("-1.7976931348623157e308", "-1e299", null)).containsExactly("-1e+300,1.0", "-1e+301,3.0");
    assertThat(rangeKeys("1e299", "1.7976931348623157e308", null)).containsExactly("1e+300,1.0", "2e+300,3.0");
    assertThat(rangeKeys("1.5e300", "1.7976931348623157e308", null)).containsExactly("2e+300,3.0");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'memory_box%'")) {
      assertThat(rs.getInt(1)).isZero();
    }
  }

  private List<String> rangeKeys(String min, String max, MemoryType type) {
    return await(store.range("t", Coordinate.parse(min), Coordinate.parse(max), type, 100)).stream()
        .map(Memory::key).toList();
  }

  @Test
  void scanTenantSeeksTheTenantIndexWithoutSorting() throws SQLException {
    put(draft("t", "1"));
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file(dir));
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + SqliteQueries.SCAN_TENANT)) {
      ps.setString(1, "t");
      ps.setLong(2, 0);
      ps.setInt(3, 10);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(4));
        }
      }
    }
    assertThat(plan).containsExactly("SEARCH m USING INDEX memories_tenant_rowid (tenant=? AND rowid>?)");
  }

  @Test
  void getByIdsFindsEachRowThroughTheIdIndex() throws SQLException {
    put(draft("t", "1"));
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file(dir));
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + SqliteQueries.getByIds(40))) {
      // Without statistics the planner prices an IN list of 20+ ids above its guess for one tenant's rows.
      ps.setString(1, "t");
      for (int i = 0; i < 40; i++) {
        ps.setString(i + 2, "id" + i);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(4));
        }
      }
    }
    // Walking the (tenant, coord_key) index instead would read every row of the tenant per search.
    assertThat(plan).anyMatch(step -> step.matches("SEARCH m USING INDEX sqlite_autoindex_memories_\\d+ \\(id=\\?\\)"));
    assertThat(plan).noneMatch(step -> step.contains("tenant=?"));
  }

  @Test
  void inMemoryModeServesReadsAndWrites() {
    SqliteMemoryStore memory = await(SqliteMemoryStore.open(vertx, SqliteOptions.inMemory()));
    try {
      Memory m = await(memory.upsert(List.of(draft("t", "1,1")))).getFirst().memory();
      assertThat(await(memory.get("t", "1.0,1.0"))).usingRecursiveComparison().isEqualTo(m);
      assertThat(await(memory.range("t", Coordinate.of(0, 0), Coordinate.of(2, 2), null, 5))).hasSize(1);
      assertThat(await(memory.scan(0, 10)).memories()).hasSize(1);
      assertThat(memory.commits()).isEqualTo(1);
    } finally {
      await(memory.close());
    }
    SqliteMemoryStore fresh = await(SqliteMemoryStore.open(vertx, new SqliteOptions(null, 0, 0)));
    try {
      assertThat(await(fresh.get("t", "1.0,1.0"))).as("each in-memory store is private").isNull();
    } finally {
      await(fresh.close());
    }
    assertThat(Files.exists(Path.of(SqliteOptions.IN_MEMORY))).isFalse();
  }
}
