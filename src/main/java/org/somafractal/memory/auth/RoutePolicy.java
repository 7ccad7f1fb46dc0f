package org.somafractal.memory.auth;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one table of which scope each route needs, keyed by {@code "METHOD /path"} with OpenAPI path templates (as
 * {@code HttpVerticle.servedOperations()} lists them). Compatibility routes (seed era A, {@code /api/v2}) need the
 * scope of their canonical equivalent. A route missing from the table makes the server refuse to start
 * ({@link #requireCovered}), and a guarded route missing from it fails closed; so no route can be left unchecked by
 * forgetting it here. Immutable.
 */
public final class RoutePolicy {
  /** What a route needs: nothing, or a credential carrying one scope. */
  public record Need(Scope scope) {
    static final Need PUBLIC = new Need(null);

    public boolean isPublic() {
      return scope == null;
    }
  }

  private static final Map<String, Need> TABLE = new LinkedHashMap<>();

  static {
    publicRoutes("GET /", "GET /healthz", "GET /readyz", "GET /health", "GET /metrics", "GET /openapi.json", "GET /docs",
        "GET /docs/*");
    need(Scope.MEMORY_READ,
        "GET /stats", "GET /memories/{coord}", "POST /memories/search", "GET /memories/search",
        "POST /memories/search/batch", "GET /memories/range", "POST /memories/recall_with_context",
        "GET /memories/export", "GET /graph/neighbors", "GET /graph/path",
        // era A and /api/v2
        "POST /recall", "GET /recall", "POST /recall_batch", "POST /recall_with_scores", "POST /keyword_search",
        "POST /hybrid_recall_with_scores", "GET /range", "POST /recall_with_context", "POST /export_memories",
        "GET /neighbors", "GET /shortest_path", "POST /api/v2/memory/search");
    need(Scope.MEMORY_WRITE,
        "POST /memories", "POST /memories/bulk", "POST /memories/import",
        "POST /import_memories", "POST /store", "POST /remember", "POST /store_bulk", "POST /api/v2/memory/store");
    need(Scope.MEMORY_DELETE,
        "DELETE /memories/{coord}", "POST /memories/delete",
        "POST /delete_many", "DELETE /api/v2/memory/{id}");
    need(Scope.GRAPH_WRITE,
        "POST /graph/link", "DELETE /graph/link",
        "POST /link");
  }

  private RoutePolicy() {
  }

  private static void publicRoutes(String... operations) {
    for (String op : operations) {
      TABLE.put(op, Need.PUBLIC);
    }
  }

  private static void need(Scope scope, String... operations) {
    for (String op : operations) {
      if (TABLE.put(op, new Need(scope)) != null) {
        throw new IllegalStateException("Route listed twice in RoutePolicy: " + op);
      }
    }
  }

  /** What {@code operation} ({@code "POST /memories"}) needs, or empty when the table does not list it. */
  public static Optional<Need> of(String operation) {
    return Optional.ofNullable(TABLE.get(operation));
  }

  /** The whole table, for tests and documentation. */
  public static Map<String, Need> table() {
    return Map.copyOf(TABLE);
  }

  /** @throws IllegalStateException listing the served operations the table does not cover */
  public static void requireCovered(Collection<String> served) {
    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(TABLE.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Routes without an entry in auth.RoutePolicy: " + missing);
    }
  }
}
