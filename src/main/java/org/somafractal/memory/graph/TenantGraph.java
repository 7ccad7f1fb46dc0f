package org.somafractal.memory.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.graph.DirectedPseudograph;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.graph.GraphIndex.Direction;
import org.somafractal.memory.graph.GraphIndex.GraphPath;
import org.somafractal.memory.graph.GraphIndex.Neighbor;
import org.somafractal.memory.graph.GraphIndex.NeighborQuery;
import org.somafractal.memory.graph.GraphIndex.PathQuery;

/**
 * One tenant's links as a JGraphT directed pseudograph over coordinate keys: several typed edges per ordered pair,
 * self-links allowed. Traversals are deterministic: equal inputs give equal answers whatever order the links were
 * loaded or written in.
 *
 * <p>Not thread-safe: owned by the graph verticle, which touches it from one thread at a time.
 */
public final class TenantGraph {
  /** An edge; identity matters to JGraphT, so no value equality. Strength is updated in place on a re-link. */
  static final class Edge {
    final String type;
    double strength;

    Edge(String type, double strength) {
      this.type = type;
      this.strength = strength;
    }
  }

  /** Stronger first, then by type name, so a choice among parallel edges never depends on insertion order. */
  private static final Comparator<Edge> PREFERRED = Comparator.<Edge>comparingDouble(e -> -e.strength)
      .thenComparing(e -> e.type);

  private final Graph<String, Edge> graph = new DirectedPseudograph<>(Edge.class);

  /** A graph holding these links. */
  public static TenantGraph of(List<Link> links) {
    TenantGraph g = new TenantGraph();
    links.forEach(g::put);
    return g;
  }

  /** Adds the link, or updates the strength of the edge of the same (from, to, type). */
  public void put(Link link) {
    graph.addVertex(link.fromKey());
    graph.addVertex(link.toKey());
    for (Edge e : graph.getAllEdges(link.fromKey(), link.toKey())) {
      if (e.type.equals(link.linkType())) {
        e.strength = link.strength();
        return;
      }
    }
    graph.addEdge(link.fromKey(), link.toKey(), new Edge(link.linkType(), link.strength()));
  }

  /** Removes the edges from {@code from} to {@code to} of {@code type} ({@code null} = all types). */
  public void remove(String from, String to, String type) {
    if (!graph.containsVertex(from) || !graph.containsVertex(to)) {
      return;
    }
    for (Edge e : List.copyOf(graph.getAllEdges(from, to))) {
      if (type == null || e.type.equals(type)) {
        graph.removeEdge(e);
      }
    }
    dropIfIsolated(from);
    dropIfIsolated(to);
  }

  /** Removes a coordinate with every edge from or to it. */
  public void removeVertex(String key) {
    graph.removeVertex(key);
  }

  /** The number of edges. */
  public int size() {
    return graph.edgeSet().size();
  }

  private void dropIfIsolated(String key) {
    if (graph.containsVertex(key) && graph.degreeOf(key) == 0) {
      graph.removeVertex(key);
    }
  }

  /**
   * Breadth-first neighbours up to {@code kHop} hops. Each coordinate appears once, at its smallest hop distance, with
   * the strongest link that reached it at that distance; the start never appears. Ordered by hop, then strength
   * descending, then key; {@code offset} and {@code limit} slice that order.
   */
  public List<Neighbor> neighbors(NeighborQuery q) {
    if (!graph.containsVertex(q.key())) {
      return List.of();
    }
    int wanted = q.offset() + q.limit();
    Set<String> seen = new HashSet<>();
    seen.add(q.key());
    List<Neighbor> out = new ArrayList<>();
    List<String> frontier = List.of(q.key());
    for (int hop = 1; hop <= q.kHop() && !frontier.isEmpty() && out.size() < wanted; hop++) {
      Map<String, Edge> reached = new HashMap<>();
      for (String u : frontier) {
        for (Edge e : edges(u, q.direction())) {
          if (q.linkType() != null && !q.linkType().equals(e.type)) {
            continue;
          }
          String v = other(u, e);
          if (!seen.contains(v)) {
            reached.merge(v, e, (a, b) -> PREFERRED.compare(a, b) <= 0 ? a : b);
          }
        }
      }
      int h = hop;
      List<Neighbor> layer = new ArrayList<>(reached.size());
      reached.forEach((v, e) -> layer.add(new Neighbor(v, e.type, e.strength, h)));
      layer.sort(Comparator.comparingDouble((Neighbor n) -> -n.strength()).thenComparing(Neighbor::key));
      seen.addAll(reached.keySet());
      out.addAll(layer);
      frontier = layer.stream().map(Neighbor::key).toList();
    }
    int from = Math.min(q.offset(), out.size());
    return List.copyOf(out.subList(from, Math.min(out.size(), wanted)));
  }

  private Set<Edge> edges(String u, Direction direction) {
    return switch (direction) {
      case OUT -> graph.outgoingEdgesOf(u);
      case IN -> graph.incomingEdgesOf(u);
      case BOTH -> graph.edgesOf(u);
    };
  }

  private String other(String u, Edge e) {
    String source = graph.getEdgeSource(e);
    return source.equals(u) ? graph.getEdgeTarget(e) : source;
  }

