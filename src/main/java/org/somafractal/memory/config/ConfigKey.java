package org.somafractal.memory.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key, declared once with its type, default, bounds and documentation. The name is the
 * environment variable (the seeds' names where they had one) and also the key in the configuration file.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {
  private final String name;
  private final String type;
  private final T defaultValue;
  private final String doc;
  private final boolean secret;
  private final Function<String, T> parser;

  private ConfigKey(String name, String type, T defaultValue, String doc, boolean secret, Function<String, T> parser) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.secret = secret;
    this.parser = parser;
  }

  /** An integer in [{@code min}, {@code max}]. */
  public static ConfigKey<Integer> integer(String name, int def, int min, int max, String doc) {
    return new ConfigKey<>(name, "int " + min + ".." + max, def, doc, false, raw -> {
      int v;
      try {
        v = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an integer: '" + raw + "'");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
      }
      return v;
    });
  }

  /** A long integer in [{@code min}, {@code max}], for sizes that may pass 2^31. */
  public static ConfigKey<Long> longInteger(String name, long def, long min, long max, String doc) {
    return new ConfigKey<>(name, "long " + min + ".." + max, def, doc, false, raw -> {
      long v;
      try {
        v = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an integer: '" + raw + "'");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
      }
      return v;
    });
  }

  /** A finite decimal in [{@code min}, {@code max}]. */
  public static ConfigKey<Double> decimal(String name, double def, double min, double max, String doc) {
    return new ConfigKey<>(name, "decimal " + min + ".." + max, def, doc, false, raw -> {
      double v;
      try {
        v = Double.parseDouble(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number: '" + raw + "'");
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
      }
      return v;
    });
  }

  /** {@code true}/{@code false} (also 1/0, yes/no, on/off). */
  public static ConfigKey<Boolean> bool(String name, boolean def, String doc) {
    return new ConfigKey<>(name, "boolean", def, doc, false, raw -> {
      switch (raw.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on":
          return true;
        case "false", "0", "no", "off":
          return false;
        default:
          throw new IllegalArgumentException("not a boolean: '" + raw + "'");
      }
    });
  }

  /** Free text; {@code null} default means "not set". */
  public static ConfigKey<String> text(String name, String def, String doc) {
    return new ConfigKey<>(name, "string", def, doc, false, String::trim);
  }

  /** A secret: never logged, never printed. */
  public static ConfigKey<String> secret(String name, String doc) {
    return new ConfigKey<>(name, "secret", null, doc, true, raw -> raw);
  }

  /** One of a fixed set of lower-case words. */
  public static ConfigKey<String> oneOf(String name, String def, List<String> allowed, String doc) {
    return new ConfigKey<>(name, String.join(" | ", allowed), def, doc, false, raw -> {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException("'" + raw + "' is not one of " + allowed);
      }
      return v;
    });
  }

  /** A comma-separated list of non-empty words. */
  public static ConfigKey<List<String>> list(String name, List<String> def, String doc) {
    return new ConfigKey<>(name, "comma list", def, doc, false, raw -> {
      List<String> items = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      if (items.isEmpty()) {
        throw new IllegalArgumentException("the list is empty");
      }
      return items;
    });
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public boolean secret() {
    return secret;
  }

  /**
   * Parses a raw value.
   *
   * @throws IllegalArgumentException with a message that names the problem, not the key
   */
  public T parse(String raw) {
    return parser.apply(raw);
  }
}
