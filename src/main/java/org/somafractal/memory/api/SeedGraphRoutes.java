package org.somafractal.memory.api;

import static org.somafractal.memory.api.MemoryRoutes.body;
import static org.somafractal.memory.api.MemoryRoutes.respond;
import static org.somafractal.memory.api.MemoryRoutes.tenant;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.graph.GraphIndex.Direction;
import org.somafractal.memory.graph.GraphIndex.NeighborQuery;
import org.somafractal.memory.graph.GraphIndex.PathMetric;
import org.somafractal.memory.graph.GraphIndex.PathQuery;
import org.somafractal.memory.service.GraphService;

/**
 * The seed's era A graph routes ({@code /link}, {@code /neighbors}, {@code /shortest_path}) over the canonical graph
 * service, with the seed's shapes: coordinates as number arrays, the link's {@code weight} as its strength, and a
 * shortest path that reads the weight as a length (least total weight), as the seed's NetworkX Dijkstra did. Unlike
 * the seed, several link types per pair are kept, and an unknown coordinate is an empty answer, not a 500.
 */
final class SeedGraphRoutes {
  private static final int DEFAULT_NEIGHBORS = 100;
  private static final int MAX_NEIGHBORS = 1000;
  private static final int MAX_PATH_LENGTH = 100;

  private final GraphService service;

  SeedGraphRoutes(GraphService service) {
    this.service = service;
  }

  /** {@code POST /link {from_coord, to_coord, type, weight}} → {@code {"ok": true}}. */
  void link(RoutingContext ctx) {
    JsonObject body = body(ctx);
    Coordinate from = Coordinate.fromJson(required(body, "from_coord"));
    Coordinate to = Coordinate.fromJson(required(body, "to_coord"));
    String type = GraphRoutes.linkType(JsonFields.string(body, "type", GraphRoutes.DEFAULT_LINK_TYPE, 1024));
    double weight = JsonFields.number(body, "weight", 1.0, -1e9, 1e9);
    respond(ctx, () -> service.link(Link.draft(tenant(ctx), from.key(), to.key(), type, weight, new JsonObject()))
        .map(link -> {
          AuditTrail.note(ctx, "from_coord", link.fromKey());
          AuditTrail.note(ctx, "to_coord", link.toKey());
          AuditTrail.note(ctx, "link_type", link.linkType());
          return new JsonObject().put("ok", true);
        }));
  }

  /** {@code GET /neighbors?coord&link_type&limit}: out-links, {@code [[coordinate, {to, type, weight}], …]}. */
  void neighbors(RoutingContext ctx) {
    String raw = ctx.queryParams().get("coord");
    if (raw == null) {
      throw SomaException.invalid("coord is required");
    }
    Coordinate coord = Coordinate.parse(raw);
    String type = blankToNull(ctx.queryParams().get("link_type"));
    int limit = bounded(ctx.queryParams().get("limit"), "limit", DEFAULT_NEIGHBORS, MAX_NEIGHBORS);
    NeighborQuery query = new NeighborQuery(tenant(ctx), coord.key(), 1, type == null ? null
        : GraphRoutes.linkType(type), Direction.OUT, limit, 0);
    respond(ctx, () -> service.neighbors(query).map(found -> {
      JsonArray out = new JsonArray();
      found.forEach(n -> {
        JsonArray to = Coordinate.parse(n.key()).toJson();
        out.add(new JsonArray().add(to).add(new JsonObject().put("to", to).put("type", n.linkType())
            .put("weight", n.strength())));
      });
      return new JsonObject().put("neighbors", out);
    }));
  }

  /** {@code GET /shortest_path?frm&to&link_type}: {@code {"path": [[…]…]}}, {@code []} when there is none. */
  void shortestPath(RoutingContext ctx) {
    String from = ctx.queryParams().get("frm");
    String to = ctx.queryParams().get("to");
    if (from == null || to == null) {
      throw SomaException.invalid("shortest_path needs frm and to");
    }
    String type = blankToNull(ctx.queryParams().get("link_type"));
    PathQuery query = new PathQuery(tenant(ctx), Coordinate.parse(from).key(), Coordinate.parse(to).key(),
        MAX_PATH_LENGTH, type == null ? null : GraphRoutes.linkType(type), PathMetric.DISTANCE);
    respond(ctx, () -> service.path(query).map(path -> {
      JsonArray out = new JsonArray();
      path.keys().forEach(key -> out.add(Coordinate.parse(key).toJson()));
      return new JsonObject().put("path", out);
    }));
  }

  private static Object required(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      throw SomaException.invalid(field + " is required");
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static int bounded(String raw, String name, int def, int max) {
    if (raw == null) {
      return def;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= 1 && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below with the bounds
    }
    throw SomaException.invalid(name + " must be an integer between 1 and " + max);
  }
}
