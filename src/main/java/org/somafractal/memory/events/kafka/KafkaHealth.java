package org.somafractal.memory.events.kafka;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.metrics.Metrics;

/**
 * The {@code kafka} entry of {@code GET /health}: whether the brokers answer (a cluster description within at most
 * two seconds) and how many outbox rows wait. One admin client per Vert.x instance, created on first use. Kafka is
 * not required for serving (writes wait in the outbox), so callers report it as degraded, never as failed.
 */
public final class KafkaHealth {
  private static final String KEY = "soma.kafka.health";
  private static final long MAX_CHECK_MS = 2_000;

  private final Vertx vertx;
  private final KafkaAdminClient admin;
  private final long timeoutMs;

  private KafkaHealth(Vertx vertx, KafkaAdminClient admin, long timeoutMs) {
    this.vertx = vertx;
    this.admin = admin;
    this.timeoutMs = timeoutMs;
  }

  /** The check of {@code vertx}, or {@code null} when the configuration uses no Kafka. */
  public static KafkaHealth shared(Vertx vertx, SomaConfig config) {
    KafkaSettings settings = KafkaSettings.of(config);
    if (settings == null) {
      return null;
    }
    return vertx.sharedData().<String, Holder>getLocalMap(KEY).computeIfAbsent(KEY, k -> new Holder(new KafkaHealth(
        vertx, KafkaAdminClient.create(vertx, settings.admin("soma-health")),
        Math.min(MAX_CHECK_MS, settings.timeoutMs())))).health();
  }

  /** Closes the check of {@code vertx}, if one was created. */
  public static Future<Void> close(Vertx vertx) {
    Holder holder = vertx.sharedData().<String, Holder>getLocalMap(KEY).remove(KEY);
    return holder == null ? Future.succeededFuture() : holder.health().admin.close(MAX_CHECK_MS);
  }

  /** Succeeds with a one-line summary when a broker answers; fails when none does in time. */
  public Future<String> check() {
    return admin.describeCluster().timeout(timeoutMs, TimeUnit.MILLISECONDS).map(cluster -> {
      Gauge unsent = Metrics.registry(vertx).find("soma.outbox.unsent").gauge();
      return cluster.getNodes().size() + " broker(s); "
          + (unsent == null ? "outbox not sampled yet" : (long) unsent.value() + " outbox rows unsent");
    });
  }

  /** Holds the check in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Holder(KafkaHealth health) implements Shareable {
  }
}
