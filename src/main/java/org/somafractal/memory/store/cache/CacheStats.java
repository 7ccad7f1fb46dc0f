package org.somafractal.memory.store.cache;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link CachingMemoryStore}, for {@code GET /health} and the cache benchmark. Thread-safe; reads
 * are not one snapshot, each counter is exact on its own.
 */
public final class CacheStats {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder bypassed = new LongAdder();
  final LongAdder filled = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder invalidated = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder clears = new LongAdder();
  private final String backend;
  private volatile boolean active = true;

  CacheStats(String backend) {
    this.backend = backend;
  }

  void active(boolean active) {
    this.active = active;
  }

  /** Whether reads use the cache now: false after a failed cache call, until the cache has been flushed. */
  public boolean active() {
    return active;
  }

  /** {@code "in-process"} or {@code "redis"}. */
  public String backend() {
    return backend;
  }

  /** Rows served from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** Rows looked up in the cache and read from the store. */
  public long misses() {
    return misses.sum();
  }

  /**
   * The counters: {@code hits}, {@code misses} and {@code hit_ratio} count rows; {@code bypassed} counts reads served
   * from the store because the cache was not usable; {@code filled} and {@code refused} count rows offered to the
   * cache after a miss (refused: a newer write or a flush came first); {@code invalidated} counts changed
   * coordinates; {@code failures} failed cache calls, {@code clears} flushes after them.
   */
  public JsonObject toJson() {
    long h = hits();
    long m = misses();
    return new JsonObject()
        .put("backend", backend)
        .put("active", active)
        .put("hits", h)
        .put("misses", m)
        .put("hit_ratio", h + m == 0 ? 0.0 : Math.round(10_000.0 * h / (h + m)) / 10_000.0)
        .put("bypassed", bypassed.sum())
        .put("filled", filled.sum())
        .put("refused", refused.sum())
        .put("invalidated", invalidated.sum())
        .put("failures", failures.sum())
        .put("clears", clears.sum());
  }
}
