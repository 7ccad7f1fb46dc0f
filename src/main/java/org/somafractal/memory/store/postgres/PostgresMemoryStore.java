package org.somafractal.memory.store.postgres;

import static org.somafractal.memory.store.StoreValidation.validate;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
 * The canonical store on PostgreSQL, through the reactive vertx-pg-client: a connection {@link Pool} (pipelined,
 * prepared statements cached per connection), no blocking call and no thread of its own.
 *
 * <p>Writes (upsert, delete, touch, links) go to a queue and are group-committed: one batch at a time takes
 * everything pending (at most {@link PostgresOptions#maxBatch()} operations) and runs it in one transaction on one
 * connection, each operation inside its own SAVEPOINT so that a failing operation is rolled back alone while the
 * rest commits; so N concurrent writes cost one commit, and the writes of one caller apply in the order it issued
 * them. A write future completes only after COMMIT returned. Every upsert and delete writes its {@code outbox} row in
 * the same statement, hence the same transaction. {@code seq} comes from the database sequence {@code memory_seq}, one
 * {@code nextval} per upserted or deleted memory, so it increases across every node sharing the database.
 *
 * <p>Reads run directly on the pool, concurrently. Every call has a timeout (the pool's connect and wait timeout,
 * and {@link PostgresOptions#queryTimeoutMs()} both on the client and as the server's {@code statement_timeout}).
 *
 * <p>Every future completes on the Vert.x context of the caller. Connection failures, timeouts and other database
 * errors reach callers as {@link SomaException} of kind {@link ErrorKind#UNAVAILABLE} (a value PostgreSQL refuses,
 * such as a NUL character in JSON, as {@link ErrorKind#INVALID}), with a message free of SQL; the cause is logged.
 *
 * <p>Scan positions: {@code pos} is assigned at insert; a transaction of another node that commits later with a lower
 * {@code pos} can be missed by a scan already past it. On one node the single writer commits in {@code pos} order.
 *
 * <p>Thread-safe: every public method may be called from any thread.
 */
public final class PostgresMemoryStore implements MemoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresMemoryStore.class);
  /** The client-side timeout leaves the server's statement_timeout room to cancel first, with a clean error. */
  private static final long CLIENT_TIMEOUT_MARGIN_MS = 2_000;
  private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);
  private static final AtomicLong suppressedFailures = new AtomicLong();

  private final Vertx vertx;
  private final Pool pool;
  private final PostgresOptions options;
  private final long timeoutMs;
  private final String deleteSql;
  private final AtomicLong commits = new AtomicLong();
  /** Guarded by {@code this}: writes waiting for the next batch. */
  private final ArrayDeque<WriteOp<?>> pending = new ArrayDeque<>();
  /** Completed once closing and the last batch has finished. */
  private final Promise<Void> drained = Promise.promise();
  /** Guarded by {@code this}: whether a batch is running or scheduled. */
  private boolean writing;
  /** Guarded by {@code this}: once set, no more work is accepted. */
  private boolean closing;
  /** Guarded by {@code this}: the close in progress, so that close is idempotent. */
  private Future<Void> closed;

  private PostgresMemoryStore(Vertx vertx, Pool pool, PostgresOptions options) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
    this.timeoutMs = options.queryTimeoutMs() + CLIENT_TIMEOUT_MARGIN_MS;
    this.deleteSql = options.keepDanglingLinks() ? PostgresQueries.DELETE_KEEP_LINKS : PostgresQueries.DELETE_WITH_LINKS;
  }

  /**
   * The connect options of a {@code postgresql://user:password@host:port/database} URI.
   *
   * @throws IllegalArgumentException when the URI is missing or not such a URI; the message never repeats it
   */
  public static PgConnectOptions connectOptions(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no PostgreSQL URI given");
    }
    try {
      return PgConnectOptions.fromUri(url.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a postgresql://user:password@host:port/database URI");
    }
  }

  /**
   * A pool of pipelined connections with cached prepared statements, a connect and pool-wait timeout, and
   * {@code queryTimeoutMs} as the server's {@code statement_timeout}: the one way this package connects.
   */
  static Pool pool(Vertx vertx, PgConnectOptions connect, int size, int connectTimeoutMs, int queryTimeoutMs) {
    connect.setCachePreparedStatements(true)
        .addProperty("statement_timeout", Integer.toString(queryTimeoutMs))
        .addProperty("application_name", "soma-fractal-memory");
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size)
            .setConnectionTimeout(connectTimeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout(connectTimeoutMs))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /**
   * Connects and brings the schema up to date (see {@code PostgresMigrations}).
   *
   * @return the store, or a failure of kind UNAVAILABLE when the database cannot be reached or migrated, INVALID
   *     when the URI is unusable
   */
  public static Future<PostgresMemoryStore> open(Vertx vertx, PostgresOptions options) {
    Context context = vertx.getOrCreateContext();
    PgConnectOptions connect;
    try {
      connect = connectOptions(options.url());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(SomaException.invalid("POSTGRES_URL: " + e.getMessage()));
    }
    Pool pool = pool(vertx, connect, options.poolSize(), options.connectTimeoutMs(), options.queryTimeoutMs());
    PostgresMemoryStore store = new PostgresMemoryStore(vertx, pool, options);
    Future<PostgresMemoryStore> opened = PostgresMigrations.apply(vertx, pool)
        .timeout(options.connectTimeoutMs() + store.timeoutMs, TimeUnit.MILLISECONDS)
        .map(version -> {
          LOG.info("PostgreSQL store open at {}:{}/{} (schema version {}, pool of {})", connect.getHost(),
              connect.getPort(), connect.getDatabase(), version, options.poolSize());
          return store;
        })
        .recover(e -> {
          SomaException failure = e instanceof SomaException soma ? soma
              : SomaException.unavailable("The memory store cannot be opened");
          LOG.error("Cannot open the PostgreSQL store at {}:{}/{}", connect.getHost(), connect.getPort(),
              connect.getDatabase(), e);
          return pool.close().transform(ignored -> Future.failedFuture(failure));
        });
    return onContext(context, opened);
  }

  /** The audit log in this store's database, written through the same group commit. */
  public AuditLog auditLog() {
    return new PostgresAuditLog(this);
  }

  /** The number of write transactions committed so far; with group commit, far fewer than the writes. */
  public long commits() {
    return commits.get();
  }

  /** The number of outbox rows, sent or not: what a relay has yet to clear. */
  public Future<Long> outboxSize() {
    return read(PostgresQueries.OUTBOX_SIZE, Tuple.tuple(), rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<MemoryDraft> copy = List.copyOf(drafts);
    return write(c -> applyUpsert(c, copy));
  }

  @Override
  public Future<List<Removal>> delete(String tenant, List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> copy = List.copyOf(keys);
    return write(c -> applyDelete(c, tenant, copy));
  }

  @Override
  public Future<Void> touch(String tenant, List<String> ids, long at) {
    List<Tuple> rows = new ArrayList<>(ids.size());
    for (String id : ids) {
      UUID uuid = uuid(id);
      if (uuid != null) {
        rows.add(Tuple.of(at, tenant, uuid));
      }
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return write(c -> c.preparedQuery(PostgresQueries.TOUCH).executeBatch(rows).mapEmpty());
  }

  @Override
  public Future<Link> putLink(Link draft) {
    return write(c -> applyPutLink(c, draft));
  }

  @Override
  public Future<Integer> deleteLinks(String tenant, String fromKey, String toKey, String linkType) {
    return write(c -> c.preparedQuery(PostgresQueries.DELETE_LINKS)
        .execute(Tuple.of(tenant, fromKey, toKey, linkType, System.currentTimeMillis(), options.origin()))
        .map(rows -> rows.iterator().next().getLong(0).intValue()));
  }

  @Override
  public Future<List<Link>> links(String tenant) {
    return read(PostgresQueries.LINKS, Tuple.of(tenant), rows -> {
      List<Link> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Link(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getDouble(4),
            r.getJsonObject(5), r.getLong(6), r.getLong(7)));
      }
      return out;
    });
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    return read(PostgresQueries.GET, Tuple.of(tenant, key), rows -> {
      var it = rows.iterator();
      return it.hasNext() ? PostgresCodec.memory(it.next()) : null;
    });
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    List<UUID> uuids = new ArrayList<>(ids.size());
    for (String id : ids) {
      UUID uuid = uuid(id);
      if (uuid != null) {
        uuids.add(uuid);
      }
    }
    if (uuids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // addValue, not Tuple.of: Tuple.of's varargs would spread the array into separate parameters.
    Tuple args = Tuple.tuple().addValue(tenant).addValue(uuids.toArray(new UUID[0]));
    return read(PostgresQueries.GET_BY_IDS, args, PostgresMemoryStore::memories);
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple args = Tuple.tuple().addValue(tenant).addValue(keys.toArray(new String[0]));
    return read(PostgresQueries.GET_BY_KEYS, args, PostgresMemoryStore::memories);
  }

  @Override
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    if (limit <= 0 || PostgresCodec.emptyBox(min, max)) {
      return Future.succeededFuture(List.of());
    }
    Context context = vertx.getOrCreateContext();
    if (isClosing()) {
      return Future.failedFuture(closedError());
    }
    // The index filters on five clamped axes only, so a page may hold rows the exact check rejects; keep paging by
    // key until the limit is met or the candidates run out.
    int page = Math.max(limit, 64);
    Short code = type == null ? null : (short) type.code();
    Double[] lower = PostgresCodec.queryLower(min, max);
    Double[] upper = PostgresCodec.queryUpper(min, max);
    List<Memory> out = new ArrayList<>(Math.min(limit, 1024));
    Function<String, Future<RowSet<Row>>> fetch = after -> pool.preparedQuery(PostgresQueries.RANGE)
        .execute(Tuple.tuple().addValue(lower).addValue(upper).addValue(tenant).addValue(code).addValue(after)
            .addValue(page));
    return onContext(context, rangePages(fetch, "", min, max, limit, page, out)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS));
  }

  private static Future<List<Memory>> rangePages(Function<String, Future<RowSet<Row>>> fetch, String after,
      Coordinate min, Coordinate max, int limit, int page, List<Memory> out) {
    return fetch.apply(after).compose(rows -> {
      String last = after;
      for (Row row : rows) {
        Memory m = PostgresCodec.memory(row);
        last = m.key();
        if (m.coordinate().within(min, max)) {
          out.add(m);
          if (out.size() == limit) {
            return Future.succeededFuture(out);
          }
        }
      }
      return rows.size() < page ? Future.succeededFuture(out) : rangePages(fetch, last, min, max, limit, page, out);
    });
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    return read(PostgresQueries.STATS, Tuple.of(tenant), rows -> {
      EnumMap<MemoryType, Long> counts = new EnumMap<>(MemoryType.class);
      for (Row r : rows) {
        counts.put(MemoryType.ofCode(r.getShort(0)), r.getLong(1));
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
    return read(PostgresQueries.SCAN, Tuple.of(after, size), rows -> scanPage(rows, after, size));
  }

  @Override
  public Future<ScanPage> scanTenant(String tenant, long after, int limit) {
    int size = Math.max(limit, 1);
    return read(PostgresQueries.SCAN_TENANT, Tuple.of(tenant, after, size), rows -> scanPage(rows, after, size));
  }

  private static ScanPage scanPage(RowSet<Row> rows, long after, int size) {
    List<Memory> out = new ArrayList<>(rows.size());
    long next = after;
    for (Row row : rows) {
      next = row.getLong(0);
      out.add(PostgresCodec.memory(row));
    }
    return new ScanPage(out, next, out.size() < size);
  }

  private static List<Memory> memories(RowSet<Row> rows) {
    List<Memory> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(PostgresCodec.memory(row));
    }
    return out;
  }

  @Override
  public Future<Void> ping() {
    return read(PostgresQueries.PING, Tuple.tuple(), rows -> null);
  }

  @Override
  public Future<Void> close() {
    Context context = vertx.getOrCreateContext();
    Future<Void> result;
    synchronized (this) {
      if (closed == null) {
        closing = true;
        if (!writing) {
          drained.tryComplete();
        }
        closed = drained.future().compose(v -> pool.close());
      }
      result = closed;
    }
    return onContext(context, result);
  }

  private synchronized boolean isClosing() {
    return closing;
  }

  private static SomaException closedError() {
    return SomaException.unavailable("The memory store is closed");
  }

  /**
   * Runs one read statement on the pool, with the timeout, completing on the caller's context. Package-private for
   * the audit log, which shares the pool.
   */
  <T> Future<T> read(String sql, Tuple args, Function<RowSet<Row>, T> mapper) {
    Context context = vertx.getOrCreateContext();
    if (isClosing()) {
      return Future.failedFuture(closedError());
    }
    return onContext(context, pool.preparedQuery(sql).execute(args).map(mapper)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS));
  }

  /** Completes on {@code context} what {@code future} completes with, failures translated. */
  static <T> Future<T> onContext(Context context, Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      Throwable cause = ar.failed() ? translate(ar.cause()) : null;
      if (Vertx.currentContext() == context) {
        complete(promise, ar.result(), cause);
      } else {
        context.runOnContext(v -> complete(promise, ar.result(), cause));
      }
    });
    return promise.future();
  }

  private static <T> void complete(Promise<T> promise, T result, Throwable cause) {
    if (cause != null) {
      promise.fail(cause);
    } else {
      promise.complete(result);
    }
  }

  /** One unit of SQL work of a write batch, on the batch's connection inside its transaction. */
  @FunctionalInterface
  interface Work<T> {
    Future<T> run(SqlConnection connection);
  }

  /** A queued write and the context its caller is waiting on. */
  private static final class WriteOp<T> {
    final Context context;
    final Promise<T> promise = Promise.promise();
    final Work<T> work;
    T result;
    SomaException failure;

    WriteOp(Context context, Work<T> work) {
      this.context = context;
      this.work = work;
    }

    Future<Void> execute(SqlConnection connection) {
      Future<T> run;
      try {
        run = work.run(connection);
      } catch (RuntimeException e) {
        run = Future.failedFuture(e);
      }
      return run.map(r -> {
        result = r;
        return null;
      });
    }

    void fail(SomaException e) {
      result = null;
      failure = e;
    }

    void finish() {
      SomaException f = failure;
      T r = result;
      context.runOnContext(v -> complete(promise, r, f));
    }
  }

  /** Queues {@code work} for the next group-committed batch. Package-private for the audit log. */
  <T> Future<T> write(Work<T> work) {
    WriteOp<T> op = new WriteOp<>(vertx.getOrCreateContext(), work);
    boolean start;
    synchronized (this) {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      pending.add(op);
      start = !writing;
      writing = true;
    }
    if (start) {
      // Deferred to the next turn of the loop: writes issued in this turn all join the first batch.
      op.context.runOnContext(v -> drain());
    }
    return op.promise.future();
  }

  private void drain() {
    List<WriteOp<?>> batch;
    synchronized (this) {
      if (pending.isEmpty()) {
        writing = false;
        if (closing) {
          drained.tryComplete();
        }
        return;
      }
      batch = new ArrayList<>(Math.min(pending.size(), options.maxBatch()));
      while (!pending.isEmpty() && batch.size() < options.maxBatch()) {
        batch.add(pending.poll());
      }
    }
    runBatch(batch).onComplete(ar -> {
      for (WriteOp<?> op : batch) {
        op.finish();
      }
      drain();
    });
  }

  /** Runs a batch in one transaction; always succeeds, leaving each operation's outcome in the operation. */
  private Future<Void> runBatch(List<WriteOp<?>> batch) {
    Future<Void> committed = pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> runOps(conn, batch, 0).compose(v -> tx.commit()))
        .eventually(conn::close))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    return committed.transform(ar -> {
      if (ar.succeeded()) {
        commits.incrementAndGet();
      } else {
        SomaException failure = translate(ar.cause());
        for (WriteOp<?> op : batch) {
          if (op.failure == null) {
            op.fail(failure);
          }
        }
      }
      return Future.succeededFuture();
    });
  }

  private static Future<Void> runOps(SqlConnection conn, List<WriteOp<?>> batch, int index) {
    if (index == batch.size()) {
      return Future.succeededFuture();
    }
    WriteOp<?> op = batch.get(index);
    if (batch.size() == 1) {
      // Alone in its transaction: the transaction is the unit, no savepoint needed.
      return op.execute(conn).onFailure(e -> op.fail(translate(e)));
    }
    return conn.query(PostgresQueries.SAVEPOINT).execute()
        .compose(r -> op.execute(conn))
        .transform(ar -> {
          if (ar.succeeded()) {
            return conn.query(PostgresQueries.RELEASE).execute();
          }
          op.fail(translate(ar.cause()));
          // If the transaction itself is gone, ROLLBACK TO fails and the whole batch fails with it.
          return conn.query(PostgresQueries.ROLLBACK_TO).execute()
              .compose(r -> conn.query(PostgresQueries.RELEASE).execute());
        })
        .compose(r -> runOps(conn, batch, index + 1));
  }

  private Future<List<StoredMemory>> applyUpsert(SqlConnection c, List<MemoryDraft> drafts) {
    for (MemoryDraft d : drafts) {
      validate(d);
    }
    long now = System.currentTimeMillis();
    List<Tuple> rows = new ArrayList<>(drafts.size());
    for (MemoryDraft d : drafts) {
      rows.add(Tuple.tuple()
          .addValue(MemoryIds.next(now))
          .addValue(d.tenant())
          .addValue(d.coordinate().key())
          .addValue(PostgresCodec.coordinate(d.coordinate()))
          .addValue(PostgresCodec.pointLower(d.coordinate()))
          .addValue(PostgresCodec.pointUpper(d.coordinate()))
          .addValue(d.payload())
          .addValue((short) d.type().code())
          .addValue(d.importance())
          .addValue(PostgresCodec.json(d.metadata()))
          .addValue(d.text() == null ? "" : d.text())
          .addValue(PostgresCodec.vector(d.vector()))
          .addValue(d.modelId())
          .addValue(now)
          .addValue(options.origin()));
    }
    return c.preparedQuery(PostgresQueries.UPSERT).executeBatch(rows).map(result -> {
      List<StoredMemory> out = new ArrayList<>(drafts.size());
      RowSet<Row> set = result;
      for (MemoryDraft d : drafts) {
        Row r = set.iterator().next();
        JsonObject metadata = PostgresCodec.json(d.metadata());
        Memory memory = new Memory(r.getUUID(0).toString(), d.tenant(), d.coordinate(), d.payload(), d.type(),
            d.importance(), metadata, d.text() == null ? "" : d.text(), d.vector(), d.modelId(), r.getLong(1), now,
            r.getLong(2), r.getLong(3), r.getLong(4));
        out.add(new StoredMemory(memory, r.getBoolean(5)));
        set = set.next();
      }
      return out;
    });
  }

  private Future<List<Removal>> applyDelete(SqlConnection c, String tenant, List<String> keys) {
    long now = System.currentTimeMillis();
    List<Tuple> rows = new ArrayList<>(keys.size());
    for (String key : keys) {
      rows.add(Tuple.of(tenant, key, now, options.origin()));
    }
    return c.preparedQuery(deleteSql).executeBatch(rows).map(result -> {
      List<Removal> out = new ArrayList<>(keys.size());
      RowSet<Row> set = result;
      for (String key : keys) {
        for (Row r : set) {
          out.add(new Removal(tenant, r.getUUID(0).toString(), key, r.getLong(1)));
        }
        set = set.next();
      }
      return out;
    });
  }

  private Future<Link> applyPutLink(SqlConnection c, Link d) {
    validate(d);
    long now = System.currentTimeMillis();
    JsonObject metadata = PostgresCodec.json(d.metadata());
    return c.preparedQuery(PostgresQueries.PUT_LINK)
        .execute(Tuple.of(d.tenant(), d.fromKey(), d.toKey(), d.linkType(), d.strength(), metadata, now,
            options.origin()))
        .compose(rows -> {
          var it = rows.iterator();
          if (!it.hasNext()) {
            return Future.failedFuture(SomaException.notFound("No memory at from_coord " + d.fromKey()
                + ": a link starts at a stored memory"));
          }
          long createdAt = it.next().getLong(0);
          return Future.succeededFuture(new Link(d.tenant(), d.fromKey(), d.toKey(), d.linkType(), d.strength(),
              metadata, createdAt, now));
        });
  }

  /** The UUID an id names, or {@code null} for a string no stored memory can have as its id. */
  private static UUID uuid(String id) {
    if (id == null || id.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The client-facing form of a failure: never a raw driver exception, never SQL in the message. */
  static SomaException translate(Throwable e) {
    if (e instanceof SomaException soma) {
      return soma;
    }
    if (e instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // Class 22, data exception: a value PostgreSQL cannot hold (e.g. \u0000 in jsonb); retrying will not help.
      LOG.warn("PostgreSQL refused a value: {} ({})", pg.getErrorMessage(), pg.getSqlState());
      return SomaException.invalid("A value cannot be stored: " + pg.getErrorMessage());
    }
    logUnavailable(e);
    return SomaException.unavailable("The memory store is unavailable");
  }

  /**
   * Logs a backend failure with its stack trace at most once per {@link #FAILURE_LOG_INTERVAL_NANOS}, counting the
   * others: while PostgreSQL is down every request fails the same way, and one line per request would bury the log.
   */
  private static void logUnavailable(Throwable e) {
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
      long more = suppressedFailures.getAndSet(0);
      LOG.error("PostgreSQL store operation failed{}", more == 0 ? ""
          : " (" + more + " more failures since the last report)", e);
    } else {
      suppressedFailures.incrementAndGet();
    }
  }
}
