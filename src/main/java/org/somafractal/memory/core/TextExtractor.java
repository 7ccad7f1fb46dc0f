package org.somafractal.memory.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Picks the text of a payload that is embedded and indexed: the string values of the configured fields, in order
 * ({@code content}, {@code text}, {@code fact}, …), joined by newlines. When none is present, every string value of
 * the payload (nested too, keys starting with {@code _} skipped) is used. Never a JSON dump: keys and system fields
 * would otherwise dominate every embedding, a bug of the seed.
 */
public final class TextExtractor {
  /** Text beyond this many characters is cut: models read a few hundred tokens, BM25 needs no more. */
  public static final int MAX_CHARS = 32_768;
  private static final int MAX_DEPTH = 6;

  private final List<String> fields;

  public TextExtractor(List<String> fields) {
    this.fields = List.copyOf(fields);
  }

  /** The text of {@code payload}; empty when it holds no string. */
  public String extract(JsonObject payload) {
    StringBuilder sb = new StringBuilder();
    for (String field : fields) {
      Object value = payload.getValue(field);
      if (value instanceof String s && !s.isBlank()) {
        append(sb, s);
      }
    }
    if (sb.isEmpty()) {
      collect(payload, sb, 0);
    }
    return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) : sb.toString();
  }

  private static void collect(Object value, StringBuilder sb, int depth) {
    if (depth > MAX_DEPTH || sb.length() > MAX_CHARS) {
      return;
    }
    if (value instanceof String s) {
      if (!s.isBlank()) {
        append(sb, s);
      }
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        if (!e.getKey().startsWith("_")) {
          collect(e.getValue(), sb, depth + 1);
        }
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        collect(item, sb, depth + 1);
      }
    }
  }

  private static void append(StringBuilder sb, String s) {
    if (!sb.isEmpty()) {
      sb.append('\n');
    }
    sb.append(s.strip());
  }
}
