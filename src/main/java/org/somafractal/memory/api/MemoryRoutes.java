package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.auth.AuthHandler;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.limits.JsonLimits;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.service.SearchQuery;

/** The handlers of the canonical memory routes: one method per route, each parse → service call → JSON. */
final class MemoryRoutes {
  private static final int MAX_RANGE_LIMIT = 10_000;

  private final MemoryService service;
  private final Requests requests;

  MemoryRoutes(MemoryService service, Requests requests) {
    this.service = service;
    this.requests = requests;
  }

  /** {@code POST /memories}: the answer, for {@link IdempotentRoute} to write. */
  Future<JsonObject> store(RoutingContext ctx) {
    return service.store(List.of(requests.store(tenant(ctx), body(ctx))))
        .map(stored -> storedJson(stored.get(0)).put("ok", true));
  }

  /** {@code POST /memories/bulk}: the answer, for {@link IdempotentRoute} to write. */
  Future<JsonObject> bulk(RoutingContext ctx) {
    return service.store(requests.bulk(tenant(ctx), body(ctx))).map(stored -> {
      JsonArray results = new JsonArray();
      stored.forEach(s -> results.add(storedJson(s)));
      return new JsonObject().put("stored", stored.size()).put("results", results);
    });
  }

  /** {@code GET /memories/:coord}. */
  void get(RoutingContext ctx) {
    respond(ctx, () -> service.get(tenant(ctx), Coordinate.parse(ctx.pathParam("coord"))).map(memory -> {
      if (memory == null) {
        throw SomaException.notFound("Memory not found");
      }
      return new JsonObject().put("memory", MemoryJson.memory(memory));
    }));
  }

  /** {@code DELETE /memories/:coord}: idempotent, 200 with {@code deleted: false} when nothing was there. */
  void delete(RoutingContext ctx) {
    Coordinate coord = Coordinate.parse(ctx.pathParam("coord"));
    respond(ctx, () -> service.delete(tenant(ctx), List.of(coord))
        .map(removed -> new JsonObject().put("coord", coord.key()).put("deleted", !removed.isEmpty())));
  }

  /** {@code POST /memories/search}. */
  void search(RoutingContext ctx) {
    searchWith(ctx, requests.search(tenant(ctx), body(ctx)));
  }

  /** {@code GET /memories/search}: the same search with its fields in the query string. */
  void searchGet(RoutingContext ctx) {
    searchWith(ctx, requests.search(tenant(ctx), requests.searchParams(ctx.queryParams())));
  }

  /** {@code POST /memories/recall_with_context}: a search boosted by a context; see {@link Requests}. */
  void recallWithContext(RoutingContext ctx) {
    searchWith(ctx, requests.recallWithContext(tenant(ctx), body(ctx)));
  }

  /** {@code POST /memories/search/batch}. */
  void searchBatch(RoutingContext ctx) {
    long t0 = System.nanoTime();
    List<SearchQuery> queries = requests.batch(tenant(ctx), body(ctx));
    respond(ctx, () -> service.searchBatch(queries).map(all -> {
      JsonArray results = new JsonArray();
      all.forEach(ranked -> results.add(new JsonObject().put("memories", rankedJson(ranked))));
      return new JsonObject().put("results", results).put("latency_ms", millisSince(t0));
    }));
  }

  /** {@code GET /memories/range?min=…&max=…[&memory_type=…][&limit=…]}: inclusive box query on coordinates. */
  void range(RoutingContext ctx) {
    String min = ctx.queryParams().get("min");
    String max = ctx.queryParams().get("max");
    if (min == null || max == null) {
      throw SomaException.invalid("range needs both min and max, e.g. ?min=0,0&max=1,1");
    }
    Coordinate lo = Coordinate.parse(min);
    Coordinate hi = Coordinate.parse(max);
    int limit = limit(ctx.queryParams().get("limit"));
    respond(ctx, () -> service.range(tenant(ctx), lo, hi, requests.optionalType(ctx.queryParams().get("memory_type")),
        limit).map(memories -> {
          JsonArray list = new JsonArray();
          JsonArray coords = new JsonArray();
          for (Memory m : memories) {
            list.add(MemoryJson.memory(m));
            coords.add(m.coordinate().toJson());
          }
          return new JsonObject().put("memories", list).put("coords", coords);
        }));
  }

  private void searchWith(RoutingContext ctx, SearchQuery query) {
    long t0 = System.nanoTime();
    respond(ctx, () -> service.search(query).map(ranked -> new JsonObject()
        .put("memories", rankedJson(ranked))
        .put("mode", query.mode().wire())
        .put("latency_ms", millisSince(t0))));
  }

  private static JsonArray rankedJson(List<Ranked> ranked) {
    JsonArray out = new JsonArray();
    ranked.forEach(r -> out.add(MemoryJson.ranked(r)));
    return out;
  }

  private static JsonObject storedJson(StoredMemory s) {
    return new JsonObject()
        .put("coord", s.memory().key())
        .put("id", s.memory().id())
        .put("memory_type", s.memory().type().wire())
        .put("created", s.created());
  }

  private static int limit(String raw) {
    if (raw == null) {
      return 1000;
    }
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_RANGE_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below with the allowed bounds
    }
    throw SomaException.invalid("limit must be an integer between 1 and " + MAX_RANGE_LIMIT);
  }

  private static double millisSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 10_000.0) / 100.0;
  }

  static String tenant(RoutingContext ctx) {
    return AuthHandler.tenant(ctx);
  }

  /**
   * The request body as a JSON object; a malformed body is a 400, any other JSON value a 422. Parsed once per
   * request (the policy may read it before the handler); callers must not modify it.
   */
  static JsonObject body(RoutingContext ctx) {
    Object parsed = ctx.get(JsonLimits.PARSED);
    if (parsed instanceof JsonObject object) {
      return object;
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw SomaException.malformed("A JSON object body is required");
    }
    Object value = parsed;
    if (value == null) {
      try {
        value = ctx.body().buffer().toJsonValue();
      } catch (DecodeException e) {
        throw SomaException.malformed("Malformed JSON body");
      }
    }
    if (!(value instanceof JsonObject object)) {
      throw SomaException.invalid("The body must be a JSON object");
    }
    ctx.put(JsonLimits.PARSED, object);
    return object;
  }

  /** Runs a service call and writes its JSON, or routes its failure (sync or async) to the error mapper. */
  static void respond(RoutingContext ctx, Supplier<Future<JsonObject>> call) {
    Future<JsonObject> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        AuditTrail.answered(ctx, ar.result());
        ctx.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
