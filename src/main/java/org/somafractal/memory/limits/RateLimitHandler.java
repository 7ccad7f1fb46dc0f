package org.somafractal.memory.limits;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import org.somafractal.memory.auth.RoutePolicy;

/**
 * Answers 429 with {@code Retry-After} when the caller's credential or tenant has no token left. It runs before the
 * body is read, so a client over its limit costs neither body buffering nor parsing. Two buckets per request, each
 * per client (never one bucket per path, as the seed had): the credential's (a SHA-256 prefix of the bearer token,
 * or {@code anonymous}), then the tenant's; a request refused by its credential does not spend its tenant's token.
 * Operational routes are never limited, so probes keep working under load.
 *
 * <p>It runs after authentication ({@code AuthHandler.identify}), so the tenant bucket is the verified tenant's: the
 * tenant the credential is bound to, whatever the headers claim, or for a credential that may choose its tenant
 * (admin, a token without a tenant, an open server) the tenant it chose. A request whose credential failed takes no
 * tenant token (it is refused with 401 anyway), so nobody can spend another tenant's budget, nor escape their own by
 * naming another tenant. Thread-safe; one instance serves every event loop.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  /** The credential id of a request without a bearer token. */
  public static final String ANONYMOUS = "anonymous";

  private final RateLimiter limiter;
  private final BucketSpec tenantSpec;
  private final BucketSpec credentialSpec;
  private final Function<RoutingContext, String> tenantOf;

  /**
   * @param tenantSpec the bucket of each tenant, or {@code null} for no tenant limit
   * @param credentialSpec the bucket of each credential, or {@code null} for no credential limit
   * @param tenantOf the verified tenant of the request, or {@code null} when it has none (its credential failed,
   *     and it is refused afterwards)
   */
  public RateLimitHandler(RateLimiter limiter, BucketSpec tenantSpec, BucketSpec credentialSpec,
      Function<RoutingContext, String> tenantOf) {
    this.limiter = limiter;
    this.tenantSpec = tenantSpec;
    this.credentialSpec = credentialSpec;
    this.tenantOf = tenantOf;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (RoutePolicy.publicRequest(ctx)) {
      ctx.next();
      return;
    }
    Future<Boolean> allowed = credentialSpec == null ? Future.succeededFuture(true)
        : limiter.acquire("c:" + credentialId(ctx.request().getHeader("Authorization")), credentialSpec)
            .map(wait -> wait <= 0 || refuse(ctx, wait, "this credential", credentialSpec));
    Future<Boolean> decided = allowed.compose(ok -> ok ? acquireTenant(ctx) : Future.succeededFuture(false));
    if (!decided.isComplete()) {
      // A shared limiter answers later: hold the body back until the body handler (or the import) is ready for it.
      ctx.request().pause();
    }
    decided.onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        ctx.next();
      } else if (ar.failed()) {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Takes the tenant's token: true when the request may go on, false when it was refused (and answered). */
  private Future<Boolean> acquireTenant(RoutingContext ctx) {
    if (tenantSpec == null) {
      return Future.succeededFuture(true);
    }
    String tenant = tenantOf.apply(ctx);
    if (tenant == null) {
      return Future.succeededFuture(true);
    }
    return limiter.acquire("t:" + tenant, tenantSpec)
        .map(wait -> wait <= 0 || refuse(ctx, wait, "tenant '" + tenant + "'", tenantSpec));
  }

  /** A stable, non-reversible id of the bearer token in {@code authorization}, or {@link #ANONYMOUS}. */
  public static String credentialId(String authorization) {
    if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return ANONYMOUS;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Answers 429; returns false, so callers can map a refusal to "do not go on". */
  private static boolean refuse(RoutingContext ctx, long waitNanos, String who, BucketSpec spec) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    String detail = "Rate limit exceeded for " + who + ": " + format(spec.ratePerSecond()) + " requests per second, "
        + "bursts of " + format(spec.burst()) + "; retry after " + seconds + " s";
    ctx.response().setStatusCode(429)
        .putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", Long.toString(seconds))
        .end(new JsonObject().put("detail", detail).put("code", "rate_limited").encode());
    return false;
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
