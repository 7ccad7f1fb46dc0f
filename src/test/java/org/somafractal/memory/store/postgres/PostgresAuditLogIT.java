package org.somafractal.memory.store.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditLogContract;
import org.somafractal.memory.store.MemoryStore;

/** The audit-log contract on the real local PostgreSQL: one fresh database for the class, emptied before each test. */
class PostgresAuditLogIT extends AuditLogContract {
  @RegisterExtension
  static final PgTestDatabase.PerClass pg = new PgTestDatabase.PerClass();

  @Override
  protected Future<MemoryStore> open(Vertx vertx, Path dir) {
    pg.db().sql("DO $$ BEGIN IF to_regclass('audit_log') IS NOT NULL THEN TRUNCATE audit_log RESTART IDENTITY; END IF; "
        + "END $$");
    return PostgresMemoryStore.open(vertx, PostgresOptions.of(pg.db().url())).map(s -> s);
  }

  @Override
  protected AuditLog auditLogOf(MemoryStore store) {
    return ((PostgresMemoryStore) store).auditLog();
  }
}
