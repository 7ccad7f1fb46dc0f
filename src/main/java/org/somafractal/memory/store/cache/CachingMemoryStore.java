package org.somafractal.memory.store.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.store.ForwardingMemoryStore;
import org.somafractal.memory.store.MemoryStore;

/**
 * A read-through {@link Cache} in front of a canonical store: {@code get}, {@code getByIds} and {@code getByKeys} are
 * served from the cache when they can be and fill it from the store when they cannot; every committed upsert and
 * delete invalidates its coordinates before it is acknowledged, and {@code touch} updates the cached access
 * statistics. Everything else passes straight through.
 *
 * <p>It sits <em>below</em> {@code EncryptingMemoryStore}: the cache holds rows exactly as the store holds them, so an
 * encrypted tenant's payload, text and metadata reach Redis sealed, as they reach PostgreSQL.
 *
 * <p>The cache is an accelerator, never a dependency. After any failed cache call (Redis unreachable, slow, refusing)
 * the node stops using it: reads go to the store, writes skip the invalidation, and nothing fails. Before using it
 * again the node flushes it ({@link Cache#clear}), so no entry that a skipped invalidation should have removed, and
 * no fill that raced with the outage, is ever served; the flush is tried again at most every couple of seconds (the
 * connection's back-off) until it succeeds with no new failure in between.
 *
 * <p>A write whose outcome is unknown (the store failed without saying whether it committed) invalidates its
 * coordinates with {@link Cache#UNKNOWN_SEQ}, which keeps them out of the cache for {@link Cache#MARKER_TTL_MS}.
 *
 * <p>Futures complete on the caller's context. Thread-safe.
 */
