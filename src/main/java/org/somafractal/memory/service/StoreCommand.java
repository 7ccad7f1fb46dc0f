package org.somafractal.memory.service;

import io.vertx.core.json.JsonObject;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.MemoryType;

/**
 * A validated request to store one memory.
 *
 * @param coordinate where to store it, or {@code null} to let the server choose
 * @param vector the client's own embedding (any length-checked, non-zero vector; normalised here), or {@code null}
 */
public record StoreCommand(String tenant, Coordinate coordinate, JsonObject payload, MemoryType type,
    double importance, JsonObject metadata, float[] vector) {
}
