package org.somafractal.memory.core;

import java.util.List;

/**
 * Committed changes for derived indexes, in commit order. An index applies an upsert or removal only when its
 * {@code seq} is newer than what it already holds for that memory, so batches that arrive out of order never leave a
 * stale vector or term behind.
 */
public record IndexBatch(List<Memory> upserts, List<Removal> removals) {
  public static IndexBatch upserts(List<Memory> memories) {
    return new IndexBatch(memories, List.of());
  }

  public static IndexBatch removals(List<Removal> removals) {
    return new IndexBatch(List.of(), removals);
  }
}
