package org.somafractal.memory.lexical;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StoreScanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of the Lucene index, deployed as a worker verticle so that indexing and BM25 queries never run on an
 * event loop; one message at a time, so the engine needs no lock. At start it rebuilds the index from the canonical
 * store before it serves anything.
 */
public final class LexicalVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LexicalVerticle.class);

  private final MemoryStore store;
  private final LuceneLexicalEngine engine;

  /**
   * @param k1 BM25's term-frequency saturation
   * @param b BM25's length normalisation
   * @param contextWeight the weight of the sequence neighbours' text, 0 = none (see {@link LuceneLexicalEngine})
   */
  public LexicalVerticle(MemoryStore store, long tombstoneRetentionMs, float k1, float b, float contextWeight) {
    this.store = store;
    this.engine = new LuceneLexicalEngine(tombstoneRetentionMs, k1, b, contextWeight);
  }

  @Override
  public Future<?> start() {
    long t0 = System.nanoTime();
    return StoreScanner.forEach(store, page -> engine.apply(IndexBatch.upserts(page)))
        .onSuccess(n -> LOG.info("Lexical index rebuilt from the store: {} memories in {} ms", n,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)))
        .compose(n -> Bus.serve(vertx, Addresses.LEXICAL, body -> handle((LexicalRequest) body)).completion());
  }

  private Future<?> handle(LexicalRequest request) {
    return switch (request) {
      case LexicalRequest.Apply r -> {
        engine.apply(r.batch());
        yield Future.succeededFuture();
      }
      case LexicalRequest.Search r -> Future.succeededFuture(engine.search(r.tenant(), r.query(), r.k(), r.filter()));
      case LexicalRequest.Count r -> Future.succeededFuture(engine.count(r.tenant()));
    };
  }

  @Override
  public Future<?> stop() {
    engine.close();
    return Future.succeededFuture();
  }
}