public final class CachingMemoryStore extends ForwardingMemoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(CachingMemoryStore.class);
  /**
   * A fill whose lookup is older than this is dropped: the markers it must be checked against live
   * {@link Cache#MARKER_TTL_MS}, and half of that leaves room for the fill's own trip to the cache.
   */
  private static final long FILL_DEADLINE_NANOS = TimeUnit.MILLISECONDS.toNanos(Cache.MARKER_TTL_MS / 2);

  private final Vertx vertx;
  private final Cache cache;
  private final CacheStats stats;
  /** Failed or skipped cache calls so far; a flush counts only if none happened while it ran. */
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private volatile boolean usable = true;

  public CachingMemoryStore(Vertx vertx, MemoryStore inner, Cache cache) {
    super(inner);
    this.vertx = vertx;
    this.cache = cache;
    this.stats = new CacheStats(cache.name());
  }

  /** The counters of this cache. */
  public CacheStats stats() {
    return stats;
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    Context context = vertx.getOrCreateContext();
    if (!usable()) {
      stats.bypassed.increment();
      return inner.get(tenant, key);
    }
    long t0 = System.nanoTime();
    return onContext(context, cache.byKey(tenant, key).transform(looked -> {
      if (looked.failed()) {
        failed(looked.cause());
        stats.bypassed.increment();
        return inner.get(tenant, key);
      }
      Cache.Hits hits = looked.result();
      if (!hits.memories().isEmpty() || hits.absent().contains(key)) {
        stats.hits.increment();
        return Future.succeededFuture(hits.memories().isEmpty() ? null : hits.memories().get(0));
      }
      stats.misses.increment();
      return inner.get(tenant, key).onSuccess(m -> {
        if (m != null) {
          fill(tenant, List.of(m), hits.generation(), t0);
        } else {
          fillAbsent(tenant, Set.of(key), hits.generation(), t0);
        }
      });
    }));
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    return readThrough(tenant, ids, cache::byIds, inner::getByIds, Memory::id, false);
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    return readThrough(tenant, keys, cache::byKeys, inner::getByKeys, Memory::key, true);
  }

  /**
   * Serves what the cache holds of {@code wanted} (ids or keys, as {@code nameOf} tells a memory's), reads the rest
   * from the store with {@code load} and fills the cache with it. With {@code byKey}, the keys the store holds no
   * memory at are remembered as absent too, and keys the cache knows are absent are not asked for.
   */
  private Future<List<Memory>> readThrough(String tenant, List<String> names,
      BiFunction<String, Collection<String>, Future<Cache.Hits>> lookup,
      BiFunction<String, List<String>, Future<List<Memory>>> load, Function<Memory, String> nameOf, boolean byKey) {
    Context context = vertx.getOrCreateContext();
    if (names.isEmpty() || !usable()) {
      stats.bypassed.add(names.size());
      return load.apply(tenant, names);
    }
    Set<String> wanted = new LinkedHashSet<>(names);
    long t0 = System.nanoTime();
    return onContext(context, lookup.apply(tenant, wanted).transform(looked -> {
      if (looked.failed()) {
        failed(looked.cause());
        stats.bypassed.add(wanted.size());
        return load.apply(tenant, names);
      }
      Cache.Hits hits = looked.result();
      stats.hits.add(hits.memories().size() + hits.absent().size());
      if (hits.memories().size() + hits.absent().size() == wanted.size()) {
        return Future.succeededFuture(hits.memories());
      }
      Set<String> missing = new LinkedHashSet<>(wanted);
      hits.memories().forEach(m -> missing.remove(nameOf.apply(m)));
      missing.removeAll(hits.absent());
      stats.misses.add(missing.size());
      return load.apply(tenant, List.copyOf(missing)).map(read -> {
        if (!read.isEmpty()) {
          fill(tenant, read, hits.generation(), t0);
        }
        if (byKey && read.size() < missing.size()) {
          Set<String> none = new LinkedHashSet<>(missing);
          read.forEach(m -> none.remove(m.key()));
          fillAbsent(tenant, none, hits.generation(), t0);
        }
        List<Memory> out = new ArrayList<>(hits.memories().size() + read.size());
        out.addAll(hits.memories());
        out.addAll(read);
        return out;
      });
    }));
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, inner.upsert(drafts).transform(ar -> {
      Map<String, List<Cache.Change>> changes = new LinkedHashMap<>();
      if (ar.succeeded()) {
        for (StoredMemory s : ar.result()) {
          changes.computeIfAbsent(s.memory().tenant(), t -> new ArrayList<>())
              .add(new Cache.Change(s.memory().key(), s.memory().seq()));
        }
      } else if (SomaException.outcomeUnknown(ar.cause())) {
        for (MemoryDraft d : drafts) {
          changes.computeIfAbsent(d.tenant(), t -> new ArrayList<>())
              .add(new Cache.Change(d.coordinate().key(), Cache.UNKNOWN_SEQ));
        }
      }
      return invalidate(changes).transform(v -> ar.succeeded() ? Future.succeededFuture(ar.result())
          : Future.failedFuture(ar.cause()));
    }));
  }

  @Override
  public Future<List<Removal>> delete(String tenant, List<String> keys) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, inner.delete(tenant, keys).transform(ar -> {
      List<Cache.Change> changes = new ArrayList<>();
      if (ar.succeeded()) {
        ar.result().forEach(r -> changes.add(new Cache.Change(r.key(), r.seq())));
      } else if (SomaException.outcomeUnknown(ar.cause())) {
        new LinkedHashSet<>(keys).forEach(k -> changes.add(new Cache.Change(k, Cache.UNKNOWN_SEQ)));
      }
      return invalidate(Map.of(tenant, changes)).transform(v -> ar.succeeded()
          ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()));
    }));
  }

  @Override
  public Future<Void> touch(String tenant, List<String> ids, long at) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, inner.touch(tenant, ids, at).compose(v -> {
      if (!usable()) {
        skipped();
        return Future.<Void>succeededFuture();
      }
      return cache.touched(tenant, ids, at).recover(e -> {
        failed(e);
        return Future.succeededFuture();
      });
    }));
  }

  private Future<Void> invalidate(Map<String, List<Cache.Change>> changes) {
    List<Future<Void>> all = new ArrayList<>(changes.size());
    changes.forEach((tenant, list) -> {
      if (list.isEmpty()) {
        return;
      }
      stats.invalidated.add(list.size());
      if (!usable()) {
        skipped();
        return;
      }
      all.add(cache.invalidate(tenant, list).recover(e -> {
        failed(e);
        return Future.succeededFuture();
      }));
    });
    return Future.join(all).mapEmpty();
  }

  private void fill(String tenant, List<Memory> rows, long generation, long lookupNanos) {
    if (System.nanoTime() - lookupNanos > FILL_DEADLINE_NANOS || !usable()) {
      stats.refused.add(rows.size());
      return;
    }
    // Not awaited: the read is answered at once; a fill that fails only costs the next read a miss.
    cache.fill(tenant, rows, generation).onComplete(ar -> {
      if (ar.succeeded()) {
        stats.filled.add(ar.result());
        stats.refused.add(rows.size() - ar.result());
      } else {
        stats.refused.add(rows.size());
        failed(ar.cause());
      }
    });
  }

  private void fillAbsent(String tenant, Set<String> keys, long generation, long lookupNanos) {
    if (System.nanoTime() - lookupNanos > FILL_DEADLINE_NANOS || !usable()) {
      return;
    }
    cache.fillAbsent(tenant, keys, generation).onComplete(ar -> {
      if (ar.failed()) {
        failed(ar.cause());
      }
    });
  }

  /** Whether the cache may be used now; while it may not, starts a flush when none is running. */
  private boolean usable() {
    if (usable) {
      return true;
    }
    if (flushing.compareAndSet(false, true)) {
      long seen = failures.get();
      cache.clear().onComplete(ar -> {
        flushing.set(false);
        if (ar.succeeded() && failures.get() == seen) {
          stats.clears.increment();
          usable = true;
          stats.active(true);
          LOG.info("Cache {} reachable again: flushed (generation {}), reads use it again", cache.name(), ar.result());
        }
      });
    }
    return false;
  }

  private void failed(Throwable e) {
    failures.incrementAndGet();
    stats.failures.increment();
    if (usable) {
      usable = false;
      stats.active(false);
      LOG.warn("Cache {} failed ({}): serving from the store until it answers again and has been flushed",
          cache.name(), e.getMessage());
    }
  }

  /** A write whose invalidation was not sent: the flush that makes the cache usable again must come after it. */
  private void skipped() {
    failures.incrementAndGet();
  }

  /** Completes on {@code context} what {@code future} completes with. */
  private static <T> Future<T> onContext(Context context, Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        promise.handle(ar);
      } else {
        context.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }
}
