package org.somafractal.memory.auth;

import java.util.EnumSet;
import java.util.Set;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

/**
 * Who is calling, as established by a credential: an id for logs, the tenant the credential is bound to (or
 * {@code null} when it is not bound) and its scopes. Immutable.
 *
 * @param id a name for logs, never the secret itself
 * @param tenant the bound tenant, or {@code null}
 * @param scopes the granted scopes
 */
public record Principal(String id, String tenant, Set<Scope> scopes) {
  /** The caller of a server with no credentials configured: every right, any tenant (development only). */
  public static final Principal OPEN = new Principal("open", null, EnumSet.allOf(Scope.class));

  public Principal {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** Whether this principal may do what {@code scope} guards; {@link Scope#ADMIN} implies every scope. */
  public boolean has(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  /** Whether a request header (or body namespace) may choose the tenant: admin, or a credential with no tenant. */
  public boolean mayChooseTenant() {
    return tenant == null || scopes.contains(Scope.ADMIN);
  }

  /**
   * The tenant a request acts for.
   *
   * @param requested the tenant named by the request, already validated, or {@code null}
   * @throws SomaException 403 when the request names a tenant this credential is not bound to
   */
  public String tenantFor(String requested) {
    if (requested == null) {
      return tenant != null ? tenant : Tenants.DEFAULT;
    }
    if (mayChooseTenant() || requested.equals(tenant)) {
      return requested;
    }
    throw new SomaException(ErrorKind.FORBIDDEN, "This credential may not act for tenant '" + requested + "'");
  }
}
