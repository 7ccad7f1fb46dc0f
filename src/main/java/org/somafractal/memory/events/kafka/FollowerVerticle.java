package org.somafractal.memory.events.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndTimestamp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.graph.GraphClient;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.lexical.LexicalClient;
import org.somafractal.memory.lexical.LexicalIndex;
import org.somafractal.memory.metrics.Metrics;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StoreClient;
import org.somafractal.memory.vector.VectorClient;
import org.somafractal.memory.vector.VectorIndex;

/**
 * Keeps this node's fast core, lexical index and graph in step with every node's writes: follows
 * {@code memory.events} and applies each event to the local indexes, so a memory stored through another node becomes
 * searchable here. An event names the change; the memory itself is read from the canonical store by id (one read
 * per tenant and poll), so the indexes hold exactly what is committed, decrypted as this node's store client
 * decrypts it, and an event that arrives late or twice cannot put an older version back (the indexes keep the
 * newest {@code seq} and remember deletes). Events of this node's own writes (header {@code soma-origin} = its node
 * id) are skipped unread: the write path indexed them before acknowledging.
 *
 * <p>Catching up: the indexes rebuild from a full scan of the store at start; this follower starts reading each
 * partition at the first event published since {@code replayFromMs} (the time before that scan began, less
 * {@code SOMA_FOLLOW_REPLAY_SECONDS}). A write the scan missed, because it committed while the scan ran, was
 * published after the scan began, so it is read here; one published earlier had committed before the scan and is in
 * it. The follower uses no consumer group (each node reads every partition) and commits nothing: a restarted node
 * rebuilds and replays again.
 *
 * <p>Kafka down at start or later: the follower retries every second; the node serves what it has. Events it cannot
 * read are counted and logged and skipped ({@code soma consumer} dead-letters them); a batch the store cannot
 * hydrate is read again from the same offsets. The consumer's calls all run on its own thread, in order.
 */
