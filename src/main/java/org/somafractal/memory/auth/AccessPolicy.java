package org.somafractal.memory.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;

/**
 * The declarative per-route policy of {@code SOMA_POLICY_FILE}: rules that allow or deny requests by tenant,
 * credential, the scope the route needs, route and memory type, checked after the credential's scope and before the
 * handler. A JSON object:
 *
 * <pre>{@code
 * {"default": "allow",
 *  "rules": [{"id": "acme-read-only", "effect": "deny", "tenants": ["acme"],
 *             "scopes": ["memory:write", "memory:delete", "graph:write"]},
 *            {"id": "no-summary-writes", "effect": "deny", "scopes": ["memory:write"], "memory_types": ["summary"]}]}
 * }</pre>
 *
 * <p>A rule matches when every condition it gives holds (an absent condition holds for any request): {@code tenants}
 * holds the request's tenant, {@code credentials} its credential id, {@code scopes} the scope its route needs (not
 * the scopes the credential carries), {@code routes} its route as {@code "METHOD /path"}. For {@code memory_types}
 * a deny rule matches when the request may touch one of the listed types, an allow rule when it touches only listed
 * types; a request whose types cannot be known before the handler may touch every type. Deny wins: any matching deny
 * rule refuses the request, naming the rule. Otherwise {@code "default": "allow"} (the default) lets it through and
 * {@code "default": "deny"} lets it through only when an allow rule matches. Unknown fields, scopes, routes and types
 * are start-up errors, so a typo never changes what is allowed. Immutable and thread-safe.
 */
public final class AccessPolicy {
  /** No file: every request that has its scope is allowed. */
  public static final AccessPolicy ALLOW_ALL = new AccessPolicy(true, List.of());
  private static final Set<String> TOP_FIELDS = Set.of("default", "rules");
  private static final Set<String> RULE_FIELDS = Set.of("id", "effect", "tenants", "credentials", "scopes", "routes",
      "memory_types", "description");

  private final boolean allowByDefault;
  private final List<Rule> rules;
  private final boolean typed;

  private AccessPolicy(boolean allowByDefault, List<Rule> rules) {
    this.allowByDefault = allowByDefault;
    this.rules = List.copyOf(rules);
    this.typed = rules.stream().anyMatch(r -> r.types != null);
  }

  /** One rule; a {@code null} set means the condition is not given. */
  private record Rule(String id, boolean deny, Set<String> tenants, Set<String> credentials, Set<Scope> scopes,
      Set<String> routes, Set<MemoryType> types) {

    boolean matches(PolicyInput in) {
      return (tenants == null || tenants.contains(in.tenant()))
          && (credentials == null || credentials.contains(in.credential()))
          && (scopes == null || scopes.contains(in.required()))
          && (routes == null || routes.contains(in.route()))
          && typesMatch(in.memoryTypes());
    }

    private boolean typesMatch(Set<MemoryType> requested) {
      if (types == null) {
        return true;
      }
      Set<MemoryType> touched = requested == null ? EnumSet.allOf(MemoryType.class) : requested;
      if (deny) {
        for (MemoryType t : touched) {
          if (types.contains(t)) {
            return true;
          }
        }
        return false;
      }
      return types.containsAll(touched);
    }
  }

  /**
   * The policy named by {@code SOMA_POLICY_FILE}, or {@link #ALLOW_ALL} when it is unset.
   *
   * @throws ConfigException naming the key, the file and the rule when the file is unreadable or invalid
   */
  public static AccessPolicy load(SomaConfig config) {
    String file = config.get(Settings.POLICY_FILE);
    if (file == null || file.isBlank()) {
      return ALLOW_ALL;
    }
    String text;
    try {
      text = Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw invalid(file, "cannot be read (" + e.getMessage() + ")");
    }
    return parse(text, file);
  }

