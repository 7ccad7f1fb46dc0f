package org.somafractal.memory.limits;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.somafractal.memory.core.SomaException;

/**
 * Load shedding: at most {@code SOMA_MAX_IN_FLIGHT} requests are served at once by all HTTP verticles of a Vert.x
 * instance; one more is refused at once with 503 and {@code Retry-After}, before its body is read. Without it an
 * overload queues requests on the event bus until every one of them is late and the heap fills with waiting bodies;
 * with it the admitted requests keep the latency of a loaded server and the rest learn within a millisecond that
 * they should retry. A fixed bound rather than an adaptive one: it is predictable, it is what the operator sizes
 * against memory (in-flight × body limit), and Little's law gives it (throughput × the latency one accepts).
 * Operational routes are never refused, so probes answer under any load. Thread-safe.
 */
public final class AdmissionHandler implements Handler<RoutingContext> {
  private static final String SHARED_KEY = "soma.admission";
  private static final Set<String> OPERATIONAL = Set.of("/", "/healthz", "/readyz", "/health", "/metrics");

  private final AtomicInteger inFlight;
  private final int max;

  private AdmissionHandler(AtomicInteger inFlight, int max) {
    this.inFlight = inFlight;
    this.max = max;
  }

  /** The handler of {@code vertx}, whose count every HTTP verticle of that instance shares. */
  public static AdmissionHandler shared(Vertx vertx, int max) {
    Counter counter = vertx.sharedData().<String, Counter>getLocalMap(SHARED_KEY)
        .computeIfAbsent(SHARED_KEY, k -> new Counter(new AtomicInteger()));
    return new AdmissionHandler(counter.value(), max);
  }

  /** Requests being served now. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void handle(RoutingContext ctx) {
    // The raw path: normalizedPath() throws on a bad %-escape, and the probes' paths have none to normalise.
    if (OPERATIONAL.contains(ctx.request().path())) {
      ctx.next();
      return;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      ctx.fail(SomaException.unavailable("The server is at capacity (" + max + " requests in flight); retry shortly"));
      return;
    }
    // Called once, when the response is sent or the connection is gone, whichever comes first.
    ctx.addEndHandler(ignored -> inFlight.decrementAndGet());
    ctx.next();
  }

  /** Holds the count in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Counter(AtomicInteger value) implements Shareable {
  }
}
