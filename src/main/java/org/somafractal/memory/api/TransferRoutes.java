package org.somafractal.memory.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.service.GraphService;
import org.somafractal.memory.service.MemoryService;

/**
 * The handlers that move many memories at once: scoped delete, NDJSON export and import. Each pages or streams, so
 * the memory a request holds does not grow with the tenant. Runs on the HTTP verticle's event loop; one instance per
 * verticle, stateless between requests.
 */
final class TransferRoutes {
  /** Memories read from the store per page of an export or a filtered delete. */
  static final int PAGE = 500;
  static final String NDJSON = "application/x-ndjson";

  private final MemoryService service;
  private final GraphService graph;
  private final Requests requests;
  private final long maxImportBytes;
  private final int maxLineBytes;

  /**
   * @param maxImportBytes the largest import body
   * @param maxLineBytes the longest single import line, the limit of an ordinary request body
   */
  TransferRoutes(MemoryService service, GraphService graph, Requests requests, long maxImportBytes, int maxLineBytes) {
    this.service = service;
    this.graph = graph;
    this.requests = requests;
    this.maxImportBytes = maxImportBytes;
    this.maxLineBytes = maxLineBytes;
  }

  /** {@code POST /memories/delete}: by coordinates, by filter, or the whole tenant with {@code "all": true}. */
  void delete(RoutingContext ctx) {
    String tenant = MemoryRoutes.tenant(ctx);
    MemoryRoutes.respond(ctx, () -> {
      Requests.DeleteScope scope = requests.deleteScope(MemoryRoutes.body(ctx));
      if (scope.coords() != null) {
        return service.delete(tenant, scope.coords()).map(removed -> {
          JsonArray coords = new JsonArray();
          removed.stream().map(Removal::key).forEach(coords::add);
          return new JsonObject().put("deleted", removed.size()).put("coords", coords);
        });
      }
      return service.deleteMatching(tenant, scope.filter(), PAGE).map(n -> new JsonObject().put("deleted", n));
    });
  }

  /**
   * {@code GET /memories/export[?embeddings=true][&memory_type=…]}: the tenant as NDJSON, one
   * {@code {"kind": "memory", …}} line per memory. A page is fetched only once the previous one has left the write
   * queue, so a slow client holds back the scan instead of filling the heap.
   */
  void export(RoutingContext ctx) {
    String tenant = MemoryRoutes.tenant(ctx);
    boolean embeddings = flag(ctx, "embeddings");
    MemoryType type = requests.optionalType(ctx.queryParams().get("memory_type"));
    exportFrom(ctx, tenant, type, embeddings, 0, new long[1]);
  }

  /** @param exported the memory lines written so far, for the audit entry */
  private void exportFrom(RoutingContext ctx, String tenant, MemoryType type, boolean embeddings, long after,
      long[] exported) {
    HttpServerResponse response = ctx.response();
    service.scanTenant(tenant, after, PAGE).onComplete(ar -> {
      if (ar.failed()) {
        // Before the first line this is a JSON error; after it, the error mapper resets the stream, so a client
        // never mistakes a truncated export for a complete one.
        ctx.fail(ar.cause());
        return;
      }
      if (response.closed()) {
        return;
      }
      if (!response.headWritten()) {
        response.setChunked(true).putHeader("Content-Type", NDJSON);
      }
      Buffer chunk = Buffer.buffer();
      for (Memory m : ar.result().memories()) {
        if (type == null || m.type() == type) {
          chunk.appendString(exportLine(m, embeddings).encode()).appendByte((byte) '\n');
          exported[0]++;
        }
      }
      AuditTrail.note(ctx, "memories", exported[0]);
      if (ar.result().done()) {
        if (type != null) {
          response.end(chunk);
        } else {
          response.write(chunk);
          exportLinks(ctx, tenant);
        }
        return;
      }
      long next = ar.result().next();
      if (chunk.length() > 0) {
        response.write(chunk);
      }
      if (response.writeQueueFull()) {
        response.drainHandler(v -> exportFrom(ctx, tenant, type, embeddings, next, exported));
      } else {
        exportFrom(ctx, tenant, type, embeddings, next, exported);
      }
    });
  }

  /** The tenant's links after its memories, so that an import finds every link's source memory already stored. */
  private void exportLinks(RoutingContext ctx, String tenant) {
    graph.links(tenant).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Buffer chunk = Buffer.buffer();
      for (Link link : ar.result()) {
        chunk.appendString(linkLine(link).encode()).appendByte((byte) '\n');
      }
      AuditTrail.note(ctx, "links", ar.result().size());
      ctx.response().end(chunk);
    });
  }

  /** One link line: {@code {"kind": "link", from_coord, to_coord, link_type, strength, metadata, created_at}}. */
  static JsonObject linkLine(Link link) {
    return new JsonObject().put("kind", "link").put("from_coord", link.fromKey()).put("to_coord", link.toKey())
        .put("link_type", link.linkType()).put("strength", link.strength()).put("metadata", link.metadata())
        .put("created_at", MemoryJson.iso(link.createdAt()));
  }

  /** One export line: the canonical memory JSON behind {@code "kind": "memory"}, plus its vector when asked. */
  static JsonObject exportLine(Memory m, boolean embeddings) {
    JsonObject line = new JsonObject().put("kind", "memory").mergeIn(MemoryJson.memory(m));
    if (embeddings && m.vector() != null) {
      JsonArray vector = new JsonArray();
      for (float f : m.vector()) {
        vector.add(f);
      }
      line.put("vector", vector);
    }
    return line;
  }

  /** {@code POST /memories/import[?replace=false]}: NDJSON read as a stream; see {@link NdjsonImport}. */
  void importNdjson(RoutingContext ctx) {
    boolean replace;
    try {
      replace = flag(ctx, "replace");
      String length = ctx.request().getHeader("Content-Length");
      if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxImportBytes) {
        throw tooLarge(maxImportBytes);
      }
    } catch (SomaException e) {
      ctx.fail(e);
      return;
    }
    new NdjsonImport(ctx, service, graph, requests, MemoryRoutes.tenant(ctx), replace, maxImportBytes, maxLineBytes).start();
  }

  static SomaException tooLarge(long maxImportBytes) {
    return new SomaException(ErrorKind.TOO_LARGE, "The import is larger than SOMA_MAX_IMPORT_MB ("
        + maxImportBytes / (1024 * 1024) + " MiB)");
  }

  private static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw SomaException.invalid(name + " must be true or false");
  }
}
