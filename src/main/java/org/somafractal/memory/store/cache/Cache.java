package org.somafractal.memory.store.cache;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.somafractal.memory.core.Memory;

/**
 * The cache port: copies of canonical rows, found by (tenant, coordinate key) and by (tenant, id), that
 * {@link CachingMemoryStore} serves reads from. Every entry is scoped to its tenant; a lookup for one tenant never
 * sees another's entries.
 *
 * <p>The port is built so that a cache shared by several nodes can never serve a row older than an acknowledged write
 * (see docs/architecture.md, "The read-through cache"):
 *
 * <ul>
 *   <li>every lookup reports the cache's <em>generation</em>; a {@link #fill} names the generation of the lookup that
 *       missed and is refused when {@link #clear} has started a new one since, so a row read from the store before a
 *       flush never lands after it;
 *   <li>{@link #invalidate} runs after each committed write and leaves a <em>marker</em>, the write's seq, on the
 *       coordinate for {@link #MARKER_TTL_MS}; a fill of a row older than the marker is refused, so a read that raced
 *       with the write cannot bring the old row back;
 *   <li>an entry found by id counts only while the coordinate's entry still names that id.
 * </ul>
 *
 * <p>Futures of the in-process adapter never fail; those of a remote one fail when the backend is unreachable or slow,
 * and the caller then serves from the store.
 */
public interface Cache {
  /** How long an invalidation keeps refusing older fills of its coordinate. */
  long MARKER_TTL_MS = 60_000;
  /**
   * The seq of an invalidation whose write may or may not have committed (the store failed without saying): it
   * refuses every fill of the coordinate for {@link #MARKER_TTL_MS}. 2^53 - 1, the largest integer a Lua number holds
   * exactly.
   */
  long UNKNOWN_SEQ = (1L << 53) - 1;

  /**
   * What a lookup found.
   *
   * @param memories the entries found, in no particular order
   * @param generation the generation the lookup ran in, for {@link #fill}
   * @param absent the coordinate keys asked for that the cache knows hold no memory ({@link #fillAbsent}); always
   *     empty for a lookup by id
   */
  record Hits(List<Memory> memories, long generation, Set<String> absent) {
    /** Hits with no key known to be absent. */
    public Hits(List<Memory> memories, long generation) {
      this(memories, generation, Set.of());
    }
  }

  /**
   * A committed change of the memory at a coordinate.
   *
   * @param seq the store's seq of the write or delete, or {@link #UNKNOWN_SEQ}
   */
  record Change(String key, long seq) {
  }

  /** The cached memories at these coordinate keys. */
  Future<Hits> byKeys(String tenant, Collection<String> keys);

  /** The memory at {@code key} if cached (zero or one entry). */
  default Future<Hits> byKey(String tenant, String key) {
    return byKeys(tenant, List.of(key));
  }

  /** The cached memories among {@code ids}. */
  Future<Hits> byIds(String tenant, Collection<String> ids);

  /**
   * Caches rows just read from the store. A row is refused when the generation is no longer {@code generation}, when
   * its coordinate carries a marker newer than its seq, or when a newer row of it is cached.
   *
   * @return how many rows were cached
   */
  Future<Integer> fill(String tenant, List<Memory> memories, long generation);

  /**
   * Remembers that the store held no memory at these coordinate keys, so that later lookups answer them without the
   * store: a search asks for its candidates' sequence neighbours, which often do not exist. A key is refused, as a
   * fill is, when the generation is no longer {@code generation}, when it carries a marker (it changed since the
   * read, or may have), or when a memory is cached there. {@link #invalidate} and a fill at the key forget it. An
   * adapter may ignore this (the default), and then never reports a key absent.
   *
   * @return how many keys were remembered
   */
  default Future<Integer> fillAbsent(String tenant, Collection<String> keys, long generation) {
    return Future.succeededFuture(0);
  }

  /** Drops the entries of these coordinates and leaves a marker with each change's seq (the larger one stays). */
  Future<Void> invalidate(String tenant, List<Change> changes);

  /** Records reads in the cached copies, as {@code MemoryStore.touch} does in the store; absent entries are skipped. */
  Future<Void> touched(String tenant, List<String> ids, long at);

  /** Drops every entry of every tenant by starting a new generation; returns it. */
  Future<Long> clear();

  /** A short name for logs and {@code /health}: {@code "in-process"} or {@code "redis"}. */
  String name();
}
