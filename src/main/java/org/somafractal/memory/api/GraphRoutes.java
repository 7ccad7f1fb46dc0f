package org.somafractal.memory.api;

import static org.somafractal.memory.api.MemoryRoutes.body;
import static org.somafractal.memory.api.MemoryRoutes.respond;
import static org.somafractal.memory.api.MemoryRoutes.tenant;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Pattern;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.graph.GraphIndex.Direction;
import org.somafractal.memory.graph.GraphIndex.Neighbor;
import org.somafractal.memory.graph.GraphIndex.NeighborQuery;
import org.somafractal.memory.graph.GraphIndex.PathMetric;
import org.somafractal.memory.graph.GraphIndex.PathQuery;
import org.somafractal.memory.service.GraphService;

/**
 * The handlers of the graph routes: one method per route, each parse → service call → JSON. Coordinates are answered
 * as canonical keys; neighbours carry both the key ({@code coord}, what the seed's client parses) and the numbers
 * ({@code coordinate}, what the seed's last era sent).
 */
final class GraphRoutes {
  static final String DEFAULT_LINK_TYPE = "related";
  private static final Pattern LINK_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final int MAX_K_HOP = 5;
  private static final int MAX_LIMIT = 1000;
  private static final int MAX_OFFSET = 100_000;
  private static final int MAX_PATH_LENGTH = 100;
  private static final double MAX_STRENGTH = 1e9;

  private final GraphService service;

  GraphRoutes(GraphService service) {
    this.service = service;
  }

  /** {@code POST /graph/link}: stores or re-stores one typed link. */
  void link(RoutingContext ctx) {
    JsonObject body = body(ctx);
    Coordinate from = coordinate(body.getValue("from_coord"), "from_coord");
    Coordinate to = coordinate(body.getValue("to_coord"), "to_coord");
    String type = linkType(JsonFields.string(body, "link_type", DEFAULT_LINK_TYPE, 1024));
    double strength = JsonFields.number(body, "strength", 1.0, -MAX_STRENGTH, MAX_STRENGTH);
    JsonObject metadata = JsonFields.object(body, "metadata", false);
    respond(ctx, () -> service.link(Link.draft(tenant(ctx), from.key(), to.key(), type, strength, metadata))
        .map(link -> new JsonObject()
            .put("from_coord", link.fromKey())
            .put("to_coord", link.toKey())
            .put("link_type", link.linkType())
            .put("strength", link.strength())
            .put("ok", true)));
  }

  /** {@code DELETE /graph/link?from_coord=&to_coord=[&link_type=]}: without a type, every type between the pair. */
  void unlink(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    Coordinate from = coordinate(q.get("from_coord"), "from_coord");
    Coordinate to = coordinate(q.get("to_coord"), "to_coord");
    String type = optionalLinkType(q.get("link_type"));
    respond(ctx, () -> service.unlink(tenant(ctx), from.key(), to.key(), type)
        .map(n -> new JsonObject().put("deleted", n)));
  }

  /** {@code GET /graph/neighbors?coord=&k_hop=1&link_type=&direction=out&limit=10&offset=0}. */
  void neighbors(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    Coordinate coord = coordinate(q.get("coord"), "coord");
    NeighborQuery query = new NeighborQuery(tenant(ctx), coord.key(), integer(q, "k_hop", 1, 1, MAX_K_HOP),
        optionalLinkType(q.get("link_type")), choice(q, "direction", Direction.class, Direction.OUT),
        integer(q, "limit", 10, 1, MAX_LIMIT), integer(q, "offset", 0, 0, MAX_OFFSET));
    respond(ctx, () -> service.neighbors(query).map(found -> {
      JsonArray list = new JsonArray();
      for (Neighbor n : found) {
        list.add(new JsonObject()
            .put("coord", n.key())
            .put("coordinate", Coordinate.parse(n.key()).toJson())
            .put("link_type", n.linkType())
            .put("strength", n.strength())
            .put("hops", n.hops()));
      }
      return new JsonObject().put("coord", coord.key()).put("neighbors", list);
    }));
  }

  /** {@code GET /graph/path?from_coord=&to_coord=&max_length=10&link_type=&by=hops}. */
  void path(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    Coordinate from = coordinate(q.get("from_coord"), "from_coord");
    Coordinate to = coordinate(q.get("to_coord"), "to_coord");
    PathMetric by = choice(q, "by", PathMetric.class, PathMetric.HOPS);
    PathQuery query = new PathQuery(tenant(ctx), from.key(), to.key(), integer(q, "max_length", 10, 1, MAX_PATH_LENGTH),
        optionalLinkType(q.get("link_type")), by);
    respond(ctx, () -> service.path(query).map(path -> {
      JsonObject out = new JsonObject()
          .put("from_coord", from.key())
          .put("to_coord", to.key())
          .put("path", new JsonArray(path.keys()))
          .put("link_types", new JsonArray(path.linkTypes()))
          .put("strength", path.strength())
          .put("found", path.found());
      if (by != PathMetric.HOPS) {
        out.put("cost", path.cost());
      }
      return out;
    }));
  }

  private static Coordinate coordinate(Object value, String field) {
    if (value == null || value instanceof String s && s.isBlank()) {
      throw SomaException.malformed(field + " is required, e.g. \"1.0,2.0\"");
    }
    try {
      return Coordinate.fromJson(value);
    } catch (SomaException e) {
      throw new SomaException(e.kind(), field + ": " + e.getMessage());
    }
  }

  static String linkType(String value) {
    if (!LINK_TYPE.matcher(value).matches()) {
      throw SomaException.invalid("link_type must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
    }
    return value;
  }

  private static String optionalLinkType(String value) {
    return value == null || value.isEmpty() ? null : linkType(value);
  }

  /** An integer query parameter in [{@code min}, {@code max}]; absent or blank gives {@code def}, else a 422. */
  static int integer(MultiMap q, String name, int def, int min, int max) {
    String raw = q.get(name);
    if (raw == null || raw.isBlank()) {
      return def;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below with the allowed bounds
    }
    throw SomaException.invalid(name + " must be an integer between " + min + " and " + max);
  }

  private static <E extends Enum<E>> E choice(MultiMap q, String name, Class<E> type, E def) {
    String raw = q.get(name);
    if (raw == null || raw.isBlank()) {
      return def;
    }
    try {
      return Enum.valueOf(type, raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      throw SomaException.invalid(name + " must be one of " + allowed);
    }
  }
}
