package org.somafractal.memory.store.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.postgres.PostgresMemoryStore;
import org.somafractal.memory.store.postgres.PostgresOptions;
import org.somafractal.memory.store.sqlite.SqliteMemoryStore;
import org.somafractal.memory.store.sqlite.SqliteOptions;

/**
 * Read latency of the canonical store with and without the read-through cache, at the store port (the path of
 * {@code GET /memories/{coord}} and of a search's hydration, minus HTTP and the bus hop both share): PostgreSQL alone
 * against PostgreSQL behind the Redis cache, and SQLite alone against SQLite behind the in-process cache. Each read
 * pass runs {@code --reads} random reads with {@code --concurrency} in flight: {@code get} by coordinate, and
 * {@code getByIds} of {@code --batch} random ids (a search's hydration). With the cache the first pass fills it
 * (misses), the second is served from it (hits). Prints one JSON line per pass.
 *
 * <p>Options: {@code --postgres postgresql://postgres@127.0.0.1:5432/soma_bench --redis redis://127.0.0.1:6379
 * --n 10000 --reads 20000 --batch 20 --concurrency 16 --dim 384}; without {@code --postgres} only SQLite runs. The
 * memories are written under a tenant of their own and deleted afterwards; Redis keys go under a prefix of their
 * own and expire.
 */
public final class CacheBench {
  private CacheBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int n = Integer.parseInt(o.getOrDefault("n", "10000"));
    int reads = Integer.parseInt(o.getOrDefault("reads", "20000"));
    int batch = Integer.parseInt(o.getOrDefault("batch", "20"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
    int dim = Integer.parseInt(o.getOrDefault("dim", "384"));
    String tenant = "bench-cache-" + UUID.randomUUID().toString().substring(0, 8);
    Vertx vertx = Vertx.vertx();
    try {
      Path dir = Files.createTempDirectory("soma-cache-bench-");
      MemoryStore sqlite = await(SqliteMemoryStore.open(vertx, SqliteOptions.file(dir.resolve("bench.db")
          .toString())));
      run(vertx, "sqlite", sqlite, new CaffeineCache(Duration.ofMinutes(10), n), tenant, n, reads, batch,
          concurrency, dim);
      await(sqlite.close());
      String postgres = o.get("postgres");
      if (postgres != null) {
        MemoryStore pg = await(PostgresMemoryStore.open(vertx, PostgresOptions.of(postgres)));
        RedisConnection redis = RedisConnection.shared(vertx, SomaConfig.from(Map.of("MEMORY_MODE",
            "evented_enterprise", "POSTGRES_URL", postgres, "REDIS_URL",
            o.getOrDefault("redis", "redis://127.0.0.1:6379"), "SOMA_REDIS_KEY_PREFIX", tenant + ":")));
        run(vertx, "postgres", pg, new RedisCache(redis, 600_000), tenant, n, reads, batch, concurrency, dim);
        await(pg.close());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void run(Vertx vertx, String name, MemoryStore store, Cache cache, String tenant, int n, int reads,
      int batch, int concurrency, int dim) throws Exception {
    Random random = new Random(42);
    List<Memory> stored = new ArrayList<>(n);
    for (int from = 0; from < n; from += 500) {
      List<MemoryDraft> drafts = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 500); i++) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = random.nextFloat() - 0.5f;
        }
        drafts.add(new MemoryDraft(tenant, Coordinate.of(i, i % 97), new JsonObject()
            .put("content", "cache benchmark memory " + i + " about topic " + (i % 113)), MemoryType.EPISODIC,
            1 + i % 5, new JsonObject().put("topic", i % 113), "cache benchmark memory " + i, v, "bench"));
      }
      await(store.upsert(drafts)).forEach(s -> stored.add(s.memory()));
    }
    CachingMemoryStore cached = new CachingMemoryStore(vertx, store, cache);
    for (String op : List.of("get", "getByIds")) {
      for (String variant : List.of("store", "cache cold", "cache warm")) {
        MemoryStore target = variant.equals("store") ? store : cached;
        Random pick = new Random(7);
        int[] keys = new int[reads * (op.equals("get") ? 1 : batch)];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = pick.nextInt(n);
        }
        if (variant.equals("cache cold")) {
          await(cache.clear());
        }
        long hits0 = cached.stats().hits();
        long misses0 = cached.stats().misses();
        IntFunction<Future<?>> get = op.equals("get")
            ? i -> target.get(tenant, stored.get(keys[i]).key())
            : i -> {
              List<String> ids = new ArrayList<>(batch);
              for (int j = 0; j < batch; j++) {
                ids.add(stored.get(keys[i * batch + j]).id());
              }
              return target.getByIds(tenant, ids);
            };
        long t0 = System.nanoTime();
        long[] latencies = drive(vertx, get, reads, concurrency);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("{\"bench\":\"cache\",\"store\":\"%s\",\"cache\":\"%s\",\"op\":\"%s\",\"batch\":%d,"
                + "\"memories\":%d,\"reads\":%d,\"concurrency\":%d,\"reads_per_s\":%.0f,\"p50_ms\":%.3f,"
                + "\"p99_ms\":%.3f,\"hits\":%d,\"misses\":%d}%n", name,
            variant.equals("store") ? "none" : cache.name() + (variant.endsWith("cold") ? " (cold)" : " (warm)"),
            op, op.equals("get") ? 1 : batch, n, reads, concurrency, reads / seconds,
            latencies[reads / 2] / 1e6, latencies[(int) Math.ceil(reads * 0.99) - 1] / 1e6,
            cached.stats().hits() - hits0, cached.stats().misses() - misses0);
      }
    }
    List<String> keys = stored.stream().map(Memory::key).toList();
    for (int from = 0; from < keys.size(); from += 500) {
      await(store.delete(tenant, keys.subList(from, Math.min(keys.size(), from + 500))));
    }
  }

  /** Runs {@code count} calls with {@code concurrency} in flight on one event loop; returns each call's latency. */
  private static long[] drive(Vertx vertx, IntFunction<Future<?>> call, int count, int concurrency) {
    long[] latencies = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(concurrency);
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> {
      for (int c = 0; c < concurrency; c++) {
        loop(vertx, call, latencies, next, running, done);
      }
    });
    await(done.future());
    return latencies;
  }

  private static void loop(Vertx vertx, IntFunction<Future<?>> call, long[] latencies, AtomicInteger next,
      AtomicInteger running, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= latencies.length) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    long t0 = System.nanoTime();
    call.apply(i).onComplete(ar -> {
      latencies[i] = System.nanoTime() - t0;
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      // the next call on a fresh turn of the loop: a cache hit completes at once, and would recurse
      vertx.runOnContext(v -> loop(vertx, call, latencies, next, running, done));
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
