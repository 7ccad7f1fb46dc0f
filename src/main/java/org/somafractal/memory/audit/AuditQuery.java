package org.somafractal.memory.audit;

/**
 * A page of the audit log, newest first.
 *
 * @param tenant only this tenant's entries, or {@code null} for every tenant
 * @param since only entries at or after this time (epoch ms)
 * @param until only entries before this time (epoch ms)
 * @param limit at most this many entries, at least 1
 * @param before only entries with an id below this one: the cursor of the previous page, {@link Long#MAX_VALUE} for
 *     the first
 */
public record AuditQuery(String tenant, long since, long until, int limit, long before) {
}
