package org.somafractal.memory.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Metadata as a sorted array of {@code path␟value} terms, the one representation that every filter evaluation uses:
 * the fast core keeps the array per slot and binary-searches it during a scan (no allocation per candidate), and the
 * lexical index stores the same strings as keyword terms, so both agree on what a filter matches.
 *
 * <p>Paths join nested keys with a dot ({@code {"a":{"b":1}}} gives {@code a.b}); array elements are terms of their
 * array's path, so a filter on a path matches when any element equals. Values are typed so that {@code 1} equals
 * {@code 1.0} but not {@code "1"} or {@code true}.
 */
public final class MetadataTerms {
  /** Separates the path from the value inside a term. */
  public static final char SEPARATOR = '\u001f';
  /** Nested objects deeper than this are not indexed. */
  public static final int MAX_DEPTH = 8;
  /** At most this many terms are indexed per memory. */
  public static final int MAX_TERMS = 512;

  private static final String[] EMPTY = new String[0];

  private MetadataTerms() {
  }

  /** The sorted, distinct terms of {@code metadata}; an empty array for null or empty metadata. */
  public static String[] of(JsonObject metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return EMPTY;
    }
    List<String> out = new ArrayList<>();
    collect("", metadata, 0, out);
    String[] terms = out.toArray(EMPTY);
    Arrays.sort(terms);
    return dedupe(terms);
  }

  /** The term for one path and value, or {@code null} when the value cannot be a term (an object). */
  public static String term(String path, Object value) {
    String canonical = canonical(value);
    return canonical == null ? null : path + SEPARATOR + canonical;
  }

  /** Typed canonical form of a JSON scalar: numbers compare by value, strings and booleans keep their type. */
  public static String canonical(Object value) {
    if (value == null) {
      return "z:";
    }
    if (value instanceof String s) {
      return "s:" + s;
    }
    if (value instanceof Boolean b) {
      return b ? "b:1" : "b:0";
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        return "n:" + d;
      }
      BigDecimal bd = n instanceof BigDecimal big ? big : new BigDecimal(n.toString());
      return "n:" + (bd.signum() == 0 ? "0" : bd.stripTrailingZeros().toPlainString());
    }
    return null;
  }

  /** Whether the sorted {@code terms} hold {@code term}. */
  public static boolean contains(String[] terms, String term) {
    return Arrays.binarySearch(terms, term) >= 0;
  }

  private static void collect(String prefix, JsonObject object, int depth, List<String> out) {
    if (depth >= MAX_DEPTH) {
      return;
    }
    for (Map.Entry<String, Object> e : object) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      add(path, e.getValue(), depth, out);
    }
  }

  private static void add(String path, Object value, int depth, List<String> out) {
    if (out.size() >= MAX_TERMS) {
      return;
    }
    if (value instanceof JsonObject nested) {
      collect(path, nested, depth + 1, out);
    } else if (value instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      JsonObject nested = new JsonObject((Map<String, Object>) map);
      collect(path, nested, depth + 1, out);
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof JsonArray)) {
          add(path, item, depth + 1, out);
        }
      }
    } else if (value instanceof List<?> list) {
      add(path, new JsonArray(new ArrayList<>(list)), depth, out);
    } else {
      String term = term(path, value);
      if (term != null) {
        out.add(term);
      }
    }
  }

  private static String[] dedupe(String[] sorted) {
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || !sorted[i].equals(sorted[n - 1])) {
        sorted[n++] = sorted[i];
      }
    }
    return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
  }
}
