package org.somafractal.memory.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.somafractal.memory.audit.AuditTrail;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;

/**
 * Authentication and authorisation, in two steps wired by {@code HttpVerticle}:
 *
 * <ol>
 *   <li>{@link #identify} runs for every request before its body is read (and before the rate limits, so these see
 *       the verified tenant): it authenticates the credential and binds the tenant the credential allows, keeping a
 *       failure for step 2 rather than answering it, so public routes and unknown paths behave as without it.
 *   <li>The handler itself ({@link #handle}) is the first handler of every guarded route: it answers a kept failure
 *       (401, or 400/403 for a bad tenant header), checks the scope {@link RoutePolicy} gives the matched route (its
 *       method and path template, so no second path matching can disagree with the router), then the policy file
 *       ({@link AccessPolicy}), then an external OPA ({@link OpaClient}) when configured, and starts the request's
 *       audit entry when the route is audited.
 * </ol>
 *
 * One instance per HTTP verticle, used on its event loop only.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  /** The routing-context key holding the tenant of the request. */
  public static final String TENANT = "soma.tenant";
  /** The routing-context key holding the {@link Principal} of the request. */
  public static final String PRINCIPAL = "soma.principal";
  private static final String FAILURE = "soma.auth.failure";

  private final Authenticator authenticator;
  private final AccessPolicy policy;
  private final OpaClient opa;
  private final BiFunction<String, RoutingContext, Set<MemoryType>> memoryTypes;
  private final AuditTrail audit;
  /** The operation of each route, computed once: the template rewrite is a regular expression. */
  private final Map<Route, String> operations = new HashMap<>();

  private AuthHandler(Authenticator authenticator, AccessPolicy policy, OpaClient opa,
      BiFunction<String, RoutingContext, Set<MemoryType>> memoryTypes, AuditTrail audit) {
    this.authenticator = authenticator;
    this.policy = policy;
    this.opa = opa;
    this.memoryTypes = memoryTypes;
    this.audit = audit;
  }

  /**
   * A handler for one verticle, on its own Vert.x instance.
   *
   * @param memoryTypes the memory types a request to a route names, {@code null} when they are not known before its
   *     handler runs; asked only when the policy or OPA needs them
   * @param audit where audited routes record their requests, or {@code null} when auditing is off
   */
  public static AuthHandler create(Vertx vertx, AuthSettings settings,
      BiFunction<String, RoutingContext, Set<MemoryType>> memoryTypes, AuditTrail audit) {
    return new AuthHandler(new Authenticator(vertx, settings, System::currentTimeMillis), settings.policy(),
        settings.opa() == null ? null : new OpaClient(vertx, settings.opa()), memoryTypes, audit);
  }

  /**
   * Step 1, for every request before its body: authenticates and binds the tenant, keeping any failure for the
   * route's own check. Requests to public routes are left alone.
   */
  public void identify(RoutingContext ctx) {
    if (RoutePolicy.publicRequest(ctx)) {
      ctx.next();
      return;
    }
    identify(ctx, ctx::next);
  }

  private void identify(RoutingContext ctx, Runnable then) {
    Future<Principal> principal = authenticator.authenticate(ctx.request().getHeader("Authorization"));
    if (!principal.isComplete()) {
      // A JWKS fetch answers later: hold the body back until the body handler (or the import) is ready for it.
      ctx.request().pause();
    }
    principal.onComplete(ar -> {
      if (ar.failed()) {
        ctx.put(FAILURE, ar.cause());
      } else {
        ctx.put(PRINCIPAL, ar.result());
        try {
          ctx.put(TENANT, ar.result().tenantFor(Tenants.requested(ctx.request())));
        } catch (SomaException e) {
          ctx.put(FAILURE, e);
        }
      }
      then.run();
    });
  }

  /**
   * The tenant the credential of this request verifiably acts for, or {@code null} when the request is not
   * authenticated (yet, or at all): what per-tenant rate limits are keyed by.
   */
  public static String verifiedTenant(RoutingContext ctx) {
    return ctx.get(FAILURE) == null ? ctx.get(TENANT) : null;
  }

  /** Step 2, the first handler of every guarded route. */
  @Override
  public void handle(RoutingContext ctx) {
    String operation = operations.computeIfAbsent(ctx.currentRoute(), r -> operation(ctx));
    RoutePolicy.Need need = RoutePolicy.of(operation).orElse(null);
    if (need == null) {
      ctx.fail(new IllegalStateException("No RoutePolicy entry for " + operation));
      return;
    }
    if (need.isPublic()) {
      ctx.next();
      return;
    }
    if (ctx.get(PRINCIPAL) == null && ctx.get(FAILURE) == null) {
      // Not identified before the body (a route reached by a path that did not look guarded): identify now.
      identify(ctx, () -> authorize(ctx, operation, need));
      return;
    }
    authorize(ctx, operation, need);
  }

  private void authorize(RoutingContext ctx, String operation, RoutePolicy.Need need) {
    Throwable failure = ctx.get(FAILURE);
    if (failure != null) {
      ctx.fail(failure);
      return;
    }
    Principal principal = ctx.get(PRINCIPAL);
    String tenant = ctx.get(TENANT);
    if (audit != null && need.audit() != null) {
      audit.begin(ctx, tenant, principal.id(), operation, need.audit());
    }
    if (!principal.has(need.scope())) {
      ctx.fail(new SomaException(ErrorKind.FORBIDDEN, "Forbidden: missing scope " + need.scope().wire()));
      return;
    }
    if (policy.allowsAll() && opa == null) {
      ctx.next();
      return;
    }
    PolicyInput input;
    try {
      Set<MemoryType> types = policy.needsMemoryTypes() || opa != null ? memoryTypes.apply(operation, ctx) : null;
      input = new PolicyInput(tenant, principal.id(), principal.scopes(), operation, need.scope(), types);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    String denied = policy.denial(input);
    if (denied != null) {
      ctx.fail(new SomaException(ErrorKind.FORBIDDEN, denied));
      return;
    }
    if (opa == null) {
      ctx.next();
      return;
    }
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    opa.denial(input).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() != null) {
        ctx.fail(new SomaException(ErrorKind.FORBIDDEN, ar.result()));
      } else {
        ctx.next();
      }
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

  /** The matched route of {@code ctx} as {@code "METHOD /path"}, the key of {@link RoutePolicy}. */
  public static String operation(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    String path = route.getPath() == null ? "" : route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    return ctx.request().method().name() + " " + path + (route.isExactPath() ? "" : "*");
  }
}
