package org.somafractal.memory.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.function.LongSupplier;
import org.somafractal.memory.core.SomaException;

/**
 * Verifies JWT bearer tokens with vertx-auth-jwt and maps them to a {@link Principal}. The header's {@code alg} must
 * be one the configured keys accept — so {@code none} and algorithm confusion (an HS256 token "signed" with the RSA
 * public key) are refused before any key is tried; each vertx verifier holds keys of one algorithm only. The claims
 * are checked by {@link JwtClaims} after the signature. Confined to one event loop (one per HTTP verticle).
 *
 * <p>An agent sends the same token with every request, so a token whose signature verified is remembered, by its
 * exact text, for {@value #VERIFIED_SECONDS} s (at most {@value #VERIFIED_TOKENS} tokens): a repeat skips the
 * signature (131 µs for RS256, 9 µs for HS256) but never the claims, which are checked again at every request, so an
 * expired token is refused on time. The price is that a key removed from the JWKS keeps serving the tokens it signed
 * for up to {@value #VERIFIED_SECONDS} s more.
 */
final class JwtVerifier {
  private static final Set<String> JWKS_ALGS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512");
  static final int VERIFIED_TOKENS = 10_000;
  static final int VERIFIED_SECONDS = 60;

  private final JwtSettings settings;
  private final JWTAuth hmac;
  private final JWTAuth publicKey;
  private final JwksKeys jwks;
  private final LongSupplier clockMillis;
  /** Claims of tokens whose signature verified, by the token's text. */
  private final Cache<String, JsonObject> verified = Caffeine.newBuilder().maximumSize(VERIFIED_TOKENS)
      .expireAfterWrite(Duration.ofSeconds(VERIFIED_SECONDS)).build();

  JwtVerifier(Vertx vertx, JwtSettings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.clockMillis = clockMillis;
    // Expiry is checked by JwtClaims (to say "expired" precisely); vertx checks the signature.
    JWTOptions options = new JWTOptions().setIgnoreExpiration(true).setLeeway(settings.leewaySeconds());
    this.hmac = settings.secret() == null ? null : JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(options)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(settings.secret())));
    this.publicKey = settings.publicKeyPem() == null ? null : JWTAuth.create(vertx, new JWTAuthOptions()
        .setJWTOptions(options).addPubSecKey(new PubSecKeyOptions().setAlgorithm(settings.publicKeyAlg())
            .setBuffer(settings.publicKeyPem())));
    this.jwks = settings.jwksUrl() == null ? null : new JwksKeys(vertx, settings, options, clockMillis);
  }

  /** Whether {@code token} has the shape of a JWT (three dot-separated parts), so it is not a static token. */
  static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The principal of a valid token; a failed future with a 401 (or 503 when the JWKS is unreachable) otherwise. */
  Future<Principal> verify(String token) {
    JsonObject known = verified.getIfPresent(token);
    if (known != null) {
      try {
        return Future.succeededFuture(JwtClaims.check(known, settings, clockMillis.getAsLong() / 1000));
      } catch (SomaException e) {
        return Future.failedFuture(e);
      }
    }
    JsonObject header;
    try {
      header = decodePart(token, 0);
    } catch (SomaException e) {
      return Future.failedFuture(e);
    }
    String alg = header.getValue("alg") instanceof String a ? a : "none";
    String kid = header.getValue("kid") instanceof String k ? k : null;
    Future<JWTAuth> verifier;
    if ("HS256".equals(alg) && hmac != null) {
      verifier = Future.succeededFuture(hmac);
    } else if (jwks != null && kid != null && JWKS_ALGS.contains(alg)) {
      // A kid names a JWKS key; the configured public key still serves tokens whose kid the JWKS does not know.
      boolean fallback = publicKey != null && alg.equals(settings.publicKeyAlg());
      verifier = jwks.verifier(kid).recover(e -> fallback ? Future.succeededFuture(publicKey) : Future.failedFuture(e));
    } else if (publicKey != null && alg.equals(settings.publicKeyAlg())) {
      verifier = Future.succeededFuture(publicKey);
    } else if (jwks != null && JWKS_ALGS.contains(alg)) {
      verifier = jwks.verifier(null);
    } else {
      return Future.failedFuture(JwtClaims.unauthorized("JWT algorithm " + alg + " is not accepted"));
    }
    return verifier
        .compose(auth -> authenticate(auth, token))
        .map(user -> {
          JsonObject claims = decodePart(token, 1);
          verified.put(token, claims);
          return JwtClaims.check(claims, settings, clockMillis.getAsLong() / 1000);
        });
  }

  private static Future<io.vertx.ext.auth.User> authenticate(JWTAuth auth, String token) {
    Future<io.vertx.ext.auth.User> result;
    try {
      result = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx throws, rather than fails, on some malformed claims (e.g. "exp": null)
      return Future.failedFuture(JwtClaims.unauthorized("Invalid JWT"));
    }
    return result.recover(e -> Future.failedFuture(JwtClaims.unauthorized("Invalid JWT signature")));
  }

  private static JsonObject decodePart(String token, int index) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw JwtClaims.unauthorized("Malformed JWT");
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw JwtClaims.unauthorized("Malformed JWT");
    }
  }
}
