package org.somafractal.memory.audit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.LocalCodec;

/**
 * Records audited HTTP requests: {@link #begin} (called by the route's authorisation once the caller and tenant are
 * known) remembers who and what; when the response has ended, the entry gets its status and target and is sent to
 * {@link AuditVerticle}, after the client has its answer.
 *
 * <p>The target is built only from an allow-list of fields, so no payload, text or metadata can reach the log: the
 * path parameters {@code coord} and {@code id}; the query parameters in {@link #QUERY_FIELDS}; the scalar fields of
 * the JSON answer in {@link #ANSWER_FIELDS} (coordinates, ids, counts) and its {@code coords} list and the
 * {@code coord}/{@code id} of each of its {@code results}; and what handlers add with {@link #note} (the seed routes,
 * whose answers lack the coordinate; the export's line counts). Lists keep their first {@value #MAX_LIST} items and
 * say how many there were; strings are cut at {@value #MAX_CHARS} characters. One instance per HTTP verticle, used on
 * its event loop.
 */
public final class AuditTrail {
  static final int MAX_LIST = 100;
  static final int MAX_CHARS = 256;
  private static final String KEY = "soma.audit.pending";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME);
  static final Set<String> QUERY_FIELDS = Set.of("coord", "from_coord", "to_coord", "link_type", "memory_type",
      "replace", "embeddings", "tenant", "since", "until");
  static final Set<String> ANSWER_FIELDS = Set.of("coord", "id", "deleted", "created", "stored", "imported", "links",
      "skipped", "rejected", "from_coord", "to_coord", "link_type", "memory_type");

  private final Vertx vertx;

  public AuditTrail(Vertx vertx) {
    this.vertx = vertx;
  }

  /** What is known of an audited request before its handler runs, and what its handler adds. */
  private static final class Pending {
    final long at = System.currentTimeMillis();
    final String tenant;
    final String credential;
    final String route;
    final AuditAction action;
    final JsonObject target = new JsonObject();
    JsonObject answer;

    Pending(String tenant, String credential, String route, AuditAction action) {
      this.tenant = tenant;
      this.credential = credential;
      this.route = route;
      this.action = action;
    }
  }

  /** Starts the entry of an audited request; it is sent when the response ends, whatever its status. */
  public void begin(RoutingContext ctx, String tenant, String credential, String route, AuditAction action) {
    Pending pending = new Pending(tenant, credential, route, action);
    ctx.put(KEY, pending);
    ctx.addEndHandler(ar -> {
      JsonObject target = target(ctx, pending);
      if (ar.failed()) {
        target.put("aborted", true);
      }
      vertx.eventBus().send(Addresses.AUDIT, new AuditRequest.Append(List.of(new AuditEntry(0, pending.at,
          pending.tenant, pending.credential, pending.route, pending.action, ctx.response().getStatusCode(),
          target))), LOCAL);
    });
  }

  /**
   * Adds a fact about the target of an audited request: a coordinate, an id or a count, never content. Does nothing
   * when the request is not audited.
   */
  public static void note(RoutingContext ctx, String field, Object value) {
    Pending pending = ctx.get(KEY);
    if (pending != null) {
      pending.target.put(field, bounded(value));
    }
  }

  /** Adds a list of coordinate keys or ids, capped at {@value #MAX_LIST}; does nothing when not audited. */
  public static void noteAll(RoutingContext ctx, String field, List<String> values) {
    Pending pending = ctx.get(KEY);
    if (pending != null) {
      putList(pending.target, field, values);
    }
  }

  /** Keeps the JSON answer of an audited request, whose allow-listed fields join its target at the end. */
  public static void answered(RoutingContext ctx, JsonObject answer) {
    Pending pending = ctx.get(KEY);
    if (pending != null) {
      pending.answer = answer;
    }
  }

  /**
   * The query parameters, or none when the query string cannot be decoded (a bad %-escape, which the request itself
   * was refused for with a 400): an audit entry must still be written for it.
   */
  private static MultiMap queryOrEmpty(RoutingContext ctx) {
    try {
      return ctx.queryParams();
    } catch (RuntimeException undecodable) {
      return MultiMap.caseInsensitiveMultiMap();
    }
  }

  private static JsonObject target(RoutingContext ctx, Pending pending) {
    JsonObject target = new JsonObject();
    for (String param : List.of("coord", "id")) {
      String value = ctx.pathParam(param);
      if (value != null) {
        target.put(param, bounded(value));
      }
    }
    for (Map.Entry<String, String> e : queryOrEmpty(ctx)) {
      if (QUERY_FIELDS.contains(e.getKey())) {
        target.put(e.getKey(), bounded(e.getValue()));
      }
    }
    JsonObject answer = pending.answer;
    if (answer != null) {
      for (String field : ANSWER_FIELDS) {
        Object v = answer.getValue(field);
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
          target.put(field, bounded(v));
        }
      }
      if (answer.getValue("coords") instanceof JsonArray coords) {
        putList(target, "coords", coords.stream().filter(String.class::isInstance).map(String.class::cast).toList());
      }
      if (answer.getValue("results") instanceof JsonArray results) {
        List<JsonObject> items = results.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
            .toList();
        putList(target, "coords", items.stream().map(r -> r.getValue("coord")).filter(String.class::isInstance)
            .map(String.class::cast).toList());
        putList(target, "ids", items.stream().map(r -> r.getValue("id")).filter(String.class::isInstance)
            .map(String.class::cast).toList());
      }
    }
    target.mergeIn(pending.target);
    return target;
  }

  private static void putList(JsonObject target, String field, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    JsonArray kept = new JsonArray();
    values.stream().limit(MAX_LIST).forEach(v -> kept.add(bounded(v)));
    target.put(field, kept);
    if (values.size() > MAX_LIST) {
      target.put(field + "_total", values.size());
    }
  }

  private static Object bounded(Object value) {
    return value instanceof String s && s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : value;
  }
}
