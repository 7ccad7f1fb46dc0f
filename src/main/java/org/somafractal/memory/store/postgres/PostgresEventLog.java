package org.somafractal.memory.store.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The {@code event_log} table of {@code soma consumer}: every event it processed, once per event id. Recording is
 * idempotent ({@code ON CONFLICT (event_id) DO NOTHING}), so a redelivered event is counted as a duplicate and
 * changes nothing. Opening runs the schema migrations, as the memory store does, so the consumer may start first.
 * Thread-safe.
 */
public final class PostgresEventLog {
  private static final String INSERT = "INSERT INTO event_log (event_id, tenant, memory_id, type, seq, event_at, "
      + "received_at, topic, part, \"offset\", event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      + "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";

  /** One processed event and where it was read. */
  public record Entry(UUID eventId, String tenant, UUID memoryId, String type, Long seq, long eventAt, long receivedAt,
      String topic, int partition, long offset, JsonObject event) {
  }

  private final Pool pool;
  private final long timeoutMs;

  private PostgresEventLog(Pool pool, long timeoutMs) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  /** Connects to the database at {@code url} and brings its schema up to date. */
  public static Future<PostgresEventLog> open(Vertx vertx, String url, int callTimeoutMs) {
    Pool pool;
    try {
      pool = PostgresMemoryStore.pool(vertx, PostgresMemoryStore.connectOptions(url), 2,
          PostgresOptions.DEFAULT_CONNECT_TIMEOUT_MS, callTimeoutMs);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("POSTGRES_URL: " + e.getMessage()));
    }
    long timeout = callTimeoutMs + 2_000L;
    return PostgresMigrations.apply(vertx, pool).timeout(PostgresOptions.DEFAULT_CONNECT_TIMEOUT_MS + timeout,
        TimeUnit.MILLISECONDS).map(v -> new PostgresEventLog(pool, timeout))
        .recover(e -> pool.close().transform(ignored -> Future.failedFuture(e)));
  }

  /** Records the entries in one transaction; answers how many were new (the rest were duplicates). */
  public Future<Integer> record(List<Entry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> rows = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      rows.add(Tuple.tuple().addValue(e.eventId()).addValue(e.tenant()).addValue(e.memoryId()).addValue(e.type())
          .addValue(e.seq()).addValue(e.eventAt()).addValue(e.receivedAt()).addValue(e.topic())
          .addValue(e.partition()).addValue(e.offset()).addValue(e.event()));
    }
    return pool.withTransaction(c -> c.preparedQuery(INSERT).executeBatch(rows).map(result -> {
      int inserted = 0;
      for (RowSet<Row> set = result; set != null; set = set.next()) {
        inserted += set.rowCount();
      }
      return inserted;
    })).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return pool.close();
  }
}
