package org.somafractal.memory.store.sqlite;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.somafractal.memory.audit.AuditAction;
import org.somafractal.memory.audit.AuditEntry;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditPage;
import org.somafractal.memory.audit.AuditQuery;

/**
 * The audit log in the SQLite store's file (table {@code audit_log}, migration V5): appends go through the store's
 * one writer, each append one savepoint of the next group commit; queries run on its readers. Thread-safe.
 */
final class SqliteAuditLog implements AuditLog {
  private final SqliteMemoryStore store;

  SqliteAuditLog(SqliteMemoryStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<AuditEntry> copy = List.copyOf(entries);
    return store.submit(true, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.AUDIT_INSERT)) {
        for (AuditEntry e : copy) {
          ps.setLong(1, e.at());
          ps.setString(2, e.tenant());
          ps.setString(3, e.credential());
          ps.setString(4, e.route());
          ps.setString(5, e.action().wire());
          ps.setInt(6, e.status());
          ps.setString(7, e.target().encode());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Future<AuditPage> query(AuditQuery q) {
    return store.submit(false, c -> {
      List<AuditEntry> out = new ArrayList<>(Math.min(q.limit(), 1024));
      try (PreparedStatement ps = c.prepareStatement(q.tenant() == null ? SqliteQueries.AUDIT_PAGE
          : SqliteQueries.AUDIT_TENANT_PAGE)) {
        int p = 1;
        if (q.tenant() != null) {
          ps.setString(p++, q.tenant());
        }
        ps.setLong(p++, q.since());
        ps.setLong(p++, q.until());
        ps.setLong(p++, q.before());
        ps.setInt(p, q.limit() + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                AuditAction.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), rs.getInt(7),
                new JsonObject(rs.getString(8))));
          }
        }
      }
      return AuditPage.of(out, q.limit());
    });
  }

  @Override
  public Future<Long> purgeBefore(long at) {
    return purgeFrom(at, 0);
  }

  /** One chunk per write transaction, so memory writes interleave with a long purge. */
  private Future<Long> purgeFrom(long at, long deletedSoFar) {
    return store.submit(true, c -> {
      try (PreparedStatement ps = c.prepareStatement(SqliteQueries.AUDIT_PURGE)) {
        ps.setLong(1, at);
        return ps.executeUpdate();
      }
    }).compose(n -> n < SqliteQueries.AUDIT_PURGE_CHUNK ? Future.succeededFuture(deletedSoFar + n)
        : purgeFrom(at, deletedSoFar + n));
  }
}
