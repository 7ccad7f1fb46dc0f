package org.somafractal.memory.core;

import io.vertx.core.json.JsonObject;

/**
 * One stored memory, as the canonical store holds it. Immutable by convention: the payload and metadata objects and
 * the vector are never mutated after construction, which is what lets verticles pass a {@code Memory} by reference
 * over the local event bus.
 *
 * @param id stable UUID, kept when the memory is updated in place
 * @param tenant owner; no request of another tenant ever sees it
 * @param coordinate the address, unique per tenant
 * @param payload the client's JSON
 * @param type level in the hierarchy
 * @param importance raw importance as the client gave it (default 1.0)
 * @param metadata free JSON used by filters
 * @param text the text that was embedded and is indexed lexically ("" when the payload has none)
 * @param vector the L2-normalised embedding, or {@code null} when there is nothing to embed
 * @param modelId the embedder that produced {@code vector} ({@code "client"} for client-supplied vectors)
 * @param createdAt epoch milliseconds of the first store at this coordinate
 * @param updatedAt epoch milliseconds of the last store
 * @param lastAccessedAt epoch milliseconds of the last read by coordinate (initially {@code createdAt})
 * @param accessCount number of reads by coordinate
 * @param seq the store's commit sequence number of the last write; derived indexes use it to ignore stale updates
 */
public record Memory(
    String id,
    String tenant,
    Coordinate coordinate,
    JsonObject payload,
    MemoryType type,
    double importance,
    JsonObject metadata,
    String text,
    float[] vector,
    String modelId,
    long createdAt,
    long updatedAt,
    long lastAccessedAt,
    long accessCount,
    long seq) {

  /** The canonical coordinate key. */
  public String key() {
    return coordinate.key();
  }

  /** A copy with new access statistics. */
  public Memory withAccess(long lastAccessedAt, long accessCount) {
    return new Memory(id, tenant, coordinate, payload, type, importance, metadata, text, vector, modelId, createdAt,
        updatedAt, lastAccessedAt, accessCount, seq);
  }
}
