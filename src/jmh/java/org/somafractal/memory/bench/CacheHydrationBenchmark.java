package org.somafractal.memory.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.store.cache.Cache;
import org.somafractal.memory.store.cache.CaffeineCache;

/**
 * A search's hydration from the in-process cache: the candidates of one search (40 ids of one tenant, as top 10 with
 * the default candidate multiplier) looked up in a full cache of the "many tenants" shape (100 tenants × 1,000 rows).
 * Every lookup misses the CPU caches, as in the server, because the rows are spread over the whole heap. As in the
 * server, the ids and keys looked up are other instances than the cached rows' (the server's come from the indexes)
 * and the tenant's name is a new string each time (it comes from the request).
 *
 * <p>{@code bin/bench jmh CacheHydrationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheHydrationBenchmark {
  @Param({"100"})
  int tenants;
  @Param({"1000"})
  int perTenant;
  @Param({"40"})
  int candidates;

  private Cache cache;
  private String[] tenantNames;
  private String[][] ids;
  private String[][] keys;
  private String[][] wantedIds;
  private String[][] wantedKeys;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void fill() {
    cache = new CaffeineCache(Duration.ofHours(1), tenants * perTenant);
    tenantNames = new String[tenants];
    ids = new String[tenants][perTenant];
    keys = new String[tenants][perTenant];
    wantedIds = new String[tenants][perTenant];
    wantedKeys = new String[tenants][perTenant];
    for (int t = 0; t < tenants; t++) {
      tenantNames[t] = "load-tenants-" + t;
      List<Memory> rows = new ArrayList<>(perTenant);
      for (int i = 0; i < perTenant; i++) {
        Coordinate c = Coordinate.of(t, i);
        ids[t][i] = UUID.randomUUID().toString();
        keys[t][i] = c.key();
        rows.add(new Memory(ids[t][i], tenantNames[t], c, new JsonObject().put("content", "memory " + i),
            MemoryType.EPISODIC, 1.0, new JsonObject(), "memory " + i, new float[384], "client", 1L, 1L, 1L, 0,
            i + 1L));
      }
      cache.fill(tenantNames[t], rows, 0);
    }
    for (int t = 0; t < tenants; t++) {
      for (int i = 0; i < perTenant; i++) {
        wantedIds[t][i] = new String(ids[t][i]);
        wantedKeys[t][i] = new String(keys[t][i]);
      }
    }
  }

  @Benchmark
  public Cache.Hits byIds() {
    int t = random.nextInt(tenants);
    return cache.byIds(new String(tenantNames[t]), pick(wantedIds[t])).result();
  }

  @Benchmark
  public Cache.Hits byKeys() {
    int t = random.nextInt(tenants);
    return cache.byKeys(new String(tenantNames[t]), pick(wantedKeys[t])).result();
  }

  private List<String> pick(String[] names) {
    List<String> wanted = new ArrayList<>(candidates);
    for (int i = 0; i < candidates; i++) {
      wanted.add(names[random.nextInt(names.length)]);
    }
    return wanted;
  }
}
