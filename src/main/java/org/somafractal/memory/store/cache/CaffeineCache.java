package org.somafractal.memory.store.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.core.Memory;

/**
 * The in-process {@link Cache} of the embedded modes, on Caffeine: entries by (tenant, id), the coordinate's entry
 * as a pointer from (tenant, key) to the id, invalidation markers, and the coordinates known to hold no memory, with
 * the semantics the port describes. It holds the {@link Memory} objects themselves (immutable by convention), so a
 * hit costs no copy.
 *
 * <p>Entries expire {@code ttl} after they were cached and the least used go first beyond {@code maxEntries}; markers
 * expire after {@link Cache#MARKER_TTL_MS}, and should one be evicted early for want of room the adapter starts a new
 * generation, so no fill that the marker would have refused can land.
 *
 * <p>Every cached entry has its coordinate's pointer, so an invalidation by coordinate always finds it: entries are
 * only added with their pointer, a pointer is only removed with its entry, and an entry that leaves otherwise
 * (evicted, or expired once Caffeine cleans it up; until then its pointer only leads to a miss) takes its pointer
 * along through Caffeine's eviction listener, which runs inside the eviction. An entry replaced at its coordinate by
 * another id is invalidated by the fill that replaces it. So a lookup by id is one cache lookup, with no check of the
 * pointer; a search hydrates its 40 candidates by id, and that second lookup had cost half of it (docs/benchmarks.md).
 *
 * <p>Thread-safe (every method is synchronized; Caffeine's maintenance, and so the eviction listener, runs on the
 * calling thread). Never fails.
 */
public final class CaffeineCache implements Cache {
  private final com.github.benmanes.caffeine.cache.Cache<Slot, Memory> entries;
  /** Guarded by {@code this}; a pointer for each entry in {@code entries} (and for expired ones not yet cleaned up). */
  private final Map<Slot, String> pointers = new HashMap<>();
  private final com.github.benmanes.caffeine.cache.Cache<Slot, Long> markers;
  /** Coordinates the store held no memory at when last read; see {@link #fillAbsent}. */
  private final com.github.benmanes.caffeine.cache.Cache<Slot, Boolean> absent;
  /** Guarded by {@code this}. */
  private long generation;

  /** An entry's address: the tenant and an id or coordinate key. */
  private record Slot(String tenant, String name) {
  }

  /**
   * @param ttl how long a row stays cached
   * @param maxEntries the most rows cached; markers may number four times as many
   */
  public CaffeineCache(Duration ttl, int maxEntries) {
    this.entries = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(ttl).maximumSize(maxEntries)
        .<Slot, Memory>evictionListener((slot, m, cause) -> unpoint(slot.tenant(), m))
        .build();
    this.absent = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(ttl).maximumSize(maxEntries)
        .<Slot, Boolean>build();
    this.markers = Caffeine.newBuilder().executor(Runnable::run)
        .expireAfterWrite(Duration.ofMillis(MARKER_TTL_MS)).maximumSize(4L * Math.max(1, maxEntries))
        .<Slot, Long>evictionListener((slot, seq, cause) -> {
          if (cause == RemovalCause.SIZE) {
            markerEvicted();
          }
        })
        .build();
  }

  private synchronized void markerEvicted() {
    generation++;
    entries.invalidateAll();
    pointers.clear();
    absent.invalidateAll();
  }

  /** Drops the pointer at {@code m}'s coordinate if it still names {@code m}; called as {@code m} leaves the cache. */
  private synchronized void unpoint(String tenant, Memory m) {
    pointers.remove(new Slot(tenant, m.key()), m.id());
  }

  @Override
  public synchronized Future<Hits> byKeys(String tenant, Collection<String> keys) {
    List<Memory> found = new ArrayList<>(keys.size());
    Set<String> none = null;
    for (String key : keys) {
      Slot at = new Slot(tenant, key);
      String id = pointers.get(at);
      Memory m = id == null ? null : entries.getIfPresent(new Slot(tenant, id));
      if (m != null && m.key().equals(key)) {
        found.add(m);
      } else if (id == null && absent.getIfPresent(at) != null) {
        if (none == null) {
          none = new HashSet<>();
        }
        none.add(key);
      }
    }
    return Future.succeededFuture(new Hits(found, generation, none == null ? Set.of() : none));
  }

  @Override
  public synchronized Future<Hits> byIds(String tenant, Collection<String> ids) {
    List<Memory> found = new ArrayList<>(ids.size());
    for (String id : ids) {
      Memory m = entries.getIfPresent(new Slot(tenant, id));
      if (m != null) {
        found.add(m);
      }
    }
    return Future.succeededFuture(new Hits(found, generation));
  }

  @Override
  public synchronized Future<Integer> fill(String tenant, List<Memory> memories, long generation) {
    if (generation != this.generation) {
      return Future.succeededFuture(0);
    }
    int filled = 0;
    for (Memory m : memories) {
      Slot at = new Slot(tenant, m.key());
      Long marker = markers.getIfPresent(at);
      if (marker != null && marker > m.seq()) {
        continue;
      }
      String current = pointers.get(at);
      Memory cached = current == null ? null : entries.getIfPresent(new Slot(tenant, current));
      if (cached != null && cached.seq() > m.seq()) {
        continue;
      }
      if (current != null && !current.equals(m.id())) {
        entries.invalidate(new Slot(tenant, current));
      }
      pointers.put(at, m.id());
      entries.put(new Slot(tenant, m.id()), m);
      absent.invalidate(at);
      filled++;
    }
    return Future.succeededFuture(filled);
  }

  @Override
  public synchronized Future<Integer> fillAbsent(String tenant, Collection<String> keys, long generation) {
    if (generation != this.generation) {
      return Future.succeededFuture(0);
    }
    int remembered = 0;
    for (String key : keys) {
      Slot at = new Slot(tenant, key);
      if (markers.getIfPresent(at) == null && !pointers.containsKey(at)) {
        absent.put(at, Boolean.TRUE);
        remembered++;
      }
    }
    return Future.succeededFuture(remembered);
  }

  @Override
  public synchronized Future<Void> invalidate(String tenant, List<Change> changes) {
    for (Change c : changes) {
      Slot at = new Slot(tenant, c.key());
      markers.asMap().merge(at, c.seq(), Math::max);
      absent.invalidate(at);
      String id = pointers.remove(at);
      if (id != null) {
        entries.invalidate(new Slot(tenant, id));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> touched(String tenant, List<String> ids, long at) {
    for (String id : ids) {
      entries.asMap().computeIfPresent(new Slot(tenant, id),
          (slot, m) -> m.withAccess(Math.max(at, m.lastAccessedAt()), m.accessCount() + 1));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Long> clear() {
    generation++;
    entries.invalidateAll();
    pointers.clear();
    absent.invalidateAll();
    markers.invalidateAll();
    return Future.succeededFuture(generation);
  }

  /** How many coordinate pointers are held; for tests of the one-pointer-per-entry invariant. */
  synchronized int pointerCount() {
    return pointers.size();
  }

  @Override
  public String name() {
    return "in-process";
  }
}
