package org.somafractal.memory.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;

/**
 * The memory types a request names, worked out before its handler for the policy file and OPA, with the very rules
 * the handler then validates by ({@link Requests}, {@link SeedJson}): the types a store stores (its
 * {@code memory_type}, {@code episodic} by default; a seed store's lenient {@code type}), the types a search, range,
 * recall or export is narrowed to, the filter of a scoped delete. {@code null} means any type: the request names none
 * (a search without {@code memory_type} may return every type), or the route cannot know before it runs (get or
 * delete by coordinate or id, import, delete by coordinates or {@code all}, stats, graph routes), or the body is
 * malformed (the handler then refuses it anyway). The body is parsed once and kept for the handler. Stateless.
 */
final class RequestTypes {
  private static final Map<String, Function<RoutingContext, Set<MemoryType>>> BY_ROUTE = new HashMap<>();

  static {
    BY_ROUTE.put("POST /memories", ctx -> stored(body(ctx).getValue("memory_type"), "episodic"));
    BY_ROUTE.put("POST /memories/bulk", ctx -> each(body(ctx).getValue("items"), item ->
        stored(item.getValue("memory_type"), "episodic")));
    BY_ROUTE.put("POST /memories/search", ctx -> Requests.types(body(ctx).getValue("memory_type")));
    BY_ROUTE.put("POST /memories/recall_with_context", ctx -> Requests.types(body(ctx).getValue("memory_type")));
    BY_ROUTE.put("GET /memories/search", ctx -> Requests.types(ctx.queryParams().get("memory_type")));
    BY_ROUTE.put("POST /memories/search/batch", RequestTypes::batch);
    BY_ROUTE.put("GET /memories/range", ctx -> Requests.types(ctx.queryParams().get("memory_type")));
    BY_ROUTE.put("GET /memories/export", ctx -> Requests.types(ctx.queryParams().get("memory_type")));
    BY_ROUTE.put("POST /export_memories", ctx -> Requests.types(ctx.queryParams().get("memory_type")));
    BY_ROUTE.put("POST /memories/delete", ctx -> body(ctx).getValue("filter") instanceof JsonObject filter
        ? Requests.types(filter.getValue("memory_type")) : null);

    BY_ROUTE.put("POST /store", ctx -> stored(SeedJson.storeType(body(ctx).getValue("type")), "episodic"));
    BY_ROUTE.put("POST /remember", ctx -> stored(SeedJson.storeType(body(ctx).getValue("type")), "episodic"));
    BY_ROUTE.put("POST /store_bulk", ctx -> each(body(ctx).getValue("items"), item ->
        stored(SeedJson.storeType(item.getValue("type")), "episodic")));
    for (String recall : new String[] {"POST /recall", "POST /recall_batch"}) {
      BY_ROUTE.put(recall, ctx -> Requests.types(SeedJson.recallType(body(ctx).getValue("type"))));
    }
    BY_ROUTE.put("GET /recall", ctx -> Requests.types(SeedJson.recallType(ctx.queryParams().get("type"))));
    for (String search : new String[] {"POST /recall_with_scores", "POST /keyword_search",
        "POST /hybrid_recall_with_scores", "POST /recall_with_context"}) {
      BY_ROUTE.put(search, ctx -> Requests.types(SeedJson.filterType(body(ctx).getValue("type"))));
    }
    BY_ROUTE.put("GET /range", ctx -> Requests.types(SeedJson.filterType(ctx.queryParams().get("type"))));
    BY_ROUTE.put("POST /api/v2/memory/store", ctx -> stored(body(ctx).getValue("type"), "semantic"));
    BY_ROUTE.put("POST /api/v2/memory/search", ctx -> Requests.types(body(ctx).getValue("type")));
  }

  private RequestTypes() {
  }

  /** The types a request to {@code route} names, or {@code null} for any. */
  static Set<MemoryType> of(String route, RoutingContext ctx) {
    Function<RoutingContext, Set<MemoryType>> rule = BY_ROUTE.get(route);
    if (rule == null) {
      return null;
    }
    try {
      return rule.apply(ctx);
    } catch (SomaException | ClassCastException malformed) {
      return null;
    }
  }

  /** The routes whose requests name their types; every other route may touch any type. */
  static Set<String> typedRoutes() {
    return Set.copyOf(BY_ROUTE.keySet());
  }

  private static JsonObject body(RoutingContext ctx) {
    return MemoryRoutes.body(ctx);
  }

  private static Set<MemoryType> stored(Object type, String def) {
    if (type != null && !(type instanceof String)) {
      return null;
    }
    return EnumSet.of(MemoryType.parse(type == null ? def : (String) type));
  }

  /** The union over the objects of {@code items}; any unknown makes the whole unknown. */
  private static Set<MemoryType> each(Object items, Function<JsonObject, Set<MemoryType>> one) {
    if (!(items instanceof JsonArray array)) {
      return null;
    }
    Set<MemoryType> all = EnumSet.noneOf(MemoryType.class);
    for (Object item : array) {
      Set<MemoryType> types = item instanceof JsonObject o ? one.apply(o) : null;
      if (types == null) {
        return null;
      }
      all.addAll(types);
    }
    return all;
  }

  /** A batch search: each query's own {@code memory_type}, a string query inheriting the body's. */
  private static Set<MemoryType> batch(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (!(body.getValue("queries") instanceof JsonArray queries)) {
      return null;
    }
    Set<MemoryType> all = EnumSet.noneOf(MemoryType.class);
    for (Object q : queries) {
      Set<MemoryType> types = Requests.types(q instanceof JsonObject o ? o.getValue("memory_type")
          : body.getValue("memory_type"));
      if (types == null) {
        return null;
      }
      all.addAll(types);
    }
    return all;
  }
}
