package org.somafractal.memory.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

/**
 * Turns an {@code Authorization} header into a {@link Principal}: a static token first (constant-time lookup), then
 * a JWT when JWTs are configured. Confined to one event loop (one per HTTP verticle) because the JWKS cache is.
 */
final class Authenticator {
  private final AuthSettings settings;
  private final JwtVerifier jwt;

  Authenticator(Vertx vertx, AuthSettings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.jwt = settings.jwt() == null ? null : new JwtVerifier(vertx, settings.jwt(), clockMillis);
  }

  boolean open() {
    return settings.open();
  }

  /** The caller; a failed future with a 401 when the credential is missing or invalid. */
  Future<Principal> authenticate(String authorization) {
    if (settings.open()) {
      return Future.succeededFuture(Principal.OPEN);
    }
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new SomaException(ErrorKind.UNAUTHORIZED, "Missing bearer token"));
    }
    String token = authorization.substring(7).trim();
    Principal principal = settings.tokens().lookup(token);
    if (principal != null) {
      return Future.succeededFuture(principal);
    }
    if (jwt != null && JwtVerifier.looksLikeJwt(token)) {
      return jwt.verify(token);
    }
    return Future.failedFuture(new SomaException(ErrorKind.UNAUTHORIZED,
        jwt == null ? "Invalid API token" : "Invalid API token or JWT"));
  }
}
