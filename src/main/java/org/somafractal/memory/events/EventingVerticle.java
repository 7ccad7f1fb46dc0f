package org.somafractal.memory.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.LocalCodec;

/**
 * Relays memory events from {@code Addresses.EVENTS_OUTBOX} to every local subscriber of {@code Addresses.EVENTS}, one
 * {@link MemoryEvent} per message, in the order received. The Kafka relay of the server modes takes this role there.
 */
public final class EventingVerticle extends VerticleBase {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME);
  private final AtomicLong published = new AtomicLong();

  @Override
  public Future<?> start() {
    return vertx.eventBus().<List<MemoryEvent>>consumer(Addresses.EVENTS_OUTBOX, message -> {
      for (MemoryEvent event : message.body()) {
        vertx.eventBus().publish(Addresses.EVENTS, event, LOCAL);
        published.incrementAndGet();
      }
    }).completion();
  }

  /** Events published since start. */
  public long published() {
    return published.get();
  }
}
