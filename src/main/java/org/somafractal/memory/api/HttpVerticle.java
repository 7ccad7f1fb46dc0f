package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.somafractal.memory.audit.AuditClient;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.auth.AuthHandler;
import org.somafractal.memory.auth.AuthSettings;
import org.somafractal.memory.auth.RoutePolicy;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.events.kafka.KafkaHealth;
import org.somafractal.memory.limits.HttpLimits;
import org.somafractal.memory.metrics.Metrics;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.redis.RedisRateLimiter;
import org.somafractal.memory.service.GraphService;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.service.Services;
import org.somafractal.memory.store.cache.CacheStats;

/**
 * The HTTP API, one instance per core: parses and validates requests, binds the tenant, calls the memory service
 * over event-bus clients and writes JSON. Every route is wired in {@link #router()}, in one visible block.
 */
public final class HttpVerticle extends VerticleBase {
  private final SomaConfig config;
  private final AuthSettings authSettings;
  private final String embedderId;
  private final CacheStats cacheStats;
  private final boolean audited;
  private int actualPort;
  private Router router;

  /**
   * @param authSettings the credentials the server accepts (none = open)
   * @param embedderId the model id the embedding verticle reports
   * @param audited whether the audit verticle runs, so audited routes record their requests
   * @param cacheStats the counters of the read-through cache, shown by {@code GET /health}; {@code null} when none
   */
  public HttpVerticle(SomaConfig config, AuthSettings authSettings, String embedderId, boolean audited,
      CacheStats cacheStats) {
    this.config = config;
    this.authSettings = authSettings;
    this.embedderId = embedderId;
    this.audited = audited;
    this.cacheStats = cacheStats;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.get(Settings.API_HOST))
        .setPort(config.get(Settings.API_PORT))
        .setCompressionSupported(true);
    router = router();
    return vertx.createHttpServer(options).invalidRequestHandler(ErrorMapper::invalidRequest)
        .requestHandler(router).listen()
        .onSuccess(server -> actualPort = server.actualPort());
  }

  /** The port this instance listens on. */
  public int actualPort() {
    return actualPort;
  }

  /**
   * The operations this instance serves, as {@code "METHOD /path"} with OpenAPI path templates
   * ({@code /memories/{coord}}); a prefix route ends in {@code *}. Routes without a method (the body, auth and
   * failure handlers that run for every method) are not operations and are left out.
   */
  Set<String> servedOperations() {
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty() || route.getPath() == null) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}") + (route.isExactPath() ? "" : "*");
      methods.forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }

  /**
   * Every body is read as JSON whatever its declared type, so a form or multipart Content-Type is dropped before the
   * BodyHandler: Vert.x would otherwise run Netty's form decoder on the body, whose failures on hostile input (a bad
   * escape, too long a field, such a type on a GET) escaped as 500s or left the request unanswered.
   */
  private static void ignoreFormContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null) {
      String lower = type.toLowerCase(Locale.ROOT);
      if (lower.contains("multipart/") || lower.contains("application/x-www-form-urlencoded")) {
        ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
      }
    }
    ctx.next();
  }

  private Router router() {
    int dimension = config.get(Settings.VECTOR_DIM);
    Services services = Services.create(vertx, config, embedderId);
    MemoryService service = services.service();
    Requests requests = new Requests(config, dimension);
    MemoryRoutes memories = new MemoryRoutes(service, requests);
    GraphService graphService = services.graphService();
    GraphRoutes links = new GraphRoutes(graphService);
    SeedGraphRoutes seedGraph = new SeedGraphRoutes(graphService);
    // Optional and never required: without it (or while it is down) idempotency and rate limits stay in process.
    RedisConnection redis = RedisConnection.shared(vertx, config);
    IdempotentRoute idempotent = IdempotentRoute.create(vertx, config, redis);
    AdminRoutes admin = new AdminRoutes(service, services.store(), services.vectors(), services.lexical(),
        services.embedder(), config.get(Settings.MODE), redis, KafkaHealth.shared(vertx, config), cacheStats,
        config.get(Settings.HEALTH_TIMEOUT_MS));
    // Every guarded route starts with this handler; the scope each needs, and whether it is audited, is declared in
    // auth.RoutePolicy.
    AuthHandler auth = AuthHandler.create(vertx, authSettings, RequestTypes::of, audited ? new AuditTrail(vertx) : null);
    AuditRoutes audit = new AuditRoutes(audited ? new AuditClient(vertx, config.get(Settings.BUS_TIMEOUT_MS)) : null);
    SeedEraARoutes eraA = new SeedEraARoutes(service, requests);
    SeedV2Routes v2 = new SeedV2Routes(service, requests);
    DocsRoutes docs = new DocsRoutes(OpenApiSpec.document(config));

    Router router = Router.router(vertx);
    long bodyLimit = config.get(Settings.MAX_REQUEST_BODY_MB) * 1024L * 1024L;
    TransferRoutes transfer = new TransferRoutes(service, graphService, requests, config.get(Settings.MAX_IMPORT_MB) * 1024L * 1024L,
        (int) Math.min(Integer.MAX_VALUE, bodyLimit));
    // CORS, load shedding, authentication and rate limits (by the verified tenant) answer before any body is read;
    // the JSON limits check every buffered body.
    HttpLimits.beforeAuthentication(router, vertx, config);
    router.route().handler(auth::identify);
    HttpLimits.rateLimits(router, vertx, config, AuthHandler::verifiedTenant,
        local -> redis == null ? local : new RedisRateLimiter(redis, local));
    // Before the BodyHandler, which would buffer the whole body: an import is read as a stream of lines.
    router.post("/memories/import").handler(auth).handler(transfer::importNdjson);
    router.post("/import_memories").handler(auth).handler(transfer::importNdjson);
    router.route().handler(HttpVerticle::ignoreFormContentType);
    router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
    HttpLimits.afterBody(router, config);

    router.get("/").handler(admin::root);
    router.get("/healthz").handler(admin::healthz);
    router.get("/readyz").handler(admin::readyz);
    router.get("/health").handler(admin::health);
    router.get("/metrics").handler(Metrics.scrape(vertx));
    router.get("/openapi.json").handler(docs::openApi);
    router.get("/docs").handler(docs::page);
    router.get(DocsRoutes.ASSETS + "*").handler(docs::assets);

    router.get("/stats").handler(auth).handler(admin::stats);
    router.post("/memories").handler(auth).handler(idempotent.wrap("memories", memories::store));
    router.post("/memories/bulk").handler(auth).handler(idempotent.wrap("memories/bulk", memories::bulk));
    router.post("/memories/search").handler(auth).handler(memories::search);
    router.get("/memories/search").handler(auth).handler(memories::searchGet);
    router.post("/memories/search/batch").handler(auth).handler(memories::searchBatch);
    router.get("/memories/range").handler(auth).handler(memories::range);
    router.post("/memories/recall_with_context").handler(auth).handler(memories::recallWithContext);
    router.post("/memories/delete").handler(auth).handler(transfer::delete);
    router.get("/memories/export").handler(auth).handler(transfer::export);
    router.get("/memories/:coord").handler(auth).handler(memories::get);
    router.delete("/memories/:coord").handler(auth).handler(memories::delete);

    // seed era A and the documented /api/v2: thin adapters over the same service (README, "Compatibility")
    router.post("/store").handler(auth).handler(eraA::store);
    router.post("/remember").handler(auth).handler(eraA::remember);
    router.post("/store_bulk").handler(auth).handler(eraA::storeBulk);
    router.post("/recall").handler(auth).handler(eraA::recall);
    router.get("/recall").handler(auth).handler(eraA::recallGet);
    router.post("/recall_batch").handler(auth).handler(eraA::recallBatch);
    router.post("/recall_with_scores").handler(auth).handler(eraA::recallWithScores);
    router.post("/keyword_search").handler(auth).handler(eraA::keywordSearch);
    router.post("/hybrid_recall_with_scores").handler(auth).handler(eraA::hybridRecallWithScores);
    router.get("/range").handler(auth).handler(eraA::range);
    router.post("/recall_with_context").handler(auth).handler(eraA::recallWithContext);
    router.post("/delete_many").handler(auth).handler(eraA::deleteMany);
    router.post("/export_memories").handler(auth).handler(transfer::export);
    router.post("/link").handler(auth).handler(seedGraph::link);
    router.get("/neighbors").handler(auth).handler(seedGraph::neighbors);
    router.get("/shortest_path").handler(auth).handler(seedGraph::shortestPath);
    router.post("/api/v2/memory/store").handler(auth).handler(v2::store);
    router.post("/api/v2/memory/search").handler(auth).handler(v2::search);
    router.delete("/api/v2/memory/:id").handler(auth).handler(v2::delete);

    router.get("/admin/audit").handler(auth).handler(audit::query);

    router.post("/graph/link").handler(auth).handler(links::link);
    router.delete("/graph/link").handler(auth).handler(links::unlink);
    router.get("/graph/neighbors").handler(auth).handler(links::neighbors);
    router.get("/graph/path").handler(auth).handler(links::path);

    router.route().failureHandler(ErrorMapper::handle);
    // a URI Vert.x cannot decode while matching routes (a bad %-escape in the query): no handler ran yet
    router.errorHandler(400, ctx -> ErrorMapper.send(ctx, 400, "malformed", "Bad request: the URI cannot be decoded"));
    router.errorHandler(404, ctx -> ErrorMapper.send(ctx, 404, "not_found", "Not Found"));
    router.errorHandler(405, ctx -> ErrorMapper.send(ctx, 405, "method_not_allowed", "Method not allowed"));
    router.errorHandler(500, ErrorMapper::handle);
    this.router = router;
    RoutePolicy.requireCovered(servedOperations());
    return router;
  }
}
