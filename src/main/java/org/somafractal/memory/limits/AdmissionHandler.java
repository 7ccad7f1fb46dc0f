package org.somafractal.memory.limits;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import org.somafractal.memory.core.SomaException;

/**
 * Load shedding: a bound on the requests that all HTTP verticles of a Vert.x instance serve at once; one more is
 * refused at once with 503 and {@code Retry-After}, before its body is read. Without it an overload queues requests on
 * the event bus until every one of them is late and the heap fills with waiting bodies; with it the admitted requests
 * keep the latency of a loaded server and the rest learn at once that they should retry.
 *
 * <p>By default the bound is fixed, {@code SOMA_MAX_IN_FLIGHT}: the operator sizes it as throughput × the latency
 * one accepts (Little's law). {@code SOMA_ADMISSION=adaptive} uses Netflix's concurrency-limits {@link Gradient2Limit}
 * instead: it lowers the bound when the latency of admitted requests rises above its long-run level (requests are
 * queueing) and raises it while latency holds, between {@code SOMA_MIN_IN_FLIGHT} and {@code SOMA_MAX_IN_FLIGHT}.
 * It is not the default because latency that rises for other reasons (a shared, noisy machine) also lowers the bound,
 * and the server then sheds below its capacity. Streamed imports and exports are
 * counted but their durations are not latency samples. Operational routes are never refused, so probes answer under
 * any load. Thread-safe.
 */
public final class AdmissionHandler implements Handler<RoutingContext> {
  private static final String SHARED_KEY = "soma.admission";
  private static final Set<String> OPERATIONAL = Set.of("/", "/healthz", "/readyz", "/health", "/metrics");
  private static final Set<String> STREAMED = Set.of("/memories/import", "/memories/export", "/import_memories",
      "/export_memories");

  private final Shared shared;

  private AdmissionHandler(Shared shared) {
    this.shared = shared;
  }

  /**
   * The handler of {@code vertx}, whose bound every HTTP verticle of that instance shares.
   *
   * @param adaptive whether the bound adapts to latency between {@code min} and {@code max}, or is {@code max}
   */
  public static AdmissionHandler shared(Vertx vertx, boolean adaptive, int min, int max) {
    return new AdmissionHandler(vertx.sharedData().<String, Shared>getLocalMap(SHARED_KEY)
        .computeIfAbsent(SHARED_KEY, k -> new Shared(limiter(adaptive, min, max), max)));
  }

  private static Limiter<Void> limiter(boolean adaptive, int min, int max) {
    Limit limit = adaptive
        ? Gradient2Limit.newBuilder().minLimit(Math.min(min, max)).initialLimit(Math.min(Math.max(min, 64), max))
            .maxConcurrency(max).build()
        : FixedLimit.of(max);
    return SimpleLimiter.newBuilder().named("soma-admission").limit(limit).build();
  }

  /** The current bound. */
  public int limit() {
    return ((SimpleLimiter<Void>) shared.limiter()).getLimit();
  }

  /** Requests being served now. */
  public int inFlight() {
    return ((SimpleLimiter<Void>) shared.limiter()).getInflight();
  }

  @Override
  public void handle(RoutingContext ctx) {
    // The raw path: normalizedPath() throws on a bad %-escape, and the probes' paths have none to normalise.
    String path = ctx.request().path();
    if (OPERATIONAL.contains(path)) {
      ctx.next();
      return;
    }
    Optional<Limiter.Listener> admitted = shared.limiter().acquire(null);
    if (admitted.isEmpty()) {
      ctx.fail(SomaException.unavailable("The server is at capacity (" + limit() + " requests in flight); retry "
          + "shortly"));
      return;
    }
    Limiter.Listener listener = admitted.get();
    boolean streamed = STREAMED.contains(path);
    // Called once, when the response is sent or the connection is gone, whichever comes first.
    ctx.addEndHandler(ended -> {
      if (streamed || ended.failed() || ctx.response().getStatusCode() >= 500) {
        listener.onIgnore();
      } else {
        listener.onSuccess();
      }
    });
    ctx.next();
  }

  /** The limiter, held in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Shared(Limiter<Void> limiter, int max) implements Shareable {
  }
}
