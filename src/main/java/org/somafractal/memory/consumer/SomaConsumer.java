package org.somafractal.memory.consumer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.events.kafka.KafkaSettings;

/**
 * {@code soma consumer}: its own deployment, in its own process (or its own Vert.x instance), of the event-log
 * consumer and its metrics endpoint. Needs {@code KAFKA_BOOTSTRAP_SERVERS} and {@code POSTGRES_URL}; the consumer
 * group is {@code SOMA_CONSUMER_GROUP}, so several consumer processes share the partitions.
 */
public final class SomaConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(SomaConsumer.class);

  private final Vertx vertx;
  private final String consumerDeployment;
  private final String metricsDeployment;
  private final int metricsPort;

  private SomaConsumer(Vertx vertx, String consumerDeployment, String metricsDeployment, int metricsPort) {
    this.vertx = vertx;
    this.consumerDeployment = consumerDeployment;
    this.metricsDeployment = metricsDeployment;
    this.metricsPort = metricsPort;
  }

  /** Deploys the consumer and its metrics server; fails with a {@link ConfigException} for a missing key. */
  public static Future<SomaConsumer> start(Vertx vertx, SomaConfig config) {
    KafkaSettings kafka = KafkaSettings.ofAnyMode(config);
    if (kafka == null) {
      return Future.failedFuture(new ConfigException("Invalid configuration KAFKA_BOOTSTRAP_SERVERS: soma consumer "
          + "needs a Kafka (and EVENTING_ENABLED not false)"));
    }
    String url = config.get(Settings.POSTGRES_URL);
    if (url == null || url.isBlank()) {
      return Future.failedFuture(new ConfigException("Invalid configuration POSTGRES_URL: soma consumer records "
          + "events in PostgreSQL (postgresql://user:password@host:port/database)"));
    }
    MetricsVerticle metrics = new MetricsVerticle(config.get(Settings.API_HOST),
        config.get(Settings.CONSUMER_METRICS_PORT));
    String group = config.get(Settings.CONSUMER_GROUP);
    return vertx.deployVerticle(new EventLogVerticle(kafka, group)).compose(consumer ->
        vertx.deployVerticle(metrics)
            .recover(e -> vertx.undeploy(consumer).transform(ignored -> Future.failedFuture(e)))
            .map(m -> {
              LOG.info("soma consumer ready: group {}, metrics on http://{}:{}/metrics", group,
                  config.get(Settings.API_HOST), metrics.actualPort());
              return new SomaConsumer(vertx, consumer, m, metrics.actualPort());
            }));
  }

  /** The port of {@code GET /metrics}. */
  public int metricsPort() {
    return metricsPort;
  }

  public Future<Void> stop() {
    return vertx.undeploy(metricsDeployment).otherwiseEmpty()
        .compose(v -> vertx.undeploy(consumerDeployment).otherwiseEmpty());
  }
}
