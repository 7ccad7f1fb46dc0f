package org.somafractal.memory.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds signed JWTs for tests with plain java.security, independent of the library under test. */
public final class TestJwts {
  public static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

  private TestJwts() {
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims valid for an hour for {@code tenant} with {@code scope} (space-separated). */
  public static JsonObject claims(String tenant, String scope) {
    JsonObject c = new JsonObject().put("sub", "tester").put("exp", now() + 3600).put("scope", scope);
    return tenant == null ? c : c.put("tenant", tenant);
  }

  public static String hs256(JsonObject claims, String secret) {
    return sign(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, input -> {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input);
    });
  }

  public static String rs256(JsonObject claims, PrivateKey key, String kid) {
    return withKey("RS256", "SHA256withRSA", claims, key, kid);
  }

  public static String es256(JsonObject claims, PrivateKey key, String kid) {
    return withKey("ES256", "SHA256withECDSAinP1363Format", claims, key, kid);
  }

  public static String unsigned(JsonObject claims) {
    return b64(new JsonObject().put("alg", "none").encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  private static String withKey(String alg, String jca, JsonObject claims, PrivateKey key, String kid) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
    if (kid != null) {
      header.put("kid", kid);
    }
    return sign(header, claims, input -> {
      Signature s = Signature.getInstance(jca);
      s.initSign(key);
      s.update(input);
      return s.sign();
    });
  }

  public static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  public static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  public static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  /** The public JWK of an RSA key pair. */
  public static JsonObject rsaJwk(KeyPair pair, String kid) {
    var pub = (java.security.interfaces.RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", b64(unsigned(pub.getModulus().toByteArray()))).put("e", b64(unsigned(pub.getPublicExponent().toByteArray())));
  }

  private static byte[] unsigned(byte[] twosComplement) {
    return twosComplement.length > 1 && twosComplement[0] == 0
        ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
  }

  interface Signer {
    byte[] sign(byte[] input) throws Exception;
  }

  private static String sign(JsonObject header, JsonObject claims, Signer signer) {
    String input = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      return input + "." + b64(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
