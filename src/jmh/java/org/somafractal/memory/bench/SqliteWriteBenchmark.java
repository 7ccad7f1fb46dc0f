package org.somafractal.memory.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.store.sqlite.SqliteMemoryStore;
import org.somafractal.memory.store.sqlite.SqliteOptions;

/**
 * The SQLite store's write path alone, without HTTP or indexes: new memories (384-float vectors, a short payload)
 * upserted {@code batch} at a time with {@code inFlight} upserts outstanding, as concurrent bulk stores reach the
 * writer thread. The score is memories per second, each durable (WAL, {@code synchronous=FULL}) when its future
 * completes. The file grows through the run, as a store's does.
 *
 * <p>{@code bin/bench jmh SqliteWriteBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
@Fork(1)
public class SqliteWriteBenchmark {
  private static final int BATCH = 100;
  private static final int IN_FLIGHT = 8;

  @Param({"384"})
  int dim;

  private Vertx vertx;
  private Path dir;
  private SqliteMemoryStore store;
  private final SplittableRandom random = new SplittableRandom(11);
  private long next;

  @Setup(Level.Trial)
  public void open() throws IOException {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("soma-sqlite-bench");
    store = await(SqliteMemoryStore.open(vertx, SqliteOptions.file(dir.resolve("soma.db").toString())));
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    await(store.close());
    await(vertx.close());
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH * IN_FLIGHT)
  public int upsertNewMemories() {
    List<Future<?>> pending = new ArrayList<>(IN_FLIGHT);
    for (int u = 0; u < IN_FLIGHT; u++) {
      List<MemoryDraft> drafts = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        drafts.add(draft(next++));
      }
      pending.add(store.upsert(drafts));
    }
    await(Future.all(pending));
    return pending.size();
  }

  private MemoryDraft draft(long i) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) (random.nextDouble() - 0.5);
    }
    String text = "benchmark memory number " + i + " about topic " + (i % 113);
    return new MemoryDraft("t" + (i % 7), Coordinate.of(i, i % 97 + 0.5), new JsonObject().put("content", text),
        MemoryType.EPISODIC, 1 + (i % 5), new JsonObject(), text, v, "client");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
