package org.somafractal.memory.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.somafractal.memory.audit.AuditAction;

/**
 * The one table of which scope each route needs, keyed by {@code "METHOD /path"} with OpenAPI path templates (as
 * {@code HttpVerticle.servedOperations()} lists them). Compatibility routes (seed era A, {@code /api/v2}) need the
 * scope of their canonical equivalent. A route missing from the table makes the server refuse to start
 * ({@link #requireCovered}), and a guarded route missing from it fails closed; so no route can be left unchecked by
 * forgetting it here. The table also says which routes are audited, and as what ({@link AuditAction}): every write,
 * delete, import, export and admin route. Immutable.
 */
public final class RoutePolicy {
  /**
   * What a route needs: nothing, or a credential carrying one scope; and whether its requests are audited.
   *
   * @param scope the scope, or {@code null} for a public route
   * @param audit what the audit trail records the route as, or {@code null} when it is not audited
   */
  public record Need(Scope scope, AuditAction audit) {
    static final Need PUBLIC = new Need(null, null);

    public boolean isPublic() {
      return scope == null;
    }
  }

  private static final Map<String, Need> TABLE = new LinkedHashMap<>();
  /** The paths of the public routes, and the prefixes of the public prefix routes ({@code /docs/}). */
  private static final Set<String> PUBLIC_PATHS = new HashSet<>();
  private static final List<String> PUBLIC_PREFIXES = new ArrayList<>();

  static {
    publicRoutes("GET /", "GET /healthz", "GET /readyz", "GET /health", "GET /metrics", "GET /openapi.json", "GET /docs",
        "GET /docs/*");
    need(Scope.MEMORY_READ, null,
        "GET /stats", "GET /memories/{coord}", "POST /memories/search", "GET /memories/search",
        "POST /memories/search/batch", "GET /memories/range", "POST /memories/recall_with_context",
        "GET /graph/neighbors", "GET /graph/path",
        // era A and /api/v2
        "POST /recall", "GET /recall", "POST /recall_batch", "POST /recall_with_scores", "POST /keyword_search",
        "POST /hybrid_recall_with_scores", "GET /range", "POST /recall_with_context",
        "GET /neighbors", "GET /shortest_path", "POST /api/v2/memory/search");
    need(Scope.MEMORY_READ, AuditAction.EXPORT, "GET /memories/export", "POST /export_memories");
    need(Scope.MEMORY_WRITE, AuditAction.WRITE,
        "POST /memories", "POST /memories/bulk",
        "POST /store", "POST /remember", "POST /store_bulk", "POST /api/v2/memory/store");
    need(Scope.MEMORY_WRITE, AuditAction.IMPORT, "POST /memories/import", "POST /import_memories");
    need(Scope.MEMORY_DELETE, AuditAction.DELETE,
        "DELETE /memories/{coord}", "POST /memories/delete",
        "POST /delete_many", "DELETE /api/v2/memory/{id}");
    need(Scope.GRAPH_WRITE, AuditAction.WRITE, "POST /graph/link", "POST /link");
    need(Scope.GRAPH_WRITE, AuditAction.DELETE, "DELETE /graph/link");
    need(Scope.ADMIN, AuditAction.ADMIN, "GET /admin/audit");
  }

  private RoutePolicy() {
  }

  private static void publicRoutes(String... operations) {
    for (String op : operations) {
      TABLE.put(op, Need.PUBLIC);
      String path = op.substring(op.indexOf(' ') + 1);
      if (path.endsWith("*")) {
        PUBLIC_PREFIXES.add(path.substring(0, path.length() - 1));
      } else {
        PUBLIC_PATHS.add(path);
      }
    }
  }

  private static void need(Scope scope, AuditAction audit, String... operations) {
    for (String op : operations) {
      if (TABLE.put(op, new Need(scope, audit)) != null) {
        throw new IllegalStateException("Route listed twice in RoutePolicy: " + op);
      }
    }
  }

  /** What {@code operation} ({@code "POST /memories"}) needs, or empty when the table does not list it. */
  public static Optional<Need> of(String operation) {
    return Optional.ofNullable(TABLE.get(operation));
  }

  /**
   * Whether a request belongs to a public route by its normalised path (health, readiness, documentation), whatever its method: such
   * requests are neither authenticated nor rate limited, so probes keep answering under load and while a JWKS or
   * policy server is down.
   */
  public static boolean publicRequest(RoutingContext ctx) {
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (IllegalArgumentException badEscape) {
      // The router cannot match it either and answers 400; the raw path is as good as any here.
      path = ctx.request().path();
    }
    return publicPath(path);
  }

  /** {@link #publicRequest} for a normalised path. */
  static boolean publicPath(String path) {
    if (PUBLIC_PATHS.contains(path)) {
      return true;
    }
    for (String prefix : PUBLIC_PREFIXES) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
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
