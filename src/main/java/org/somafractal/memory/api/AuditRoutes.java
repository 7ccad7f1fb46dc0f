package org.somafractal.memory.api;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.somafractal.memory.audit.AuditEntry;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditQuery;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.auth.AuthHandler;
import org.somafractal.memory.core.SomaException;

/**
 * {@code GET /admin/audit}: pages of the audit trail, newest first, for credentials with the {@code admin} scope.
 * {@code tenant} names the tenant whose entries are read (default: the request's own tenant, as the tenant headers
 * bind it; {@code *}: every tenant), {@code since}/{@code until} bound the time (epoch ms or ISO-8601; since
 * inclusive, until exclusive), {@code limit} the page (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}),
 * and {@code cursor} continues after the previous page's {@code next_cursor}.
 */
final class AuditRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final String ALL_TENANTS = "*";

  private final AuditLog audit;

  /** @param audit the audit log, or {@code null} when auditing is off ({@code SOMA_AUDIT=false}) */
  AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  /** {@code GET /admin/audit?tenant=&since=&until=&limit=&cursor=}. */
  void query(RoutingContext ctx) {
    if (audit == null) {
      throw SomaException.notFound("The audit trail is off (SOMA_AUDIT=false)");
    }
    MultiMap q = ctx.queryParams();
    String requested = q.get("tenant");
    String tenant;
    if (requested == null || requested.isBlank()) {
      tenant = AuthHandler.tenant(ctx);
    } else if (requested.trim().equals(ALL_TENANTS)) {
      tenant = null;
    } else {
      tenant = AuthHandler.chooseTenant(ctx, requested);
    }
    long since = time(q.get("since"), "since", Long.MIN_VALUE);
    long until = time(q.get("until"), "until", Long.MAX_VALUE);
    int limit = GraphRoutes.integer(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long before = cursor(q.get("cursor"));
    MemoryRoutes.respond(ctx, () -> audit.query(new AuditQuery(tenant, since, until, limit, before)).map(page -> {
      JsonArray entries = new JsonArray();
      for (AuditEntry e : page.entries()) {
        entries.add(new JsonObject()
            .put("id", e.id())
            .put("at", MemoryJson.iso(e.at()))
            .put("tenant", e.tenant())
            .put("credential", e.credential())
            .put("route", e.route())
            .put("action", e.action().wire())
            .put("status", e.status())
            .put("target", e.target()));
      }
      AuditTrail.note(ctx, "entries", page.entries().size());
      return new JsonObject().put("entries", entries)
          .put("next_cursor", page.next() == null ? null : Long.toString(page.next()));
    }));
  }

  private static long time(String raw, String name, long def) {
    if (raw == null || raw.isBlank()) {
      return def;
    }
    JsonObject holder = new JsonObject().put(name, raw.trim().matches("[+-]?\\d{1,18}") ? (Object) Long.parseLong(
        raw.trim()) : raw);
    return JsonFields.time(holder, name, def);
  }

  private static long cursor(String raw) {
    if (raw == null || raw.isBlank()) {
      return Long.MAX_VALUE;
    }
    try {
      long id = Long.parseLong(raw.trim());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw SomaException.invalid("cursor must be the next_cursor of a previous page");
  }
}
