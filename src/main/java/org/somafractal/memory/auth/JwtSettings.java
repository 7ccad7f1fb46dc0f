package org.somafractal.memory.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The JWT settings, read and checked once at start: key material, claim requirements and the JWKS source. The
 * public key's algorithm comes from the key itself (RSA = RS256, EC P-256 = ES256), never from a token, so a token
 * cannot pick how it is checked. Immutable and thread-safe.
 *
 * @param secret the HS256 secret, or {@code null}
 * @param publicKeyPem the PEM public key, or {@code null}
 * @param publicKeyAlg RS256 or ES256 when there is a public key
 * @param jwksUrl the JWKS URL, or {@code null}
 */
public record JwtSettings(String secret, String publicKeyPem, String publicKeyAlg, String jwksUrl, int jwksTimeoutMs,
    int jwksCacheSeconds, int jwksMinRefreshSeconds, String issuer, String audience, int leewaySeconds,
    String tenantClaim) {
  /** Shortest HS256 secret accepted: RFC 7518 asks for a key as long as the hash. */
  static final int MIN_SECRET_BYTES = 32;

  /** The JWT settings, or {@code null} when no JWT key source is configured. */
  public static JwtSettings load(SomaConfig config) {
    String secret = config.get(Settings.JWT_SECRET);
    if (secret != null && secret.isBlank()) {
      secret = null;
    }
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new ConfigException("Invalid configuration SOMA_JWT_SECRET: shorter than " + MIN_SECRET_BYTES + " bytes");
    }
    String file = config.get(Settings.JWT_PUBLIC_KEY_FILE);
    String pem = null;
    String alg = null;
    if (file != null && !file.isBlank()) {
      try {
        pem = Files.readString(Path.of(file));
      } catch (IOException e) {
        throw new ConfigException("Invalid configuration SOMA_JWT_PUBLIC_KEY_FILE: cannot read " + file + " ("
            + e.getMessage() + ")");
      }
      alg = algorithmOf(pem);
    }
    String jwks = config.get(Settings.JWT_JWKS_URL);
    if (jwks != null && !jwks.startsWith("https://") && !jwks.startsWith("http://")) {
      throw new ConfigException("Invalid configuration SOMA_JWT_JWKS_URL: not an http(s) URL");
    }
    if (secret == null && pem == null && jwks == null) {
      return null;
    }
    return new JwtSettings(secret, pem, alg, jwks, config.get(Settings.JWT_JWKS_TIMEOUT_MS),
        config.get(Settings.JWT_JWKS_CACHE_SECONDS), config.get(Settings.JWT_JWKS_MIN_REFRESH_SECONDS),
        config.get(Settings.JWT_ISSUER), config.get(Settings.JWT_AUDIENCE), config.get(Settings.JWT_LEEWAY_SECONDS),
        config.get(Settings.JWT_TENANT_CLAIM));
  }

  private static String algorithmOf(String pem) {
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid configuration SOMA_JWT_PUBLIC_KEY_FILE: not a PEM public key");
    }
    try {
      KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return "RS256";
    } catch (Exception notRsa) {
      try {
        var key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        if (key.getParams().getCurve().getField().getFieldSize() != 256) {
          throw new ConfigException("Invalid configuration SOMA_JWT_PUBLIC_KEY_FILE: only EC P-256 keys (ES256)");
        }
        return "ES256";
      } catch (ConfigException e) {
        throw e;
      } catch (Exception notEc) {
        throw new ConfigException("Invalid configuration SOMA_JWT_PUBLIC_KEY_FILE: neither an RSA nor an EC public key");
      }
    }
  }

  @Override
  public String toString() {
    return "JwtSettings[secret=" + (secret == null ? "none" : "***") + ", publicKeyAlg=" + publicKeyAlg + ", jwksUrl="
        + jwksUrl + ", issuer=" + issuer + ", audience=" + audience + ", leewaySeconds=" + leewaySeconds + "]";
  }
}
