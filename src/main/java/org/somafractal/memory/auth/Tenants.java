package org.somafractal.memory.auth;

import io.vertx.core.http.HttpServerRequest;
import java.util.regex.Pattern;
import org.somafractal.memory.core.SomaException;

/** Tenant names: what is valid, and which tenant a request's headers name. Stateless. */
public final class Tenants {
  /** The tenant of a request that names none and whose credential is bound to none. */
  public static final String DEFAULT = "default";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");

  private Tenants() {
  }

  /**
   * The tenant the headers name: {@code X-Soma-Tenant}, else the part after the last {@code :} of
   * {@code X-Soma-Namespace} (as the seed's client sends it), else {@code null}.
   *
   * @throws SomaException 400 when the named tenant is not a valid name
   */
  public static String requested(HttpServerRequest request) {
    String tenant = request.getHeader("X-Soma-Tenant");
    if (tenant == null || tenant.isBlank()) {
      String namespace = request.getHeader("X-Soma-Namespace");
      if (namespace != null && !namespace.isBlank()) {
        tenant = namespace.substring(namespace.lastIndexOf(':') + 1);
      }
    }
    return tenant == null || tenant.isBlank() ? null : valid(tenant);
  }

  /** {@code name}, trimmed, when it is a valid tenant name; a 400 otherwise. */
  public static String valid(String name) {
    String tenant = name.trim();
    if (!NAME.matcher(tenant).matches()) {
      throw SomaException.malformed("tenant must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
    return tenant;
  }
}
