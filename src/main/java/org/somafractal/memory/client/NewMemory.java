package org.somafractal.memory.client;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.somafractal.memory.core.MemoryType;

/**
 * A memory to store, built fluently: {@code NewMemory.of(payload).at("1,2,3").type(MemoryType.SEMANTIC)}. The
 * defaults are the HTTP API's: the server chooses the coordinate, episodic, importance 1, no metadata, and the
 * server embeds the payload's text.
 *
 * @param coord coordinate such as {@code "1,2,3"}, or {@code null} to let the server choose one
 * @param vector the caller's own embedding of the configured dimension, or {@code null}
 */
public record NewMemory(String coord, JsonObject payload, MemoryType type, double importance, JsonObject metadata,
    float[] vector) {

  public NewMemory {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(type, "type");
    metadata = metadata == null ? new JsonObject() : metadata;
    if (!Double.isFinite(importance)) {
      throw new IllegalArgumentException("importance must be a finite number");
    }
  }

  /** A memory with this payload and every other field at its default. */
  public static NewMemory of(JsonObject payload) {
    return new NewMemory(null, payload, MemoryType.EPISODIC, 1.0, null, null);
  }

  /** The same memory at a coordinate. */
  public NewMemory at(String coordinate) {
    return new NewMemory(coordinate, payload, type, importance, metadata, vector);
  }

  /** The same memory with another type. */
  public NewMemory type(MemoryType memoryType) {
    return new NewMemory(coord, payload, memoryType, importance, metadata, vector);
  }

  /** The same memory with another importance. */
  public NewMemory importance(double value) {
    return new NewMemory(coord, payload, type, value, metadata, vector);
  }

  /** The same memory with metadata. */
  public NewMemory metadata(JsonObject value) {
    return new NewMemory(coord, payload, type, importance, value, vector);
  }

  /** The same memory with the caller's own embedding. */
  public NewMemory vector(float[] value) {
    return new NewMemory(coord, payload, type, importance, metadata, value);
  }
}
