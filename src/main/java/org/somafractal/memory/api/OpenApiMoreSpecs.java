package org.somafractal.memory.api;

import static org.somafractal.memory.api.OpenApiSpec.array;
import static org.somafractal.memory.api.OpenApiSpec.bool;
import static org.somafractal.memory.api.OpenApiSpec.integer;
import static org.somafractal.memory.api.OpenApiSpec.numbers;
import static org.somafractal.memory.api.OpenApiSpec.object;
import static org.somafractal.memory.api.OpenApiSpec.op;
import static org.somafractal.memory.api.OpenApiSpec.ref;
import static org.somafractal.memory.api.OpenApiSpec.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.somafractal.memory.api.OpenApiSpec.Operation;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The OpenAPI operations and schemas of the graph, transfer (scoped delete, export, import, context recall) and seed
 * compatibility routes, kept apart from {@link OpenApiSpec} so that neither file grows past reading size. The same
 * router-versus-document test covers both.
 */
final class OpenApiMoreSpecs {
  private OpenApiMoreSpecs() {
  }

  static void addOperations(List<Operation> ops, SomaConfig config) {
    int maxBatch = config.get(Settings.MAX_BATCH);
    JsonObject coord = string().put("description", "A coordinate, e.g. 1,2,3");

    ops.add(op("POST", "/memories/delete", "deleteMemoriesScoped", "memories", "Delete by coordinates or by filter")
        .description("Exactly one of coords (at most " + maxBatch + "), filter, or all: true. An empty filter is "
            + "refused unless all is true; never beyond the caller's tenant.")
        .auth().body("ScopedDeleteRequest").ok("ScopedDeleteResult").backend());
    ops.add(op("GET", "/memories/export", "exportMemories", "transfer", "The tenant as NDJSON, streamed")
        .auth().query("embeddings", bool(), false, "Add each memory's vector")
        .query("memory_type", ref("MemoryType"), false, null)
        .validated().ndjsonOk("One {\"kind\": \"memory\", ...} object per line").backend());
    ops.add(op("POST", "/memories/import", "importMemories", "transfer", "Import NDJSON (the export format)")
        .description("Read line by line in batches; bad lines are rejected alone and reported with their numbers.")
        .auth().query("replace", bool(), false, "Overwrite memories at coordinates that exist (default false)")
        .ndjsonBody("Lines of the export format").ok("ImportResult").quota().backend());
    ops.add(op("POST", "/memories/recall_with_context", "recallWithContext", "memories",
        "Search with context: scalar context fields extend the query, context.filters filters")
        .auth().body("ContextSearchRequest").ok("SearchResponse").backend());

    ops.add(op("POST", "/graph/link", "linkMemories", "graph", "Create or update a typed, weighted link")
        .description("The from coordinate must hold a memory of the tenant (404 otherwise).")
        .auth().body("LinkRequest").ok("LinkResult").error(404).quota().backend());
    ops.add(op("DELETE", "/graph/link", "unlinkMemories", "graph", "Delete the links between two coordinates")
        .auth().query("from_coord", coord, true, null).query("to_coord", coord, true, null)
        .query("link_type", string(), false, "Only this type; all types when absent")
        .validated().ok("UnlinkResult").backend());
    ops.add(op("GET", "/graph/neighbors", "neighbors", "graph", "Neighbours up to k hops away")
        .auth().query("coord", coord, true, null).query("k_hop", integer(1, 5), false, "Default 1")
        .query("link_type", string(), false, null)
        .query("direction", string().put("enum", new JsonArray().add("out").add("in").add("both")), false, null)
        .query("limit", integer(1, 1000), false, "Default 10").query("offset", integer(0, 1_000_000), false, null)
        .validated().ok("NeighborsResponse").backend());
    ops.add(op("GET", "/graph/path", "path", "graph", "The path with the fewest hops or the least cost (1/strength)")
        .auth().query("from_coord", coord, true, null).query("to_coord", coord, true, null)
        .query("max_length", integer(1, 100), false, "At most this many links (default 10)")
        .query("link_type", string(), false, null)
        .query("by", string().put("enum", new JsonArray().add("hops").add("weight").add("distance")), false,
            "Default hops; weight: least sum of 1/strength; distance: least sum of strength")
        .validated().ok("PathResponse").backend());

    ops.add(op("GET", "/admin/audit", "auditTrail", "operations",
        "The audit trail: every write, delete, import, export and admin request, newest first")
        .description("Needs the admin scope. Each entry says who (the credential id), for which tenant, which route, "
            + "at what (coordinates, ids, counts; never a payload), when, and the answer's status. 404 when the "
            + "server runs with SOMA_AUDIT=false.")
        .auth()
        .query("tenant", string(), false, "Whose entries: a tenant, or * for every tenant (default: the request's "
            + "tenant)")
        .query("since", string(), false, "Epoch milliseconds or an ISO-8601 instant, inclusive")
        .query("until", string(), false, "Epoch milliseconds or an ISO-8601 instant, exclusive")
        .query("limit", integer(1, AuditRoutes.MAX_LIMIT), false, "At most this many entries (default "
            + AuditRoutes.DEFAULT_LIMIT + ")")
        .query("cursor", string(), false, "The next_cursor of the previous page")
        .validated().ok("AuditPage").error(404).backend());

    addSeedOperations(ops);
  }

