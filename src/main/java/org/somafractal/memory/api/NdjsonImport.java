package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.service.GraphService;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.service.StoreCommand;

/**
 * One running {@code POST /memories/import}: reads the request body line by line, validates each line alone, and
 * stores the valid ones in batches through {@link MemoryService#store}, so embeddings, indexes and events follow as
 * for any store. The parser is paused while a batch is stored, so at most one batch and one line are in memory
 * whatever the body's size.
 *
 * <p>A bad line (malformed JSON, an invalid field, an unknown {@code kind}) is counted and reported with its line
 * number; the other lines still import. With {@code replace=false} a line whose coordinate already holds a memory is
 * skipped, and of two lines with one coordinate the first wins; with {@code replace=true} the last one wins.
 *
 * <p>Not thread-safe: it lives on the event loop of its request, where every callback runs.
 */
final class NdjsonImport {
  /** Lines stored per {@link MemoryService#store} call. */
  static final int BATCH = 500;
  /** At most this many errors are listed; {@code rejected} still counts them all. */
  static final int MAX_ERRORS = 100;

  private final RoutingContext ctx;
  private final MemoryService service;
  private final GraphService graph;
  private final Requests requests;
  private final String tenant;
  private final boolean replace;
  private final long maxBytes;
  private final int maxLineBytes;
  private final JsonArray errors = new JsonArray();
  private RecordParser parser;
  private List<Line> pending = new ArrayList<>();
  private List<LinkLine> pendingLinks = new ArrayList<>();
  private Future<Void> inFlight = Future.succeededFuture();
  private long lineNo;
  private long bytes;
  private long imported;
  private long importedLinks;
  private long skipped;
  private long rejected;
  private boolean finished;

  NdjsonImport(RoutingContext ctx, MemoryService service, GraphService graph, Requests requests, String tenant,
      boolean replace, long maxBytes, int maxLineBytes) {
    this.ctx = ctx;
    this.service = service;
    this.graph = graph;
    this.requests = requests;
    this.tenant = tenant;
    this.replace = replace;
    this.maxBytes = maxBytes;
    this.maxLineBytes = maxLineBytes;
  }

  /** A valid line waiting for its batch. */
  private record Line(long number, StoreCommand command) {
  }

  /** A valid link line waiting for its batch; links are stored after the memories read before them. */
  private record LinkLine(long number, Link link) {
  }

