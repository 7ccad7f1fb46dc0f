package org.somafractal.memory.vector;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StoreScanner;
import org.somafractal.memory.vector.fastcore.FastCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of the fast-core slab. Deployed as a worker verticle: a scan runs on a worker thread, never on an
 * event loop, and a worker verticle instance handles one message at a time, so the single-threaded {@link FastCore}
 * needs no lock. At start it rebuilds the slab from the canonical store before it serves anything; the graphs of
 * large tenants are then built on the fast core's own builder thread while searches scan exactly.
 */
public final class VectorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(VectorVerticle.class);

  private final MemoryStore store;
  private final FastCore core;

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
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    long t0 = System.nanoTime();
    return StoreScanner.forEach(store, page -> core.apply(IndexBatch.upserts(page)))
        .onSuccess(n -> LOG.info("Fast core ({}) rebuilt from the store: {} memories in {} ms", core.kernelName(), n,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)))
        .compose(n -> Bus.serve(vertx, Addresses.VECTOR, body -> handle((VectorRequest) body)).completion());
  }

  private Future<?> handle(VectorRequest request) {
    return switch (request) {
      case VectorRequest.Apply r -> {
        core.apply(r.batch());
        yield Future.succeededFuture();
      }
      case VectorRequest.Search r -> Future.succeededFuture(new VectorIndex.Result(
          core.search(r.tenant(), r.vector(), r.k(), r.filter()), core.importanceScale(r.tenant())));
      case VectorRequest.Scale r -> Future.succeededFuture(core.importanceScale(r.tenant()));
      case VectorRequest.Count r -> Future.succeededFuture(core.count(r.tenant()));
    };
  }
}
