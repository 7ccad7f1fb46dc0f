package org.somafractal.memory.store.sqlite;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditLogContract;
import org.somafractal.memory.store.MemoryStore;

/** The audit-log contract on the SQLite store's file. */
class SqliteAuditLogTest extends AuditLogContract {
  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    return SqliteMemoryStore.open(vertx, SqliteOptions.file(dir.resolve("soma.db").toString())).map(s -> s);
  }

  @Override
  protected AuditLog auditLogOf(MemoryStore store) {
    return ((SqliteMemoryStore) store).auditLog();
  }
}
