package org.somafractal.memory.events;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.LocalCodec;

/** Sends events to {@link EventingVerticle} over the local event bus. */
public final class BusEventPublisher implements EventPublisher {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME);
  private final Vertx vertx;

  public BusEventPublisher(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void publish(List<MemoryEvent> events) {
    if (!events.isEmpty()) {
      vertx.eventBus().send(Addresses.EVENTS_OUTBOX, events, LOCAL);
    }
  }
}
