package org.somafractal.memory.graph;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Removal;

/** The {@link GraphIndex} seen from another verticle: each call is one request to {@link GraphVerticle}. */
public final class GraphClient implements GraphIndex {
  private final Vertx vertx;
  private final long timeoutMs;

  public GraphClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  private <T> Future<T> call(GraphRequest request) {
    return Bus.request(vertx, Addresses.GRAPH, request, timeoutMs);
  }

  @Override
  public Future<Void> linked(Link link) {
    return call(new GraphRequest.Linked(link));
  }

  @Override
  public Future<Void> unlinked(String tenant, String fromKey, String toKey, String linkType) {
    return call(new GraphRequest.Unlinked(tenant, fromKey, toKey, linkType));
  }

  @Override
  public Future<Void> removed(List<Removal> removals) {
    return removals.isEmpty() ? Future.succeededFuture() : call(new GraphRequest.Removed(removals));
  }

  @Override
  public Future<List<Neighbor>> neighbors(NeighborQuery query) {
    return call(new GraphRequest.Neighbors(query));
  }

  @Override
  public Future<GraphPath> path(PathQuery query) {
    return call(new GraphRequest.Path(query));
  }
}
