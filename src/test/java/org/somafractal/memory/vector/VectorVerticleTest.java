package org.somafractal.memory.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.store.sqlite.SqliteMemoryStore;
import org.somafractal.memory.store.sqlite.SqliteOptions;

/**
 * The vector verticle over the event bus: searches run several at a time beside a stream of changes, and every
 * search answers from a consistent slab (sorted, at most k hits, each a memory that was stored), and a search sent
 * after a change was acknowledged sees it.
 */
class VectorVerticleTest {
  private static final int DIM = 64;
  private Vertx vertx;
  private SqliteMemoryStore store;
  private VectorClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Bus.registerCodec(vertx);
    store = await(SqliteMemoryStore.open(vertx, SqliteOptions.inMemory()));
    await(vertx.deployVerticle(new VectorVerticle(store, DIM, 60_000, 0, 1, 64),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
    client = new VectorClient(vertx, 30_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  /**
   * Each round stores 1,000 memories and then deletes all but a few of them (the slab grows by chunks, then
   * compacts, which renumbers its slots), with 16 searches in flight meanwhile. Every hit must carry its own memory's
   * score: a search that read the slab in the middle of a change would pair an id with another row's score.
   */
  @Test
  void concurrentSearchesBesideChangesAnswerConsistentlyAndSeeAcknowledgedWrites() throws Exception {
    Random rnd = new Random(3);
    Map<String, float[]> vectors = new ConcurrentHashMap<>();
    List<Future<?>> searches = new ArrayList<>();
    long seq = 0;
    int kept = 0;
    for (int round = 0; round < 12; round++) {
      List<Memory> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String id = "m" + round + "-" + i;
        Memory m = memory(id, unit(rnd), ++seq);
        vectors.put(id, m.vector());
        batch.add(m);
      }
      List<Removal> removals = new ArrayList<>();
      for (int i = 5; i < 1000; i++) {
        removals.add(new Removal("t", batch.get(i).id(), null, ++seq));
      }
      Future<Void> stored = client.apply(IndexBatch.upserts(batch));
      searches.addAll(searchesOf(rnd, vectors, 8));
      await(stored);
      Memory last = batch.get(batch.size() - 1);
      List<Hit> own = await(client.search("t", last.vector(), 1, MemoryFilter.NONE)).hits();
      assertThat(own).as("the last memory of an acknowledged batch").extracting(Hit::id).containsExactly(last.id());
      Future<Void> removed = client.apply(IndexBatch.removals(removals));
      searches.addAll(searchesOf(rnd, vectors, 8));
      await(removed);
      kept += 5;
    }
    await(Future.all(searches));
    assertThat(await(client.count("t"))).isEqualTo((long) kept);
  }

  private List<Future<?>> searchesOf(Random rnd, Map<String, float[]> vectors, int n) {
    List<Future<?>> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      float[] query = unit(rnd);
      out.add(client.search("t", query, 50, MemoryFilter.NONE).map(result -> {
        List<Hit> hits = result.hits();
        assertThat(hits.size()).isLessThanOrEqualTo(50);
        for (int i = 0; i < hits.size(); i++) {
          Hit h = hits.get(i);
          assertThat(h.score()).as("score of " + h.id()).isCloseTo(dot(query, vectors.get(h.id())), within(1e-4f));
          if (i > 0) {
            assertThat(h.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
          }
        }
        return null;
      }));
    }
    return out;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static Memory memory(String id, float[] vector, long seq) {
    return new Memory(id, "t", null, null, MemoryType.EPISODIC, 1.0, null, "", vector, "client", 0, 0, 0, 0, seq);
  }

  private static float[] unit(Random rnd) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) rnd.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
