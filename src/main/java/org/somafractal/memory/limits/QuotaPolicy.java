package org.somafractal.memory.limits;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * Which {@link Quota} applies to a tenant: the defaults of the configuration, replaced field by field by the tenant's
 * entry in the {@code SOMA_QUOTAS_FILE} JSON ({@code {"tenant-a": {"max_memories": 1000, "max_bytes": 0}}}). Read once
 * at start; an unreadable file, an unknown field or a negative number stops start-up. Immutable, thread-safe.
 */
public final class QuotaPolicy {
  private static final Set<String> FIELDS = Set.of("max_memories", "max_bytes", "max_links");

  private final Quota defaults;
  private final Map<String, Quota> overrides;

  public QuotaPolicy(Quota defaults, Map<String, Quota> overrides) {
    this.defaults = defaults;
    this.overrides = Map.copyOf(overrides);
  }

  /** The policy of the configuration, reading the quotas file when one is set. */
  public static QuotaPolicy of(SomaConfig config) {
    Quota defaults = new Quota(config.get(Settings.QUOTA_MAX_MEMORIES), config.get(Settings.QUOTA_MAX_BYTES),
        config.get(Settings.QUOTA_MAX_LINKS));
    String file = config.get(Settings.QUOTAS_FILE);
    return new QuotaPolicy(defaults, file == null || file.isBlank() ? Map.of() : read(Path.of(file), defaults));
  }

  /** The quota of {@code tenant}. */
  public Quota quota(String tenant) {
    return overrides.getOrDefault(tenant, defaults);
  }

  /** Whether any tenant has any limit: when none has, usage is not tracked at all. */
  public boolean enabled() {
    return !defaults.unlimited() || overrides.values().stream().anyMatch(q -> !q.unlimited());
  }

  private static Map<String, Quota> read(Path path, Quota defaults) {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(path));
    } catch (IOException | DecodeException e) {
      throw invalid("cannot read " + path + " as a JSON object (" + e.getMessage() + ")");
    }
    Map<String, Quota> out = new HashMap<>();
    for (String tenant : json.fieldNames()) {
      if (!(json.getValue(tenant) instanceof JsonObject entry)) {
        throw invalid("the entry of tenant '" + tenant + "' must be an object");
      }
      for (String field : entry.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw invalid("tenant '" + tenant + "' has unknown field '" + field + "' (allowed: " + FIELDS + ")");
        }
      }
      out.put(tenant, new Quota(field(entry, tenant, "max_memories", defaults.maxMemories()),
          field(entry, tenant, "max_bytes", defaults.maxBytes()), field(entry, tenant, "max_links", defaults.maxLinks())));
    }
    return out;
  }

  private static long field(JsonObject entry, String tenant, String name, long def) {
    Object v = entry.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw invalid("tenant '" + tenant + "': " + name + " must be a whole number >= 0 (0 = unlimited)");
    }
    return n.longValue();
  }

  private static ConfigException invalid(String message) {
    return new ConfigException("Invalid configuration " + Settings.QUOTAS_FILE.name() + ": " + message);
  }
}