  /**
   * The best directed path with at most {@code maxLength} links, following only links of the query's type when it
   * has one. {@code HOPS}: fewest links (breadth first). {@code WEIGHT}: least total {@code 1 / strength}, links of
   * strength ≤ 0 skipped; the bound is part of the search (hop-bounded Bellman-Ford), so a cheaper path that is too
   * long never hides an allowed one. From a coordinate to itself the path is that coordinate alone.
   */
  public GraphPath path(PathQuery q) {
    if (q.fromKey().equals(q.toKey())) {
      return new GraphPath(List.of(q.fromKey()), List.of(), 0, 0, true);
    }
    if (!graph.containsVertex(q.fromKey()) || !graph.containsVertex(q.toKey())) {
      return GraphPath.NONE;
    }
    List<Edge> edges = q.by() == GraphIndex.PathMetric.HOPS ? fewestHops(q) : cheapest(q);
    if (edges == null) {
      return GraphPath.NONE;
    }
    List<String> keys = new ArrayList<>(edges.size() + 1);
    List<String> types = new ArrayList<>(edges.size());
    keys.add(q.fromKey());
    double strength = 0;
    double cost = 0;
    for (Edge e : edges) {
      keys.add(graph.getEdgeTarget(e));
      types.add(e.type);
      strength += e.strength;
      cost += cost(q, e);
    }
    return new GraphPath(keys, types, strength, cost, true);
  }

  private static double cost(PathQuery q, Edge e) {
    return q.by() == GraphIndex.PathMetric.DISTANCE ? e.strength : 1.0 / e.strength;
  }

  private boolean follows(PathQuery q, Edge e) {
    return (q.linkType() == null || q.linkType().equals(e.type))
        && (q.by() == GraphIndex.PathMetric.HOPS || e.strength > 0);
  }

  /** Breadth first over sorted frontiers and preferred edges, so ties between equal-length paths are stable. */
  private List<Edge> fewestHops(PathQuery q) {
    Map<String, Edge> parent = new HashMap<>();
    Set<String> seen = new HashSet<>();
    seen.add(q.fromKey());
    List<String> frontier = List.of(q.fromKey());
    for (int depth = 1; depth <= q.maxLength() && !frontier.isEmpty(); depth++) {
      List<String> next = new ArrayList<>();
      for (String u : frontier) {
        List<Edge> out = graph.outgoingEdgesOf(u).stream().filter(e -> follows(q, e))
            .sorted(Comparator.comparing((Edge e) -> graph.getEdgeTarget(e)).thenComparing(PREFERRED)).toList();
        for (Edge e : out) {
          String v = graph.getEdgeTarget(e);
          if (seen.add(v)) {
            parent.put(v, e);
            next.add(v);
          }
        }
      }
      if (parent.containsKey(q.toKey())) {
        return walkBack(q.fromKey(), q.toKey(), parent);
      }
      next.sort(null);
      frontier = next;
    }
    return null;
  }

  private List<Edge> walkBack(String from, String to, Map<String, Edge> parent) {
    List<Edge> path = new ArrayList<>();
    for (String v = to; !v.equals(from); v = graph.getEdgeSource(parent.get(v))) {
      path.addFirst(parent.get(v));
    }
    return path;
  }

  /**
   * Bellman-Ford limited to {@code maxLength} rounds: after round k, {@code cost} holds the cheapest cost of a path of
   * at most k links, and {@code rounds.get(k)} the last link of every path improved in round k. Only the coordinates
   * improved in the previous round relax their links, with their cost as of that round.
   */
  private List<Edge> cheapest(PathQuery q) {
    Map<String, Double> cost = new HashMap<>();
    cost.put(q.fromKey(), 0.0);
    List<Map<String, Edge>> rounds = new ArrayList<>();
    rounds.add(Map.of());
    Map<String, Double> active = Map.of(q.fromKey(), 0.0);
    for (int k = 1; k <= q.maxLength() && !active.isEmpty(); k++) {
      Map<String, Edge> improved = new LinkedHashMap<>();
      for (Map.Entry<String, Double> entry : active.entrySet()) {
        for (Edge e : graph.outgoingEdgesOf(entry.getKey())) {
          if (!follows(q, e)) {
            continue;
          }
          String v = graph.getEdgeTarget(e);
          double candidate = entry.getValue() + cost(q, e);
          Double known = cost.get(v);
          if (known == null || candidate < known) {
            cost.put(v, candidate);
            improved.put(v, e);
          }
        }
      }
      rounds.add(improved);
      Map<String, Double> next = new HashMap<>();
      improved.keySet().forEach(v -> next.put(v, cost.get(v)));
      active = next;
    }
    if (!cost.containsKey(q.toKey())) {
      return null;
    }
    List<Edge> path = new ArrayList<>();
    String v = q.toKey();
    int k = rounds.size() - 1;
    while (!v.equals(q.fromKey())) {
      while (!rounds.get(k).containsKey(v)) {
        k--;
      }
      Edge e = rounds.get(k).get(v);
      path.addFirst(e);
      v = graph.getEdgeSource(e);
      k--;
    }
    return path;
  }
}
