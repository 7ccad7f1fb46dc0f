package org.somafractal.load;

/**
 * The knobs of every simulation, read once from system properties ({@code mvn gatling:test -Dshape=big ...}; run.sh
 * passes them). Two data shapes: {@code tenants} (100 tenants × 1,000 memories, the usual agent workload) and
 * {@code big} (one tenant × 100,000 memories). Authentication: a JWT per tenant when {@code jwt.secret} is set (the
 * server's {@code SOMA_JWT_SECRET}), else the {@code X-Soma-Tenant} header of an open server.
 */
public final class LoadConfig {
  public static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:9595");
  public static final String SHAPE = System.getProperty("shape", "tenants");
  public static final int TENANTS = Integer.getInteger("tenants", SHAPE.equals("big") ? 1 : 100);
  public static final int PER_TENANT = Integer.getInteger("perTenant", SHAPE.equals("big") ? 100_000 : 1_000);
  public static final int DIM = Integer.getInteger("dim", 384);
  public static final int TOP_K = Integer.getInteger("topK", 10);
  /** Requests per second the open-model simulations offer. */
  public static final double RATE = Double.parseDouble(System.getProperty("rate", "1000"));
  public static final int DURATION_SECONDS = Integer.getInteger("duration", 30);
  public static final int RAMP_SECONDS = Integer.getInteger("ramp", 5);
  /** Items per request of the preload. */
  public static final int BULK = Integer.getInteger("bulk", 500);
  public static final int PRELOAD_CONCURRENCY = Integer.getInteger("preloadConcurrency", 4);
  public static final String JWT_SECRET = System.getProperty("jwt.secret", "");
  public static final String TENANT_PREFIX = System.getProperty("tenantPrefix", "load");
  public static final long SEED = Long.getLong("seed", 42L);

  private LoadConfig() {
  }

  public static String tenant(int index) {
    return TENANT_PREFIX + "-" + SHAPE + "-" + index;
  }

  /** Requests an open-model run of {@link #RATE} over the ramp and the plateau offers, rounded down. */
  public static long offeredRequests(double rate) {
    return (long) (rate * DURATION_SECONDS + rate * RAMP_SECONDS / 2.0);
  }

  public static String describe() {
    return "baseUrl=" + BASE_URL + " shape=" + SHAPE + " tenants=" + TENANTS + " perTenant=" + PER_TENANT
        + " dim=" + DIM + " rate=" + RATE + "/s duration=" + DURATION_SECONDS + "s ramp=" + RAMP_SECONDS + "s auth="
        + (JWT_SECRET.isEmpty() ? "tenant header" : "JWT");
  }
}
