package org.somafractal.memory.api;

import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SearchMode;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.Vectors;
import org.somafractal.memory.limits.HttpLimits;
import org.somafractal.memory.limits.JsonLimits;
import org.somafractal.memory.service.SearchQuery;
import org.somafractal.memory.service.StoreCommand;

/**
 * Turns request bodies and query strings into validated service commands. Every rule about what a client may send
 * lives here, so every route (and every API era) validates the same way.
 */
final class Requests {
  static final int MAX_QUERY_CHARS = 10_000;
  private static final double MAX_IMPORTANCE = 1e9;
  private static final List<String> DELETE_FILTER_FIELDS = List.of("memory_type", "filters", "created_after",
      "created_before");

  private final int dimension;
  private final int defaultTopK;
  private final int maxTopK;
  private final int maxBatch;
  private final JsonLimits jsonLimits;

  Requests(SomaConfig config, int dimension) {
    this.jsonLimits = HttpLimits.jsonLimits(config);
    this.dimension = dimension;
    this.defaultTopK = config.get(Settings.DEFAULT_TOP_K);
    this.maxTopK = config.get(Settings.MAX_TOP_K);
    this.maxBatch = config.get(Settings.MAX_BATCH);
  }

  /** The JSON depth and string limits, for bodies that bypass the router's check (NDJSON import lines). */
  JsonLimits jsonLimits() {
    return jsonLimits;
  }

  /** The most items in a bulk store or queries in a batch. */
  int maxBatch() {
    return maxBatch;
  }

  /** One memory to store: {@code coord} (optional), {@code payload}, {@code memory_type}, {@code importance}, ... */
  StoreCommand store(String tenant, JsonObject body) {
    Object rawCoord = body.getValue("coord");
    Coordinate coord = rawCoord == null ? null : Coordinate.fromJson(rawCoord);
    JsonObject payload = JsonFields.object(body, "payload", true);
    MemoryType type = MemoryType.parse(JsonFields.string(body, "memory_type", "episodic", 32));
    double importance = JsonFields.number(body, "importance", 1.0, -MAX_IMPORTANCE, MAX_IMPORTANCE);
    JsonObject metadata = JsonFields.object(body, "metadata", false);
    float[] vector = JsonFields.vector(body, "vector", dimension);
    return new StoreCommand(tenant, coord, payload, type, importance, metadata == null ? new JsonObject() : metadata,
        vector);
  }

