package org.somafractal.memory.service;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.store.MemoryStore;

/**
 * Brings the indexes back in line with the canonical store after writes whose outcome is unknown. When the store
 * fails a write as unavailable (PostgreSQL went away, a timeout) the write may still have committed: the reply can be
 * lost after COMMIT. Such a write was not acknowledged, and the service did not apply it to the vector, lexical and
 * graph indexes; left so, a committed row would stay unsearchable on this node, or a deleted one searchable, until
 * the indexes are rebuilt at the next start.
 *
 * <p>Each such coordinate is remembered here and, once the store answers again (after the next successful store
 * call), read back: a row that is there is applied to the indexes as an upsert (their seq check makes that a no-op
 * when they already hold it or something newer); a memory known before the write that is no longer there (or was
 * replaced by another id) is removed. Removals carry {@link Long#MAX_VALUE} as their seq, since the delete's own seq
 * is unknown; ids are never reused, so that blocks nothing that could come back.
 *
 * <p>At most {@value #MAX_PENDING} coordinates wait; beyond that the oldest are dropped with a warning (the next
 * start rebuilds the indexes from the store anyway). Thread-safe.
 */
final class IndexRepair {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRepair.class);
  static final int MAX_PENDING = 100_000;
  private static final int PASS = 256;

  private final MemoryStore store;
  private final Function<IndexBatch, Future<Void>> index;
  private final GraphIndex graph;
  /** Guarded by {@code this}; keyed by tenant and coordinate key. */
  private final Map<List<String>, Pending> pending = new LinkedHashMap<>();
  /** Guarded by {@code this}. */
  private boolean running;

  /** A coordinate to read back, and the id of the memory it held before the write, when known. */
  private record Pending(String tenant, String key, String knownId) {
  }

  IndexRepair(MemoryStore store, Function<IndexBatch, Future<Void>> index, GraphIndex graph) {
    this.store = store;
    this.index = index;
    this.graph = graph;
  }

  /** Remembers that a write of {@code key} failed without saying whether it committed. */
  synchronized void uncertain(String tenant, String key, String knownId) {
    Pending before = pending.remove(List.of(tenant, key));
    pending.put(List.of(tenant, key), new Pending(tenant, key,
        knownId != null ? knownId : before == null ? null : before.knownId()));
    if (pending.size() > MAX_PENDING) {
      Iterator<List<String>> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
      LOG.warn("More than {} coordinates wait for their indexes to be repaired; dropped the oldest (the indexes are "
          + "rebuilt from the store at the next start)", MAX_PENDING);
    }
  }

  /** The number of coordinates waiting. */
  synchronized int pending() {
    return pending.size();
  }

  /** Called after a store call succeeded: the store answers, so repair what waits (one pass at a time). */
  void kick() {
    List<Pending> pass;
    synchronized (this) {
      if (running || pending.isEmpty()) {
        return;
      }
      running = true;
      pass = new ArrayList<>(Math.min(PASS, pending.size()));
      for (Pending p : pending.values()) {
        pass.add(p);
        if (pass.size() == PASS) {
          break;
        }
      }
    }
    repair(pass, 0).onComplete(ar -> {
      synchronized (this) {
        running = false;
      }
      if (ar.succeeded()) {
        kick();
      }
    });
  }

  private Future<Void> repair(List<Pending> pass, int i) {
    if (i == pass.size()) {
      return Future.succeededFuture();
    }
    Pending p = pass.get(i);
    return store.get(p.tenant(), p.key()).compose(now -> {
      List<Memory> upserts = now == null ? List.of() : List.of(now);
      List<Removal> removals = p.knownId() != null && (now == null || !now.id().equals(p.knownId()))
          ? List.of(new Removal(p.tenant(), p.knownId(), p.key(), Long.MAX_VALUE)) : List.of();
      Future<Void> graphDone = removals.isEmpty() ? Future.succeededFuture() : graph.removed(removals);
      return Future.all(index.apply(new IndexBatch(upserts, removals)), graphDone);
    }).compose(v -> {
      synchronized (this) {
        pending.remove(List.of(p.tenant(), p.key()), p);
      }
      return repair(pass, i + 1);
    });
  }
}