  void start() {
    parser = RecordParser.newDelimited("\n", ctx.request());
    parser.maxRecordSize(maxLineBytes);
    parser.exceptionHandler(this::fail);
    parser.endHandler(v -> inFlight.compose(done -> flush()).onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        respond();
      }
    }));
    parser.handler(this::line);
    // The router may have paused the request; the parser asks for data only as it consumes it.
    parser.resume();
  }

  private void line(Buffer raw) {
    if (finished) {
      return;
    }
    lineNo++;
    bytes += raw.length() + 1L;
    if (bytes > maxBytes + 1) {
      fail(TransferRoutes.tooLarge(maxBytes));
      return;
    }
    String text = raw.toString(StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return;
    }
    try {
      if (!(requests.jsonLimits().parse(raw) instanceof JsonObject json)) {
        throw new DecodeException("not an object");
      }
      if ("link".equals(json.getValue("kind"))) {
        pendingLinks.add(new LinkLine(lineNo, requests.importLink(tenant, json)));
      } else {
        pending.add(new Line(lineNo, requests.importLine(tenant, json)));
      }
    } catch (DecodeException e) {
      reject(lineNo, "malformed JSON; each line must be one JSON object");
      return;
    } catch (SomaException e) {
      reject(lineNo, e.getMessage());
      return;
    }
    if (pending.size() >= BATCH || pendingLinks.size() >= BATCH) {
      parser.pause();
      inFlight = flush().onComplete(ar -> {
        if (ar.failed()) {
          fail(ar.cause());
        } else if (!finished) {
          parser.resume();
        }
      });
    }
  }

  private Future<Void> flush() {
    List<Line> batch = pending;
    pending = new ArrayList<>();
    List<LinkLine> links = pendingLinks;
    pendingLinks = new ArrayList<>();
    Future<Void> memories = Future.succeededFuture();
    if (!batch.isEmpty()) {
      Future<List<Line>> toStore = replace ? Future.succeededFuture(batch) : withoutExisting(batch);
      memories = toStore.compose(this::store);
    }
    return links.isEmpty() ? memories : memories.compose(v -> storeLinks(links));
  }

  /** Links of one batch together (the store group-commits them); a link whose source memory is missing is rejected. */
  private Future<Void> storeLinks(List<LinkLine> links) {
    List<Future<Void>> all = new ArrayList<>(links.size());
    for (LinkLine l : links) {
      all.add(graph.link(l.link()).<Void>map(stored -> {
        importedLinks++;
        return null;
      }).recover(e -> {
        if (e instanceof SomaException s && s.kind() != ErrorKind.UNAVAILABLE && s.kind() != ErrorKind.INTERNAL) {
          reject(l.number(), e.getMessage());
          return Future.succeededFuture();
        }
        return Future.failedFuture(e);
      }));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<List<Line>> withoutExisting(List<Line> batch) {
    List<Coordinate> coords = batch.stream().map(l -> l.command().coordinate()).filter(c -> c != null).toList();
    return service.existingKeys(tenant, coords).map(existing -> {
      Set<String> taken = new HashSet<>(existing);
      List<Line> kept = new ArrayList<>(batch.size());
      for (Line l : batch) {
        Coordinate c = l.command().coordinate();
        if (c != null && !taken.add(c.key())) {
          skipped++;
        } else {
          kept.add(l);
        }
      }
      return kept;
    });
  }

  private Future<Void> store(List<Line> lines) {
    if (lines.isEmpty()) {
      return Future.succeededFuture();
    }
    return service.store(lines.stream().map(Line::command).toList()).<Void>map(stored -> {
      imported += stored.size();
      return null;
    }).recover(e -> {
      // A batch is all or none; when the store rejects one of its lines, find it by storing the lines one by one.
      if (lines.size() > 1 && isInvalid(e)) {
        return storeOneByOne(lines, 0);
      }
      if (lines.size() == 1 && isInvalid(e)) {
        reject(lines.getFirst().number(), e.getMessage());
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Void> storeOneByOne(List<Line> lines, int from) {
    if (from == lines.size()) {
      return Future.succeededFuture();
    }
    return store(List.of(lines.get(from))).compose(v -> storeOneByOne(lines, from + 1));
  }

  private static boolean isInvalid(Throwable e) {
    return e instanceof SomaException s && (s.kind() == ErrorKind.INVALID || s.kind() == ErrorKind.MALFORMED);
  }

  private void reject(long number, String detail) {
    rejected++;
    if (errors.size() < MAX_ERRORS) {
      errors.add(new JsonObject().put("line", number).put("detail", detail));
    }
  }

  private void respond() {
    if (finished) {
      return;
    }
    finished = true;
    JsonObject body = new JsonObject().put("imported", imported).put("links", importedLinks).put("skipped", skipped)
        .put("rejected", rejected).put("errors", errors);
    AuditTrail.answered(ctx, body);
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private void fail(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    parser.handler(null);
    if (cause instanceof IllegalStateException) {
      // RecordParser's only failure of its own: a line longer than maxRecordSize.
      cause = new SomaException(ErrorKind.TOO_LARGE, "line " + (lineNo + 1) + " is longer than "
          + maxLineBytes / (1024 * 1024) + " MiB");
    }
    // The batches stored before the failure stay: the audit entry says how many.
    AuditTrail.note(ctx, "imported", imported);
    AuditTrail.note(ctx, "links", importedLinks);
    ctx.fail(cause);
  }
}
