package org.somafractal.memory.store.sqlite;

import static org.somafractal.memory.store.StoreValidation.validate;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryIds;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.core.TenantStats;
import org.somafractal.memory.store.MemoryStore;

/**
 * The canonical store on one SQLite file: WAL journal, {@code synchronous=FULL}, and group commit.
 *
 * <p>Writes (upsert, delete, touch) go to a queue drained by one platform thread, {@code soma-sqlite-writer}, which
 * owns the only writing connection. It takes everything pending (at most {@link SqliteOptions#maxBatch()} operations)
 * and runs it in one transaction, so N concurrent writes cost one fsync. An operation that fails is rolled back alone
 * and the rest of the batch still commits (the batch is then run again with a SAVEPOINT per operation; see
 * {@link #commitBatch}). A write future completes
 * only after COMMIT returned. The writer also hands out {@code seq}, one global counter for upserts and deletes,
 * persisted in the {@code meta} table with each commit.
 *
 * <p>Links live in the same file and go through the same writer. Deleting a memory deletes the links from and to its
 * coordinate in the same transaction, unless {@link SqliteOptions#keepDanglingLinks()} is set.
 *
 * <p>Reads run on a fixed pool of reader threads, each with its own connection; WAL lets them read the last commit
 * while the writer works. In the in-memory mode there is a single connection, so reads are queued to the writer and
 * run between its transactions.
 *
 * <p>Every future completes on the Vert.x context of the caller (captured when the method is called, and completed
 * with {@code runOnContext}); no method blocks its caller. SQLite and I/O failures reach callers as
 * {@link SomaException} of kind {@link ErrorKind#UNAVAILABLE}, and are logged with their cause.
 *
 * <p>Thread-safe: every public method may be called from any thread.
 */
