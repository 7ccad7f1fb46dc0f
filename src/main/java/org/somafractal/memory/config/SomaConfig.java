package org.somafractal.memory.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated configuration: every {@link Settings} key resolved to a typed value. Sources, later ones winning: the
 * declared defaults, the configuration file ({@code conf/soma.properties} or {@code SOMA_CONFIG_FILE}), environment
 * variables, then system properties. Any invalid value stops start-up with a {@link ConfigException} naming the key;
 * so does a key in the file that is not declared (a typo must not pass silently).
 */
public final class SomaConfig {
  /** The default location of the configuration file. */
  public static final String DEFAULT_FILE = "conf/soma.properties";

  private final Map<ConfigKey<?>, Object> values;

  private SomaConfig(Map<ConfigKey<?>, Object> values) {
    this.values = values;
  }

  /** The typed value of {@code key}. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    return (T) values.get(key);
  }

  /** A copy with some keys replaced, validated like any other source. */
  public SomaConfig with(Map<String, String> overrides) {
    Map<String, String> raw = new HashMap<>();
    for (ConfigKey<?> key : Settings.ALL) {
      Object v = values.get(key);
      if (v != null) {
        raw.put(key.name(), v instanceof java.util.List<?> l ? String.join(",", l.stream().map(Object::toString).toList())
            : v.toString());
      }
    }
    raw.putAll(overrides);
    return from(raw);
  }

  /** Validates raw values; keys not given take their defaults. */
  public static SomaConfig from(Map<String, String> raw) {
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : Settings.ALL) {
      String value = raw.get(key.name());
      if (value == null || (value.isBlank() && !key.secret())) {
        values.put(key, key.defaultValue());
        continue;
      }
      try {
        values.put(key, key.parse(value));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("Invalid configuration " + key.name() + ": " + e.getMessage() + " (" + key.doc() + ")");
      }
    }
    return new SomaConfig(values);
  }

  /** Loads file, environment and system properties with vertx-config, then validates. */
  public static Future<SomaConfig> load(Vertx vertx) {
    String file = firstNonNull(System.getProperty(Settings.CONFIG_FILE), System.getenv(Settings.CONFIG_FILE));
    boolean explicit = file != null;
    Path path = Path.of(explicit ? file : DEFAULT_FILE);
    if (explicit && !Files.isRegularFile(path)) {
      return Future.failedFuture(new ConfigException("Invalid configuration " + Settings.CONFIG_FILE + ": no file " + path));
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    JsonObject[] fileValues = {new JsonObject()};
    if (Files.isRegularFile(path)) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("properties")
          .setConfig(new JsonObject().put("path", path.toString()).put("raw-data", true)));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        })
        .compose(fromFile -> {
          fileValues[0] = fromFile;
          for (String name : fromFile.fieldNames()) {
            if (Settings.ALL.stream().noneMatch(k -> k.name().equals(name))) {
              return Future.failedFuture(new ConfigException(
                  "Invalid configuration " + name + " in " + path + ": not a known key (see the README's table)"));
            }
          }
          Map<String, String> raw = new HashMap<>();
          fromFile.forEach(e -> raw.put(e.getKey(), String.valueOf(e.getValue())));
          for (ConfigKey<?> key : Settings.ALL) {
            String env = firstNonNull(System.getProperty(key.name()), System.getenv(key.name()));
            if (env != null) {
              raw.put(key.name(), env);
            }
          }
          try {
            return Future.succeededFuture(from(raw));
          } catch (ConfigException e) {
            return Future.failedFuture(e);
          }
        });
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  /** The resolved values, secrets masked, for the start-up log. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<ConfigKey<?>, Object> e : values.entrySet()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      Object v = e.getValue();
      sb.append(e.getKey().name()).append('=').append(e.getKey().secret() && v != null ? "***" : v);
    }
    return sb.toString();
  }
}
