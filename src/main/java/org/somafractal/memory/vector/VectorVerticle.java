package org.somafractal.memory.vector;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StoreScanner;
import org.somafractal.memory.vector.fastcore.FastCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of the fast-core slab. Deployed as a worker verticle, so a scan never runs on an event loop. Changes
 * run on the verticle's own thread, one message at a time, under the write lock; searches run on a pool of one
 * thread per core (`soma-vector-search`) under the read lock, so that several searches share the cores while no
 * change is under way ({@link FastCore} allows concurrent searches between changes). A change waits for the searches
 * in progress and the searches behind it wait for the change, so a search sent after a change was acknowledged sees
 * it. A search's reply leaves from the search thread itself (its future has no Vert.x context), so a search costs
 * one thread hand-over fewer than going back through the verticle's thread. At start it rebuilds the slab from the
 * canonical store before it serves anything; the graphs of large tenants are then built on the fast core's own
 * builder thread while searches scan exactly.
 */
public final class VectorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(VectorVerticle.class);

  private final MemoryStore store;
  private final FastCore core;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private ExecutorService searchers;

  /**
   * @param annMinVectors vectors from which a tenant also gets an approximate graph; 0 = never
   * @param buildThreads threads that insert a batch of vectors into a graph
   * @param searchBeam candidates a graph search keeps
   */
  public VectorVerticle(MemoryStore store, int dimension, long tombstoneRetentionMs, int annMinVectors,
      int buildThreads, int searchBeam) {
    this.store = store;
    this.core = new FastCore(dimension, tombstoneRetentionMs, annMinVectors, buildThreads, searchBeam);
  }

  @Override
  public Future<?> stop() {
    core.close();
    if (searchers != null) {
      searchers.shutdownNow();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    searchers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
        Thread.ofPlatform().name("soma-vector-search-", 0).daemon().factory());
    long t0 = System.nanoTime();
    return StoreScanner.forEach(store, page -> core.apply(IndexBatch.upserts(page)))
        .onSuccess(n -> LOG.info("Fast core ({}) rebuilt from the store: {} memories in {} ms", core.kernelName(), n,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)))
        .compose(n -> Bus.serve(vertx, Addresses.VECTOR, body -> handle((VectorRequest) body)).completion());
  }

  private Future<?> handle(VectorRequest request) {
    return switch (request) {
      case VectorRequest.Apply r -> {
        lock.writeLock().lock();
        try {
          core.apply(r.batch());
        } finally {
          lock.writeLock().unlock();
        }
        yield Future.succeededFuture();
      }
      case VectorRequest.Search r -> search(r);
      // On the verticle's thread, the only one that changes the core: no lock needed against its own changes.
      case VectorRequest.Scale r -> Future.succeededFuture(core.importanceScale(r.tenant()));
      case VectorRequest.Count r -> Future.succeededFuture(core.count(r.tenant()));
    };
  }

  /** Runs {@code r} on a search thread, under the read lock; the future completes on that thread. */
  private Future<VectorIndex.Result> search(VectorRequest.Search r) {
    Promise<VectorIndex.Result> promise = Promise.promise();
    try {
      searchers.execute(() -> {
        try {
          promise.complete(read(() -> new VectorIndex.Result(core.search(r.tenant(), r.vector(), r.k(), r.filter()),
              core.importanceScale(r.tenant()))));
        } catch (Throwable e) {
          // Failed, not thrown: the pool would swallow it and the caller wait for its timeout.
          promise.fail(e);
        }
      });
    } catch (RejectedExecutionException e) {
      promise.fail(new SomaException(ErrorKind.UNAVAILABLE, "the vector index is stopping"));
    }
    return promise.future();
  }

  private <T> T read(Supplier<T> query) {
    lock.readLock().lock();
    try {
      return query.get();
    } finally {
      lock.readLock().unlock();
    }
  }
}
