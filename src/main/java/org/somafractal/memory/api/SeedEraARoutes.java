package org.somafractal.memory.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.service.SearchQuery;

/**
 * The seed's era A routes ({@code /store}, {@code /recall}, …) as thin adapters: each reshapes the seed's request into
 * a canonical body, validates it with {@link Requests} like every other route, calls the one {@link MemoryService},
 * and reshapes the answer into the seed's response ({@code {"ok": true}}, {@code {"matches": [...]}}, flattened
 * records). No search or storage logic lives here.
 */
final class SeedEraARoutes {
  private static final int KEYWORD_CANDIDATES = 4;

  private final MemoryService service;
  private final Requests requests;

  SeedEraARoutes(MemoryService service, Requests requests) {
    this.service = service;
    this.requests = requests;
  }

  /** {@code POST /store {coord, payload, type}} → {@code {"ok": true}}. */
  void store(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    if (body.getValue("coord") == null) {
      throw SomaException.invalid("coord is required");
    }
    MemoryRoutes.respond(ctx, () -> service.store(List.of(requests.store(MemoryRoutes.tenant(ctx), canonicalStore(body))))
        .map(stored -> {
          AuditTrail.note(ctx, "coord", stored.get(0).memory().key());
          AuditTrail.note(ctx, "id", stored.get(0).memory().id());
          return new JsonObject().put("ok", true);
        }));
  }

  /** {@code POST /remember {payload, coord?, type}}: a server-chosen coordinate when none is given. */
  void remember(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    MemoryRoutes.respond(ctx, () -> service.store(List.of(requests.store(MemoryRoutes.tenant(ctx), canonicalStore(body))))
        .map(stored -> new JsonObject().put("ok", true).put("coord", stored.get(0).memory().key())));
  }

