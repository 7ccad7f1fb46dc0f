package org.somafractal.memory.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers recent deletes by memory id and commit seq, so that an index receiving an older upsert after a newer
 * delete (batches from concurrent requests can cross on their way) does not bring the deleted memory back. Entries
 * older than the retention are dropped: reordering only spans requests in flight, which are bounded by the bus
 * timeout.
 *
 * <p>Not thread-safe: owned by one index verticle.
 */
public final class Tombstones {
  private final long retentionMs;
  private final Map<String, Long> seqById = new HashMap<>();
  private final ArrayDeque<Entry> order = new ArrayDeque<>();

  private record Entry(String id, long seq, long at) {
  }

  public Tombstones(long retentionMs) {
    this.retentionMs = retentionMs;
  }

  /** Records that {@code id} was deleted at {@code seq}. */
  public void record(String id, long seq, long nowMs) {
    prune(nowMs);
    seqById.merge(id, seq, Math::max);
    order.addLast(new Entry(id, seq, nowMs));
  }

  /** Whether an upsert of {@code id} at {@code seq} is older than a remembered delete and must be ignored. */
  public boolean blocks(String id, long seq) {
    Long deleted = seqById.get(id);
    return deleted != null && deleted >= seq;
  }

  /** The number of remembered deletes. */
  public int size() {
    return seqById.size();
  }

  private void prune(long nowMs) {
    while (!order.isEmpty() && nowMs - order.peekFirst().at() > retentionMs) {
      Entry e = order.pollFirst();
      seqById.remove(e.id(), e.seq());
    }
  }
}
