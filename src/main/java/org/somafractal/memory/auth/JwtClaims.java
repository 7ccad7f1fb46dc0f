package org.somafractal.memory.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

/**
 * Checks the claims of a JWT whose signature is already verified and maps them to a {@link Principal}: {@code exp}
 * (required) and {@code nbf} with leeway, {@code iss} and {@code aud} when configured, the tenant claim, and the
 * scopes from {@code scope} (space-separated) and {@code scp} (array or string). Stateless.
 */
final class JwtClaims {
  private JwtClaims() {
  }

  /** @throws SomaException 401 naming the claim that fails */
  static Principal check(JsonObject claims, JwtSettings settings, long nowSeconds) {
    long leeway = settings.leewaySeconds();
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw unauthorized("JWT has no numeric exp claim");
    }
    if (nowSeconds > exp.longValue() + leeway) {
      throw unauthorized("JWT expired");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && (!(nbf instanceof Number n) || nowSeconds + leeway < n.longValue())) {
      throw unauthorized("JWT not valid yet (nbf)");
    }
    if (settings.issuer() != null && !settings.issuer().equals(claims.getValue("iss"))) {
      throw unauthorized("JWT issuer is not accepted");
    }
    if (settings.audience() != null && !audienceMatches(claims.getValue("aud"), settings.audience())) {
      throw unauthorized("JWT audience is not accepted");
    }
    Set<Scope> scopes = scopes(claims);
    String tenant = null;
    Object claim = claims.getValue(settings.tenantClaim());
    if (claim != null) {
      if (!(claim instanceof String name)) {
        throw unauthorized("JWT claim " + settings.tenantClaim() + " is not a string");
      }
      try {
        tenant = Tenants.valid(name);
      } catch (SomaException e) {
        throw unauthorized("JWT claim " + settings.tenantClaim() + " is not a valid tenant name");
      }
    } else if (!scopes.contains(Scope.ADMIN)) {
      throw unauthorized("JWT has no " + settings.tenantClaim() + " claim");
    }
    String subject = claims.getValue("sub") instanceof String s ? s : "?";
    return new Principal("jwt:" + subject, tenant, scopes);
  }

  private static boolean audienceMatches(Object aud, String expected) {
    if (aud instanceof String s) {
      return s.equals(expected);
    }
    return aud instanceof JsonArray a && a.contains(expected);
  }

  private static Set<Scope> scopes(JsonObject claims) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String claim : new String[] {"scope", "scp"}) {
      Object value = claims.getValue(claim);
      if (value instanceof String s) {
        addAll(out, s.split("\\s+"));
      } else if (value instanceof JsonArray a) {
        addAll(out, a.stream().map(String::valueOf).toArray(String[]::new));
      }
    }
    return out;
  }

  private static void addAll(Set<Scope> out, String[] names) {
    for (String name : names) {
      Scope s = Scope.of(name);
      if (s != null) {
        out.add(s);
      }
    }
  }

  static SomaException unauthorized(String detail) {
    return new SomaException(ErrorKind.UNAUTHORIZED, detail);
  }
}
