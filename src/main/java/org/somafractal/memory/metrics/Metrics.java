package org.somafractal.memory.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.EnumSet;

/**
 * The Prometheus registry of one Vert.x instance, which {@code GET /metrics} serves: Vert.x's own metrics (HTTP
 * server, pools, event bus, JVM) when the instance was built by {@link #vertx}, and the application's meters (outbox,
 * relay, follower, consumer) always. One registry per Vert.x instance, so two servers in one JVM report apart.
 *
 * <p>Labels never carry request paths, remote addresses or tenants: HTTP metrics are labelled by route template,
 * method and status only, so the output holds no tenant's data.
 */
public final class Metrics {
  private static final String KEY = "soma.metrics";
  private static final EnumSet<Label> LABELS = EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
      Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME);

  private Metrics() {
  }

  /** A Vert.x instance with Micrometer metrics reported into a registry of its own. */
  public static Vertx vertx(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(LABELS));
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    vertx.sharedData().getLocalMap(KEY).put(KEY, new Holder(registry));
    return vertx;
  }

  /** The registry of {@code vertx}: the one {@link #vertx} built it with, else one created on first use. */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    return vertx.sharedData().<String, Holder>getLocalMap(KEY)
        .computeIfAbsent(KEY, k -> new Holder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).registry();
  }

  /** The handler of {@code GET /metrics}: the registry in the Prometheus text format. */
  public static Handler<RoutingContext> scrape(Vertx vertx) {
    return PrometheusScrapingHandler.create(registry(vertx));
  }

  /** Holds the registry in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Holder(PrometheusMeterRegistry registry) implements Shareable {
  }
}
