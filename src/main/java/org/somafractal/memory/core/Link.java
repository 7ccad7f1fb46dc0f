package org.somafractal.memory.core;

import io.vertx.core.json.JsonObject;

/**
 * A directed, typed link between two coordinates of one tenant, as the canonical store keeps it. A pair of coordinates
 * may carry several links of different types; (tenant, fromKey, toKey, linkType) identifies one. The {@code from}
 * coordinate holds a memory when the link is made; the {@code to} coordinate need not.
 *
 * @param fromKey canonical coordinate key ({@link Coordinate#key()}) of the source
 * @param toKey canonical coordinate key of the target
 * @param strength a finite number; weighted path search uses {@code 1 / strength} as the cost of the link
 * @param metadata free-form client data, never {@code null} once stored
 * @param createdAt epoch ms of the first write of this (from, to, type); 0 in a draft
 * @param updatedAt epoch ms of the last write; 0 in a draft
 */
public record Link(String tenant, String fromKey, String toKey, String linkType, double strength, JsonObject metadata,
    long createdAt, long updatedAt) {

  /** A link to store; the store sets the times. */
  public static Link draft(String tenant, String fromKey, String toKey, String linkType, double strength,
      JsonObject metadata) {
    return new Link(tenant, fromKey, toKey, linkType, strength, metadata, 0, 0);
  }
}
