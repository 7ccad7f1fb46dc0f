package org.somafractal.memory.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.Scores;

/** The canonical JSON shapes of memories and results (seed era C, extended). */
final class MemoryJson {
  private MemoryJson() {
  }

  static JsonObject memory(Memory m) {
    return new JsonObject()
        .put("id", m.id())
        .put("coord", m.key())
        .put("coordinate", m.coordinate().toJson())
        .put("payload", m.payload())
        .put("memory_type", m.type().wire())
        .put("importance", m.importance())
        .put("metadata", m.metadata())
        .put("created_at", iso(m.createdAt()))
        .put("updated_at", iso(m.updatedAt()))
        .put("last_accessed_at", iso(m.lastAccessedAt()))
        .put("access_count", m.accessCount())
        .put("embedding_model", m.modelId());
  }

  static JsonObject ranked(Ranked r) {
    Scores s = r.scores();
    JsonObject scores = new JsonObject()
        .put("vector", finiteOrNull(s.vector()))
        .put("lexical", finiteOrNull(s.lexical()))
        .put("fused", s.fused())
        .put("importance", s.importance())
        .put("decay", s.decay())
        .put("sequence", s.sequence());
    return memory(r.memory()).put("score", s.score()).put("scores", scores);
  }

  private static Double finiteOrNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
