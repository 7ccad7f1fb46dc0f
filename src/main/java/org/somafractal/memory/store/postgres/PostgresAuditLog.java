package org.somafractal.memory.store.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.somafractal.memory.audit.AuditAction;
import org.somafractal.memory.audit.AuditEntry;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditPage;
import org.somafractal.memory.audit.AuditQuery;

/**
 * The audit log in the PostgreSQL store's database (table {@code audit_log}, migration V3): appends join the store's
 * group-committed write batches, queries run on its pool. Thread-safe.
 */
final class PostgresAuditLog implements AuditLog {
  private final PostgresMemoryStore store;

  PostgresAuditLog(PostgresMemoryStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(entries.size());
    for (AuditEntry e : entries) {
      rows.add(Tuple.of(e.at(), e.tenant(), e.credential(), e.route(), e.action().wire(), e.status(), e.target()));
    }
    return store.write(c -> c.preparedQuery(PostgresQueries.AUDIT_INSERT).executeBatch(rows).mapEmpty());
  }

  @Override
  public Future<AuditPage> query(AuditQuery q) {
    Tuple args = q.tenant() == null ? Tuple.of(q.since(), q.until(), q.before(), q.limit() + 1)
        : Tuple.of(q.tenant(), q.since(), q.until(), q.before(), q.limit() + 1);
    return store.read(q.tenant() == null ? PostgresQueries.AUDIT_PAGE : PostgresQueries.AUDIT_TENANT_PAGE, args,
        rows -> {
          List<AuditEntry> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new AuditEntry(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                AuditAction.valueOf(r.getString(5).toUpperCase(Locale.ROOT)), r.getInteger(6), r.getJsonObject(7)));
          }
          return AuditPage.of(out, q.limit());
        });
  }

  @Override
  public Future<Long> purgeBefore(long at) {
    return purgeFrom(at, 0);
  }

  /** One chunk per statement, so memory writes interleave with a long purge. */
  private Future<Long> purgeFrom(long at, long deletedSoFar) {
    return store.write(c -> c.preparedQuery(PostgresQueries.AUDIT_PURGE).execute(Tuple.of(at)).map(r -> r.rowCount()))
        .compose(n -> n < PostgresQueries.AUDIT_PURGE_CHUNK ? Future.succeededFuture(deletedSoFar + n)
            : purgeFrom(at, deletedSoFar + n));
  }
}
