package org.somafractal.memory.events;

/**
 * A change to a memory, as subscribers see it.
 *
 * @param eventId unique per event, so consumers can drop duplicates
 * @param id the stable memory id
 * @param type {@code created}, {@code updated} or {@code deleted}
 * @param coord the canonical coordinate key
 * @param memoryType the memory's type, {@code null} for deletes
 * @param timestamp epoch milliseconds of the commit
 * @param seq the store's commit sequence number
 */
public record MemoryEvent(String eventId, String id, String tenant, String type, String coord, String memoryType,
    long timestamp, long seq) {
}
