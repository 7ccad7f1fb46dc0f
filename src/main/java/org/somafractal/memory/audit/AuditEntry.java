package org.somafractal.memory.audit;

import io.vertx.core.json.JsonObject;

/**
 * One audited request: who (the credential id, never the secret), for which tenant, which route, what it was aimed at,
 * when, and how it ended. The target holds coordinates, ids and counts only, never a payload, text or metadata.
 * Immutable once built: the target is not changed after the entry is made (it travels by reference on the bus).
 *
 * @param id the entry's position in the log, increasing; 0 for an entry not yet stored
 * @param at when the request arrived, epoch milliseconds
 * @param tenant the tenant the request acted for
 * @param credential the credential's id, e.g. {@code jwt:agent-7}, {@code acme-writer}, {@code static}, {@code open}
 * @param route the route as {@code "METHOD /path"} with path templates
 * @param action what kind of change the route makes
 * @param status the HTTP status of the answer
 * @param target coordinates, ids and counts the request named or changed
 */
public record AuditEntry(long id, long at, String tenant, String credential, String route, AuditAction action,
    int status, JsonObject target) {

  /** The same entry with its stored id. */
  public AuditEntry withId(long newId) {
    return new AuditEntry(newId, at, tenant, credential, route, action, status, target);
  }
}