  private static void addSeedOperations(List<Operation> ops) {
    ops.add(seed("POST", "/store", "seedStore", "Era A: store at a coordinate").body("SeedStoreRequest")
        .ok("SeedOk").quota().backend());
    ops.add(seed("POST", "/remember", "seedRemember", "Era A: store, the server choosing a coordinate")
        .body("SeedStoreRequest").ok("SeedOk").quota().backend());
    ops.add(seed("POST", "/store_bulk", "seedStoreBulk", "Era A: store many").body("SeedBulkRequest")
        .ok("SeedStored").quota().backend());
    ops.add(seed("POST", "/recall", "seedRecall", "Era A: recall").body("SeedRecallRequest").ok("SeedMatches")
        .backend());
    ops.add(seed("GET", "/recall", "seedRecallGet", "Era A: recall with the fields in the query")
        .query("query", string(), true, null).query("top_k", integer(1, 100_000), false, null)
        .query("type", string(), false, null).query("hybrid", bool(), false, null)
        .query("filters", string(), false, "A URL-encoded JSON object").validated().ok("SeedMatches").backend());
    ops.add(seed("POST", "/recall_batch", "seedRecallBatch", "Era A: several recalls")
        .body("SeedRecallBatchRequest").ok("SeedBatches").backend());
    ops.add(seed("POST", "/recall_with_scores", "seedRecallWithScores", "Era A: recall with scores")
        .body("SeedRecallRequest").ok("SeedScored").backend());
    ops.add(seed("POST", "/recall_with_context", "seedRecallWithContext", "Era A: recall with context")
        .body("SeedContextRequest").ok("SeedResults").backend());
    ops.add(seed("POST", "/keyword_search", "seedKeywordSearch", "Era A: exact or substring keyword search")
        .body("SeedKeywordRequest").ok("SeedResults").backend());
    ops.add(seed("POST", "/hybrid_recall_with_scores", "seedHybridRecall", "Era A: hybrid recall with scores")
        .body("SeedHybridRequest").ok("SeedScored").backend());
    ops.add(seed("GET", "/range", "seedRange", "Era A: coordinates inside a box")
        .query("min", string(), true, null).query("max", string(), true, null).query("type", string(), false, null)
        .validated().ok("SeedCoords").backend());
    ops.add(seed("POST", "/delete_many", "seedDeleteMany", "Era A: delete by coordinates")
        .body("SeedDeleteManyRequest").ok("SeedDeleted").backend());
    ops.add(seed("POST", "/export_memories", "seedExport", "Era A: the export, answered as NDJSON (no server path)")
        .error(400).error(413).ndjsonOk("The canonical export").backend());
    ops.add(seed("POST", "/import_memories", "seedImport", "Era A: import NDJSON from the body (no server path)")
        .ndjsonBody("Lines of the export format").ok("ImportResult").quota().backend());
    ops.add(seed("POST", "/link", "seedLink", "Era A: link two coordinates (weight = strength)")
        .body("SeedLinkRequest").ok("SeedOk").error(404).quota().backend());
    ops.add(seed("GET", "/neighbors", "seedNeighbors", "Era A: out-neighbours")
        .query("coord", string(), true, null).query("link_type", string(), false, null)
        .query("limit", integer(1, 1000), false, "Default 100").validated().ok("SeedNeighbors").backend());
    ops.add(seed("GET", "/shortest_path", "seedShortestPath", "Era A: least total weight path")
        .query("frm", string(), true, null).query("to", string(), true, null).query("link_type", string(), false, null)
        .validated().ok("SeedPath").backend());
    ops.add(seed("POST", "/api/v2/memory/store", "v2Store", "Documented v2: store content")
        .body("V2StoreRequest").ok("V2StoreResult").quota().backend());
    ops.add(seed("POST", "/api/v2/memory/search", "v2Search", "Documented v2: search")
        .body("V2SearchRequest").ok("V2SearchResult").backend());
    ops.add(seed("DELETE", "/api/v2/memory/{id}", "v2Delete", "Documented v2: delete by memory id")
        .pathParam("id", "The memory's id").ok("V2DeleteResult").backend());
  }

