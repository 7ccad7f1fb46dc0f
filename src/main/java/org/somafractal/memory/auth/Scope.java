package org.somafractal.memory.auth;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * A right a credential may carry. Each route needs one scope ({@link RoutePolicy}); {@link #ADMIN} implies all of
 * them and also lets the credential choose its tenant. Immutable.
 */
public enum Scope {
  MEMORY_READ("memory:read"),
  MEMORY_WRITE("memory:write"),
  MEMORY_DELETE("memory:delete"),
  GRAPH_WRITE("graph:write"),
  ADMIN("admin");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  /** The name used in tokens, configuration and error messages, e.g. {@code memory:write}. */
  public String wire() {
    return wire;
  }

  /** The scope named {@code name}, or {@code null} when there is none (unknown scopes in a JWT are ignored). */
  public static Scope of(String name) {
    for (Scope s : values()) {
      if (s.wire.equals(name)) {
        return s;
      }
    }
    return null;
  }

  /**
   * The scopes named in {@code names}, for configuration: an unknown name is an error there, because a typo would
   * silently take a right away (or fail to).
   */
  public static Set<Scope> parseAll(Collection<String> names) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String name : names) {
      Scope s = of(name.trim());
      if (s == null) {
        throw new IllegalArgumentException("unknown scope '" + name + "'");
      }
      out.add(s);
    }
    return out;
  }
}
