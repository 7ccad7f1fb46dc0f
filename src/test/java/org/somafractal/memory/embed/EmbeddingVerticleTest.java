package org.somafractal.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.SomaException;

@ExtendWith(VertxExtension.class)
class EmbeddingVerticleTest {
  private static final HashEmbeddingModel REFERENCE = new HashEmbeddingModel(16);

  /** Records every call; slow enough that concurrent requests pile up behind a running call. */
  static class CountingModel implements EmbeddingModel {
    final List<List<String>> calls = new CopyOnWriteArrayList<>();
    final Map<String, Integer> embedded = new ConcurrentHashMap<>();
    final long delayMs;
    volatile Thread lastThread;

    CountingModel(long delayMs) {
      this.delayMs = delayMs;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      lastThread = Thread.currentThread();
      calls.add(List.copyOf(texts));
      texts.forEach(t -> embedded.merge(t, 1, Integer::sum));
      if (delayMs > 0) {
        try {
          Thread.sleep(delayMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (texts.stream().anyMatch(t -> t.contains("boom"))) {
        throw new IllegalStateException("model exploded");
      }
      return REFERENCE.embedAll(texts);
    }

    @Override
    public int dimension() {
      return 16;
    }

    @Override
    public String id() {
      return "counting";
    }
  }

  private static EmbedderClient deploy(Vertx vertx, EmbeddingModel model, int maxBatch, long cacheSize)
      throws Exception {
    Bus.registerCodec(vertx);
    await(vertx.deployVerticle(new EmbeddingVerticle(model, maxBatch, cacheSize),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
    return new EmbedderClient(vertx, model.dimension(), model.id(), 5_000);
  }

  @Test
  void concurrentRequestsShareModelCallsAndGetTheirOwnVectors(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(20);
    EmbedderClient client = deploy(vertx, model, 64, 10_000);
    List<List<String>> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      requests.add(List.of("memory number " + i, "shared text", "another " + i));
    }
    List<Future<List<float[]>>> replies = new ArrayList<>();
    // sent from one event-loop task, as a busy HTTP verticle would
    vertx.runOnContext(v -> requests.forEach(r -> replies.add(client.embed(r))));
    awaitCondition(() -> replies.size() == 50);
    Future.all(new ArrayList<>(replies)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    for (int i = 0; i < 50; i++) {
      List<float[]> vectors = replies.get(i).result();
      assertThat(vectors).hasSize(3);
      for (int j = 0; j < 3; j++) {
        assertThat(vectors.get(j)).as("request %d text %d", i, j).containsExactly(REFERENCE.embed(requests.get(i).get(j)));
      }
    }
    assertThat(model.calls).hasSizeLessThan(25);
    assertThat(model.calls).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(64).doesNotHaveDuplicates());
    assertThat(model.embedded.get("shared text")).isEqualTo(1);
    assertThat(model.embedded).hasSize(101);
    assertThat(model.lastThread.getName()).contains("worker");
  }

  @Test
  void cachedTextsSkipTheModel(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(0);
    EmbedderClient client = deploy(vertx, model, 64, 100);
    await(client.embed(List.of("green tea", "black coffee")));
    assertThat(model.calls).hasSize(1);

    List<float[]> again = await(client.embed(List.of("black coffee", "green tea")));
    assertThat(model.calls).hasSize(1);
    assertThat(again.get(0)).containsExactly(REFERENCE.embed("black coffee"));
    assertThat(again.get(1)).containsExactly(REFERENCE.embed("green tea"));

    await(client.embed(List.of("green tea", "oolong")));
    assertThat(model.calls).hasSize(2);
    assertThat(model.calls.get(1)).containsExactly("oolong");
  }

  /** An asymmetric model: it sees its markers, which the verticle adds. */
  static final class MarkedModel extends CountingModel {
    MarkedModel() {
      super(0);
    }

    @Override
    public String prefix(Purpose purpose) {
      return purpose == Purpose.QUERY ? "query: " : "passage: ";
    }
  }

  @Test
  void queriesAndMemoriesReachTheModelBehindTheirMarkersAndAreCachedApart(Vertx vertx) throws Exception {
    MarkedModel model = new MarkedModel();
    EmbedderClient client = deploy(vertx, model, 64, 100);
    List<float[]> memories = await(client.embed(List.of("green tea", " ")));
    float[] query = await(client.embedQuery("green tea"));
    assertThat(model.calls).containsExactly(List.of("passage: green tea", " "), List.of("query: green tea"));
    assertThat(memories.get(0)).containsExactly(REFERENCE.embed("passage: green tea"));
    assertThat(memories.get(1)).as("a blank text is not marked").containsExactly(REFERENCE.embed(" "));
    assertThat(query).containsExactly(REFERENCE.embed("query: green tea"));

    assertThat(await(client.embedQuery("green tea"))).containsExactly(query);
    assertThat(await(client.embed(List.of("green tea"))).get(0)).containsExactly(memories.get(0));
    assertThat(model.calls).as("both answered by the cache").hasSize(2);
  }

  @Test
  void aSymmetricModelSharesOneVectorBetweenAQueryAndAMemory(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(0);
    EmbedderClient client = deploy(vertx, model, 64, 100);
    float[] memory = await(client.embed(List.of("green tea"))).get(0);
    assertThat(await(client.embedQuery("green tea"))).containsExactly(memory);
    assertThat(model.calls).containsExactly(List.of("green tea"));
  }

  @Test
  void aDisabledCacheAlwaysCallsTheModel(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(0);
    EmbedderClient client = deploy(vertx, model, 64, 0);
    await(client.embed(List.of("green tea")));
    await(client.embed(List.of("green tea")));
    assertThat(model.calls).hasSize(2);
  }

  @Test
  void modelFailureFailsOnlyTheRequestsOfThatBatch(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(10);
    // two texts per model call: each request below is a batch of its own
    EmbedderClient client = deploy(vertx, model, 2, 100);
    List<Future<List<float[]>>> replies = new ArrayList<>();
    vertx.runOnContext(v -> {
      replies.add(client.embed(List.of("a1", "a2")));
      replies.add(client.embed(List.of("boom", "b2")));
      replies.add(client.embed(List.of("c1", "c2")));
    });
    awaitCondition(() -> replies.size() == 3);
    Future.join(new ArrayList<>(replies)).toCompletionStage().toCompletableFuture().exceptionally(e -> null)
        .get(10, TimeUnit.SECONDS);

    assertThat(replies.get(0).succeeded()).isTrue();
    assertThat(replies.get(2).succeeded()).isTrue();
    assertThat(replies.get(2).result().get(1)).containsExactly(REFERENCE.embed("c2"));
    assertThat(replies.get(1).failed()).isTrue();
    assertThat(replies.get(1).cause()).isInstanceOfSatisfying(SomaException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    assertThat(model.calls).hasSize(3);

    // a failed text is not cached as anything, and the service keeps working
    assertThat(await(client.embed(List.of("b2"))).get(0)).containsExactly(REFERENCE.embed("b2"));
  }

  @Test
  void aRequestLargerThanMaxBatchIsSplitAcrossModelCalls(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(0);
    EmbedderClient client = deploy(vertx, model, 4, 100);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      texts.add("text " + i);
    }
    texts.add("text 3");
    List<float[]> vectors = await(client.embed(texts));
    assertThat(vectors).hasSize(11);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(REFERENCE.embed(texts.get(i)));
    }
    assertThat(model.calls).extracting(List::size).containsExactly(4, 4, 2);
  }

  @Test
  void emptyRequestsNeedNoHopAndBadBodiesAreMalformed(Vertx vertx) throws Exception {
    CountingModel model = new CountingModel(0);
    EmbedderClient client = deploy(vertx, model, 64, 100);
    assertThat(client.embed(List.of()).result()).isEmpty();
    assertThat(new EmbedderClient(vertx, 16, "x", 100).embed(List.of()).result()).isEmpty();
    try {
      await(Bus.request(vertx, Addresses.EMBED, "not a request", 5_000));
      fail("a string body must be refused");
    } catch (SomaException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.MALFORMED);
    }
    assertThat(model.calls).isEmpty();
  }

  @Test
  void noServiceMeansUnavailable(Vertx vertx) throws Exception {
    Bus.registerCodec(vertx);
    try {
      await(new EmbedderClient(vertx, 16, "x", 1_000).embed(List.of("hello")));
      fail("nobody serves the address");
    } catch (SomaException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met in time");
      }
      Thread.sleep(5);
    }
  }
}
