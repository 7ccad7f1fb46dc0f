package org.somafractal.memory.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The OpenAPI 3.1 document served at {@code GET /openapi.json}, built in code next to the routes it describes.
 *
 * <p>Each route has one small {@link Operation} builder in {@link #operations()}; shared shapes live once under
 * {@code components}. {@code OpenApiTest} compares the document with the routes the router really serves, so a
 * route added without an operation here (or an operation left behind by a removed route) fails the build. Bounds
 * that come from the configuration (top_k, batch sizes, body size) are read from the running configuration, so the
 * document states the limits this server enforces.
 */
final class OpenApiSpec {
  /** The media type of every JSON body. */
  static final String JSON = "application/json";
  private static final String SEQUENCE_WEIGHT_DOC = "Share of a match's relevance lent to its sequence neighbours "
      + "(its coordinate with the last axis -1 and +1); default SOMA_SEQUENCE_WEIGHT, 0 = none";

  private OpenApiSpec() {
  }

  /** The whole document for a server running with {@code config}. */
  static JsonObject document(SomaConfig config) {
    JsonObject paths = new JsonObject();
    for (Operation op : operations(config)) {
      JsonObject item = paths.getJsonObject(op.path);
      if (item == null) {
        item = new JsonObject();
        paths.put(op.path, item);
      }
      item.put(op.method.toLowerCase(Locale.ROOT), op.toJson());
    }
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject()
            .put("title", "SomaFractalMemory")
            .put("version", AdminRoutes.VERSION)
            .put("description", "Long-term memory server for AI agents: store memories at coordinates, recall them"
                + " by meaning and by words. Errors always answer {\"detail\": string, \"code\": string}."))
        .put("jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base")
        .put("tags", new JsonArray()
            .add(tag("memories", "Store, get, search and delete memories"))
            .add(tag("operations", "Health, readiness and statistics"))
            .add(tag("documentation", "This document and its Swagger UI")))
        .put("paths", paths)
        .put("components", components(config));
  }

  /** One builder per served route. Adding a route means adding one entry here. */
  static List<Operation> operations(SomaConfig config) {
    int maxTopK = config.get(Settings.MAX_TOP_K);
    int maxBatch = config.get(Settings.MAX_BATCH);
    List<Operation> ops = new ArrayList<>();

    ops.add(op("GET", "/", "root", "operations", "Service banner").ok("Root"));
    ops.add(op("GET", "/healthz", "healthz", "operations", "Liveness: the process answers").ok("Liveness"));
    ops.add(op("GET", "/readyz", "readyz", "operations", "Readiness: the store answers")
        .ok("Readiness").error(503, "Readiness", "The store does not answer within SOMA_HEALTH_TIMEOUT_MS"));
    ops.add(op("GET", "/health", "health", "operations", "Every backend with its status and latency")
        .ok("Health").error(503, "Health", "A backend is down; the body still lists every backend"));
    ops.add(op("GET", "/metrics", "metrics", "operations", "Prometheus metrics: HTTP, JVM, outbox backlog, relay, "
        + "follower lag. Public like /health: labels carry route templates, never paths, addresses or tenants")
        .text());
    ops.add(op("GET", "/openapi.json", "openapi", "documentation", "This OpenAPI document")
        .ok(new JsonObject().put("type", "object")));
    ops.add(op("GET", "/docs", "docs", "documentation", "Swagger UI for this document").html());

    ops.add(op("GET", "/stats", "stats", "operations", "Memory counts of the caller's tenant")
        .auth().ok("Stats").backend());
    ops.add(op("POST", "/memories", "storeMemory", "memories", "Store (upsert) one memory")
        .description("Stores a memory at its coordinate, replacing the one already there; without a coordinate "
            + "the server chooses one and returns it. The content is embedded by the server unless a vector is "
            + "given.")
        .auth().body("StoreRequest").ok("StoreResult").quota().backend());
    ops.add(op("POST", "/memories/bulk", "storeMemories", "memories", "Store up to " + maxBatch + " memories")
        .description("All or nothing: an invalid item fails the whole request, naming its index.")
        .auth().body("BulkStoreRequest").ok("BulkStoreResult").quota().backend());
    ops.add(op("POST", "/memories/search", "searchMemories", "memories", "Hybrid, vector or lexical search")
        .auth().body("SearchRequest").ok("SearchResponse").backend());
    ops.add(op("GET", "/memories/search", "searchMemoriesGet", "memories", "Search with the fields in the query")
        .auth()
        .query("query", string(), false, "The text to search for (required unless mode is vector with a vector)")
        .query("top_k", integer(1, maxTopK), false, "How many results")
        .query("offset", integer(0, maxTopK), false, "How many results to skip")
        .query("mode", ref("SearchMode"), false, null)
        .query("memory_type", string(), false, "One type or several separated by commas")
        .query("filters", string(), false, "A URL-encoded JSON object of metadata equality filters")
        .query("min_score", new JsonObject().put("type", "number"), false, "Drop results scoring below this")
        .query("sequence_weight", number(0, 1), false, SEQUENCE_WEIGHT_DOC)
        .query("created_after", string(), false, "Epoch milliseconds or an ISO-8601 instant")
        .query("created_before", string(), false, "Epoch milliseconds or an ISO-8601 instant")
        .validated().ok("SearchResponse").backend());
    ops.add(op("POST", "/memories/search/batch", "searchMemoriesBatch", "memories",
        "Up to " + maxBatch + " searches in one request")
        .auth().body("BatchSearchRequest").ok("BatchSearchResponse").backend());
    ops.add(op("GET", "/memories/range", "rangeMemories", "memories", "Memories inside a box of coordinates")
        .auth()
        .query("min", string(), true, "Lower corner, inclusive, e.g. 0,0,0")
        .query("max", string(), true, "Upper corner, inclusive, e.g. 5,5,5")
        .query("memory_type", ref("MemoryType"), false, null)
        .query("limit", integer(1, 10_000), false, "At most this many memories (default 1000)")
        .validated().ok("RangeResponse").backend());
    OpenApiMoreSpecs.addOperations(ops, config);
    ops.add(op("GET", "/memories/{coord}", "getMemory", "memories", "The memory at a coordinate")
        .auth().coordPath().ok("MemoryResponse").error(404).backend());
    ops.add(op("DELETE", "/memories/{coord}", "deleteMemory", "memories", "Delete the memory at a coordinate")
        .description("Idempotent: answers 200 with deleted false when nothing was there.")
        .auth().coordPath().ok("DeleteResult").backend());
    return ops;
  }

  private static JsonObject components(SomaConfig config) {
    int maxTopK = config.get(Settings.MAX_TOP_K);
    int defaultTopK = config.get(Settings.DEFAULT_TOP_K);
    int maxBatch = config.get(Settings.MAX_BATCH);
    JsonObject schemas = new JsonObject()
        .put("Error", object(List.of("detail", "code"))
            .put("properties", new JsonObject()
                .put("detail", string().put("description", "What went wrong, for a human"))
                .put("code", string().put("description", "A stable machine-readable code, e.g. invalid, "
                    + "malformed, not_found, unauthorized, too_large, unavailable")))
            .put("additionalProperties", false))
        .put("Coordinate", new JsonObject()
            .put("description", "A point in any number of dimensions: \"1,2,3\" or [1, 2, 3]")
            .put("oneOf", new JsonArray().add(string().put("examples", new JsonArray().add("1,2,3")))
                .add(numbers())))
        .put("MemoryType", string().put("enum", new JsonArray().add("episodic").add("semantic").add("summary")))
        .put("SearchMode", string().put("enum", new JsonArray().add("hybrid").add("vector").add("lexical"))
            .put("default", "hybrid"))
        .put("Vector", new JsonObject().put("description", "An embedding of exactly "
            + config.get(Settings.VECTOR_DIM) + " finite numbers, as a JSON array or as a base64 string of their "
            + "little-endian float32 bytes (OpenAI's encoding_format base64); replaces the server-side embedding")
            .put("oneOf", new JsonArray().add(numbers()).add(string().put("format", "byte"))))
        .put("StoreRequest", object(List.of("payload")).put("properties", new JsonObject()
            .put("coord", ref("Coordinate"))
            .put("payload", new JsonObject().put("type", "object")
                .put("description", "Any JSON object; its text fields are embedded and indexed"))
            .put("memory_type", ref("MemoryType"))
            .put("importance", new JsonObject().put("type", "number").put("default", 1.0))
            .put("metadata", new JsonObject().put("type", "object")
                .put("description", "Any JSON object; searchable with filters"))
            .put("vector", ref("Vector"))))
        .put("StoreResult", object(List.of("coord", "id", "memory_type", "created", "ok"))
            .put("properties", storedProperties().put("ok", bool())))
        .put("BulkStoreRequest", object(List.of("items")).put("properties", new JsonObject()
            .put("items", array(ref("StoreRequest")).put("minItems", 1).put("maxItems", maxBatch))))
        .put("BulkStoreResult", object(List.of("stored", "results")).put("properties", new JsonObject()
            .put("stored", new JsonObject().put("type", "integer"))
            .put("results", array(object(List.of("coord", "id", "memory_type", "created"))
                .put("properties", storedProperties())))))
        .put("Memory", object(List.of("id", "coord", "coordinate", "payload", "memory_type", "importance",
            "metadata", "created_at", "updated_at", "last_accessed_at", "access_count", "embedding_model"))
            .put("properties", new JsonObject()
                .put("id", string())
                .put("coord", string().put("description", "The canonical coordinate key, e.g. 1.0,2.0,3.0"))
                .put("coordinate", numbers())
                .put("payload", new JsonObject().put("type", "object"))
                .put("memory_type", ref("MemoryType"))
                .put("importance", new JsonObject().put("type", "number"))
                .put("metadata", new JsonObject().put("type", "object"))
                .put("created_at", dateTime())
                .put("updated_at", dateTime())
                .put("last_accessed_at", dateTime())
                .put("access_count", new JsonObject().put("type", "integer"))
                .put("embedding_model", new JsonObject().put("type", new JsonArray().add("string").add("null")))))
        .put("Scores", object(List.of("vector", "lexical", "fused", "importance", "decay", "sequence"))
            .put("properties", new JsonObject()
                .put("vector", nullableNumber("Cosine similarity, null when the vector engine did not match"))
                .put("lexical", nullableNumber("BM25 score, null when the lexical engine did not match"))
                .put("fused", new JsonObject().put("type", "number")
                    .put("description", "The fused vector and lexical relevance, plus sequence"))
                .put("importance", new JsonObject().put("type", "number"))
                .put("decay", new JsonObject().put("type", "number"))
                .put("sequence", new JsonObject().put("type", "number")
                    .put("description", "Relevance lent by a matching sequence neighbour (0 when none)"))))
        .put("SearchResult", new JsonObject().put("allOf", new JsonArray().add(ref("Memory"))
            .add(object(List.of("score", "scores")).put("properties", new JsonObject()
                .put("score", new JsonObject().put("type", "number"))
                .put("scores", ref("Scores"))))))
        .put("SearchRequest", new JsonObject().put("type", "object")
            .put("description", "Needs a non-empty query or a vector; mode lexical needs a query")
            .put("properties", searchProperties(defaultTopK, maxTopK)))
        .put("SearchResponse", object(List.of("memories", "mode", "latency_ms")).put("properties", new JsonObject()
            .put("memories", array(ref("SearchResult")))
            .put("mode", ref("SearchMode"))
            .put("latency_ms", new JsonObject().put("type", "number"))))
        .put("BatchSearchRequest", object(List.of("queries"))
            .put("description", "A string query inherits every other field of this body as its defaults")
            .put("properties", searchProperties(defaultTopK, maxTopK).put("queries", array(new JsonObject()
                .put("oneOf", new JsonArray().add(string()).add(ref("SearchRequest"))))
                .put("minItems", 1).put("maxItems", maxBatch))))
        .put("BatchSearchResponse", object(List.of("results", "latency_ms")).put("properties", new JsonObject()
            .put("results", array(object(List.of("memories")).put("properties", new JsonObject()
                .put("memories", array(ref("SearchResult"))))))
            .put("latency_ms", new JsonObject().put("type", "number"))))
        .put("MemoryResponse", object(List.of("memory")).put("properties", new JsonObject()
            .put("memory", ref("Memory"))))
        .put("DeleteResult", object(List.of("coord", "deleted")).put("properties", new JsonObject()
            .put("coord", string()).put("deleted", bool())))
        .put("RangeResponse", object(List.of("memories", "coords")).put("properties", new JsonObject()
            .put("memories", array(ref("Memory")))
            .put("coords", array(numbers()))))
        .put("Stats", object(List.of("tenant", "total_memories", "episodic", "semantic", "summary", "vector_count",
            "lexical_count", "quota")).put("properties", new JsonObject()
                .put("quota", new JsonObject().put("type", "object").put("description", "The tenant's limits "
                    + "(0 = unlimited) and, when any quota is configured, used_memories, used_bytes and used_links"))
                .put("tenant", string())
                .put("total_memories", new JsonObject().put("type", "integer"))
                .put("episodic", new JsonObject().put("type", "integer"))
                .put("semantic", new JsonObject().put("type", "integer"))
                .put("summary", new JsonObject().put("type", "integer"))
                .put("vector_count", new JsonObject().put("type", "integer"))
                .put("lexical_count", new JsonObject().put("type", "integer"))))
        .put("Health", object(List.of("healthy", "status", "version", "mode", "uptime_seconds", "services"))
            .put("properties", new JsonObject()
                .put("healthy", bool())
                .put("status", string().put("enum", new JsonArray().add("healthy").add("degraded").add("unhealthy")))
                .put("version", string())
                .put("mode", string())
                .put("uptime_seconds", new JsonObject().put("type", "integer"))
                .put("services", array(object(List.of("name", "healthy", "latency_ms", "details"))
                    .put("properties", new JsonObject()
                        .put("name", string())
                        .put("healthy", bool())
                        .put("latency_ms", new JsonObject().put("type", "number"))
                        .put("details", string()))))
                .put("cache", object(List.of("backend", "active", "hits", "misses", "hit_ratio"))
                    .put("description", "The read-through cache of memories, when the server has one: rows served "
                        + "from it (hits) and from the store (misses), reads served without it (bypassed) while it "
                        + "is not usable")
                    .put("properties", new JsonObject()
                        .put("backend", string().put("enum", new JsonArray().add("in-process").add("redis")))
                        .put("active", bool())
                        .put("hits", new JsonObject().put("type", "integer"))
                        .put("misses", new JsonObject().put("type", "integer"))
                        .put("hit_ratio", new JsonObject().put("type", "number"))
                        .put("bypassed", new JsonObject().put("type", "integer"))
                        .put("filled", new JsonObject().put("type", "integer"))
                        .put("refused", new JsonObject().put("type", "integer"))
                        .put("invalidated", new JsonObject().put("type", "integer"))
                        .put("failures", new JsonObject().put("type", "integer"))
                        .put("clears", new JsonObject().put("type", "integer"))))))
        .put("Liveness", object(List.of("status")).put("properties", new JsonObject().put("status", string())))
        .put("Readiness", object(List.of("ready")).put("properties", new JsonObject().put("ready", bool())))
        .put("Root", object(List.of("status", "message", "version")).put("properties", new JsonObject()
            .put("status", string()).put("message", string()).put("version", string())
            .put("health", string()).put("docs", string()).put("openapi", string())));

    OpenApiMoreSpecs.addSchemas(schemas, config);

    JsonObject responses = new JsonObject();
    for (ErrorResponse e : ErrorResponse.values()) {
      JsonObject response = new JsonObject().put("description", e.description)
          .put("content", jsonContent(ref("Error")));
      if (e.header != null) {
        response.put("headers", new JsonObject().put(e.header, new JsonObject()
            .put("description", e.headerDescription).put("schema", string())));
      }
      responses.put(e.component(), response);
    }

    return new JsonObject()
        .put("schemas", schemas)
        .put("responses", responses)
        .put("parameters", new JsonObject()
            .put("Tenant", new JsonObject().put("name", "X-Soma-Tenant").put("in", "header").put("required", false)
                .put("description", "The tenant whose memories this request sees: 1-128 letters, digits, '.', "
                    + "'_' or '-'. Default: default.")
                .put("schema", string().put("pattern", "^[A-Za-z0-9._\\-]{1,128}$")))
            .put("Namespace", new JsonObject().put("name", "X-Soma-Namespace").put("in", "header")
                .put("required", false)
                .put("description", "Used when X-Soma-Tenant is absent, as the seed client sends it: the tenant "
                    + "is the part after the last ':'.")
                .put("schema", string()))
            .put("Coord", new JsonObject().put("name", "coord").put("in", "path").put("required", true)
                .put("description", "The coordinate, e.g. 1,2,3; any float formatting names the same memory")
                .put("schema", string())))
        .put("securitySchemes", new JsonObject().put("bearer", new JsonObject()
            .put("type", "http").put("scheme", "bearer")
            .put("description", "A static token (SOMA_API_TOKEN, SOMA_TOKENS_FILE) or a JWT; not required when the server has no "
                + "credential configured. Each operation needs one scope (memory:read, memory:write, memory:delete, "
                + "graph:write, admin; admin implies all)")));
  }

  private static JsonObject searchProperties(int defaultTopK, int maxTopK) {
    return new JsonObject()
        .put("query", string().put("maxLength", Requests.MAX_QUERY_CHARS))
        .put("vector", ref("Vector"))
        .put("top_k", integer(1, maxTopK).put("default", defaultTopK))
        .put("offset", integer(0, maxTopK).put("default", 0)
            .put("description", "top_k + offset must be at most " + maxTopK))
        .put("mode", ref("SearchMode"))
        .put("memory_type", new JsonObject().put("oneOf", new JsonArray().add(ref("MemoryType"))
            .add(string().put("description", "Several types separated by commas")).add(array(ref("MemoryType")))))
        .put("filters", new JsonObject().put("type", "object")
            .put("description", "Metadata equality filters; dotted keys reach nested fields, e.g. user.id"))
        .put("min_score", new JsonObject().put("type", "number"))
        .put("sequence_weight", number(0, 1).put("description", SEQUENCE_WEIGHT_DOC))
        .put("created_after", timeBound())
        .put("created_before", timeBound());
  }

  private static JsonObject storedProperties() {
    return new JsonObject()
        .put("coord", string())
        .put("id", string())
        .put("memory_type", ref("MemoryType"))
        .put("created", bool().put("description", "false when an existing memory was replaced"));
  }

  private static JsonObject timeBound() {
    return new JsonObject().put("description", "Epoch milliseconds or an ISO-8601 instant")
        .put("oneOf", new JsonArray().add(new JsonObject().put("type", "integer")).add(dateTime()));
  }

  /**
   * The error responses, each a reusable component; every one has the {@code Error} body. Every authenticated
   * operation may answer 429 (rate limits); the writes that count against a quota may answer 403.
   */
  enum ErrorResponse {
    BAD_REQUEST(400, "Malformed request: JSON, coordinate or tenant header", null, null),
    UNAUTHORIZED(401, "Missing, invalid or expired bearer token", "WWW-Authenticate", "Bearer realm=\"soma\""),
    FORBIDDEN(403, "The credential lacks the scope this route needs, may not act for the named tenant, a rule of the "
        + "policy file or OPA refuses the request, or the write would exceed a quota of the tenant (the detail says "
        + "which); nothing was written", null, null),
    NOT_FOUND(404, "Nothing at this coordinate", null, null),
    METHOD_NOT_ALLOWED(405, "The path exists but not with this method", null, null),
    TOO_LARGE(413, "The body is larger than SOMA_MAX_REQUEST_BODY_MB", null, null),
    INVALID(422, "The request parsed but breaks the schema or a bound", null, null),
    RATE_LIMITED(429, "Too many requests; retry after the given seconds", "Retry-After", "Seconds to wait"),
    INTERNAL(500, "A defect on the server's side; no details are given", null, null),
    UNAVAILABLE(503, "A backend is unavailable; retry after the given seconds", "Retry-After", "Seconds to wait");

    final int status;
    final String description;
    final String header;
    final String headerDescription;

    ErrorResponse(int status, String description, String header, String headerDescription) {
      this.status = status;
      this.description = description;
      this.header = header;
      this.headerDescription = headerDescription;
    }

    /** The name under {@code components/responses}, e.g. {@code Error404}. */
    String component() {
      return "Error" + status;
    }

    static ErrorResponse of(int status) {
      for (ErrorResponse e : values()) {
        if (e.status == status) {
          return e;
        }
      }
      throw new IllegalArgumentException("No error response for status " + status);
    }
  }

  static Operation op(String method, String path, String operationId, String tag, String summary) {
    return new Operation(method, path, operationId, tag, summary);
  }

  /**
   * One operation of the document. The shortcuts add what a kind of route implies, so each route stays a few
   * lines: {@link #auth()} the bearer scheme, tenant headers, 400, 401 and 403; {@link #body} the request body, 413
   * and 422; {@link #backend()} 500 and 503. Every operation answers 405 for a wrong method on its path.
   */
  static final class Operation {
    final String method;
    final String path;
    private final JsonObject json;
    private final JsonObject responses = new JsonObject();
    private final JsonArray parameters = new JsonArray();

    private Operation(String method, String path, String operationId, String tag, String summary) {
      this.method = method;
      this.path = path;
      this.json = new JsonObject().put("operationId", operationId).put("tags", new JsonArray().add(tag))
          .put("summary", summary);
    }

    Operation description(String text) {
      json.put("description", text);
      return this;
    }

    /** Needs a credential with the route's scope (when the server has any) and binds the tenant it allows. */
    Operation auth() {
      json.put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())));
      parameters.add(ref("#/components/parameters/Tenant")).add(ref("#/components/parameters/Namespace"));
      return error(400).error(401).error(403).error(429);
    }

    /** A write that counts against the tenant's quotas (403 when it would exceed one). */
    Operation quota() {
      return error(403);
    }

    /** A JSON object body of the given component schema. */
    Operation body(String schema) {
      json.put("requestBody", new JsonObject().put("required", true).put("content", jsonContent(ref(schema))));
      return error(400).error(413).error(422);
    }

    Operation query(String name, JsonObject schema, boolean required, String description) {
      JsonObject p = new JsonObject().put("name", name).put("in", "query").put("required", required)
          .put("schema", schema);
      if (description != null) {
        p.put("description", description);
      }
      parameters.add(p);
      return this;
    }

    /** The {@code {coord}} path parameter; a malformed coordinate is a 400. */
    Operation coordPath() {
      parameters.add(ref("#/components/parameters/Coord"));
      return error(400);
    }

    /** A required path parameter holding a plain string. */
    Operation pathParam(String name, String description) {
      parameters.add(new JsonObject().put("name", name).put("in", "path").put("required", true)
          .put("description", description).put("schema", string()));
      return this;
    }

    /** A request body of newline-delimited JSON. */
    Operation ndjsonBody(String description) {
      json.put("requestBody", new JsonObject().put("required", true).put("description", description)
          .put("content", new JsonObject().put("application/x-ndjson", new JsonObject().put("schema", string()))));
      return error(413).error(422);
    }

    /** A 200 streaming newline-delimited JSON. */
    Operation ndjsonOk(String description) {
      responses.put("200", new JsonObject().put("description", description).put("content", new JsonObject()
          .put("application/x-ndjson", new JsonObject().put("schema", string()))));
      return this;
    }

    /** Parameters that can break a bound (422). */
    Operation validated() {
      return error(422);
    }

    /** Goes through the memory service and its backends. */
    Operation backend() {
      return error(500).error(503);
    }

    Operation ok(String schema) {
      return ok(ref(schema));
    }

    Operation ok(JsonObject schema) {
      responses.put("200", new JsonObject().put("description", "OK").put("content", jsonContent(schema)));
      return this;
    }

    /** A 200 answering the Prometheus text exposition format. */
    Operation text() {
      responses.put("200", new JsonObject().put("description", "OK").put("content", new JsonObject()
          .put("text/plain", new JsonObject().put("schema", string()))));
      return this;
    }

    /** A 200 answering an HTML page. */
    Operation html() {
      responses.put("200", new JsonObject().put("description", "OK").put("content", new JsonObject()
          .put("text/html", new JsonObject().put("schema", string()))));
      return this;
    }

    Operation error(int status) {
      responses.put(Integer.toString(status), ref("#/components/responses/" + ErrorResponse.of(status).component()));
      return this;
    }

    /** A non-error body on an error status, such as the health report answered with 503. */
    Operation error(int status, String schema, String description) {
      responses.put(Integer.toString(status), new JsonObject().put("description", description)
          .put("content", jsonContent(ref(schema))));
      return this;
    }

    JsonObject toJson() {
      JsonObject out = json.copy();
      if (!parameters.isEmpty()) {
        out.put("parameters", parameters.copy());
      }
      JsonObject all = responses.copy();
      all.put("405", ref("#/components/responses/" + ErrorResponse.METHOD_NOT_ALLOWED.component()));
      return out.put("responses", sortedByStatus(all));
    }

    private static JsonObject sortedByStatus(JsonObject responses) {
      JsonObject sorted = new JsonObject();
      responses.fieldNames().stream().sorted().forEach(k -> sorted.put(k, responses.getValue(k)));
      return sorted;
    }
  }

  private static JsonObject tag(String name, String description) {
    return new JsonObject().put("name", name).put("description", description);
  }

  /** A {@code $ref}: a bare name means a component schema. */
  static JsonObject ref(String target) {
    return new JsonObject().put("$ref", target.startsWith("#") ? target : "#/components/schemas/" + target);
  }

  static JsonObject jsonContent(JsonObject schema) {
    return new JsonObject().put(JSON, new JsonObject().put("schema", schema));
  }

  static JsonObject object(List<String> required) {
    return new JsonObject().put("type", "object").put("required", new JsonArray(new ArrayList<>(required)));
  }

  static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  static JsonObject numbers() {
    return array(new JsonObject().put("type", "number"));
  }

  static JsonObject string() {
    return new JsonObject().put("type", "string");
  }

  static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  static JsonObject dateTime() {
    return string().put("format", "date-time");
  }

  static JsonObject integer(int min, int max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max);
  }

  static JsonObject number(double min, double max) {
    return new JsonObject().put("type", "number").put("minimum", min).put("maximum", max);
  }

  static JsonObject nullableNumber(String description) {
    return new JsonObject().put("type", new JsonArray().add("number").add("null")).put("description", description);
  }
}
