package org.somafractal.memory.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.events.EventSchema;
import org.somafractal.memory.events.kafka.KafkaSettings;
import org.somafractal.memory.metrics.Metrics;
import org.somafractal.memory.store.postgres.PostgresEventLog;

/**
 * The work of {@code soma consumer}: reads {@code memory.events} in a consumer group and records every event once in
 * the PostgreSQL {@code event_log} (a history of every memory and link change, distinct from the HTTP audit trail),
 * idempotent by event id. An event it cannot process for good (not JSON, or not matching the schema) goes to the
 * dead-letter topic with the reason in a header; a failure that may pass (the database down) is retried from the
 * same offsets. Offsets are committed only after a batch is recorded and its dead letters acknowledged: at least
 * once, and each event counted once in the log.
 *
 * <p>Metrics (in the registry of its Vert.x instance): processed, duplicates, dead-lettered, failures, lag.
 */
public final class EventLogVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogVerticle.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long RETRY_MS = 1_000;
  private static final long LAG_EVERY_MS = 2_000;
  private static final long CLOSE_MS = 5_000;

  private final KafkaSettings settings;
  private final String group;
  private final EventSchema schema = EventSchema.load();
  private final AtomicLong lag = new AtomicLong();
  private PostgresEventLog log;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> deadLetters;
  private Counter processed;
  private Counter duplicates;
  private Counter deadLettered;
  private Counter failures;
  private long nextLag;
  private boolean stopped;
  private String outage;

  public EventLogVerticle(KafkaSettings settings, String group) {
    this.settings = settings;
    this.group = group;
  }

  @Override
  public Future<?> start() {
    MeterRegistry registry = Metrics.registry(vertx);
    processed = Counter.builder("soma.consumer.processed").description("Events recorded in the event log")
        .register(registry);
    duplicates = Counter.builder("soma.consumer.duplicates")
        .description("Events delivered again and dropped by event id").register(registry);
    deadLettered = Counter.builder("soma.consumer.dead.lettered")
        .description("Events that cannot be processed, sent to the dead-letter topic").register(registry);
    failures = Counter.builder("soma.consumer.failures")
        .description("Batches that failed (database or Kafka unreachable) and were read again").register(registry);
    Gauge.builder("soma.consumer.lag", lag, AtomicLong::get)
        .description("Events on the topic not yet processed by this consumer's partitions").register(registry);
    String client = "soma-consumer-" + UUID.randomUUID().toString().substring(0, 8);
    return PostgresEventLog.open(vertx, settings.postgresUrl(), settings.timeoutMs()).compose(opened -> {
      log = opened;
      deadLetters = KafkaProducer.create(vertx, settings.producer(client + "-dlq"));
      // Each send's own future reports its failure; without a handler Vert.x would log each one again.
      deadLetters.exceptionHandler(e -> { });
      consumer = KafkaConsumer.create(vertx, settings.consumer(client, group));
      return consumer.subscribe(settings.topic());
    }).onSuccess(v -> {
      LOG.info("Consumer group {} reading {} at {} into event_log (dead letters to {})", group, settings.topic(),
          settings.bootstrapServers(), settings.dlqTopic());
      context.runOnContext(x -> loop());
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    if (consumer != null) {
      // A group member's close waits for the coordinator (up to 30 s); the undeploy does not wait that long.
      closing.add(consumer.close().timeout(CLOSE_MS, TimeUnit.MILLISECONDS).otherwiseEmpty());
    }
    if (deadLetters != null) {
      closing.add(deadLetters.close(CLOSE_MS).otherwiseEmpty());
    }
    if (log != null) {
      closing.add(log.close().otherwiseEmpty());
    }
    return Future.join(closing);
  }

  private void loop() {
    if (stopped) {
      return;
    }
    consumer.poll(POLL).compose(this::process)
        .compose(v -> System.currentTimeMillis() >= nextLag ? sampleLag() : Future.succeededFuture())
        .onComplete(ar -> {
          if (ar.succeeded()) {
            if (outage != null) {
              LOG.info("Consumer processing again (after: {})", outage);
              outage = null;
            }
            context.runOnContext(v -> loop());
          } else {
            failures.increment();
            if (outage == null) {
              outage = ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
              LOG.warn("Consumer cannot process a batch ({}); reading it again every {} ms", outage, RETRY_MS);
            }
            vertx.setTimer(RETRY_MS, id -> loop());
          }
        });
  }

  private Future<Void> process(KafkaConsumerRecords<String, String> polled) {
    if (polled.isEmpty()) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    List<PostgresEventLog.Entry> entries = new ArrayList<>();
    List<KafkaProducerRecord<String, String>> letters = new ArrayList<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (ConsumerRecord<String, String> record : polled.records()) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      first.putIfAbsent(tp, record.offset());
      commit.put(tp, new OffsetAndMetadata(record.offset() + 1, null));
      String problem;
      JsonObject event = null;
      try {
        event = new JsonObject(record.value());
        problem = schema.problem(event);
      } catch (RuntimeException e) {
        problem = "not a JSON object: " + e.getMessage();
      }
      if (problem == null) {
        String id = event.getString("id");
        entries.add(new PostgresEventLog.Entry(UUID.fromString(event.getString("event_id")), event.getString("tenant"),
            id == null ? null : UUID.fromString(id), event.getString("type"), event.getLong("seq"),
            Instant.parse(event.getString("timestamp")).toEpochMilli(), now, record.topic(), record.partition(),
            record.offset(), event));
      } else {
        LOG.error("Event at {}-{} offset {} cannot be processed and goes to {}: {}", record.topic(),
            record.partition(), record.offset(), settings.dlqTopic(), problem);
        KafkaProducerRecord<String, String> letter = KafkaProducerRecord.create(settings.dlqTopic(), record.key(),
            record.value());
        letter.addHeader("soma-error", problem).addHeader("soma-source", "consumer")
            .addHeader("soma-origin", record.topic() + "-" + record.partition() + "@" + record.offset());
        letters.add(letter);
      }
    }
    List<Future<?>> sent = new ArrayList<>();
    letters.forEach(l -> sent.add(deadLetters.send(l)));
    return Future.all(sent).timeout(settings.timeoutMs() + 2_000L, TimeUnit.MILLISECONDS)
        .compose(v -> log.record(entries))
        .compose(inserted -> consumer.commit(commit).map(c -> {
          processed.increment(inserted);
          duplicates.increment(entries.size() - inserted);
          deadLettered.increment(letters.size());
          return (Void) null;
        }))
        .recover(e -> {
          List<Future<Void>> back = new ArrayList<>();
          first.forEach((tp, offset) -> back.add(consumer.seek(tp, offset)));
          return Future.all(back).transform(ignored -> Future.failedFuture(e));
        });
  }

  private Future<Void> sampleLag() {
    nextLag = System.currentTimeMillis() + LAG_EVERY_MS;
    return consumer.assignment().compose(parts -> {
      if (parts.isEmpty()) {
        lag.set(0);
        return Future.succeededFuture();
      }
      return consumer.endOffsets(parts).compose(ends -> positions(parts).map(positions -> {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
          behind += Math.max(0, e.getValue() - positions.getOrDefault(e.getKey(), e.getValue()));
        }
        lag.set(behind);
        return null;
      }));
    });
  }

  private Future<Map<TopicPartition, Long>> positions(Set<TopicPartition> parts) {
    Map<TopicPartition, Long> out = new HashMap<>();
    List<Future<Long>> all = new ArrayList<>();
    for (TopicPartition tp : parts) {
      all.add(consumer.position(tp).onSuccess(p -> out.put(tp, p)));
    }
    Promise<Map<TopicPartition, Long>> promise = Promise.promise();
    Future.all(all).onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(out);
      } else {
        promise.fail(ar.cause());
      }
    });
    return promise.future();
  }
}
