package org.somafractal.memory.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.LocalCodec;
import org.somafractal.memory.events.kafka.KafkaRelay;
import org.somafractal.memory.events.kafka.KafkaSettings;

/**
 * Relays memory events from {@code Addresses.EVENTS_OUTBOX} to every local subscriber of {@code Addresses.EVENTS}, one
 * {@link MemoryEvent} per message, in the order received. In a server mode with Kafka it also runs the outbox relay
 * ({@link KafkaRelay}), which publishes the PostgreSQL outbox to the topic: woken by each local write, and on a timer
 * for the rows other nodes wrote or a failed attempt left.
 */
public final class EventingVerticle extends VerticleBase {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME);
  private final AtomicLong published = new AtomicLong();
  private final KafkaSettings kafka;
  private KafkaRelay relay;

  /** Local events only: the embedded modes, and the server modes without Kafka. */
  public EventingVerticle() {
    this(null);
  }

  /** @param kafka the Kafka of a server mode, or {@code null} for local events only */
  public EventingVerticle(KafkaSettings kafka) {
    this.kafka = kafka;
  }

  @Override
  public Future<?> start() {
    if (kafka != null) {
      relay = KafkaRelay.start(vertx, kafka);
    }
    return vertx.eventBus().<List<MemoryEvent>>consumer(Addresses.EVENTS_OUTBOX, message -> {
      for (MemoryEvent event : message.body()) {
        vertx.eventBus().publish(Addresses.EVENTS, event, LOCAL);
        published.incrementAndGet();
      }
      if (relay != null) {
        relay.wake();
      }
    }).completion();
  }

  @Override
  public Future<?> stop() {
    return relay == null ? Future.succeededFuture() : relay.stop();
  }

  /** Events published since start. */
  public long published() {
    return published.get();
  }
}
