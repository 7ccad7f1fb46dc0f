package org.somafractal.memory.limits;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * Installs the HTTP-level limits on a router: CORS (only when origins are configured) and load shedding first, rate
 * limits after authentication and before the body is read, the JSON depth and string limits after it. The token
 * buckets live in one limiter per Vert.x instance, so every HTTP verticle draws from the same buckets. Stateless; call
 * each once per router, in that order.
 */
public final class HttpLimits {
  private static final String SHARED_KEY = "soma.rate-limiter";
  private static final long MAX_BUCKETS = 100_000;

  private HttpLimits() {
  }

  /**
   * CORS and load shedding, for every route: to be installed first, so a preflight is answered before
   * authentication and a shed request costs no authentication and spends no token.
   */
  public static void beforeAuthentication(Router router, Vertx vertx, SomaConfig config) {
    List<String> origins = config.get(Settings.CORS_ORIGINS);
    if (origins != null) {
      CorsHandler cors = CorsHandler.create().addOrigins(origins)
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "X-Soma-Tenant", "X-Soma-Namespace",
              "Idempotency-Key"))
          .maxAgeSeconds(600);
      // First, so a preflight is answered without credentials, as browsers send it. Another origin gets no CORS
      // headers at all (its browser then refuses the answer) rather than the handler's failure, which is no 4xx.
      router.route().handler(ctx -> {
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && !origins.contains(origin)) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }
    // After CORS (a preflight costs nothing) and before authentication and the rate limits, so a shed request costs
    // no signature check and spends no token.
    router.route().handler(AdmissionHandler.shared(vertx, config.get(Settings.ADMISSION).equals("adaptive"),
        config.get(Settings.MIN_IN_FLIGHT), config.get(Settings.MAX_IN_FLIGHT)));
  }

  /**
   * Rate limiting, for every route: to be installed after authentication and before the body handler and any route
   * that reads the body as a stream.
   *
   * @param tenantOf the verified tenant of a request, {@code null} when it has none
   * @param shared turns the in-process limiter into the one requests use: itself, or a shared limiter (Redis) that
   *     falls back to it
   */
  public static void rateLimits(Router router, Vertx vertx, SomaConfig config, Function<RoutingContext, String> tenantOf,
      UnaryOperator<RateLimiter> shared) {
    BucketSpec tenant = BucketSpec.of(config.get(Settings.RATE_LIMIT_PER_SECOND), config.get(Settings.RATE_LIMIT_BURST));
    BucketSpec credential = BucketSpec.of(config.get(Settings.CREDENTIAL_RATE_LIMIT_PER_SECOND),
        config.get(Settings.CREDENTIAL_RATE_LIMIT_BURST));
    if (tenant != null || credential != null) {
      router.route().handler(new RateLimitHandler(shared.apply(sharedLimiter(vertx, tenant, credential)), tenant,
          credential, tenantOf));
    }
  }

  /** The JSON limits, for every route: to be installed right after the body handler. */
  public static void afterBody(Router router, SomaConfig config) {
    router.route().handler(jsonLimits(config));
  }

  /** The JSON limits of the configuration, also applied to each line of an NDJSON import. */
  public static JsonLimits jsonLimits(SomaConfig config) {
    return new JsonLimits(config.get(Settings.MAX_JSON_DEPTH), config.get(Settings.MAX_STRING_CHARS));
  }

  private static RateLimiter sharedLimiter(Vertx vertx, BucketSpec tenant, BucketSpec credential) {
    long fill = Math.max(tenant == null ? 0 : tenant.fillNanos(), credential == null ? 0 : credential.fillNanos());
    Duration idle = Duration.ofNanos(Math.max(fill, Duration.ofMinutes(1).toNanos()));
    return vertx.sharedData().<String, SharedLimiter>getLocalMap(SHARED_KEY)
        .computeIfAbsent(SHARED_KEY, k -> new SharedLimiter(new InProcessRateLimiter(MAX_BUCKETS, idle, System::nanoTime)))
        .limiter();
  }

  /** Holds the limiter in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record SharedLimiter(RateLimiter limiter) implements Shareable {
  }
}