  /** Parses a policy document; {@code file} names it in errors. */
  static AccessPolicy parse(String text, String file) {
    JsonObject doc;
    try {
      doc = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw invalid(file, "is not a JSON object");
    }
    for (String field : doc.fieldNames()) {
      if (!TOP_FIELDS.contains(field)) {
        throw invalid(file, "unknown field '" + field + "' (expected " + TOP_FIELDS + ")");
      }
    }
    Object def = doc.getValue("default", "allow");
    if (!"allow".equals(def) && !"deny".equals(def)) {
      throw invalid(file, "default must be \"allow\" or \"deny\"");
    }
    if (!(doc.getValue("rules", new JsonArray()) instanceof JsonArray array)) {
      throw invalid(file, "rules must be an array");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw invalid(file, "rule " + i + " is not an object");
      }
      Rule rule = rule(o, file, "rule " + i);
      if (!ids.add(rule.id())) {
        throw invalid(file, "rule " + i + ": id '" + rule.id() + "' is used twice");
      }
      rules.add(rule);
    }
    return new AccessPolicy("allow".equals(def), rules);
  }

  private static Rule rule(JsonObject o, String file, String where) {
    for (String field : o.fieldNames()) {
      if (!RULE_FIELDS.contains(field)) {
        throw invalid(file, where + ": unknown field '" + field + "' (expected " + RULE_FIELDS + ")");
      }
    }
    if (!(o.getValue("id") instanceof String id) || id.isBlank() || id.length() > 128) {
      throw invalid(file, where + ": id must be a string of 1 to 128 characters");
    }
    String named = where + " ('" + id + "')";
    Object effect = o.getValue("effect");
    if (!"allow".equals(effect) && !"deny".equals(effect)) {
      throw invalid(file, named + ": effect must be \"allow\" or \"deny\"");
    }
    Set<String> tenants = strings(o, "tenants", file, named);
    if (tenants != null) {
      for (String t : tenants) {
        try {
          Tenants.valid(t);
        } catch (SomaException e) {
          throw invalid(file, named + ": tenants: '" + t + "': " + e.getMessage());
        }
      }
    }
    Set<Scope> scopes = null;
    Set<String> scopeNames = strings(o, "scopes", file, named);
    if (scopeNames != null) {
      try {
        scopes = Scope.parseAll(scopeNames);
      } catch (IllegalArgumentException e) {
        throw invalid(file, named + ": scopes: " + e.getMessage());
      }
    }
    Set<String> routes = strings(o, "routes", file, named);
    if (routes != null) {
      for (String route : routes) {
        RoutePolicy.Need need = RoutePolicy.of(route).orElse(null);
        if (need == null || need.isPublic()) {
          throw invalid(file, named + ": routes: '" + route + "' is not a guarded route; use \"METHOD /path\" as "
              + "in the OpenAPI document, e.g. \"POST /memories\"");
        }
      }
    }
    Set<MemoryType> types = null;
    Set<String> typeNames = strings(o, "memory_types", file, named);
    if (typeNames != null) {
      types = EnumSet.noneOf(MemoryType.class);
      for (String t : typeNames) {
        try {
          types.add(MemoryType.parse(t));
        } catch (SomaException e) {
          throw invalid(file, named + ": memory_types: " + e.getMessage());
        }
      }
    }
    return new Rule(id, "deny".equals(effect), tenants, strings(o, "credentials", file, named), scopes, routes, types);
  }

  /** A non-empty array of non-blank strings, or {@code null} when the field is absent. */
  private static Set<String> strings(JsonObject o, String field, String file, String where) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a) || a.isEmpty()) {
      throw invalid(file, where + ": " + field + " must be a non-empty array of strings");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object item : a) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw invalid(file, where + ": " + field + " must be a non-empty array of strings");
      }
      out.add(s.trim());
    }
    return out;
  }

  private static ConfigException invalid(String file, String problem) {
    return new ConfigException("Invalid configuration " + Settings.POLICY_FILE.name() + ": " + file + " " + problem);
  }

  /** Whether a rule looks at memory types, so the request's types must be worked out before deciding. */
  public boolean needsMemoryTypes() {
    return typed;
  }

  /** Whether this policy allows everything (no file, or a file without rules that allows by default). */
  public boolean allowsAll() {
    return allowByDefault && rules.isEmpty();
  }

  /**
   * The decision on one request.
   *
   * @return {@code null} when the request is allowed, else the {@code detail} of its 403, naming the rule
   */
  public String denial(PolicyInput in) {
    for (Rule r : rules) {
      if (r.deny() && r.matches(in)) {
        return "Forbidden by policy rule '" + r.id() + "'";
      }
    }
    if (allowByDefault) {
      return null;
    }
    for (Rule r : rules) {
      if (!r.deny() && r.matches(in)) {
        return null;
      }
    }
    return "Forbidden by policy: no rule allows " + in.route() + " for tenant '" + in.tenant() + "'";
  }
}
