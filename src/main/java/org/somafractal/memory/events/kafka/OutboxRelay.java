package org.somafractal.memory.events.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.events.EventSchema;
import org.somafractal.memory.events.MemoryEvents;
import org.somafractal.memory.store.postgres.PostgresOutbox;

/**
 * Publishes the PostgreSQL outbox to Kafka: unsent rows in id order, one transaction per batch (see
 * {@link PostgresOutbox#relay}), each event checked against the schema first. A valid event goes to the topic,
 * keyed by tenant and memory id; an invalid one goes to the dead-letter topic with the reason in a header, its row
 * is marked with the reason, and an ERROR names it: nothing is dropped without a trace. A batch is marked sent only
 * after Kafka acknowledged every record of it, so a crash or a timeout means publishing again (at least once), never
 * losing.
 *
 * <p>While Kafka is unreachable the rows stay, writes go on, and the relay retries with a backoff of up to five
 * seconds; each attempt first sends one record alone, so an outage costs one timeout per attempt, not one per row.
 * Runs on the context of the verticle that owns it (the eventing verticle); not thread-safe.
 */
final class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final long BACKLOG_EVERY_MS = 2_000;
  private static final long PURGE_EVERY_MS = 60_000;
  private static final int PURGE_LIMIT = 10_000;
  /** The record header naming the node that wrote the change, so a follower can skip its own without parsing. */
  static final String ORIGIN_HEADER = "soma-origin";

  private final Vertx vertx;
  private final PostgresOutbox outbox;
  private final KafkaProducer<String, String> producer;
  private final KafkaSettings settings;
  private final EventSchema schema = EventSchema.load();
  private final Counter published;
  private final Counter deadLettered;
  private final Counter failed;
  private final AtomicLong unsent = new AtomicLong();
  private final AtomicLong oldestAgeMs = new AtomicLong();
  private final List<Long> timers = new ArrayList<>();
  private boolean running;
  private boolean again;
  private boolean stopped;
  private long backoffMs;
  private long notBefore;
  /** The failure of the current outage, logged once when it starts and once when it ends. */
  private String outage;

  OutboxRelay(Vertx vertx, PostgresOutbox outbox, KafkaProducer<String, String> producer, KafkaSettings settings,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.producer = producer;
    this.settings = settings;
    this.published = Counter.builder("soma.relay.published").description("Outbox events published to the topic")
        .register(registry);
    this.deadLettered = Counter.builder("soma.relay.dead.lettered")
        .description("Outbox events that failed the event schema and went to the dead-letter topic")
        .register(registry);
    this.failed = Counter.builder("soma.relay.failed")
        .description("Relay batches that failed (Kafka or PostgreSQL unreachable or slow) and will be retried")
        .register(registry);
    Gauge.builder("soma.outbox.unsent", unsent, AtomicLong::get).description("Outbox rows not yet published")
        .register(registry);
    Gauge.builder("soma.outbox.oldest.unsent.age", oldestAgeMs, a -> a.get() / 1000.0).baseUnit("seconds")
        .description("Age of the oldest unpublished outbox row (0 when none waits)").register(registry);
  }

  /** Starts the periodic turns: relaying, sampling the backlog, purging old published rows. */
  void start() {
    timers.add(vertx.setPeriodic(settings.outboxPollMs(), id -> wake()));
    timers.add(vertx.setPeriodic(BACKLOG_EVERY_MS, id -> sampleBacklog()));
    timers.add(vertx.setPeriodic(PURGE_EVERY_MS, id -> purge()));
    sampleBacklog();
    wake();
  }

  /** Runs a batch now, or right after the one in progress; a no-op while backing off after a failure. */
  void wake() {
    if (stopped || System.currentTimeMillis() < notBefore) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    outbox.relay(settings.outboxBatch(), settings.timeoutMs() + 2_000L, this::publish).onComplete(ar -> {
      running = false;
      if (ar.succeeded()) {
        recovered();
        backoffMs = 0;
        int n = ar.result();
        if (n >= settings.outboxBatch() || (again && n != -1)) {
          wake();
        }
      } else {
        fail(ar.cause());
      }
    });
  }

  Future<Void> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    return Future.succeededFuture();
  }

  /** The unsent rows at the last sample. */
  long unsent() {
    return unsent.get();
  }

  private Future<PostgresOutbox.Outcome> publish(List<PostgresOutbox.Row> rows) {
    List<KafkaProducerRecord<String, String>> records = new ArrayList<>(rows.size());
    List<Long> valid = new ArrayList<>(rows.size());
    Map<Long, String> dead = new LinkedHashMap<>();
    for (PostgresOutbox.Row row : rows) {
      JsonObject event;
      String problem;
      try {
        event = MemoryEvents.fromOutbox(row.eventId(), row.event(), settings.embeddings());
        problem = schema.problem(event);
      } catch (RuntimeException e) {
        event = null;
        problem = "cannot be read as an event: " + e.getMessage();
      }
      if (problem == null) {
        KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(settings.topic(),
            MemoryEvents.key(event), event.encode());
        if (event.getString("origin") != null) {
          record.addHeader(ORIGIN_HEADER, event.getString("origin"));
        }
        records.add(record);
        valid.add(row.id());
      } else {
        LOG.error("Outbox row {} (event {}) does not match {} and goes to the dead-letter topic {}: {}", row.id(),
            row.eventId(), EventSchema.RESOURCE, settings.dlqTopic(), problem);
        KafkaProducerRecord<String, String> letter = KafkaProducerRecord.create(settings.dlqTopic(),
            row.event().getString("tenant", "") + "/" + row.event().getString("id", ""), row.event().encode());
        letter.addHeader("soma-error", problem).addHeader("soma-source", "outbox")
            .addHeader("soma-outbox-id", Long.toString(row.id()))
            .addHeader("soma-event-id", row.eventId().toString());
        records.add(letter);
        dead.put(row.id(), problem);
      }
    }
    // One record alone first: while Kafka is down that costs one timeout, not one per record of the batch.
    return producer.send(records.getFirst()).compose(first -> {
      List<Future<RecordMetadata>> rest = new ArrayList<>(records.size() - 1);
      for (int i = 1; i < records.size(); i++) {
        rest.add(producer.send(records.get(i)));
      }
      return Future.all(rest);
    }).map(all -> {
      published.increment(valid.size());
      deadLettered.increment(dead.size());
      return new PostgresOutbox.Outcome(valid, dead);
    });
  }

  private void fail(Throwable cause) {
    failed.increment();
    backoffMs = backoffMs == 0 ? settings.outboxPollMs() : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    notBefore = System.currentTimeMillis() + backoffMs;
    String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    if (outage == null) {
      outage = what;
      LOG.warn("Outbox relay cannot publish ({}); writes go on and wait in the outbox, retrying every {} ms at most",
          what, MAX_BACKOFF_MS);
    } else {
      LOG.debug("Outbox relay still failing: {}", what);
    }
  }

  private void recovered() {
    if (outage != null) {
      LOG.info("Outbox relay publishes again (after: {}); {} rows were waiting at the last sample", outage,
          unsent.get());
      outage = null;
    }
  }

  private void sampleBacklog() {
    outbox.backlog().onSuccess(b -> {
      unsent.set(b.unsent());
      oldestAgeMs.set(b.oldestCreatedAt() == null ? 0 : Math.max(0, System.currentTimeMillis() - b.oldestCreatedAt()));
    }).onFailure(e -> LOG.debug("Cannot sample the outbox backlog: {}", e.getMessage()));
  }

  private void purge() {
    long before = System.currentTimeMillis() - settings.retentionSeconds() * 1000L;
    outbox.purge(before, PURGE_LIMIT).onSuccess(n -> {
      if (n == PURGE_LIMIT) {
        vertx.setTimer(10, id -> purge());
      }
    }).onFailure(e -> LOG.debug("Cannot purge the outbox: {}", e.getMessage()));
  }
}
