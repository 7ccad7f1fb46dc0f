package org.somafractal.memory.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.somafractal.memory.core.MemoryType;

/**
 * What an authorisation decision is made on: who calls, for which tenant, which route, and which memory types the
 * request can touch. The same facts go to the policy file ({@link AccessPolicy}) and, as its {@code input} document,
 * to an external OPA ({@link OpaClient}). Immutable.
 *
 * @param tenant the tenant the request acts for (already bound by the credential)
 * @param credential the credential's id ({@link Principal#id()}), never a secret
 * @param scopes the credential's scopes
 * @param route the route as {@code "METHOD /path"} with path templates, as {@link RoutePolicy} keys it
 * @param required the scope the route needs
 * @param memoryTypes the memory types the request names, or {@code null} when they cannot be known before the
 *     handler runs (a get or delete by coordinate, an import, a graph route): then it may touch any type
 */
public record PolicyInput(String tenant, String credential, Set<Scope> scopes, String route, Scope required,
    Set<MemoryType> memoryTypes) {

  /** The route's method, e.g. {@code POST}. */
  public String method() {
    return route.substring(0, route.indexOf(' '));
  }

  /**
   * The OPA input document: {@code tenant}, {@code credential}, {@code scopes}, {@code route}, {@code method},
   * {@code path}, {@code required_scope} and {@code memory_type} (an array of type names, or {@code null} for any).
   */
  public JsonObject toJson() {
    JsonArray granted = new JsonArray();
    for (Scope s : Scope.values()) {
      if (scopes.contains(s)) {
        granted.add(s.wire());
      }
    }
    JsonArray types = null;
    if (memoryTypes != null) {
      types = new JsonArray();
      for (MemoryType t : MemoryType.values()) {
        if (memoryTypes.contains(t)) {
          types.add(t.wire());
        }
      }
    }
    return new JsonObject()
        .put("tenant", tenant)
        .put("credential", credential)
        .put("scopes", granted)
        .put("route", route)
        .put("method", method())
        .put("path", route.substring(route.indexOf(' ') + 1))
        .put("required_scope", required.wire())
        .put("memory_type", types);
  }
}
