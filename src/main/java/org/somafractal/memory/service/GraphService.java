package org.somafractal.memory.service;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.graph.GraphIndex.GraphPath;
import org.somafractal.memory.graph.GraphIndex.Neighbor;
import org.somafractal.memory.graph.GraphIndex.NeighborQuery;
import org.somafractal.memory.graph.GraphIndex.PathQuery;
import org.somafractal.memory.limits.QuotaLedger;
import org.somafractal.memory.store.MemoryStore;

/**
 * Graph memory orchestrated over the ports: a link write commits to the canonical store first and is acknowledged
 * after the graph index applied it, so a client traverses its own link in its next request. Traversals are served by
 * the graph index alone. Memory deletes reach the graph through {@link MemoryService#delete}. Stateless and
 * non-blocking. Link writes count against the tenant's {@code max_links} quota.
 */
public final class GraphService {
  private final MemoryStore store;
  private final GraphIndex graph;
  private final QuotaLedger quotas;

  public GraphService(MemoryStore store, GraphIndex graph, QuotaLedger quotas) {
    this.store = store;
    this.graph = graph;
    this.quotas = quotas;
  }

  /**
   * Stores (or re-stores) a link; fails with NOT_FOUND when no memory of the tenant lies at its source, and with
   * FORBIDDEN when a new link would exceed the tenant's link quota.
   */
  public Future<Link> link(Link draft) {
    return quotas.reserveLink(store, draft).compose(reservation -> store.putLink(draft)
        .andThen(ar -> {
          if (ar.succeeded()) {
            // The store keeps the creation time of a re-stored link, so equal times mean it was created now.
            reservation.commit(0, ar.result().createdAt() == ar.result().updatedAt() ? 1 : 0);
          } else {
            reservation.release();
          }
        })
        .compose(stored -> graph.linked(stored).map(stored)));
  }

  /** Deletes the links between two coordinates of one type, or of every type when {@code linkType} is null. */
  public Future<Integer> unlink(String tenant, String fromKey, String toKey, String linkType) {
    return store.deleteLinks(tenant, fromKey, toKey, linkType)
        .onSuccess(n -> quotas.unlinked(tenant, n))
        .compose(n -> n == 0 ? Future.succeededFuture(n) : graph.unlinked(tenant, fromKey, toKey, linkType).map(n));
  }

  /** See {@link GraphIndex#neighbors}. */
  public Future<List<Neighbor>> neighbors(NeighborQuery query) {
    return graph.neighbors(query);
  }

  /** See {@link GraphIndex#path}. */
  public Future<GraphPath> path(PathQuery query) {
    return graph.path(query);
  }

  /** Every link of a tenant, for export. */
  public Future<List<Link>> links(String tenant) {
    return store.links(tenant);
  }
}
