package org.somafractal.memory.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a search may return: memory types, metadata equalities and a created-time range, all of which must hold.
 * Indexes evaluate it during their scan, so a search still fills {@code top_k} whenever that many memories match.
 *
 * <p>Metadata conditions come from a JSON object: nested objects and dotted keys both name nested paths
 * ({@code {"a":{"b":1}}} and {@code {"a.b":1}} are the same condition), and an array value means "any of these".
 *
 * @param types allowed types, or {@code null} for any
 * @param conditions per metadata path, the terms of which at least one must be present
 * @param createdFrom inclusive lower bound on creation time (epoch ms), {@code Long.MIN_VALUE} for none
 * @param createdTo inclusive upper bound on creation time (epoch ms), {@code Long.MAX_VALUE} for none
 */
public record MemoryFilter(Set<MemoryType> types, String[][] conditions, long createdFrom, long createdTo) {
  /** The filter that lets everything through. */
  public static final MemoryFilter NONE = new MemoryFilter(null, new String[0][], Long.MIN_VALUE, Long.MAX_VALUE);

  /** At most this many metadata conditions. */
  public static final int MAX_CONDITIONS = 32;
  /** At most this many alternatives per condition. */
  public static final int MAX_ALTERNATIVES = 64;

  /**
   * Builds a filter.
   *
   * @param metadata the metadata conditions, or {@code null}
   * @throws SomaException of kind INVALID when the conditions are too many or hold an unusable value
   */
  public static MemoryFilter of(Set<MemoryType> types, JsonObject metadata, long createdFrom, long createdTo) {
    if (createdFrom > createdTo) {
      throw SomaException.invalid("created_after must not be later than created_before");
    }
    List<String[]> conditions = new ArrayList<>();
    if (metadata != null) {
      collect("", metadata, 0, conditions);
    }
    Set<MemoryType> typeSet = types == null || types.isEmpty() || types.size() == MemoryType.values().length
        ? null : EnumSet.copyOf(types);
    if (typeSet == null && conditions.isEmpty() && createdFrom == Long.MIN_VALUE && createdTo == Long.MAX_VALUE) {
      return NONE;
    }
    return new MemoryFilter(typeSet, conditions.toArray(new String[0][]), createdFrom, createdTo);
  }

  private static void collect(String prefix, JsonObject object, int depth, List<String[]> out) {
    if (depth >= MetadataTerms.MAX_DEPTH) {
      throw SomaException.invalid("filters nest deeper than " + MetadataTerms.MAX_DEPTH + " levels");
    }
    for (Map.Entry<String, Object> e : object) {
      if (e.getKey().isEmpty()) {
        throw SomaException.invalid("filters may not have an empty key");
      }
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      Object value = e.getValue();
      if (value instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        JsonObject nested = new JsonObject((Map<String, Object>) map);
        value = nested;
      }
      if (value instanceof JsonObject nested) {
        if (nested.isEmpty()) {
          throw SomaException.invalid("filter '" + path + "' is an empty object");
        }
        collect(path, nested, depth + 1, out);
        continue;
      }
      String[] alternatives;
      if (value instanceof JsonArray array) {
        if (array.isEmpty() || array.size() > MAX_ALTERNATIVES) {
          throw SomaException.invalid("filter '" + path + "' must list between 1 and " + MAX_ALTERNATIVES + " values");
        }
        alternatives = new String[array.size()];
        for (int i = 0; i < array.size(); i++) {
          alternatives[i] = requireTerm(path, array.getValue(i));
        }
      } else {
        alternatives = new String[] {requireTerm(path, value)};
      }
      if (out.size() == MAX_CONDITIONS) {
        throw SomaException.invalid("at most " + MAX_CONDITIONS + " filter conditions are allowed");
      }
      out.add(alternatives);
    }
  }

  private static String requireTerm(String path, Object value) {
    String term = value instanceof JsonArray || value instanceof JsonObject ? null : MetadataTerms.term(path, value);
    if (term == null) {
      throw SomaException.invalid("filter '" + path + "' must compare with a string, number, boolean or null");
    }
    return term;
  }

  /** Whether a memory with this type, creation time and sorted metadata terms passes. Allocation-free. */
  public boolean matches(MemoryType type, long createdAt, String[] metadataTerms) {
    if (types != null && !types.contains(type)) {
      return false;
    }
    if (createdAt < createdFrom || createdAt > createdTo) {
      return false;
    }
    for (String[] alternatives : conditions) {
      boolean any = false;
      for (String term : alternatives) {
        if (MetadataTerms.contains(metadataTerms, term)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  /** Whether this filter lets everything through. */
  public boolean isEmpty() {
    return this == NONE;
  }
}