  /** {@code {"items": [ ...store bodies... ]}}; an invalid item fails the whole request, naming its index. */
  List<StoreCommand> bulk(String tenant, JsonObject body) {
    JsonArray items = JsonFields.array(body, "items", true);
    requireBatchSize("items", items.size());
    List<StoreCommand> commands = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw SomaException.invalid("items[" + i + "] must be a JSON object");
      }
      try {
        commands.add(store(tenant, item));
      } catch (SomaException e) {
        throw new SomaException(e.kind(), "items[" + i + "]: " + e.getMessage());
      }
    }
    return commands;
  }

  /** A search body: {@code query} and/or {@code vector}, {@code top_k}, {@code offset}, filters, mode, min_score. */
  SearchQuery search(String tenant, JsonObject body) {
    String text = JsonFields.string(body, "query", null, MAX_QUERY_CHARS);
    float[] vector = JsonFields.vector(body, "vector", dimension);
    if ((text == null || text.isBlank()) && vector == null) {
      throw SomaException.invalid("a search needs a non-empty query or a vector");
    }
    int topK = JsonFields.integer(body, "top_k", defaultTopK, 1, maxTopK);
    int offset = JsonFields.integer(body, "offset", 0, 0, maxTopK);
    if (topK + offset > maxTopK) {
      throw SomaException.invalid("top_k + offset must be at most " + maxTopK);
    }
    SearchMode mode = SearchMode.parse(JsonFields.string(body, "mode", "hybrid", 16));
    if (mode == SearchMode.LEXICAL && (text == null || text.isBlank())) {
      throw SomaException.invalid("mode lexical needs a non-empty query");
    }
    double minScore = JsonFields.number(body, "min_score", Double.NEGATIVE_INFINITY, -1e9, 1e9);
    MemoryFilter filter = MemoryFilter.of(types(body.getValue("memory_type")), JsonFields.object(body, "filters", false),
        JsonFields.time(body, "created_after", Long.MIN_VALUE), JsonFields.time(body, "created_before", Long.MAX_VALUE));
    double sequenceWeight = JsonFields.number(body, "sequence_weight", Double.NaN, 0, 1);
    return new SearchQuery(tenant, text, vector, topK, offset, mode, filter, minScore, sequenceWeight);
  }

  /** {@code {"queries": [ "text" | {search body}, ... ], ...defaults}}: each string inherits the other fields. */
  List<SearchQuery> batch(String tenant, JsonObject body) {
    JsonArray queries = JsonFields.array(body, "queries", true);
    requireBatchSize("queries", queries.size());
    List<SearchQuery> out = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      Object q = queries.getValue(i);
      JsonObject one;
      if (q instanceof String s) {
        one = body.copy().put("query", s);
        one.remove("queries");
      } else if (q instanceof JsonObject o) {
        one = o;
      } else {
        throw SomaException.invalid("queries[" + i + "] must be a string or a JSON object");
      }
      try {
        out.add(search(tenant, one));
      } catch (SomaException e) {
        throw new SomaException(e.kind(), "queries[" + i + "]: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * {@code POST /memories/recall_with_context}: a search whose query text is {@code query} followed by one line
   * {@code key: value} per scalar top-level field of {@code context} (strings, numbers, booleans; in the order sent),
   * and whose metadata filter is {@code context.filters}. Everything else is a search body.
   */
  SearchQuery recallWithContext(String tenant, JsonObject body) {
    JsonObject context = JsonFields.object(body, "context", false);
    String query = JsonFields.string(body, "query", null, MAX_QUERY_CHARS);
    if (query == null || query.isBlank()) {
      throw SomaException.invalid("recall_with_context needs a non-empty query");
    }
    JsonObject search = body.copy();
    search.remove("context");
    if (context != null) {
      StringBuilder text = new StringBuilder(query);
      for (Map.Entry<String, Object> e : context) {
        Object v = e.getValue();
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
          text.append('\n').append(e.getKey()).append(": ").append(v);
        }
      }
      if (text.length() > MAX_QUERY_CHARS) {
        throw SomaException.invalid("query and context together are longer than " + MAX_QUERY_CHARS + " characters");
      }
      search.put("query", text.toString());
      if (context.getValue("filters") != null) {
        if (!(context.getValue("filters") instanceof JsonObject filters)) {
          throw SomaException.invalid("context.filters must be a JSON object");
        }
        if (body.getValue("filters") != null) {
          throw SomaException.invalid("give metadata filters in context.filters or in filters, not both");
        }
        search.put("filters", filters);
      }
    }
    return search(tenant, search);
  }

  /**
   * What {@code POST /memories/delete} removes: exactly one of {@code coords} (up to {@code SOMA_MAX_BATCH}),
   * {@code filter} (at least one condition) or {@code "all": true}.
   */
  DeleteScope deleteScope(JsonObject body) {
    JsonArray coords = JsonFields.array(body, "coords", false);
    JsonObject filter = JsonFields.object(body, "filter", false);
    Object all = body.getValue("all");
    if (all != null && !(all instanceof Boolean)) {
      throw SomaException.invalid("all must be true or false");
    }
    boolean everything = Boolean.TRUE.equals(all);
    if (coords != null && (filter != null || everything)) {
      throw SomaException.invalid("give coords, or a filter, or all: true; not several");
    }
    if (coords != null) {
      requireBatchSize("coords", coords.size());
      List<Coordinate> list = new ArrayList<>(coords.size());
      for (int i = 0; i < coords.size(); i++) {
        try {
          list.add(Coordinate.fromJson(coords.getValue(i)));
        } catch (SomaException e) {
          throw new SomaException(e.kind(), "coords[" + i + "]: " + e.getMessage());
        }
      }
      return new DeleteScope(list, null);
    }
    MemoryFilter scope = filter == null ? MemoryFilter.NONE : deleteFilter(filter);
    if (scope.isEmpty() && !everything) {
      throw SomaException.invalid("a delete needs coords or a filter with at least one condition; "
          + "send {\"all\": true} to delete every memory of the tenant");
    }
    if (!scope.isEmpty() && everything) {
      throw SomaException.invalid("all: true deletes every memory of the tenant and takes no filter");
    }
    return new DeleteScope(null, scope);
  }

  /**
   * The coordinates, or the filter, of a scoped delete; exactly one is non-null.
   *
   * @param filter {@link MemoryFilter#NONE} only when the client sent {@code "all": true}
   */
  record DeleteScope(List<Coordinate> coords, MemoryFilter filter) {
  }

  private MemoryFilter deleteFilter(JsonObject filter) {
    for (String key : filter.fieldNames()) {
      if (!DELETE_FILTER_FIELDS.contains(key)) {
        // A misspelt condition would otherwise widen a delete silently.
        throw SomaException.invalid("filter." + key + " is not a filter field; use " + DELETE_FILTER_FIELDS);
      }
    }
    return MemoryFilter.of(types(filter.getValue("memory_type")), JsonFields.object(filter, "filters", false),
        JsonFields.time(filter, "created_after", Long.MIN_VALUE), JsonFields.time(filter, "created_before",
            Long.MAX_VALUE));
  }

  /**
   * One line of an import: an exported memory ({@code "kind": "memory"}, or no kind) read as a store body. An
   * exported {@code vector} (a JSON array, or base64 of float32) is reused when it has this server's dimension and
   * dropped (the text is re-embedded) otherwise; a vector that cannot be normalised is an error of this line alone.
   */
  StoreCommand importLine(String tenant, JsonObject line) {
    Object kind = line.getValue("kind");
    if (kind != null && !"memory".equals(kind)) {
      String shown = String.valueOf(kind);
      throw SomaException.invalid("kind '" + (shown.length() > 32 ? shown.substring(0, 32) : shown)
          + "' cannot be imported; only memory and link lines can");
    }
    JsonObject body = line;
    Object vector = line.getValue("vector");
    // A vector of another dimension, as an array or as base64; a string that is not base64 (-1) stays, to be this
    // line's error.
    int floats = vector instanceof JsonArray v ? v.size()
        : vector instanceof String encoded ? JsonFields.base64Floats(encoded) : dimension;
    if (floats >= 0 && floats != dimension) {
      body = line.copy();
      body.remove("vector");
    }
    StoreCommand command = store(tenant, body);
    if (command.vector() != null) {
      Vectors.normalized(command.vector(), dimension, "vector");
    }
    return command;
  }

  /** A {@code {"kind": "link", ...}} import line, read like a {@code POST /graph/link} body. */
  Link importLink(String tenant, JsonObject line) {
    Object from = line.getValue("from_coord");
    Object to = line.getValue("to_coord");
    if (from == null || to == null) {
      throw SomaException.invalid("a link line needs from_coord and to_coord");
    }
    String type = GraphRoutes.linkType(JsonFields.string(line, "link_type", GraphRoutes.DEFAULT_LINK_TYPE, 1024));
    double strength = JsonFields.number(line, "strength", 1.0, -1e9, 1e9);
    JsonObject metadata = JsonFields.object(line, "metadata", false);
    return Link.draft(tenant, Coordinate.fromJson(from).key(), Coordinate.fromJson(to).key(), type, strength, metadata);
  }

  /** The query string of {@code GET /memories/search}, read as the equivalent body. */
  JsonObject searchParams(MultiMap params) {
    JsonObject body = new JsonObject();
    copyText(params, body, "query");
    copyText(params, body, "mode");
    copyText(params, body, "memory_type");
    copyNumber(params, body, "top_k");
    copyNumber(params, body, "offset");
    copyNumber(params, body, "min_score");
    copyNumber(params, body, "sequence_weight");
    copyTime(params, body, "created_after");
    copyTime(params, body, "created_before");
    String filters = params.get("filters");
    if (filters != null && !filters.isBlank()) {
      try {
        body.put("filters", new JsonObject(filters));
      } catch (DecodeException | ClassCastException e) {
        throw SomaException.malformed("filters must be a JSON object, URL-encoded");
      }
    }
    return body;
  }

  /** Optional memory type for range queries. */
  MemoryType optionalType(String value) {
    return value == null || value.isBlank() ? null : MemoryType.parse(value);
  }

  private void requireBatchSize(String field, int size) {
    if (size == 0 || size > maxBatch) {
      throw SomaException.invalid(field + " must hold between 1 and " + maxBatch + " entries; got " + size);
    }
  }

  /**
   * The types a {@code memory_type} filter names: a name, names separated by commas, or an array of names;
   * {@code null} when it is absent (any type).
   */
  static Set<MemoryType> types(Object value) {
    if (value == null) {
      return null;
    }
    Set<MemoryType> types = EnumSet.noneOf(MemoryType.class);
    if (value instanceof String s) {
      for (String part : s.split(",")) {
        types.add(MemoryType.parse(part));
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String s)) {
          throw SomaException.invalid("memory_type must be a string or an array of strings");
        }
        types.add(MemoryType.parse(s));
      }
    } else {
      throw SomaException.invalid("memory_type must be a string or an array of strings");
    }
    return types;
  }

  private static void copyText(MultiMap params, JsonObject body, String name) {
    String v = params.get(name);
    if (v != null) {
      body.put(name, v);
    }
  }

  private static void copyNumber(MultiMap params, JsonObject body, String name) {
    String v = params.get(name);
    if (v == null) {
      return;
    }
    try {
      body.put(name, v.matches("[+-]?\\d{1,18}") ? (Object) Long.parseLong(v) : (Object) Double.parseDouble(v));
    } catch (NumberFormatException e) {
      throw SomaException.invalid(name + " must be a number; got '" + (v.length() > 32 ? v.substring(0, 32) : v) + "'");
    }
  }

  private static void copyTime(MultiMap params, JsonObject body, String name) {
    String v = params.get(name);
    if (v != null) {
      body.put(name, v.matches("[+-]?\\d{1,18}") ? (Object) Long.parseLong(v) : v);
    }
  }
}
