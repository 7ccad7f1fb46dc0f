package org.somafractal.memory.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.idempotency.Idempotency;
import org.somafractal.memory.idempotency.Idempotency.Claim;
import org.somafractal.memory.idempotency.InProcessIdempotency;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.redis.RedisIdempotency;

/**
 * Makes a write route honour the {@code Idempotency-Key} header: the first successful answer is kept under (tenant,
 * route, key) and replayed, with {@code Idempotency-Replayed: true}, to every retry with the same key and body, which
 * then stores nothing. The same key with another body is a 409; while the first request is still running, a retry
 * gets 409 with {@code Retry-After}. A failed request keeps no answer: it stored nothing, so the retry must be free to
 * try again (after a 503, say). Without the header the route runs as usual.
 */
final class IdempotentRoute {
  static final String HEADER = "Idempotency-Key";
  private static final int MAX_KEY_CHARS = 255;
  private static final long MAX_KEYS = 100_000;
  private static final String SHARED_KEY = "soma.idempotency";

  private final Idempotency idempotency;

  IdempotentRoute(Idempotency idempotency) {
    this.idempotency = idempotency;
  }

  /**
   * The keys of a server on {@code vertx}: in process, one store for all HTTP verticles, and in Redis too when
   * {@code redis} is not {@code null}.
   */
  static IdempotentRoute create(Vertx vertx, SomaConfig config, RedisConnection redis) {
    Duration ttl = Duration.ofSeconds(config.get(Settings.IDEMPOTENCY_TTL_SECONDS));
    // No request outlives two bus timeouts, so an older claim belongs to a request that died.
    Duration pendingTimeout = Duration.ofMillis(2L * config.get(Settings.BUS_TIMEOUT_MS));
    Idempotency local = vertx.sharedData().<String, Holder>getLocalMap(SHARED_KEY).computeIfAbsent(SHARED_KEY,
        k -> new Holder(new InProcessIdempotency(MAX_KEYS, ttl, pendingTimeout, System::currentTimeMillis)))
        .idempotency();
    return new IdempotentRoute(redis == null ? local : new RedisIdempotency(redis, local, ttl, pendingTimeout));
  }

  /**
   * The handler of {@code route} (a stable name, part of the key's scope) computing its answer with {@code call}.
   */
  Handler<RoutingContext> wrap(String route, Function<RoutingContext, Future<JsonObject>> call) {
    return ctx -> {
      String key = ctx.request().getHeader(HEADER);
      if (key == null) {
        MemoryRoutes.respond(ctx, () -> call.apply(ctx));
        return;
      }
      if (key.isBlank() || key.length() > MAX_KEY_CHARS) {
        ErrorMapper.send(ctx, 400, "bad_request", HEADER + " must have 1 to " + MAX_KEY_CHARS + " characters");
        return;
      }
      String scoped = scope(MemoryRoutes.tenant(ctx), route, key);
      Buffer body = ctx.body().buffer();
      String bodyHash = sha256(body == null ? new byte[0] : body.getBytes());
      idempotency.begin(scoped, bodyHash).onComplete(ar -> {
        Claim claim = ar.succeeded() ? ar.result() : new Claim.Started();
        switch (claim) {
          case Claim.Started started -> run(ctx, scoped, bodyHash, call);
          case Claim.Replay replay -> {
            AuditTrail.note(ctx, "replayed", true);
            ctx.response().setStatusCode(replay.status())
                .putHeader("Content-Type", "application/json").putHeader("Idempotency-Replayed", "true")
                .end(replay.body());
          }
          case Claim.Conflict conflict -> ErrorMapper.send(ctx, 409, "idempotency_key_reused",
              HEADER + " was already used with a different request body");
          case Claim.InFlight inFlight -> {
            ctx.response().putHeader("Retry-After", "1");
            ErrorMapper.send(ctx, 409, "idempotency_key_in_flight",
                "A request with this " + HEADER + " is still being processed; retry later");
          }
        }
      });
    };
  }

  /** The stored key of a client's key: hashed, so any characters of tenant and key are safe in it. */
  static String scope(String tenant, String route, String key) {
    return sha256(tenant.getBytes(StandardCharsets.UTF_8)) + ":" + route + ":"
        + sha256(key.getBytes(StandardCharsets.UTF_8));
  }

  private void run(RoutingContext ctx, String scoped, String bodyHash, Function<RoutingContext, Future<JsonObject>> call) {
    Future<JsonObject> result;
    try {
      result = call.apply(ctx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        AuditTrail.answered(ctx, ar.result());
        String answer = ar.result().encode();
        // The answer is kept before it is sent, so a client that retries after receiving it never sees "in flight".
        idempotency.complete(scoped, bodyHash, 200, answer).onComplete(done ->
            ctx.response().putHeader("Content-Type", "application/json").end(answer));
      } else {
        idempotency.release(scoped).onComplete(done -> ctx.fail(ar.cause()));
      }
    });
  }

  /** Holds the store in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Holder(Idempotency idempotency) implements Shareable {
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