public final class SqliteMemoryStore implements MemoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteMemoryStore.class);
  private static final int BUSY_TIMEOUT_MS = 10_000;
  private static final long CLOSE_TIMEOUT_S = 30;

  private final Vertx vertx;
  private final int maxBatch;
  private final boolean keepDanglingLinks;
  private final Connection writer;
  private final WriterStatements statements;
  private final ExecutorService readPool;
  private final BlockingQueue<Connection> readConnections;
  private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private final AtomicLong commits = new AtomicLong();
  private final Promise<Void> stopped = Promise.promise();
  /** Guarded by {@code this}: once set, nothing more is queued. */
  private boolean closing;
  /** The last seq handed out; owned by the writer thread. */
  private long seq;

  private SqliteMemoryStore(Vertx vertx, SqliteOptions options) throws SQLException, IOException {
    this.vertx = vertx;
    this.maxBatch = options.maxBatch();
    this.keepDanglingLinks = options.keepDanglingLinks();
    boolean memory = options.inMemoryMode();
    String url;
    if (memory) {
      url = "jdbc:sqlite::memory:";
    } else {
      Path file = Path.of(options.path()).toAbsolutePath();
      Files.createDirectories(file.getParent());
      url = "jdbc:sqlite:" + file;
    }
    List<Connection> opened = new ArrayList<>();
    try {
      writer = connect(url, memory, false);
      opened.add(writer);
      SqliteMigrations.apply(writer);
      try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery(SqliteQueries.LAST_SEQ)) {
        seq = rs.next() ? rs.getLong(1) : 0;
      }
      statements = new WriterStatements(writer);
      if (memory) {
        readPool = null;
        readConnections = null;
      } else {
        readConnections = new ArrayBlockingQueue<>(options.readThreads());
        for (int i = 0; i < options.readThreads(); i++) {
          Connection c = connect(url, false, true);
          opened.add(c);
          readConnections.add(c);
        }
        AtomicInteger n = new AtomicInteger();
        readPool = Executors.newFixedThreadPool(options.readThreads(), r -> {
          Thread t = new Thread(r, "soma-sqlite-reader-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
      }
    } catch (SQLException | IOException | RuntimeException e) {
      for (Connection c : opened) {
        closeQuietly(c);
      }
      throw e;
    }
    writerThread = new Thread(this::writeLoop, "soma-sqlite-writer");
    writerThread.start();
  }

  /**
   * Opens (creating if needed) the database and brings its schema up to date, off the event loop.
   *
   * @return the store, or a failure of kind UNAVAILABLE when the file cannot be opened or migrated
   */
  public static Future<SqliteMemoryStore> open(Vertx vertx, SqliteOptions options) {
    return vertx.executeBlocking(() -> {
      try {
        return new SqliteMemoryStore(vertx, options);
      } catch (SQLException | IOException e) {
        LOG.error("Cannot open SQLite store at {}", options.path(), e);
        throw SomaException.unavailable("The memory store cannot be opened");
      }
    }, false);
  }

  private static Connection connect(String url, boolean memory, boolean reader) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
      if (!memory) {
        st.execute("PRAGMA journal_mode = WAL");
        st.execute("PRAGMA synchronous = FULL");
      }
      if (reader) {
        st.execute("PRAGMA query_only = 1");
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  /** The audit log in this store's database, written through the same writer. */
  public AuditLog auditLog() {
    return new SqliteAuditLog(this);
  }

  /** The number of write transactions committed so far; with group commit, far fewer than the writes. */
  public long commits() {
    return commits.get();
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<MemoryDraft> copy = List.copyOf(drafts);
    return submit(true, c -> applyUpsert(copy));
  }

  @Override
  public Future<List<Removal>> delete(String tenant, List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> copy = List.copyOf(keys);
    return submit(true, c -> applyDelete(tenant, copy));
  }

  @Override
  public Future<Link> putLink(Link draft) {
    return submit(true, c -> applyPutLink(draft));
  }

  @Override
  public Future<Integer> deleteLinks(String tenant, String fromKey, String toKey, String linkType) {
    return submit(true, c -> {
      PreparedStatement ps = statements.deleteLinks;
      ps.setString(1, tenant);
      ps.setString(2, fromKey);
      ps.setString(3, toKey);
      ps.setString(4, linkType);
      ps.setString(5, linkType);
      return ps.executeUpdate();
    });
  }

  @Override
  public Future<List<Link>> links(String tenant) {
    return submit(false, c -> {
      List<Link> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.LINKS)) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                new JsonObject(rs.getString(6)), rs.getLong(7), rs.getLong(8)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> touch(String tenant, List<String> ids, long at) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> copy = List.copyOf(ids);
    return submit(true, c -> {
      applyTouch(tenant, copy, at);
      return null;
    });
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    return submit(false, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.GET)) {
        ps.setString(1, tenant);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? SqliteCodec.memory(rs) : null;
        }
      }
    });
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    return getIn(tenant, ids, SqliteQueries::getByIds);
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    return getIn(tenant, keys, SqliteQueries::getByKeys);
  }

  /** The rows of a tenant whose column matches one of {@code values}, queried in chunks of bound parameters. */
  private Future<List<Memory>> getIn(String tenant, List<String> values, IntFunction<String> query) {
    if (values.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> copy = List.copyOf(values);
    return submit(false, c -> {
      List<Memory> out = new ArrayList<>(copy.size());
      for (int from = 0; from < copy.size(); from += SqliteQueries.IDS_PER_QUERY) {
        List<String> chunk = copy.subList(from, Math.min(copy.size(), from + SqliteQueries.IDS_PER_QUERY));
        try (PreparedStatement ps = c.prepareStatement(query.apply(chunk.size()))) {
          ps.setString(1, tenant);
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(SqliteCodec.memory(rs));
            }
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    // The index bounds the first axis only: check every candidate's coordinate exactly, keep the first `limit` keys
    // (a heap, so a query over a large tenant holds `limit` candidates, not all), then read those rows.
    return submit(false, c -> {
      PriorityQueue<RangeCandidate> firstKeys = new PriorityQueue<>(Comparator.comparing(RangeCandidate::key)
          .reversed());
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.RANGE_CANDIDATES)) {
        ps.setString(1, tenant);
        ps.setDouble(2, SqliteCodec.axis0LowerBound(min.get(0)));
        ps.setDouble(3, SqliteCodec.axis0UpperBound(max.get(0)));
        if (type == null) {
          ps.setNull(4, Types.INTEGER);
          ps.setNull(5, Types.INTEGER);
        } else {
          ps.setInt(4, type.code());
          ps.setInt(5, type.code());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Coordinate coordinate = SqliteCodec.coordinate(rs.getBytes(2));
            if (!coordinate.within(min, max)) {
              continue;
            }
            String key = coordinate.key();
            if (firstKeys.size() < limit) {
              firstKeys.add(new RangeCandidate(key, rs.getLong(1)));
            } else if (key.compareTo(firstKeys.peek().key()) < 0) {
              firstKeys.poll();
              firstKeys.add(new RangeCandidate(key, rs.getLong(1)));
            }
          }
        }
      }
      List<Long> rowids = firstKeys.stream().map(RangeCandidate::rowid).toList();
      List<Memory> out = new ArrayList<>(rowids.size());
      for (int from = 0; from < rowids.size(); from += SqliteQueries.IDS_PER_QUERY) {
        List<Long> chunk = rowids.subList(from, Math.min(rowids.size(), from + SqliteQueries.IDS_PER_QUERY));
        try (PreparedStatement ps = c.prepareStatement(SqliteQueries.getByRowids(chunk.size()))) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setLong(i + 1, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(SqliteCodec.memory(rs));
            }
          }
        }
      }
      out.sort(Comparator.comparing(Memory::key));
      return out;
    });
  }

  /** A row a box query matched, by the key it is ordered by. */
  private record RangeCandidate(String key, long rowid) {
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    return submit(false, c -> {
      java.util.EnumMap<MemoryType, Long> counts = new java.util.EnumMap<>(MemoryType.class);
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.STATS)) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(MemoryType.ofCode(rs.getInt(1)), rs.getLong(2));
          }
        }
      }
      long episodic = counts.getOrDefault(MemoryType.EPISODIC, 0L);
      long semantic = counts.getOrDefault(MemoryType.SEMANTIC, 0L);
      long summary = counts.getOrDefault(MemoryType.SUMMARY, 0L);
      return new TenantStats(episodic + semantic + summary, episodic, semantic, summary);
    });
  }

  @Override
  public Future<ScanPage> scan(long after, int limit) {
    int size = Math.max(limit, 1);
    return submit(false, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.SCAN)) {
        ps.setLong(1, after);
        ps.setInt(2, size);
        return scanPage(ps, after, size);
      }
    });
  }

  @Override
  public Future<ScanPage> scanTenant(String tenant, long after, int limit) {
    int size = Math.max(limit, 1);
    return submit(false, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.SCAN_TENANT)) {
        ps.setString(1, tenant);
        ps.setLong(2, after);
        ps.setInt(3, size);
        return scanPage(ps, after, size);
      }
    });
  }

  private static ScanPage scanPage(PreparedStatement ps, long after, int size) throws SQLException {
    List<Memory> out = new ArrayList<>(Math.min(size, 1024));
    long next = after;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        next = rs.getLong(1);
        out.add(SqliteCodec.memory(rs));
      }
    }
    return new ScanPage(out, next, out.size() < size);
  }

  @Override
  public Future<Void> ping() {
    return submit(false, c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SqliteQueries.PING)) {
        rs.next();
      }
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    Context context = vertx.getOrCreateContext();
    synchronized (this) {
      if (!closing) {
        closing = true;
        queue.add(Op.STOP);
      }
    }
    Promise<Void> promise = Promise.promise();
    stopped.future().onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }

  /** One unit of SQL work against a connection; writes run inside the writer's transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** A queued operation and the context its caller is waiting on. */
  private static final class Op<T> {
    static final Op<Void> STOP = new Op<>(null, null, false, c -> null);

    final Context context;
    final Promise<T> promise;
    final boolean write;
    final Work<T> work;
    T result;
    SomaException failure;

    Op(Context context, Promise<T> promise, boolean write, Work<T> work) {
      this.context = context;
      this.promise = promise;
      this.write = write;
      this.work = work;
    }

    void execute(Connection connection) throws SQLException {
      result = work.run(connection);
    }

    void finish() {
      SomaException f = failure;
      T r = result;
      context.runOnContext(v -> {
        if (f != null) {
          promise.fail(f);
        } else {
          promise.complete(r);
        }
      });
    }
  }

  /**
   * Queues {@code work}: a write to the writer thread (its own savepoint in the next group commit), a read to the
   * reader pool. Package-private for the audit log, which shares the store's connections and transactions.
   */
  <T> Future<T> submit(boolean write, Work<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    Op<T> op = new Op<>(context, promise, write, work);
    if (write || readPool == null) {
      synchronized (this) {
        if (!closing) {
          queue.add(op);
          return promise.future();
        }
      }
      return Future.failedFuture(closedError());
    }
    if (isClosing()) {
      return Future.failedFuture(closedError());
    }
    try {
      readPool.execute(() -> runRead(op));
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(closedError());
    }
    return promise.future();
  }

  private synchronized boolean isClosing() {
    return closing;
  }

  private static SomaException closedError() {
    return SomaException.unavailable("The memory store is closed");
  }

  private void runRead(Op<?> op) {
    Connection c = null;
    try {
      c = readConnections.take();
      op.execute(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      op.failure = closedError();
    } catch (SQLException | RuntimeException e) {
      op.failure = translate(e);
    } finally {
      if (c != null) {
        readConnections.add(c);
      }
    }
    op.finish();
  }

  private void writeLoop() {
    List<Op<?>> batch = new ArrayList<>(maxBatch);
    List<Op<?>> writes = new ArrayList<>(maxBatch);
    boolean stop = false;
    while (!stop) {
      batch.clear();
      writes.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue;
      }
      queue.drainTo(batch, maxBatch - 1);
      if (batch.getLast() == Op.STOP) {
        // STOP is queued last and never followed: everything before it still runs.
        batch.removeLast();
        stop = true;
      }
      for (Op<?> op : batch) {
        if (op.write) {
          writes.add(op);
        }
      }
      try {
        if (!writes.isEmpty()) {
          commitBatch(writes);
        }
        for (Op<?> op : batch) {
          if (!op.write) {
            try {
              op.execute(writer);
            } catch (SQLException | RuntimeException e) {
              op.failure = translate(e);
            }
          }
        }
      } catch (RuntimeException | Error e) {
        LOG.error("SQLite writer failed on a batch", e);
        for (Op<?> op : batch) {
          if (op.failure == null) {
            op.failure = new SomaException(ErrorKind.INTERNAL, "The memory store failed");
          }
        }
      }
      for (Op<?> op : batch) {
        op.finish();
      }
    }
    shutdown();
  }

  /**
   * Runs a batch of writes in one transaction. It first runs them without savepoints: a savepoint makes SQLite copy
   * each page an operation first changes to a sub-journal, which cost about a fifth of a 100-row upsert, and an
   * operation rarely fails. If one does fail, that transaction is rolled back and the batch runs again with a savepoint
   * per operation, so the failing one is rolled back alone and the others commit.
   */
  private void commitBatch(List<Op<?>> writes) {
    long startSeq = seq;
    try (Statement st = writer.createStatement()) {
      if (!transaction(st, writes, false)) {
        seq = startSeq;
        transaction(st, writes, true);
      }
    } catch (SQLException e) {
      seq = startSeq;
      SomaException failure = translate(e);
      for (Op<?> op : writes) {
        op.result = null;
        op.failure = failure;
      }
    }
  }

  /**
   * One transaction over {@code writes}, committed unless it returns false: without savepoints an operation that fails
   * rolls the whole transaction back (false), except when it is the batch's only one, whose failure is then final.
   */
  private boolean transaction(Statement st, List<Op<?>> writes, boolean savepoints) throws SQLException {
    long startSeq = seq;
    st.execute(SqliteQueries.BEGIN);
    try {
      for (Op<?> op : writes) {
        long opSeq = seq;
        if (savepoints) {
          st.execute(SqliteQueries.SAVEPOINT);
        }
        try {
          op.execute(writer);
          if (savepoints) {
            st.execute(SqliteQueries.RELEASE);
          }
        } catch (SQLException | RuntimeException e) {
          if (!savepoints) {
            st.execute(SqliteQueries.ROLLBACK);
            seq = startSeq;
            for (Op<?> w : writes) {
              w.result = null;
            }
            if (writes.size() > 1) {
              return false;
            }
            op.failure = translate(e);
            return true;
          }
          // If the transaction itself is gone, ROLLBACK TO throws and the whole batch fails below.
          st.execute(SqliteQueries.ROLLBACK_TO);
          st.execute(SqliteQueries.RELEASE);
          seq = opSeq;
          op.result = null;
          op.failure = translate(e);
        }
      }
      if (seq != startSeq) {
        statements.setLastSeq.setLong(1, seq);
        statements.setLastSeq.executeUpdate();
      }
      st.execute(SqliteQueries.COMMIT);
      commits.incrementAndGet();
      return true;
    } catch (SQLException e) {
      try {
        st.execute(SqliteQueries.ROLLBACK);
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  private List<StoredMemory> applyUpsert(List<MemoryDraft> drafts) throws SQLException {
    long now = System.currentTimeMillis();
    WriterStatements s = statements;
    List<StoredMemory> out = new ArrayList<>(drafts.size());
    for (MemoryDraft d : drafts) {
      validate(d);
      String key = d.coordinate().key();
      JsonObject metadata = d.metadata() == null ? new JsonObject() : d.metadata();
      String text = d.text() == null ? "" : d.text();
      String payloadJson = d.payload().encode();
      String metadataJson = metadata.encode();
      byte[] embedding = SqliteCodec.vector(d.vector());
      long next = ++seq;
      s.findSlot.setString(1, d.tenant());
      s.findSlot.setString(2, key);
      long rowid = -1;
      String id = null;
      long createdAt = now;
      long lastAccessedAt = now;
      long accessCount = 0;
      try (ResultSet rs = s.findSlot.executeQuery()) {
        if (rs.next()) {
          rowid = rs.getLong(1);
          id = rs.getString(2);
          createdAt = rs.getLong(3);
          lastAccessedAt = rs.getLong(4);
          accessCount = rs.getLong(5);
        }
      }
      boolean created = id == null;
      if (created) {
        id = MemoryIds.next(now).toString();
        PreparedStatement ps = s.insert;
        ps.setString(1, id);
        ps.setString(2, d.tenant());
        ps.setString(3, key);
        ps.setBytes(4, SqliteCodec.coordinate(d.coordinate()));
        ps.setInt(5, d.coordinate().dimensions());
        ps.setString(6, payloadJson);
        ps.setInt(7, d.type().code());
        ps.setDouble(8, d.importance());
        ps.setString(9, metadataJson);
        ps.setString(10, text);
        ps.setBytes(11, embedding);
        ps.setString(12, d.modelId());
        ps.setLong(13, now);
        ps.setLong(14, now);
        ps.setLong(15, now);
        ps.setLong(16, next);
        ps.setDouble(17, d.coordinate().get(0));
        ps.executeUpdate();
      } else {
        PreparedStatement ps = s.update;
        ps.setString(1, payloadJson);
        ps.setInt(2, d.type().code());
        ps.setDouble(3, d.importance());
        ps.setString(4, metadataJson);
        ps.setString(5, text);
        ps.setBytes(6, embedding);
        ps.setString(7, d.modelId());
        ps.setLong(8, now);
        ps.setLong(9, next);
        ps.setLong(10, rowid);
        ps.executeUpdate();
      }
      Memory memory = new Memory(id, d.tenant(), d.coordinate(), d.payload(), d.type(), d.importance(), metadata,
          text, d.vector(), d.modelId(), createdAt, now, lastAccessedAt, accessCount, next);
      out.add(new StoredMemory(memory, created));
    }
    return out;
  }

  private Link applyPutLink(Link d) throws SQLException {
    validate(d);
    WriterStatements s = statements;
    s.memoryExists.setString(1, d.tenant());
    s.memoryExists.setString(2, d.fromKey());
    try (ResultSet rs = s.memoryExists.executeQuery()) {
      if (!rs.next()) {
        throw SomaException.notFound("No memory at from_coord " + d.fromKey() + ": a link starts at a stored memory");
      }
    }
    long now = System.currentTimeMillis();
    JsonObject metadata = d.metadata() == null ? new JsonObject() : d.metadata();
    PreparedStatement ps = s.putLink;
    ps.setString(1, d.tenant());
    ps.setString(2, d.fromKey());
    ps.setString(3, d.toKey());
    ps.setString(4, d.linkType());
    ps.setDouble(5, d.strength());
    ps.setString(6, metadata.encode());
    ps.setLong(7, now);
    ps.setLong(8, now);
    long createdAt;
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      createdAt = rs.getLong(1);
    }
    return new Link(d.tenant(), d.fromKey(), d.toKey(), d.linkType(), d.strength(), metadata, createdAt, now);
  }

  private List<Removal> applyDelete(String tenant, List<String> keys) throws SQLException {
    WriterStatements s = statements;
    List<Removal> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      s.findForDelete.setString(1, tenant);
      s.findForDelete.setString(2, key);
      long rowid;
      String id;
      try (ResultSet rs = s.findForDelete.executeQuery()) {
        if (!rs.next()) {
          continue;
        }
        rowid = rs.getLong(1);
        id = rs.getString(2);
      }
      s.delete.setLong(1, rowid);
      s.delete.executeUpdate();
      if (!keepDanglingLinks) {
        for (PreparedStatement links : List.of(s.deleteLinksFrom, s.deleteLinksTo)) {
          links.setString(1, tenant);
          links.setString(2, key);
          links.executeUpdate();
        }
      }
      out.add(new Removal(tenant, id, key, ++seq));
    }
    return out;
  }

  private void applyTouch(String tenant, List<String> ids, long at) throws SQLException {
    PreparedStatement ps = statements.touch;
    for (String id : ids) {
      ps.setLong(1, at);
      ps.setString(2, tenant);
      ps.setString(3, id);
      ps.executeUpdate();
    }
  }

  private static SomaException translate(Exception e) {
    if (e instanceof SomaException soma) {
      return soma;
    }
    if (e instanceof SQLException) {
      LOG.error("SQLite store operation failed", e);
      return SomaException.unavailable("The memory store is unavailable");
    }
    LOG.error("SQLite store operation failed unexpectedly", e);
    return new SomaException(ErrorKind.INTERNAL, "The memory store failed");
  }

  private void shutdown() {
    if (readPool != null) {
      readPool.shutdown();
      try {
        if (!readPool.awaitTermination(CLOSE_TIMEOUT_S, TimeUnit.SECONDS)) {
          LOG.warn("SQLite readers did not finish within {} s", CLOSE_TIMEOUT_S);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Connection c : readConnections) {
        closeQuietly(c);
      }
    }
    statements.close();
    closeQuietly(writer);
    stopped.complete();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing a SQLite resource failed", e);
    }
  }

  /** The writer connection's prepared statements; used only by the writer thread. */
  private static final class WriterStatements {
    final PreparedStatement findSlot;
    final PreparedStatement insert;
    final PreparedStatement update;
    final PreparedStatement findForDelete;
    final PreparedStatement delete;
    final PreparedStatement touch;
    final PreparedStatement setLastSeq;
    final PreparedStatement memoryExists;
    final PreparedStatement putLink;
    final PreparedStatement deleteLinks;
    final PreparedStatement deleteLinksFrom;
    final PreparedStatement deleteLinksTo;

    WriterStatements(Connection c) throws SQLException {
      findSlot = c.prepareStatement(SqliteQueries.FIND_SLOT);
      insert = c.prepareStatement(SqliteQueries.INSERT);
      update = c.prepareStatement(SqliteQueries.UPDATE);
      findForDelete = c.prepareStatement(SqliteQueries.FIND_FOR_DELETE);
      delete = c.prepareStatement(SqliteQueries.DELETE);
      touch = c.prepareStatement(SqliteQueries.TOUCH);
      setLastSeq = c.prepareStatement(SqliteQueries.SET_LAST_SEQ);
      memoryExists = c.prepareStatement(SqliteQueries.MEMORY_EXISTS);
      putLink = c.prepareStatement(SqliteQueries.PUT_LINK);
      deleteLinks = c.prepareStatement(SqliteQueries.DELETE_LINKS);
      deleteLinksFrom = c.prepareStatement(SqliteQueries.DELETE_LINKS_FROM);
      deleteLinksTo = c.prepareStatement(SqliteQueries.DELETE_LINKS_TO);
    }

    void close() {
      for (PreparedStatement ps : List.of(findSlot, insert, update, findForDelete, delete, touch,
          setLastSeq, memoryExists, putLink, deleteLinks, deleteLinksFrom, deleteLinksTo)) {
        closeQuietly(ps);
      }
    }
  }
}
