package org.somafractal.memory.audit;

import io.vertx.core.Future;
import java.util.List;

/**
 * The audit-log port: entries stored durably in the canonical store (the {@code audit_log} table of SQLite or
 * PostgreSQL), beside the memories they describe. Every method is asynchronous and never blocks its caller;
 * implementations are thread-safe.
 */
public interface AuditLog {

  /** Stores entries atomically, all or none; the future completes once they are committed. Their ids are ignored. */
  Future<Void> append(List<AuditEntry> entries);

  /** One page of entries matching the query, newest (highest id) first. */
  Future<AuditPage> query(AuditQuery query);

  /** Deletes every entry older than {@code at} (epoch ms); returns how many. */
  Future<Long> purgeBefore(long at);
}