  private static Operation seed(String method, String path, String id, String summary) {
    return op(method, path, id, "compatibility", summary).auth();
  }

  static void addSchemas(JsonObject schemas, SomaConfig config) {
    JsonObject anyObject = new JsonObject().put("type", "object");
    JsonObject integer = new JsonObject().put("type", "integer");
    JsonObject number = new JsonObject().put("type", "number");
    schemas
        .put("ScopedDeleteRequest", new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("coords", array(ref("Coordinate")))
            .put("filter", new JsonObject().put("type", "object").put("additionalProperties", false)
                .put("properties", new JsonObject().put("memory_type", anyObject.copy().put("type",
                    new JsonArray().add("string").add("array"))).put("filters", anyObject)
                    .put("created_after", string()).put("created_before", string())))
            .put("all", bool())))
        .put("ScopedDeleteResult", object(List.of("deleted")).put("properties", new JsonObject()
            .put("deleted", integer).put("coords", array(string()))))
        .put("ImportResult", object(List.of("imported", "skipped", "rejected", "errors")).put("properties",
            new JsonObject().put("imported", integer).put("skipped", integer).put("rejected", integer)
                .put("errors", array(object(List.of("line", "detail")).put("properties", new JsonObject()
                    .put("line", integer).put("detail", string()))))))
        .put("ContextSearchRequest", new JsonObject().put("allOf", new JsonArray().add(ref("SearchRequest"))
            .add(new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("context", anyObject.copy().put("description",
                    "Scalar fields are appended to the query as 'key: value' lines; filters is the metadata filter"))))))
        .put("LinkRequest", object(List.of("from_coord", "to_coord")).put("properties", new JsonObject()
            .put("from_coord", ref("Coordinate")).put("to_coord", ref("Coordinate"))
            .put("link_type", string().put("default", "related")).put("strength", number.copy().put("default", 1.0))
            .put("metadata", anyObject)))
        .put("LinkResult", object(List.of("from_coord", "to_coord", "link_type", "strength", "ok"))
            .put("properties", new JsonObject().put("from_coord", string()).put("to_coord", string())
                .put("link_type", string()).put("strength", number).put("ok", bool())))
        .put("UnlinkResult", object(List.of("deleted")).put("properties", new JsonObject().put("deleted", integer)))
        .put("NeighborsResponse", object(List.of("coord", "neighbors")).put("properties", new JsonObject()
            .put("coord", string()).put("neighbors", array(object(List.of("coord", "coordinate", "link_type",
                "strength", "hops")).put("properties", new JsonObject().put("coord", string())
                    .put("coordinate", numbers()).put("link_type", string()).put("strength", number)
                    .put("hops", integer))))))
        .put("PathResponse", object(List.of("from_coord", "to_coord", "path", "link_types", "found"))
            .put("properties", new JsonObject().put("from_coord", string()).put("to_coord", string())
                .put("path", array(string())).put("link_types", array(string())).put("strength", number)
                .put("cost", number.copy().put("description", "The path's cost: with by=weight and by=distance only"))
                .put("found", bool())));
    JsonObject auditEntry = object(List.of("id", "at", "tenant", "credential", "route", "action", "status",
        "target")).put("properties", new JsonObject()
            .put("id", integer)
            .put("at", string().put("format", "date-time"))
            .put("tenant", string())
            .put("credential", string().put("description", "The credential's id, never its secret"))
            .put("route", string().put("description", "METHOD /path, e.g. POST /memories"))
            .put("action", string().put("enum", new JsonArray().add("write").add("delete").add("import")
                .add("export").add("admin")))
            .put("status", integer)
            .put("target", anyObject.copy().put("description", "Coordinates, ids and counts; never content")));
    schemas.put("AuditPage", object(List.of("entries", "next_cursor")).put("properties", new JsonObject()
        .put("entries", array(auditEntry))
        .put("next_cursor", new JsonObject().put("type", new JsonArray().add("string").add("null")))));
    addSeedSchemas(schemas, anyObject, integer, number);
  }

  private static void addSeedSchemas(JsonObject schemas, JsonObject anyObject, JsonObject integer, JsonObject number) {
    JsonObject record = anyObject.copy().put("description",
        "The payload's own keys, flattened, plus memory_type, coordinate, importance, timestamp and id");
    JsonObject recall = new JsonObject().put("query", string()).put("top_k", integer.copy().put("default", 5))
        .put("type", string()).put("filters", anyObject).put("hybrid", bool());
    schemas
        .put("SeedStoreRequest", object(List.of("payload")).put("properties", new JsonObject()
            .put("coord", ref("Coordinate")).put("payload", anyObject)
            .put("type", string().put("description", "semantic or summary; anything else stores episodic"))))
        .put("SeedBulkRequest", object(List.of("items")).put("properties", new JsonObject()
            .put("items", array(ref("SeedStoreRequest")))))
        .put("SeedOk", object(List.of("ok")).put("properties", new JsonObject().put("ok", bool())
            .put("coord", string())))
        .put("SeedStored", object(List.of("stored")).put("properties", new JsonObject().put("stored", integer)))
        .put("SeedRecallRequest", object(List.of("query")).put("properties", recall))
        .put("SeedRecallBatchRequest", object(List.of("queries")).put("properties", recall.copy()
            .put("queries", array(string()))))
        .put("SeedContextRequest", object(List.of("query", "context")).put("properties", recall.copy()
            .put("context", anyObject)))
        .put("SeedKeywordRequest", object(List.of("term")).put("properties", new JsonObject()
            .put("term", string()).put("exact", bool().put("default", true))
            .put("case_sensitive", bool().put("default", false)).put("top_k", integer.copy().put("default", 50))
            .put("type", string())))
        .put("SeedHybridRequest", object(List.of("query")).put("properties", new JsonObject()
            .put("query", string()).put("terms", array(string())).put("boost", number)
            .put("top_k", integer).put("type", string())))
        .put("SeedMatches", object(List.of("matches")).put("properties", new JsonObject()
            .put("matches", array(record))))
        .put("SeedBatches", object(List.of("batches")).put("properties", new JsonObject()
            .put("batches", array(array(record)))))
        .put("SeedResults", object(List.of("results")).put("properties", new JsonObject()
            .put("results", array(record))))
        .put("SeedScored", object(List.of("results")).put("properties", new JsonObject()
            .put("results", array(object(List.of("payload", "score")).put("properties", new JsonObject()
                .put("payload", record).put("score", number))))))
        .put("SeedCoords", object(List.of("coords")).put("properties", new JsonObject()
            .put("coords", array(numbers()))))
        .put("SeedDeleteManyRequest", object(List.of("coords")).put("properties", new JsonObject()
            .put("coords", array(ref("Coordinate")))))
        .put("SeedLinkRequest", object(List.of("from_coord", "to_coord")).put("properties", new JsonObject()
            .put("from_coord", ref("Coordinate")).put("to_coord", ref("Coordinate"))
            .put("type", string().put("default", "related")).put("weight", number.copy().put("default", 1.0))))
        .put("SeedNeighbors", object(List.of("neighbors")).put("properties", new JsonObject()
            .put("neighbors", array(array(new JsonObject())))))
        .put("SeedPath", object(List.of("path")).put("properties", new JsonObject().put("path", array(numbers()))))
        .put("SeedDeleted", object(List.of("deleted")).put("properties", new JsonObject().put("deleted", integer)))
        .put("V2StoreRequest", object(List.of("content")).put("properties", new JsonObject()
            .put("content", string()).put("namespace", string()).put("type", ref("MemoryType"))
            .put("importance", number).put("metadata", anyObject).put("coord", ref("Coordinate"))))
        .put("V2StoreResult", object(List.of("id", "coord", "memory_type", "latency_ms")).put("properties",
            new JsonObject().put("id", string()).put("coord", string()).put("memory_type", ref("MemoryType"))
                .put("latency_ms", number)))
        .put("V2SearchRequest", object(List.of("query")).put("properties", new JsonObject()
            .put("query", string()).put("top_k", integer).put("filters", anyObject).put("namespace", string())
            .put("type", string())))
        .put("V2SearchResult", object(List.of("results", "latency_ms")).put("properties", new JsonObject()
            .put("results", array(object(List.of("id", "coord", "content", "score", "type", "importance",
                "metadata")).put("properties", new JsonObject().put("id", string()).put("coord", string())
                    .put("content", new JsonObject()).put("score", number).put("type", ref("MemoryType"))
                    .put("importance", number).put("metadata", anyObject))))
            .put("latency_ms", number)))
        .put("V2DeleteResult", object(List.of("id", "deleted")).put("properties", new JsonObject()
            .put("id", string()).put("deleted", bool())));
  }
}
