package org.somafractal.memory.graph;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.store.MemoryStore;

/**
 * The only owner of the per-tenant {@link TenantGraph}s. A tenant's graph is loaded from the canonical store on its
 * first traversal, not at start: most tenants may never ask. Committed link writes and memory deletes are applied to
 * loaded graphs only; an unloaded tenant reads them from the store when it loads.
 *
 * <p>Deployed as a worker verticle: traversals run off the event loops, and every handler and store callback runs on
 * this verticle's context one at a time, so the graphs need no lock.
 */
public final class GraphVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GraphVerticle.class);

  private final MemoryStore store;
  private final boolean keepDanglingLinks;
  /** Loaded or loading tenants; a failed load is forgotten so the next request retries it. */
  private final Map<String, Future<TenantGraph>> tenants = new HashMap<>();

  /**
   * @param keepDanglingLinks must match the store's setting: whether a memory delete leaves its links in place
   */
  public GraphVerticle(MemoryStore store, boolean keepDanglingLinks) {
    this.store = store;
    this.keepDanglingLinks = keepDanglingLinks;
  }

  @Override
  public Future<?> start() {
    return Bus.serve(vertx, Addresses.GRAPH, body -> handle((GraphRequest) body)).completion();
  }

  private Future<?> handle(GraphRequest request) {
    return switch (request) {
      case GraphRequest.Linked r -> ifLoaded(r.link().tenant(), g -> g.put(r.link()));
      case GraphRequest.Unlinked r -> ifLoaded(r.tenant(), g -> g.remove(r.fromKey(), r.toKey(), r.linkType()));
      case GraphRequest.Removed r -> {
        if (keepDanglingLinks) {
          yield Future.succeededFuture();
        }
        for (Removal removal : r.removals()) {
          ifLoaded(removal.tenant(), g -> g.removeVertex(removal.key()));
        }
        yield Future.succeededFuture();
      }
      case GraphRequest.Neighbors r -> graph(r.query().tenant()).map(g -> g.neighbors(r.query()));
      case GraphRequest.Path r -> graph(r.query().tenant()).map(g -> g.path(r.query()));
    };
  }

  /**
   * Applies a committed change to a loaded or loading graph. A load in flight may or may not have read the change;
   * every change is idempotent, so applying it after the load is right either way.
   */
  private Future<Void> ifLoaded(String tenant, Consumer<TenantGraph> change) {
    Future<TenantGraph> graph = tenants.get(tenant);
    if (graph == null) {
      return Future.succeededFuture();
    }
    return graph.<Void>map(g -> {
      change.accept(g);
      return null;
    }).otherwiseEmpty();
  }

  private Future<TenantGraph> graph(String tenant) {
    Future<TenantGraph> graph = tenants.get(tenant);
    if (graph == null) {
      long t0 = System.nanoTime();
      Future<TenantGraph> loading = store.links(tenant).map(TenantGraph::of);
      tenants.put(tenant, loading);
      loading.onSuccess(g -> LOG.debug("Graph of tenant {} loaded: {} links in {} ms", tenant, g.size(),
              (System.nanoTime() - t0) / 1_000_000))
          .onFailure(e -> tenants.remove(tenant, loading));
      graph = loading;
    }
    return graph;
  }
}
