package org.somafractal.memory.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.somafractal.memory.app.SomaServer;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.Coordinate;
import io.vertx.core.json.JsonObject;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.service.GraphService;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.service.SearchQuery;
import org.somafractal.memory.service.StoreCommand;
import org.somafractal.memory.service.Services;

/**
 * SomaFractalMemory inside the caller's JVM: {@link #start} deploys the server's verticles (store, embedder, vector
 * and lexical indexes; no HTTP) on the caller's Vert.x, and the returned client calls the memory service directly
 * over the event bus. Every method returns a future and never blocks.
 *
 * <p>A client acts for one tenant ({@code default} at first); {@link #forTenant} returns a view for another that
 * shares the same running memory. {@link #close()} on any view stops it for all of them; the caller's Vert.x stays
 * open. One memory per Vert.x instance: two would answer on the same event-bus addresses.
 */
public final class SomaMemory {
  /** The same rule the HTTP API applies to the X-Soma-Tenant header. */
  private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");
  private static final String DEFAULT_TENANT = "default";

  private final Shared shared;
  private final String tenant;

  /** What the views of one started memory share. */
  private record Shared(SomaServer server, MemoryService service, GraphService graph, SomaConfig config,
      AtomicBoolean closed) {
  }

  private SomaMemory(Shared shared, String tenant) {
    this.shared = shared;
    this.tenant = tenant;
  }

  /**
   * Starts a memory from these settings alone (the keys of the README's configuration table; the environment and
   * {@code conf/} are not read, so an embedding application decides). Without {@code MEMORY_MODE}, the memory is
   * in RAM ({@code test}) unless {@code SOMA_DATA_DIR} is given, which makes it durable SQLite ({@code development}).
   */
  public static Future<SomaMemory> start(Vertx vertx, Map<String, String> settings) {
    Map<String, String> raw = new HashMap<>(settings);
    raw.putIfAbsent(Settings.MODE.name(), raw.containsKey(Settings.DATA_DIR.name()) ? "development" : "test");
    SomaConfig config;
    try {
      config = SomaConfig.from(raw);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return start(vertx, config);
  }

  /** Starts a memory from a resolved configuration (for instance {@link SomaConfig#load}). */
  public static Future<SomaMemory> start(Vertx vertx, SomaConfig config) {
    return SomaServer.startEmbedded(vertx, config).map(server -> {
      Services services = Services.create(vertx, config, server.modelId());
      return new SomaMemory(new Shared(server, services.service(), services.graphService(), config,
          new AtomicBoolean()), DEFAULT_TENANT);
    });
  }

  /** A view of the same memory acting for {@code name}; memories of other tenants are invisible to it. */
  public SomaMemory forTenant(String name) {
    if (name == null || !TENANT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tenant must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
    return new SomaMemory(shared, name);
  }

  /** The tenant this view acts for. */
  public String tenant() {
    return tenant;
  }

  /** Stores (or updates in place, at an existing coordinate) one memory; the next search sees it. */
  public Future<StoredMemory> store(NewMemory memory) {
    return attempt(() -> shared.service().store(List.of(command(memory))).map(stored -> stored.get(0)));
  }

  /** Stores many memories in one transaction: all or none. */
  public Future<List<StoredMemory>> storeAll(List<NewMemory> memories) {
    return attempt(() -> shared.service().store(memories.stream().map(this::command).toList()));
  }

  /** The memory at a coordinate such as {@code "1,2,3"}, if there is one; the read counts as an access. */
  public Future<Optional<Memory>> get(String coord) {
    return attempt(() -> shared.service().get(tenant, Coordinate.parse(coord)).map(Optional::ofNullable));
  }

  /** Deletes the memory at a coordinate; {@code true} when there was one. */
  public Future<Boolean> delete(String coord) {
    return attempt(() -> shared.service().delete(tenant, List.of(Coordinate.parse(coord)))
        .map(removed -> !removed.isEmpty()));
  }

  /** The {@code topK} memories that best match {@code text} (hybrid search), best first. */
  public Future<List<Ranked>> search(String text, int topK) {
    return attempt(() -> search(Search.of(text).topK(topK)));
  }

  /** A search with every option; results carry their score and its components. */
  public Future<List<Ranked>> search(Search search) {
    return attempt(() -> {
      int maxTopK = shared.config().get(Settings.MAX_TOP_K);
      if (search.topK() + search.offset() > maxTopK) {
        throw new IllegalArgumentException("topK + offset must be at most " + maxTopK + " (SOMA_MAX_TOP_K)");
      }
      MemoryFilter filter = MemoryFilter.of(search.types(), search.filters(), Long.MIN_VALUE, Long.MAX_VALUE);
      return shared.service().search(new SearchQuery(tenant, search.text(), null, search.topK(), search.offset(),
          search.mode(), filter, Double.NEGATIVE_INFINITY, Double.NaN));
    });
  }

  /**
   * Links two coordinates with a typed, weighted link (re-linking the same pair and type updates strength and
   * metadata). The source coordinate must hold a memory of this tenant.
   */
  public Future<Link> link(String fromCoord, String toCoord, String linkType, double strength) {
    return attempt(() -> shared.graph().link(Link.draft(tenant, Coordinate.parse(fromCoord).key(),
        Coordinate.parse(toCoord).key(), linkType, strength, new JsonObject())));
  }

  /** Coordinates reachable within {@code kHop} links, following links in {@code direction}, nearest first. */
  public Future<List<GraphIndex.Neighbor>> neighbors(String coord, int kHop, GraphIndex.Direction direction,
      int limit) {
    return attempt(() -> shared.graph().neighbors(new GraphIndex.NeighborQuery(tenant, Coordinate.parse(coord).key(),
        kHop, null, direction, limit, 0)));
  }

  /** The path from one coordinate to another with at most {@code maxLength} links, by hops or by weight. */
  public Future<GraphIndex.GraphPath> path(String fromCoord, String toCoord, int maxLength,
      GraphIndex.PathMetric by) {
    return attempt(() -> shared.graph().path(new GraphIndex.PathQuery(tenant, Coordinate.parse(fromCoord).key(),
        Coordinate.parse(toCoord).key(), maxLength, null, by)));
  }

  /**
   * Stops the memory for every view (a durable store commits its pending writes first). The caller's Vert.x stays
   * open; closing twice does nothing.
   */
  public Future<Void> close() {
    return shared.closed().compareAndSet(false, true) ? shared.server().stop() : Future.succeededFuture();
  }

  private StoreCommand command(NewMemory m) {
    return new StoreCommand(tenant, m.coord() == null ? null : Coordinate.parse(m.coord()), m.payload(), m.type(),
        m.importance(), m.metadata(), m.vector());
  }

  /** Runs a call whose validation may throw, so every failure reaches the caller the same way: a failed future. */
  private <T> Future<T> attempt(Supplier<Future<T>> call) {
    if (shared.closed().get()) {
      return Future.failedFuture(new IllegalStateException("this SomaMemory is closed"));
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
