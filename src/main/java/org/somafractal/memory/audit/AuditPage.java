package org.somafractal.memory.audit;

import java.util.List;

/**
 * One page of the audit log.
 *
 * @param entries newest first
 * @param next the cursor of the next page (the {@code before} of its query), or {@code null} when this is the last
 */
public record AuditPage(List<AuditEntry> entries, Long next) {
  /**
   * The page of a query that read up to {@code limit + 1} rows, newest first: the extra row only tells that another
   * page follows.
   */
  public static AuditPage of(List<AuditEntry> rows, int limit) {
    if (rows.size() <= limit) {
      return new AuditPage(List.copyOf(rows), null);
    }
    List<AuditEntry> kept = rows.subList(0, limit);
    return new AuditPage(List.copyOf(kept), kept.getLast().id());
  }
}
