package org.somafractal.memory.events;

import java.util.List;

/**
 * The eventing port: hands committed changes to the eventing verticle. Fire-and-forget for the caller: in embedded
 * mode events are a local notification, published after the canonical commit.
 */
public interface EventPublisher {
  void publish(List<MemoryEvent> events);
}
