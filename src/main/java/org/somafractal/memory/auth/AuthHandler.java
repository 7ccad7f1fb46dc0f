package org.somafractal.memory.auth;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

/**
 * The first handler of every guarded route: authenticates the caller, checks the scope {@link RoutePolicy} gives the
 * matched route (its method and path template, so no second path matching can disagree with the router), and binds
 * the tenant the credential allows. Failures go to the router's failure handler: 401, 403, or 400 for a malformed
 * tenant header. One instance per HTTP verticle, used on its event loop only.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  /** The routing-context key holding the tenant of the request. */
  public static final String TENANT = "soma.tenant";
  /** The routing-context key holding the {@link Principal} of the request. */
  public static final String PRINCIPAL = "soma.principal";

  private final Authenticator authenticator;

  private AuthHandler(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** A handler for one verticle, on its own Vert.x instance. */
  public static AuthHandler create(Vertx vertx, AuthSettings settings) {
    return new AuthHandler(new Authenticator(vertx, settings, System::currentTimeMillis));
  }

  @Override
  public void handle(RoutingContext ctx) {
    RoutePolicy.Need need = RoutePolicy.of(operation(ctx)).orElse(null);
    if (need == null) {
      ctx.fail(new IllegalStateException("No RoutePolicy entry for " + operation(ctx)));
      return;
    }
    if (need.isPublic()) {
      ctx.next();
      return;
    }
    authenticator.authenticate(ctx.request().getHeader("Authorization")).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Principal principal = ar.result();
      if (!principal.has(need.scope())) {
        ctx.fail(new SomaException(ErrorKind.FORBIDDEN, "Forbidden: missing scope " + need.scope().wire()));
        return;
      }
      try {
        ctx.put(TENANT, principal.tenantFor(Tenants.requested(ctx.request())));
      } catch (SomaException e) {
        ctx.fail(e);
        return;
      }
      ctx.put(PRINCIPAL, principal);
      ctx.next();
    });
  }

  /** The tenant bound to the request by this handler. */
  public static String tenant(RoutingContext ctx) {
    return ctx.get(TENANT);
  }

  /**
   * The tenant a request names in its body (the seed v2 {@code namespace}), if its credential may act for it.
   *
   * @throws SomaException 400 for an invalid name, 403 when the credential is bound to another tenant
   */
  public static String chooseTenant(RoutingContext ctx, String requested) {
    Principal principal = ctx.get(PRINCIPAL);
    return principal.tenantFor(Tenants.valid(requested));
  }

  private static String operation(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    String path = route.getPath() == null ? "" : route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    return ctx.request().method().name() + " " + path + (route.isExactPath() ? "" : "*");
  }
}
