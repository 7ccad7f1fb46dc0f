package org.somafractal.memory.core;

/**
 * A committed delete, as derived indexes need it.
 *
 * @param seq the store's commit sequence number of the delete, ordered with the writes
 */
public record Removal(String tenant, String id, String key, long seq) {
}
