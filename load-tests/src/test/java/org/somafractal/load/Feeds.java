package org.somafractal.load;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bodies of the simulations, as Gatling feeders (each record holds {@code auth} — the tenant's credential
 * — and {@code body}). Query bodies come from a pool rendered once, so Gatling spends its CPU on requests, not on
 * formatting floats; store bodies are rendered per request, each at a coordinate never used before.
 */
public final class Feeds {
  private static final int POOL = 4096;
  /** Coordinates {@code i,0} hold the preload; stores of the simulations use {@code i,1}. */
  private static final AtomicLong NEXT_STORE = new AtomicLong();

  private Feeds() {
  }

  /** Endless vector searches over the pool, each in a random tenant. */
  public static Iterator<Map<String, Object>> vectorSearches() {
    String[] bodies = new String[POOL];
    for (int q = 0; q < POOL; q++) {
      StringBuilder b = new StringBuilder(LoadConfig.DIM * 9 + 64).append("{\"mode\":\"vector\",\"top_k\":")
          .append(LoadConfig.TOP_K).append(",\"vector\":");
      bodies[q] = Data.appendVector(b, Data.vector(q, true)).append('}').toString();
    }
    return endless(() -> bodies[ThreadLocalRandom.current().nextInt(POOL)]);
  }

  /**
   * Endless text searches (hybrid, the server embeds the query), never the same text twice in a run, nor one of an
   * earlier run: each run starts its sequence at its start time, so a second pass against the same server does not
   * find its queries in the server's embedding cache.
   */
  public static Iterator<Map<String, Object>> textSearches() {
    AtomicLong next = new AtomicLong(System.currentTimeMillis() * 1_000);
    return endless(() -> "{\"query\":\"" + Data.sentence(next.getAndIncrement(), true) + "\",\"top_k\":"
        + LoadConfig.TOP_K + "}");
  }

  /** Endless stores with client vectors, each at a new coordinate of a random tenant. */
  public static Iterator<Map<String, Object>> stores() {
    return endless(() -> Data.appendMemory(new StringBuilder(LoadConfig.DIM * 9 + 256),
        NEXT_STORE.getAndIncrement(), 1, true).toString());
  }

  private static Iterator<Map<String, Object>> endless(java.util.function.Supplier<String> body) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        int tenant = ThreadLocalRandom.current().nextInt(LoadConfig.TENANTS);
        return Map.of("auth", Auth.value(tenant), "body", body.get());
      }
    };
  }

  /**
   * The preload: every tenant's {@link LoadConfig#PER_TENANT} memories in bulk requests of {@link LoadConfig#BULK},
   * rendered as they are sent (a 500-memory body is 2 MB).
   */
  public static Iterator<Map<String, Object>> preload() {
    long chunksPerTenant = (LoadConfig.PER_TENANT + LoadConfig.BULK - 1) / LoadConfig.BULK;
    long total = chunksPerTenant * LoadConfig.TENANTS;
    AtomicLong next = new AtomicLong();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return next.get() < total;
      }

      @Override
      public synchronized Map<String, Object> next() {
        long chunk = next.getAndIncrement();
        int tenant = (int) (chunk / chunksPerTenant);
        long from = (chunk % chunksPerTenant) * LoadConfig.BULK;
        long to = Math.min(LoadConfig.PER_TENANT, from + LoadConfig.BULK);
        StringBuilder b = new StringBuilder((int) (to - from) * (LoadConfig.DIM * 9 + 256)).append("{\"items\":[");
        for (long i = from; i < to; i++) {
          if (i > from) {
            b.append(',');
          }
          Data.appendMemory(b, i, 0, true);
        }
        return Map.of("auth", Auth.value(tenant), "body", b.append("]}").toString());
      }
    };
  }

  /** How many bulk requests the preload sends. */
  public static long preloadRequests() {
    return (LoadConfig.PER_TENANT + LoadConfig.BULK - 1) / LoadConfig.BULK * LoadConfig.TENANTS;
  }
}
