package org.somafractal.memory.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.somafractal.memory.auth.TestJwts.SECRET;
import static org.somafractal.memory.auth.TestJwts.claims;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

class JwtVerifierTest {
  private static Vertx vertx;
  /** An authenticator is confined to one event loop, as in an HTTP verticle: every call runs on this context. */
  private static Context context;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Authenticator authenticator(Map<String, String> raw) {
    return authenticator(raw, System::currentTimeMillis);
  }

  private static Authenticator authenticator(Map<String, String> raw, java.util.function.LongSupplier clock) {
    AuthSettings settings = AuthSettings.load(SomaConfig.from(raw));
    return new Authenticator(vertx, settings, clock);
  }

  private static Future<Principal> authenticate(Authenticator a, String token) {
    Promise<Principal> result = Promise.promise();
    context.runOnContext(v -> Future.<Void>succeededFuture().compose(x -> a.authenticate("Bearer " + token))
        .onComplete(result));
    return result.future();
  }

  private static Principal ok(Authenticator a, String token) {
    return await(authenticate(a, token));
  }

  private static String refused(Authenticator a, String token) {
    try {
      await(authenticate(a, token));
    } catch (SomaException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHORIZED);
      return e.getMessage();
    }
    throw new AssertionError("token accepted: " + token);
  }

  @Test
  void hs256ValidExpiredNbfLeewayWrongSecret() {
    Authenticator a = authenticator(Map.of("SOMA_JWT_SECRET", SECRET, "SOMA_JWT_LEEWAY_SECONDS", "30"));
    Principal p = ok(a, TestJwts.hs256(claims("acme", "memory:read memory:write"), SECRET));
    assertThat(p.tenant()).isEqualTo("acme");
    assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.MEMORY_READ, Scope.MEMORY_WRITE);
    assertThat(p.has(Scope.MEMORY_DELETE)).isFalse();

    long now = TestJwts.now();
    assertThat(refused(a, TestJwts.hs256(claims("acme", "memory:read").put("exp", now - 31), SECRET)))
        .isEqualTo("JWT expired");
    ok(a, TestJwts.hs256(claims("acme", "memory:read").put("exp", now - 10), SECRET));
    assertThat(refused(a, TestJwts.hs256(claims("acme", "memory:read").put("nbf", now + 60), SECRET)))
        .contains("nbf");
    ok(a, TestJwts.hs256(claims("acme", "memory:read").put("nbf", now + 10), SECRET));
    JsonObject noExp = claims("acme", "memory:read");
    noExp.remove("exp");
    assertThat(refused(a, TestJwts.hs256(noExp, SECRET))).contains("exp");
    assertThat(refused(a, TestJwts.hs256(claims("acme", "memory:read").putNull("exp"), SECRET))).startsWith("Invalid JWT");
    assertThat(refused(a, TestJwts.hs256(claims("acme", "memory:read"), SECRET + "x")))
        .isEqualTo("Invalid JWT signature");
    assertThat(refused(a, TestJwts.hs256(claims(null, "memory:read"), SECRET))).contains("tenant");
    assertThat(ok(a, TestJwts.hs256(claims(null, "admin"), SECRET)).tenant()).isNull();
  }

  /** A repeated token skips its signature check, never its claims: it expires on time, and a forgery still fails. */
  @Test
  void aRememberedTokenIsStillCheckedForExpiry() {
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
    Authenticator a = authenticator(Map.of("SOMA_JWT_SECRET", SECRET), clock::get);
    String token = TestJwts.hs256(claims("acme", "memory:read").put("exp", TestJwts.now() + 5), SECRET);
    assertThat(ok(a, token).tenant()).isEqualTo("acme");
    assertThat(ok(a, token).tenant()).as("served again while valid").isEqualTo("acme");
    clock.addAndGet(3_600_000);
    assertThat(refused(a, token)).isEqualTo("JWT expired");
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
    clock.addAndGet(-3_600_000);
    assertThat(refused(a, forged)).isEqualTo("Invalid JWT signature");
  }

  @Test
  void scpClaimAsArrayOrString() {
    Authenticator a = authenticator(Map.of("SOMA_JWT_SECRET", SECRET));
    JsonObject arr = claims("t", null).put("scp", new JsonArray().add("memory:delete").add("graph:write"));
    arr.remove("scope");
    assertThat(ok(a, TestJwts.hs256(arr, SECRET)).scopes())
        .containsExactlyInAnyOrder(Scope.MEMORY_DELETE, Scope.GRAPH_WRITE);
    JsonObject str = claims("t", null).put("scp", "memory:read unknown:thing");
    str.remove("scope");
    assertThat(ok(a, TestJwts.hs256(str, SECRET)).scopes()).containsExactly(Scope.MEMORY_READ);
  }

  @Test
  void algNoneAndMalformedAreRefused() {
    Authenticator a = authenticator(Map.of("SOMA_JWT_SECRET", SECRET));
    assertThat(refused(a, TestJwts.unsigned(claims("acme", "admin")))).contains("algorithm none");
    assertThat(refused(a, "abc.def.ghi")).isEqualTo("Malformed JWT");
    assertThat(refused(a, "not-a-token")).startsWith("Invalid API token");
  }

  @Test
  void issuerAndAudience() {
    Authenticator a = authenticator(Map.of("SOMA_JWT_SECRET", SECRET, "SOMA_JWT_ISSUER", "https://issuer",
        "SOMA_JWT_AUDIENCE", "soma"));
    JsonObject good = claims("t", "memory:read").put("iss", "https://issuer").put("aud", "soma");
    ok(a, TestJwts.hs256(good, SECRET));
    ok(a, TestJwts.hs256(good.copy().put("aud", new JsonArray().add("other").add("soma")), SECRET));
    assertThat(refused(a, TestJwts.hs256(good.copy().put("iss", "https://evil"), SECRET))).contains("issuer");
    assertThat(refused(a, TestJwts.hs256(good.copy().put("aud", "other"), SECRET))).contains("audience");
    JsonObject noIss = good.copy();
    noIss.remove("iss");
    assertThat(refused(a, TestJwts.hs256(noIss, SECRET))).contains("issuer");
  }

  @Test
  void rs256And_es256FromPemFiles_andAlgorithmConfusionFails(@TempDir Path dir) throws Exception {
    KeyPair rsa = TestJwts.rsa();
    Path rsaPem = Files.writeString(dir.resolve("rsa.pem"), TestJwts.pem(rsa));
    Authenticator a = authenticator(Map.of("SOMA_JWT_PUBLIC_KEY_FILE", rsaPem.toString()));
    assertThat(ok(a, TestJwts.rs256(claims("r", "memory:read"), rsa.getPrivate(), null)).tenant()).isEqualTo("r");
    assertThat(refused(a, TestJwts.rs256(claims("r", "memory:read"), TestJwts.rsa().getPrivate(), null)))
        .isEqualTo("Invalid JWT signature");
    // The classic confusion: HS256 with the public key PEM as the HMAC secret.
    String confused = TestJwts.hs256(claims("r", "admin"), TestJwts.pem(rsa));
    assertThat(refused(a, confused)).contains("algorithm HS256");
    // Still refused when an HMAC secret is configured too: the secret is not the PEM.
    Authenticator both = authenticator(Map.of("SOMA_JWT_PUBLIC_KEY_FILE", rsaPem.toString(), "SOMA_JWT_SECRET", SECRET));
    assertThat(refused(both, confused)).isEqualTo("Invalid JWT signature");

    KeyPair ec = TestJwts.ec();
    Path ecPem = Files.writeString(dir.resolve("ec.pem"), TestJwts.pem(ec));
    Authenticator e = authenticator(Map.of("SOMA_JWT_PUBLIC_KEY_FILE", ecPem.toString()));
    assertThat(ok(e, TestJwts.es256(claims("e", "memory:write"), ec.getPrivate(), null)).scopes())
        .containsExactly(Scope.MEMORY_WRITE);
    assertThat(refused(e, TestJwts.es256(claims("e", "memory:write"), TestJwts.ec().getPrivate(), null)))
        .isEqualTo("Invalid JWT signature");
    assertThat(refused(e, TestJwts.rs256(claims("e", "memory:write"), rsa.getPrivate(), null)))
        .contains("algorithm RS256");
  }

  @Test
  void jwksWithKidRotation() throws Exception {
    KeyPair first = TestJwts.rsa();
    KeyPair second = TestJwts.rsa();
    AtomicReference<JsonObject> jwks = new AtomicReference<>(new JsonObject().put("keys",
        new JsonArray().add(TestJwts.rsaJwk(first, "k1"))));
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end(jwks.get().encode());
    }).listen(0, "127.0.0.1"));
    try {
      Map<String, String> raw = new HashMap<>();
      raw.put("SOMA_JWT_JWKS_URL", "http://127.0.0.1:" + server.actualPort() + "/jwks.json");
      raw.put("SOMA_JWT_JWKS_MIN_REFRESH_SECONDS", "0");
      Authenticator a = authenticator(raw);
      assertThat(ok(a, TestJwts.rs256(claims("j", "memory:read"), first.getPrivate(), "k1")).tenant()).isEqualTo("j");
      ok(a, TestJwts.rs256(claims("j", "memory:read"), first.getPrivate(), "k1"));
      assertThat(fetches.get()).as("the JWKS is cached").isEqualTo(1);

      String rotated = TestJwts.rs256(claims("j", "memory:read"), second.getPrivate(), "k2");
      assertThat(refused(a, rotated)).contains("key id");
      jwks.set(new JsonObject().put("keys", new JsonArray().add(TestJwts.rsaJwk(second, "k2"))));
      assertThat(ok(a, rotated).tenant()).isEqualTo("j");
      assertThat(fetches.get()).as("an unknown kid fetched the JWKS again").isEqualTo(3);
      assertThat(refused(a, TestJwts.rs256(claims("j", "memory:read"), first.getPrivate(), "k2")))
          .isEqualTo("Invalid JWT signature");
      assertThat(refused(a, TestJwts.hs256(claims("j", "admin"), SECRET))).contains("algorithm HS256");
    } finally {
      await(server.close());
    }
  }

  @Test
  void unreachableJwksIsUnavailable() {
    Authenticator a = authenticator(Map.of("SOMA_JWT_JWKS_URL", "http://127.0.0.1:1/jwks.json",
        "SOMA_JWT_JWKS_TIMEOUT_MS", "500"));
    try {
      ok(a, TestJwts.rs256(claims("j", "memory:read"), TestJwts.rsa().getPrivate(), "k1"));
      throw new AssertionError("accepted");
    } catch (SomaException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
