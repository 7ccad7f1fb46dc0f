package org.somafractal.load;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credentials of a tenant's requests: an HS256 JWT bound to the tenant (claims {@code tenant} and
 * {@code scope}, as the server's README describes), minted once per tenant before the run, or the tenant header.
 */
public final class Auth {
  private static final String[] TOKENS = mint();

  private Auth() {
  }

  private static String[] mint() {
    if (LoadConfig.JWT_SECRET.isEmpty()) {
      return null;
    }
    String[] tokens = new String[LoadConfig.TENANTS];
    for (int t = 0; t < tokens.length; t++) {
      tokens[t] = jwt(LoadConfig.tenant(t));
    }
    return tokens;
  }

  /** The header name of tenant {@code t}'s credential. */
  public static String header() {
    return TOKENS == null ? "X-Soma-Tenant" : "Authorization";
  }

  /** The header value of tenant {@code t}'s credential. */
  public static String value(int t) {
    return TOKENS == null ? LoadConfig.tenant(t) : "Bearer " + TOKENS[t];
  }

  private static String jwt(String tenant) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long now = System.currentTimeMillis() / 1000;
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"sub\":\"load-" + tenant + "\",\"tenant\":\"" + tenant
        + "\",\"scope\":\"memory:read memory:write memory:delete\",\"iat\":" + now + ",\"exp\":" + (now + 6 * 3600)
        + "}").getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(LoadConfig.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII)));
      return header + "." + claims + "." + signature;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
