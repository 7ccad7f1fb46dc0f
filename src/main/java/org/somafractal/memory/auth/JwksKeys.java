package org.somafractal.memory.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.SomaException;

/**
 * The keys of a JWKS URL, one verifier per {@code kid}. Fetched lazily with a timeout, used for
 * {@code SOMA_JWT_JWKS_CACHE_SECONDS}, and fetched again when a token names an unknown {@code kid} (key rotation) —
 * at most once per {@code SOMA_JWT_JWKS_MIN_REFRESH_SECONDS}, so forged kids cannot flood the JWKS server. When a
 * fetch fails the keys already known stay in use. Symmetric ({@code oct}) keys are ignored: a published key must not
 * verify HMAC tokens. Confined to one event loop (one instance per HTTP verticle), so not thread-safe.
 */
final class JwksKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

  private final Vertx vertx;
  private final WebClient client;
  private final JwtSettings settings;
  private final JWTOptions options;
  private final LongSupplier clockMillis;
  private Map<String, JWTAuth> byKid = Map.of();
  private JWTAuth all;
  private long fetchedAt = Long.MIN_VALUE;
  private long lastAttempt = Long.MIN_VALUE;
  private Future<Void> inflight;

  JwksKeys(Vertx vertx, JwtSettings settings, JWTOptions options, LongSupplier clockMillis) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.settings = settings;
    this.options = options;
    this.clockMillis = clockMillis;
  }

  /**
   * The verifier of {@code kid} (or of all keys when {@code kid} is null); fails with 401 when the key is unknown even
   * after a refresh, 503 when the JWKS could never be fetched.
   */
  Future<JWTAuth> verifier(String kid) {
    long now = clockMillis.getAsLong();
    boolean stale = all == null || now - fetchedAt > settings.jwksCacheSeconds() * 1000L;
    boolean unknown = kid != null && !byKid.containsKey(kid)
        && now - lastAttempt >= settings.jwksMinRefreshSeconds() * 1000L;
    Future<Void> ready = stale || unknown ? refresh() : Future.succeededFuture();
    return ready.transform(ar -> {
      if (all == null) {
        return Future.failedFuture(SomaException.unavailable("JWKS keys are unavailable"));
      }
      JWTAuth auth = kid == null ? all : byKid.get(kid);
      return auth != null ? Future.succeededFuture(auth)
          : Future.failedFuture(JwtClaims.unauthorized("JWT key id is not known"));
    });
  }

  private Future<Void> refresh() {
    if (inflight != null) {
      return inflight;
    }
    lastAttempt = clockMillis.getAsLong();
    // The promise is published before the request is sent, so a reply that completes at once can never leave a
    // finished fetch behind as the one in flight.
    Promise<Void> fetched = Promise.promise();
    inflight = fetched.future();
    client.getAbs(settings.jwksUrl()).timeout(settings.jwksTimeoutMs()).send().onComplete(ar -> {
      try {
        if (ar.failed()) {
          throw ar.cause();
        }
        if (ar.result().statusCode() != 200) {
          throw new IllegalStateException("HTTP " + ar.result().statusCode());
        }
        install(ar.result().bodyAsJsonObject().getJsonArray("keys", new JsonArray()));
        fetchedAt = clockMillis.getAsLong();
      } catch (Throwable e) {
        LOG.warn("Cannot fetch the JWKS at {}: {}", settings.jwksUrl(), e.toString());
      } finally {
        inflight = null;
        fetched.complete();
      }
    });
    return fetched.future();
  }

  private void install(JsonArray keys) {
    Map<String, JWTAuth> next = new HashMap<>();
    JWTAuthOptions allOptions = new JWTAuthOptions().setJWTOptions(options);
    for (Object o : keys) {
      if (!(o instanceof JsonObject jwk) || "oct".equals(jwk.getString("kty")) || "enc".equals(jwk.getString("use"))) {
        continue;
      }
      try {
        JWTAuth one = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(options).addJwk(jwk));
        if (jwk.getString("kid") != null) {
          next.put(jwk.getString("kid"), one);
        }
        allOptions.addJwk(jwk);
      } catch (RuntimeException e) {
        LOG.warn("Ignoring JWKS key {}: {}", jwk.getString("kid"), e.getMessage());
      }
    }
    byKid = Map.copyOf(next);
    all = JWTAuth.create(vertx, allOptions);
  }
}