  /** {@code POST /store_bulk {items: [{coord, payload, type}]}} → {@code {"stored": n}}. */
  void storeBulk(RoutingContext ctx) {
    JsonArray items = JsonFields.array(MemoryRoutes.body(ctx), "items", true);
    JsonArray canonical = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw SomaException.invalid("items[" + i + "] must be a JSON object");
      }
      if (item.getValue("coord") == null) {
        throw SomaException.invalid("items[" + i + "]: coord is required");
      }
      canonical.add(canonicalStore(item));
    }
    MemoryRoutes.respond(ctx, () -> service.store(requests.bulk(MemoryRoutes.tenant(ctx),
        new JsonObject().put("items", canonical))).map(stored -> {
          AuditTrail.noteAll(ctx, "coords", stored.stream().map(s -> s.memory().key()).toList());
          return new JsonObject().put("stored", stored.size());
        }));
  }

  /** {@code POST /recall {query, top_k, type, filters, hybrid}} → {@code {"matches": [record…]}}. */
  void recall(RoutingContext ctx) {
    recallWith(ctx, MemoryRoutes.body(ctx));
  }

  /** {@code GET /recall?query&top_k&type&hybrid&filters}. */
  void recallGet(RoutingContext ctx) {
    JsonObject body = requests.searchParams(ctx.queryParams());
    String type = ctx.queryParams().get("type");
    if (type != null) {
      body.put("type", type);
    }
    String hybrid = ctx.queryParams().get("hybrid");
    if (hybrid != null) {
      body.put("hybrid", !hybrid.equalsIgnoreCase("false") && !hybrid.equals("0"));
    }
    recallWith(ctx, body);
  }

  /** {@code POST /recall_batch {queries: [str], top_k, type, filters, hybrid}} → {@code {"batches": [[…]…]}}. */
  void recallBatch(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    JsonArray queries = JsonFields.array(body, "queries", true);
    JsonArray canonical = new JsonArray();
    for (int i = 0; i < queries.size(); i++) {
      if (!(queries.getValue(i) instanceof String q)) {
        throw SomaException.invalid("queries[" + i + "] must be a string");
      }
      canonical.add(recallBody(body.copy().put("query", q)));
    }
    List<SearchQuery> all = requests.batch(MemoryRoutes.tenant(ctx), new JsonObject().put("queries", canonical));
    MemoryRoutes.respond(ctx, () -> service.searchBatch(all).map(results -> {
      JsonArray batches = new JsonArray();
      results.forEach(ranked -> batches.add(records(ranked)));
      return new JsonObject().put("batches", batches);
    }));
  }

  /** {@code POST /recall_with_scores {query, top_k, type, hybrid}} → {@code {"results": [{payload, score}]}}. */
  void recallWithScores(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    JsonObject canonical = recallBody(body);
    canonical.put("memory_type", SeedJson.filterType(body.getValue("type")));
    search(ctx, canonical, ranked -> new JsonObject().put("results", scored(ranked)));
  }

  /**
   * {@code POST /keyword_search {term, exact, case_sensitive, top_k, type}} → {@code {"results": [record…]}}: BM25
   * candidates of the term, kept when some string value of the payload equals the term ({@code exact}, the default)
   * or contains it, case-folded unless {@code case_sensitive}.
   */
  void keywordSearch(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    String term = JsonFields.string(body, "term", null, Requests.MAX_QUERY_CHARS);
    if (term == null || term.isBlank()) {
      throw SomaException.invalid("term is required");
    }
    boolean exact = bool(body, "exact", true);
    boolean caseSensitive = bool(body, "case_sensitive", false);
    int topK = JsonFields.integer(body, "top_k", 50, 1, 1000);
    JsonObject canonical = new JsonObject().put("query", term).put("mode", "lexical")
        .put("top_k", Math.min(1000, topK * KEYWORD_CANDIDATES))
        .put("memory_type", SeedJson.filterType(body.getValue("type")));
    search(ctx, canonical, ranked -> {
      JsonArray results = new JsonArray();
      for (Ranked r : ranked) {
        if (results.size() < topK && containsTerm(r.memory().payload(), term, exact, caseSensitive, 0)) {
          results.add(SeedJson.flattened(r.memory()));
        }
      }
      return new JsonObject().put("results", results);
    });
  }

  /**
   * {@code POST /hybrid_recall_with_scores {query, terms, boost, top_k, type}} → {@code {"results": [{payload,
   * score}]}}: the canonical hybrid search; given {@code terms} join the query text so BM25 weighs them.
   */
  void hybridRecallWithScores(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    String query = JsonFields.string(body, "query", "", Requests.MAX_QUERY_CHARS);
    JsonArray terms = JsonFields.array(body, "terms", false);
    StringBuilder text = new StringBuilder(query);
    if (terms != null) {
      for (Object t : terms) {
        if (!(t instanceof String s)) {
          throw SomaException.invalid("terms must be strings");
        }
        text.append(' ').append(s);
      }
    }
    JsonObject canonical = new JsonObject().put("query", text.toString().trim()).put("mode", "hybrid")
        .put("top_k", body.getValue("top_k", 5)).put("memory_type", SeedJson.filterType(body.getValue("type")));
    search(ctx, canonical, ranked -> new JsonObject().put("results", scored(ranked)));
  }

  /**
   * {@code POST /recall_with_context {query, context, top_k, type}} → {@code {"results": [record…]}}: the canonical
   * context-aware recall (context fields boost the query, {@code context.filters} filters).
   */
  void recallWithContext(RoutingContext ctx) {
    JsonObject body = MemoryRoutes.body(ctx);
    if (!(body.getValue("context") instanceof JsonObject)) {
      throw SomaException.invalid("context is required and must be a JSON object");
    }
    JsonObject canonical = new JsonObject().put("query", body.getValue("query")).put("context", body.getValue("context"))
        .put("top_k", body.getValue("top_k", 5)).put("memory_type", SeedJson.filterType(body.getValue("type")));
    SearchQuery query = requests.recallWithContext(MemoryRoutes.tenant(ctx), canonical);
    MemoryRoutes.respond(ctx, () -> service.search(query).map(ranked -> new JsonObject().put("results", records(ranked))));
  }

  /** {@code GET /range?min&max&type} → {@code {"coords": [[…]…]}}. */
  void range(RoutingContext ctx) {
    String min = ctx.queryParams().get("min");
    String max = ctx.queryParams().get("max");
    if (min == null || max == null) {
      throw SomaException.invalid("range needs both min and max");
    }
    Coordinate lo = Coordinate.parse(min);
    Coordinate hi = Coordinate.parse(max);
    String type = SeedJson.filterType(ctx.queryParams().get("type"));
    MemoryRoutes.respond(ctx, () -> service.range(MemoryRoutes.tenant(ctx), lo, hi, requests.optionalType(type), 10_000)
        .map(memories -> {
          JsonArray coords = new JsonArray();
          memories.forEach(m -> coords.add(m.coordinate().toJson()));
          return new JsonObject().put("coords", coords);
        }));
  }

  /** {@code POST /delete_many {coords: [str]}} → {@code {"deleted": n}}, counting the coordinates that existed. */
  void deleteMany(RoutingContext ctx) {
    JsonArray coords = JsonFields.array(MemoryRoutes.body(ctx), "coords", true);
    if (coords.size() > requests.maxBatch()) {
      throw SomaException.invalid("coords may hold at most " + requests.maxBatch() + " entries");
    }
    List<Coordinate> parsed = new ArrayList<>(coords.size());
    for (Object c : coords) {
      parsed.add(Coordinate.fromJson(c));
    }
    MemoryRoutes.respond(ctx, () -> service.delete(MemoryRoutes.tenant(ctx), parsed).map(removed -> {
      AuditTrail.noteAll(ctx, "coords", removed.stream().map(Removal::key).toList());
      return new JsonObject().put("deleted", removed.size());
    }));
  }

  private void recallWith(RoutingContext ctx, JsonObject body) {
    search(ctx, recallBody(body), ranked -> new JsonObject().put("matches", records(ranked)));
  }

  private void search(RoutingContext ctx, JsonObject canonical, java.util.function.Function<List<Ranked>, JsonObject> shape) {
    SearchQuery query = requests.search(MemoryRoutes.tenant(ctx), canonical);
    MemoryRoutes.respond(ctx, () -> service.search(query).map(shape::apply));
  }

  /** The canonical search body of a seed recall: {@code hybrid: false} means vector only. */
  private static JsonObject recallBody(JsonObject seed) {
    JsonObject canonical = new JsonObject()
        .put("query", seed.getValue("query"))
        .put("top_k", seed.getValue("top_k", 5))
        .put("memory_type", SeedJson.recallType(seed.getValue("type")))
        .put("filters", seed.getValue("filters"));
    Object hybrid = seed.getValue("hybrid");
    canonical.put("mode", Boolean.FALSE.equals(hybrid) ? "vector" : "hybrid");
    return canonical;
  }

  private static JsonObject canonicalStore(JsonObject seed) {
    return new JsonObject()
        .put("coord", seed.getValue("coord"))
        .put("payload", seed.getValue("payload"))
        .put("memory_type", SeedJson.storeType(seed.getValue("type")))
        .put("importance", importanceOf(seed.getValue("payload")));
  }

  /** The seed read importance from the payload; a non-numeric one counted as nothing special. */
  private static Object importanceOf(Object payload) {
    if (payload instanceof JsonObject p && p.getValue("importance") instanceof Number n
        && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    return null;
  }

  private static JsonArray records(List<Ranked> ranked) {
    JsonArray out = new JsonArray();
    ranked.forEach(r -> out.add(SeedJson.flattened(r.memory())));
    return out;
  }

  private static JsonArray scored(List<Ranked> ranked) {
    JsonArray out = new JsonArray();
    ranked.forEach(r -> out.add(new JsonObject().put("payload", SeedJson.flattened(r.memory()))
        .put("score", r.scores().score())));
    return out;
  }

  private static boolean bool(JsonObject body, String field, boolean def) {
    Object v = body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw SomaException.invalid(field + " must be true or false");
    }
    return b;
  }

  private static boolean containsTerm(Object value, String term, boolean exact, boolean caseSensitive, int depth) {
    if (depth > 6) {
      return false;
    }
    if (value instanceof String s) {
      String a = caseSensitive ? s : s.toLowerCase(Locale.ROOT);
      String b = caseSensitive ? term : term.toLowerCase(Locale.ROOT);
      return exact ? a.equals(b) : a.contains(b);
    }
    if (value instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        if (containsTerm(o.getValue(key), term, exact, caseSensitive, depth + 1)) {
          return true;
        }
      }
    } else if (value instanceof JsonArray a) {
      for (Object item : a) {
        if (containsTerm(item, term, exact, caseSensitive, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }
}