public final class FollowerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FollowerVerticle.class);
  private static final long RETRY_MS = 1_000;
  private static final long DISCOVER_EVERY_MS = 10_000;
  private static final long LAG_EVERY_MS = 2_000;
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaSettings settings;
  private final long replayFromMs;
  private final long busTimeoutMs;
  private final String nodeId;
  private final Set<TopicPartition> assigned = new HashSet<>();
  /** Per partition, the offset of the next record to apply. */
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final AtomicLong lag = new AtomicLong();
  private KafkaConsumer<String, String> consumer;
  private MemoryStore store;
  private VectorIndex vectors;
  private LexicalIndex lexical;
  private GraphIndex graph;
  private Counter applied;
  private Counter unreadable;
  private Counter ownSkipped;
  private Counter failures;
  private Timer delay;
  private long nextDiscovery;
  private long nextLag;
  private boolean stopped;
  private String outage;

  /**
   * @param replayFromMs epoch ms before which events are covered by the index rebuild (see the class comment)
   * @param nodeId this node's id, which its own outbox rows carry: their events are skipped
   */
  public FollowerVerticle(KafkaSettings settings, long replayFromMs, long busTimeoutMs, String nodeId) {
    this.settings = settings;
    this.replayFromMs = replayFromMs;
    this.busTimeoutMs = busTimeoutMs;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    MeterRegistry registry = Metrics.registry(vertx);
    applied = Counter.builder("soma.follower.applied").description("Events applied to this node's indexes")
        .register(registry);
    ownSkipped = Counter.builder("soma.follower.own.skipped")
        .description("Events of this node's own writes, skipped (indexed when they were acknowledged)")
        .register(registry);
    unreadable = Counter.builder("soma.follower.unreadable")
        .description("Events this node could not read (not JSON, or an unknown type) and skipped").register(registry);
    failures = Counter.builder("soma.follower.failures")
        .description("Follower turns that failed (Kafka or the store unreachable) and were retried").register(registry);
    delay = Timer.builder("soma.follower.delay").description("From an event's commit to its application here")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("soma.follower.lag", lag, AtomicLong::get)
        .description("Events on the topic this node has not applied yet").register(registry);
    store = new StoreClient(vertx, busTimeoutMs);
    vectors = new VectorClient(vertx, busTimeoutMs);
    lexical = new LexicalClient(vertx, busTimeoutMs);
    graph = new GraphClient(vertx, busTimeoutMs);
    consumer = KafkaConsumer.create(vertx,
        settings.consumer("soma-follower-" + UUID.randomUUID().toString().substring(0, 8), null));
    LOG.info("Following {} at {} from {} (events before are in the index rebuild)", settings.topic(),
        settings.bootstrapServers(), Instant.ofEpochMilli(replayFromMs));
    context.runOnContext(v -> loop());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return consumer.close().timeout(5, TimeUnit.SECONDS).otherwiseEmpty();
  }

  private void loop() {
    if (stopped) {
      return;
    }
    turn().onComplete(ar -> {
      if (ar.succeeded()) {
        if (outage != null) {
          LOG.info("Following {} again (after: {})", settings.topic(), outage);
          outage = null;
        }
        context.runOnContext(v -> loop());
      } else {
        failures.increment();
        String what = ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
        if (outage == null) {
          outage = what;
          LOG.warn("Cannot follow {} ({}); retrying every {} ms", settings.topic(), what, RETRY_MS);
        }
        vertx.setTimer(RETRY_MS, id -> loop());
      }
    });
  }

  private Future<Void> turn() {
    long now = System.currentTimeMillis();
    Future<Void> ready = now >= nextDiscovery ? discover() : Future.succeededFuture();
    return ready.compose(v -> {
      if (assigned.isEmpty()) {
        return delay(RETRY_MS);
      }
      return consumer.poll(POLL).compose(this::apply);
    }).compose(v -> System.currentTimeMillis() >= nextLag ? sampleLag() : Future.succeededFuture());
  }

  /** Assigns every partition of the topic; a partition seen for the first time starts at the replay point. */
  private Future<Void> discover() {
    return consumer.partitionsFor(settings.topic()).compose(infos -> {
      Set<TopicPartition> all = new HashSet<>();
      for (PartitionInfo info : infos) {
        all.add(new TopicPartition(info.getTopic(), info.getPartition()));
      }
      Set<TopicPartition> fresh = new HashSet<>(all);
      fresh.removeAll(assigned);
      if (fresh.isEmpty()) {
        nextDiscovery = System.currentTimeMillis() + (all.isEmpty() ? RETRY_MS : DISCOVER_EVERY_MS);
        return Future.succeededFuture();
      }
      // The end offsets are read first: a partition with no event since the replay point starts at the end it had
      // then, so an event published in between is not skipped.
      Map<TopicPartition, Long> times = new HashMap<>();
      fresh.forEach(tp -> times.put(tp, replayFromMs));
      return consumer.endOffsets(fresh).compose(ends -> consumer.offsetsForTimes(times).compose(found ->
          consumer.assign(all).compose(v -> {
            List<Future<Void>> seeks = new ArrayList<>();
            for (TopicPartition tp : fresh) {
              OffsetAndTimestamp at = found.get(tp);
              long offset = at != null ? at.getOffset() : ends.getOrDefault(tp, 0L);
              next.put(tp, offset);
              seeks.add(consumer.seek(tp, offset));
            }
            return Future.all(seeks);
          }))).map(v -> {
            assigned.addAll(fresh);
            nextDiscovery = System.currentTimeMillis() + DISCOVER_EVERY_MS;
            LOG.info("Following partitions {} of {}", fresh.stream().map(TopicPartition::getPartition).sorted()
                .toList(), settings.topic());
            return null;
          });
    });
  }

  private Future<Void> apply(KafkaConsumerRecords<String, String> polled) {
    if (polled.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Set<String>> upserts = new LinkedHashMap<>();
    List<Removal> removals = new ArrayList<>();
    List<Supplier<Future<Void>>> graphChanges = new ArrayList<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, Long> last = new HashMap<>();
    List<Long> committedAt = new ArrayList<>();
    for (ConsumerRecord<String, String> record : polled.records()) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      first.putIfAbsent(tp, record.offset());
      last.put(tp, record.offset());
      Header origin = record.headers().lastHeader(OutboxRelay.ORIGIN_HEADER);
      if (origin != null && nodeId.equals(new String(origin.value(), StandardCharsets.UTF_8))) {
        // This node's own write: indexed before it was acknowledged.
        ownSkipped.increment();
        continue;
      }
      JsonObject event;
      try {
        event = new JsonObject(record.value());
        if (!read(event, upserts, removals, graphChanges)) {
          throw new IllegalArgumentException("unknown type " + event.getString("type"));
        }
        committedAt.add(Instant.parse(event.getString("timestamp")).toEpochMilli());
      } catch (RuntimeException e) {
        unreadable.increment();
        LOG.warn("Skipping unreadable event at {}-{} offset {}: {}", record.topic(), record.partition(),
            record.offset(), e.getMessage());
      }
    }
    List<Future<List<Memory>>> reads = new ArrayList<>();
    upserts.forEach((tenant, ids) -> reads.add(store.getByIds(tenant, new ArrayList<>(ids))));
    return Future.all(reads).compose(all -> {
      List<Memory> memories = new ArrayList<>();
      reads.forEach(f -> memories.addAll(f.result()));
      IndexBatch batch = new IndexBatch(memories, removals);
      return Future.all(vectors.apply(batch), lexical.apply(batch));
    }).compose(v -> inOrder(graphChanges, 0)).transform(ar -> {
      if (ar.failed()) {
        // Read the batch again from where it began.
        List<Future<Void>> back = new ArrayList<>();
        first.forEach((tp, offset) -> back.add(consumer.seek(tp, offset)));
        return Future.all(back).transform(ignored -> Future.<Void>failedFuture(ar.cause()));
      }
      last.forEach((tp, offset) -> next.put(tp, offset + 1));
      long now = System.currentTimeMillis();
      committedAt.forEach(at -> delay.record(Math.max(0, now - at), TimeUnit.MILLISECONDS));
      applied.increment(committedAt.size());
      return Future.<Void>succeededFuture();
    });
  }

  /** Sorts one event into the batch; {@code false} for a type this version does not know. */
  private boolean read(JsonObject event, Map<String, Set<String>> upserts, List<Removal> removals,
      List<Supplier<Future<Void>>> graphChanges) {
    String tenant = event.getString("tenant");
    String type = event.getString("type");
    if (tenant == null || type == null) {
      return false;
    }
    switch (type) {
      case "created", "updated" -> upserts.computeIfAbsent(tenant, t -> new LinkedHashSet<>())
          .add(event.getString("id"));
      case "deleted" -> {
        Removal removal = new Removal(tenant, event.getString("id"), event.getString("coord"), event.getLong("seq"));
        removals.add(removal);
        graphChanges.add(() -> graph.removed(List.of(removal)));
      }
      case "linked" -> {
        JsonObject p = event.getJsonObject("payload");
        long at = Instant.parse(event.getString("timestamp")).toEpochMilli();
        String created = p.getString("created_at");
        Link link = new Link(tenant, p.getString("from"), p.getString("to"), p.getString("link_type"),
            p.getDouble("strength", 1.0), p.getJsonObject("metadata", new JsonObject()),
            created == null ? at : Instant.parse(created).toEpochMilli(), at);
        graphChanges.add(() -> graph.linked(link));
      }
      case "unlinked" -> {
        JsonObject p = event.getJsonObject("payload");
        graphChanges.add(() -> graph.unlinked(tenant, p.getString("from"), p.getString("to"),
            p.getString("link_type")));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Graph changes in the order of the topic: a link and a delete of its source do not commute. */
  private static Future<Void> inOrder(List<Supplier<Future<Void>>> changes, int index) {
    if (index == changes.size()) {
      return Future.succeededFuture();
    }
    return changes.get(index).get().compose(v -> inOrder(changes, index + 1));
  }

  private Future<Void> sampleLag() {
    nextLag = System.currentTimeMillis() + LAG_EVERY_MS;
    return consumer.endOffsets(new HashSet<>(assigned)).map(ends -> {
      long behind = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        behind += Math.max(0, e.getValue() - next.getOrDefault(e.getKey(), e.getValue()));
      }
      lag.set(behind);
      return null;
    });
  }

  private Future<Void> delay(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, id -> promise.complete());
    return promise.future();
  }
}
