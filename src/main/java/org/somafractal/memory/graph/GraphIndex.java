package org.somafractal.memory.graph;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Removal;

/**
 * The graph index port: per-tenant traversal over the links of the canonical store. It is told about every committed
 * link write and memory delete, and loads a tenant from the store on first use. Asynchronous; futures complete on the
 * caller's context.
 */
public interface GraphIndex {

  /** A link was stored (inserted or updated). */
  Future<Void> linked(Link link);

  /** The links from {@code fromKey} to {@code toKey} of {@code linkType} ({@code null} = every type) were deleted. */
  Future<Void> unlinked(String tenant, String fromKey, String toKey, String linkType);

  /** Memories were deleted; unless dangling links are kept, their links went with them. */
  Future<Void> removed(List<Removal> removals);

  /** The neighbours of a coordinate, breadth first; see {@link TenantGraph#neighbors}. */
  Future<List<Neighbor>> neighbors(NeighborQuery query);

  /** The best path between two coordinates; see {@link TenantGraph#path}. */
  Future<GraphPath> path(PathQuery query);

  /** Which links a traversal follows from a coordinate. */
  enum Direction {
    OUT, IN, BOTH
  }

  /** What a path minimises: the number of links, or the sum of {@code 1 / strength}. */
  enum PathMetric {
    /** Fewest links. */
    HOPS,
    /** Least total cost with cost = 1 / strength: strong links are short. */
    WEIGHT,
    /** Least total strength, strength read as a length: the seed era A's weighted shortest path. */
    DISTANCE
  }

  /**
   * @param kHop the largest hop distance returned
   * @param linkType only links of this type are followed, or {@code null} for any
   */
  record NeighborQuery(String tenant, String key, int kHop, String linkType, Direction direction, int limit,
      int offset) {
  }

  /** @param maxLength the most links a path may have */
  record PathQuery(String tenant, String fromKey, String toKey, int maxLength, String linkType, PathMetric by) {
  }

  /**
   * A coordinate reached by a traversal.
   *
   * @param linkType the type of the link it was reached by
   * @param strength the strength of that link
   * @param hops its smallest hop distance from the start
   */
  record Neighbor(String key, String linkType, double strength, int hops) {
  }

  /**
   * A path, or its absence.
   *
   * @param keys the coordinates from start to end; empty when not found
   * @param linkTypes the type of each link along the path, one fewer than the keys
   * @param strength the sum of the strengths of the path's links
   * @param cost the sum of {@code 1 / strength} over the path's links (what a weighted search minimises)
   */
  record GraphPath(List<String> keys, List<String> linkTypes, double strength, double cost, boolean found) {
    public static final GraphPath NONE = new GraphPath(List.of(), List.of(), 0, 0, false);
  }
}
