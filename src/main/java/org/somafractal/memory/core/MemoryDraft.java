package org.somafractal.memory.core;

import io.vertx.core.json.JsonObject;

/**
 * A validated request to store a memory, before the store gives it an id, timestamps and a sequence number.
 *
 * @param vector the normalised embedding, or {@code null} when the text is empty
 */
public record MemoryDraft(
    String tenant,
    Coordinate coordinate,
    JsonObject payload,
    MemoryType type,
    double importance,
    JsonObject metadata,
    String text,
    float[] vector,
    String modelId) {
}
