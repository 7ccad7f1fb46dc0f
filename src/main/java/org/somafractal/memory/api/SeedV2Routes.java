package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.somafractal.memory.auth.AuthHandler;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.service.MemoryService;

/**
 * The {@code /api/v2/memory/*} routes that the seed's README documented (and never served): {@code content},
 * {@code namespace}, {@code type}, {@code importance}, {@code metadata} in; {@code id}, {@code score},
 * {@code latency_ms} out. Adapters onto the canonical service, like {@link SeedEraARoutes}.
 *
 * <p>{@code namespace} selects the tenant as the {@code X-Soma-Namespace} header does (the part after the last
 * {@code :}) when the request carries no tenant header.
 */
final class SeedV2Routes {
  private final MemoryService service;
  private final Requests requests;

  SeedV2Routes(MemoryService service, Requests requests) {
    this.service = service;
    this.requests = requests;
  }

  /** {@code POST /api/v2/memory/store}. */
  void store(RoutingContext ctx) {
    long t0 = System.nanoTime();
    JsonObject body = MemoryRoutes.body(ctx);
    String content = JsonFields.string(body, "content", null, 1_000_000);
    if (content == null || content.isBlank()) {
      throw SomaException.invalid("content is required");
    }
    JsonObject canonical = new JsonObject()
        .put("coord", body.getValue("coord"))
        .put("payload", new JsonObject().put("content", content))
        .put("memory_type", JsonFields.string(body, "type", "semantic", 32))
        .put("importance", body.getValue("importance"))
        .put("metadata", body.getValue("metadata"));
    String tenant = tenant(ctx, body);
    MemoryRoutes.respond(ctx, () -> service.store(List.of(requests.store(tenant, canonical))).map(stored ->
        new JsonObject().put("id", stored.get(0).memory().id()).put("coord", stored.get(0).memory().key())
            .put("memory_type", stored.get(0).memory().type().wire()).put("latency_ms", millisSince(t0))));
  }

  /** {@code POST /api/v2/memory/search}. */
  void search(RoutingContext ctx) {
    long t0 = System.nanoTime();
    JsonObject body = MemoryRoutes.body(ctx);
    JsonObject canonical = new JsonObject()
        .put("query", body.getValue("query"))
        .put("top_k", body.getValue("top_k"))
        .put("filters", body.getValue("filters"))
        .put("memory_type", body.getValue("type"));
    var query = requests.search(tenant(ctx, body), canonical);
    MemoryRoutes.respond(ctx, () -> service.search(query).map(ranked -> new JsonObject()
        .put("results", results(ranked)).put("latency_ms", millisSince(t0))));
  }

  /** {@code DELETE /api/v2/memory/:id}: by the memory's stable id. */
  void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tenant = MemoryRoutes.tenant(ctx);
    MemoryRoutes.respond(ctx, () -> service.findById(tenant, id).compose(memory -> memory == null
        ? Future.succeededFuture(false)
        : service.delete(tenant, List.of(memory.coordinate())).map(removed -> !removed.isEmpty()))
        .map(deleted -> new JsonObject().put("id", id).put("deleted", deleted)));
  }

  private static String tenant(RoutingContext ctx, JsonObject body) {
    String header = ctx.request().getHeader("X-Soma-Tenant");
    String namespaceHeader = ctx.request().getHeader("X-Soma-Namespace");
    Object namespace = body.getValue("namespace");
    if ((header == null || header.isBlank()) && (namespaceHeader == null || namespaceHeader.isBlank())
        && namespace instanceof String ns && !ns.isBlank()) {
      return AuthHandler.chooseTenant(ctx, ns.substring(ns.lastIndexOf(':') + 1));
    }
    return MemoryRoutes.tenant(ctx);
  }

  private static JsonArray results(List<Ranked> ranked) {
    JsonArray out = new JsonArray();
    for (Ranked r : ranked) {
      Object content = r.memory().payload().getValue("content");
      out.add(new JsonObject()
          .put("id", r.memory().id())
          .put("coord", r.memory().key())
          .put("content", content != null ? content : r.memory().text())
          .put("score", r.scores().score())
          .put("type", r.memory().type().wire())
          .put("importance", r.memory().importance())
          .put("metadata", r.memory().metadata()));
    }
    return out;
  }

  private static double millisSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 10_000.0) / 100.0;
  }
}
