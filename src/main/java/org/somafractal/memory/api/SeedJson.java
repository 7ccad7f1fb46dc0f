package org.somafractal.memory.api;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.somafractal.memory.core.Memory;

/**
 * The shapes and type rules of the seed's era A (FastAPI) API, used only by the compatibility routes: records are the
 * user payload flattened at the top level plus the seed's system keys, and memory types are read as leniently as the
 * seed read them.
 */
final class SeedJson {
  private SeedJson() {
  }

  /** The era A record: the payload's own keys, then {@code memory_type}, {@code coordinate}, importance, timestamp. */
  static JsonObject flattened(Memory m) {
    JsonObject record = m.payload().copy();
    record.put("memory_type", m.type().wire());
    record.put("coordinate", m.coordinate().toJson());
    record.put("importance", m.importance());
    if (!record.containsKey("timestamp")) {
      record.put("timestamp", m.createdAt() / 1000.0);
    }
    record.put("id", m.id());
    return record;
  }

  /** Store: {@code semantic} and {@code summary} are kept, anything else is episodic, as the seed stored it. */
  static String storeType(Object type) {
    String t = type instanceof String s ? s.trim().toLowerCase(Locale.ROOT) : "";
    return t.equals("semantic") || t.equals("summary") ? t : "episodic";
  }

  /** Recall filter: absent = any type; the three known names filter by themselves; anything else means episodic. */
  static String recallType(Object type) {
    if (!(type instanceof String s) || s.isBlank()) {
      return null;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    return t.equals("semantic") || t.equals("summary") ? t : "episodic";
  }

  /** Other searches: a known type name filters by itself; anything else (or nothing) means any type. */
  static String filterType(Object type) {
    if (!(type instanceof String s)) {
      return null;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    return t.equals("semantic") || t.equals("episodic") || t.equals("summary") ? t : null;
  }
}
