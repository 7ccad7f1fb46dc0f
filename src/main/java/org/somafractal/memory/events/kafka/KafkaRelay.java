package org.somafractal.memory.events.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.metrics.Metrics;
import org.somafractal.memory.store.postgres.PostgresOutbox;

/**
 * The outbox relay's resources (a Kafka producer and a small PostgreSQL pool) and its lifecycle, for the eventing
 * verticle. Nothing here waits for Kafka: a relay started while the broker is down just keeps the outbox until it
 * answers.
 */
public final class KafkaRelay {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRelay.class);

  private final KafkaProducer<String, String> producer;
  private final PostgresOutbox outbox;
  private final OutboxRelay relay;

  private KafkaRelay(KafkaProducer<String, String> producer, PostgresOutbox outbox, OutboxRelay relay) {
    this.producer = producer;
    this.outbox = outbox;
    this.relay = relay;
  }

  /** Creates the clients and starts relaying; call on the owning verticle's context. */
  public static KafkaRelay start(Vertx vertx, KafkaSettings settings) {
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx,
        settings.producer("soma-relay-" + UUID.randomUUID().toString().substring(0, 8)));
    // Every send's own future reports its failure to the relay; without a handler Vert.x would log each one again.
    producer.exceptionHandler(e -> { });
    PostgresOutbox outbox = PostgresOutbox.create(vertx, settings.postgresUrl(), settings.timeoutMs());
    OutboxRelay relay = new OutboxRelay(vertx, outbox, producer, settings, Metrics.registry(vertx));
    relay.start();
    LOG.info("Outbox relay publishing to {} at {} (batches of {}, dead letters to {})", settings.topic(),
        settings.bootstrapServers(), settings.outboxBatch(), settings.dlqTopic());
    return new KafkaRelay(producer, outbox, relay);
  }

  /** Runs a batch soon: a local write has just put rows in the outbox. */
  public void wake() {
    relay.wake();
  }

  public Future<Void> stop() {
    return relay.stop()
        .eventually(() -> producer.close(2_000).otherwiseEmpty())
        .eventually(() -> outbox.close().otherwiseEmpty())
        .mapEmpty();
  }
}
