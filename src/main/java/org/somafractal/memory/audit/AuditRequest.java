package org.somafractal.memory.audit;

import java.util.List;

/** The messages of {@code Addresses.AUDIT}, one per {@link AuditLog} method. */
public sealed interface AuditRequest {
  record Append(List<AuditEntry> entries) implements AuditRequest {
  }

  record Query(AuditQuery query) implements AuditRequest {
  }

  record Purge(long before) implements AuditRequest {
  }
}
