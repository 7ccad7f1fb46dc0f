package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.somafractal.memory.embed.Embedder;
import org.somafractal.memory.events.kafka.KafkaHealth;
import org.somafractal.memory.lexical.LexicalIndex;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.service.MemoryService;
import org.somafractal.memory.store.cache.CacheStats;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.vector.VectorIndex;

/** Handlers of the operational routes: stats, health, liveness, readiness. */
final class AdminRoutes {
  static final String VERSION = "0.1.0";
  private static final String HEALTH_TENANT = "_health";
  private static final String REDIS = "redis";
  private static final String CACHE = "cache";
  private static final String KAFKA = "kafka";
  /** Backends the server serves without: down, they make the status degraded, not unhealthy. */
  private static final Set<String> OPTIONAL = Set.of(REDIS, CACHE, KAFKA);

  private final MemoryService service;
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
  private final String mode;
  private final CacheStats cache;
  private final long timeoutMs;
  private final long startedAt = System.currentTimeMillis();

  /**
   * @param redis the node's Redis, or {@code null}
   * @param cache the counters of the read-through cache, or {@code null} when the server has none
   * @param timeoutMs how long each backend check may take before it counts as down
   */
  AdminRoutes(MemoryService service, MemoryStore store, VectorIndex vectors, LexicalIndex lexical, Embedder embedder,
      String mode, RedisConnection redis, KafkaHealth kafka, CacheStats cache, long timeoutMs) {
    this.service = service;
    this.mode = mode;
    this.cache = cache;
    this.timeoutMs = timeoutMs;
    checks.put("store", store::ping);
    checks.put("vector_index", () -> vectors.count(HEALTH_TENANT));
    checks.put("lexical_index", () -> lexical.count(HEALTH_TENANT));
    checks.put("embedder", () -> embedder.embed(List.of("health check")));
    if (redis != null) {
      checks.put(REDIS, redis::ping);
    }
    if (cache != null) {
      // Not a round trip: whether reads use the cache now, or are served from the store while it is bypassed.
      checks.put(CACHE, () -> cache.active() ? Future.succeededFuture()
          : Future.failedFuture(cache.backend() + " cache bypassed: reads go to the store until it answers again "
              + "and has been flushed"));
    }
    if (kafka != null) {
      checks.put(KAFKA, kafka::check);
    }
  }

  /** {@code GET /}. */
  void root(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "online").put("message", "SomaFractalMemory API is running")
        .put("version", VERSION).put("health", "/health").put("docs", "/docs").put("openapi", "/openapi.json"));
  }

  /** {@code GET /stats}: the caller's tenant only. */
  void stats(RoutingContext ctx) {
    String tenant = MemoryRoutes.tenant(ctx);
    MemoryRoutes.respond(ctx, () -> service.stats(tenant).map(o -> new JsonObject()
        .put("tenant", tenant)
        .put("total_memories", o.counts().total())
        .put("episodic", o.counts().episodic())
        .put("semantic", o.counts().semantic())
        .put("summary", o.counts().summary())
        .put("vector_count", o.vectors())
        .put("lexical_count", o.lexical())
        .put("quota", o.quota())));
  }

  /**
   * {@code GET /health}: every backend with its status and latency; 503 when a required one is down. Redis, the cache
   * and Kafka are not required (the server works in process without Redis, reads from the store without the cache,
   * and writes wait in the outbox while Kafka is down), so any of them down is 200 with status {@code degraded}.
   */
  void health(RoutingContext ctx) {
    runChecks().onComplete(ar -> {
      JsonArray services = ar.result();
      boolean healthy = services.stream().map(s -> (JsonObject) s)
          .allMatch(s -> s.getBoolean("healthy") || OPTIONAL.contains(s.getString("name")));
      boolean degraded = healthy && services.stream().anyMatch(s -> !((JsonObject) s).getBoolean("healthy"));
      JsonObject body = new JsonObject()
          .put("healthy", healthy)
          .put("status", degraded ? "degraded" : healthy ? "healthy" : "unhealthy")
          .put("version", VERSION)
          .put("mode", mode)
          .put("uptime_seconds", (System.currentTimeMillis() - startedAt) / 1000)
          .put("services", services);
      if (cache != null) {
        body.put(CACHE, cache.toJson());
      }
      json(ctx, healthy ? 200 : 503, body);
    });
  }

  /** {@code GET /healthz}: liveness; the process answers, so it is alive. */
  void healthz(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "ok"));
  }

  /** {@code GET /readyz}: ready when the canonical store answers within the timeout; 503 otherwise. */
  void readyz(RoutingContext ctx) {
    timed(checks.get("store")).onComplete(ar -> json(ctx, ar.succeeded() ? 200 : 503,
        new JsonObject().put("ready", ar.succeeded())));
  }

  /** Runs a check with the timeout; a check that throws fails. */
  private Future<?> timed(Supplier<Future<?>> check) {
    try {
      return check.get().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonArray> runChecks() {
    List<Future<JsonObject>> results = checks.entrySet().stream().map(e -> {
      long t0 = System.nanoTime();
      return timed(e.getValue()).transform(ar -> Future.succeededFuture(new JsonObject()
          .put("name", e.getKey())
          .put("healthy", ar.succeeded())
          .put("latency_ms", Math.round((System.nanoTime() - t0) / 10_000.0) / 100.0)
          .put("details", ar.succeeded() ? (ar.result() instanceof String detail ? detail : "ok")
              : String.valueOf(ar.cause().getMessage()))));
    }).toList();
    return Future.join(results).transform(ignored -> {
      JsonArray out = new JsonArray();
      results.forEach(f -> out.add(f.result()));
      return Future.succeededFuture(out);
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
