package org.somafractal.memory.store.postgres;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The relay's side of the {@code outbox} table that {@link PostgresMemoryStore} writes: claim a batch of unsent rows,
 * mark them published (or dead-lettered) once Kafka has acknowledged them, sample the backlog, purge old published
 * rows. It has a small pool of its own, so a slow relay never takes connections from the memory store.
 *
 * <p>One node relays at a time: each batch runs in a transaction that first takes a transaction-scoped advisory
 * lock ({@code pg_try_advisory_xact_lock}); a node that does not get it skips the turn. So several nodes never publish
 * the same row in the normal case, rows go out in id order (which is commit order for the rows of one memory, whose
 * row lock serialises its writers), and when the relaying node dies its lock goes with its connection and another
 * node takes over at its next turn. A batch whose publishing fails or times out rolls back: its rows stay unsent and
 * are published again (at least once; consumers drop copies by event id).
 *
 * <p>Thread-safe; every future completes on the caller's context. Failures are passed as they come (the driver's,
 * Kafka's or a timeout): the relay is their only caller and logs them without SQL.
 */
public final class PostgresOutbox {
  /** The advisory lock of the relay ("SOMARELY" in ASCII), distinct from the migration lock. */
  static final long RELAY_LOCK = 0x534F4D4152454C59L;
  private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(" + RELAY_LOCK + ")";
  private static final String CLAIM = "SELECT id, event_id, event FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1";
  private static final String MARK_SENT = "UPDATE outbox SET sent_at = $1 WHERE id = ANY($2)";
  private static final String MARK_DEAD = "UPDATE outbox SET sent_at = $1, error = $2 WHERE id = $3";
  private static final String BACKLOG = "SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL";
  private static final String PURGE = "DELETE FROM outbox WHERE id IN "
      + "(SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1 LIMIT $2)";

  /** One unsent row: its id (the publishing order), its event id and the event as the store wrote it. */
  public record Row(long id, UUID eventId, JsonObject event) {
  }

  /**
   * What a publisher did with a batch: the ids Kafka acknowledged on the topic, and the ids it sent to the
   * dead-letter topic with the reason.
   */
  public record Outcome(List<Long> published, Map<Long, String> deadLettered) {
  }

  /**
   * The unsent rows.
   *
   * @param oldestCreatedAt epoch ms of the oldest unsent row, or {@code null} when there is none
   */
  public record Backlog(long unsent, Long oldestCreatedAt) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final long timeoutMs;

  private PostgresOutbox(Vertx vertx, Pool pool, long timeoutMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  /**
   * A relay's handle on the outbox of the database at {@code url}; connects lazily (the memory store has created the
   * table). {@code callTimeoutMs} bounds each statement.
   */
  public static PostgresOutbox create(Vertx vertx, String url, int callTimeoutMs) {
    Pool pool = PostgresMemoryStore.pool(vertx, PostgresMemoryStore.connectOptions(url), 2,
        PostgresOptions.DEFAULT_CONNECT_TIMEOUT_MS, callTimeoutMs);
    return new PostgresOutbox(vertx, pool, callTimeoutMs + 2_000L);
  }

  /**
   * Publishes one batch of at most {@code limit} unsent rows, oldest first, through {@code publish}, and marks what
   * it reports, all in one transaction under the relay lock.
   *
   * @param publishTimeoutMs how long {@code publish} may take before the batch is abandoned (and rolled back)
   * @return the number of rows marked, or -1 when another node holds the relay lock
   */
  public Future<Integer> relay(int limit, long publishTimeoutMs, Function<List<Row>, Future<Outcome>> publish) {
    Context context = vertx.getOrCreateContext();
    Future<Integer> done = pool.withTransaction(c -> c.query(TRY_LOCK).execute().compose(locked -> {
      if (!locked.iterator().next().getBoolean(0)) {
        return Future.succeededFuture(-1);
      }
      return c.preparedQuery(CLAIM).execute(Tuple.of(limit)).compose(rows -> {
        List<Row> batch = new ArrayList<>(rows.size());
        for (io.vertx.sqlclient.Row r : rows) {
          batch.add(new Row(r.getLong(0), r.getUUID(1), r.getJsonObject(2)));
        }
        if (batch.isEmpty()) {
          return Future.succeededFuture(0);
        }
        Future<Outcome> published;
        try {
          published = publish.apply(batch);
        } catch (RuntimeException e) {
          published = Future.failedFuture(e);
        }
        return published.timeout(publishTimeoutMs, TimeUnit.MILLISECONDS).compose(outcome -> mark(c, outcome));
      });
    })).timeout(publishTimeoutMs + 2 * timeoutMs, TimeUnit.MILLISECONDS);
    return onContext(context, done);
  }

  private static Future<Integer> mark(SqlConnection c, Outcome outcome) {
    long now = System.currentTimeMillis();
    Future<Void> sent = outcome.published().isEmpty() ? Future.succeededFuture()
        : c.preparedQuery(MARK_SENT)
            // addValue, not Tuple.of: Tuple.of's varargs would spread the array into separate parameters.
            .execute(Tuple.tuple().addValue(now).addValue(outcome.published().toArray(new Long[0]))).mapEmpty();
    return sent.compose(v -> {
      if (outcome.deadLettered().isEmpty()) {
        return Future.succeededFuture();
      }
      List<Tuple> dead = new ArrayList<>();
      outcome.deadLettered().forEach((id, error) -> dead.add(Tuple.of(now, error, id)));
      return c.preparedQuery(MARK_DEAD).executeBatch(dead).mapEmpty();
    }).map(v -> outcome.published().size() + outcome.deadLettered().size());
  }

  /** How many rows wait, and since when. */
  public Future<Backlog> backlog() {
    Context context = vertx.getOrCreateContext();
    return onContext(context, pool.query(BACKLOG).execute()
        .map(rows -> {
          io.vertx.sqlclient.Row r = rows.iterator().next();
          return new Backlog(r.getLong(0), r.getLong(1));
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS));
  }

  /** Deletes at most {@code limit} rows published before {@code sentBefore} (epoch ms); answers how many went. */
  public Future<Integer> purge(long sentBefore, int limit) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, pool.preparedQuery(PURGE).execute(Tuple.of(sentBefore, limit))
        .map(rows -> rows.rowCount())
        .timeout(timeoutMs, TimeUnit.MILLISECONDS));
  }

  public Future<Void> close() {
    return pool.close();
  }

  /**
   * Completes on {@code context}; failures pass unchanged, since the relay reports Kafka and database failures itself
   * (once per outage, not once per attempt).
   */
  private static <T> Future<T> onContext(Context context, Future<T> future) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
