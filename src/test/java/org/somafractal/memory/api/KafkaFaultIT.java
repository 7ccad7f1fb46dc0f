package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.somafractal.memory.api.MultiNodeIT.eventually;
import static org.somafractal.memory.api.MultiNodeIT.memory;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.consumer.SomaConsumer;
import org.somafractal.memory.events.kafka.KafkaSettings;
import org.somafractal.memory.events.kafka.KafkaTestBroker;
import org.somafractal.memory.store.postgres.PgTestDatabase;

/**
 * Kafka failures: a broker of this test's own is stopped while a node writes and started again, and the outbox must
 * drain with every event arriving at {@code soma consumer} exactly once per event id; rows and events that break the
 * schema end in the dead-letter topic, never silently dropped.
 */
class KafkaFaultIT {
  private PgTestDatabase db;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void create() {
    db = PgTestDatabase.create();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    db.close();
  }

  private SomaConsumer consumer(Vertx vertx, Map<String, String> config) {
    Map<String, String> raw = new HashMap<>(config);
    raw.put("SOMA_CONSUMER_GROUP", "it-" + KafkaTestBroker.topic());
    raw.put("SOMA_CONSUMER_METRICS_PORT", "0");
    SomaConsumer consumer = TestServer.await(SomaConsumer.start(vertx, SomaConfig.from(raw)));
    toClose.add(() -> TestServer.await(consumer.stop()));
    return consumer;
  }

  private String consumerMetrics(TestServer node, SomaConsumer consumer) {
    return TestServer.await(io.vertx.ext.web.client.WebClient.create(node.vertx)
        .get(consumer.metricsPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  @Test
  void writesDuringAKafkaOutageWaitInTheOutboxAndArriveExactlyOnce() {
    KafkaTestBroker broker = KafkaTestBroker.own();
    toClose.add(broker);
    Map<String, String> config = MultiNodeIT.config(db, broker.bootstrap(), KafkaTestBroker.topic());
    config.put("SOMA_KAFKA_TIMEOUT_MS", "2000");
    TestServer node = TestServer.start(config);
    toClose.add(node);
    Vertx consumerVertx = Vertx.vertx();
    toClose.add(() -> TestServer.await(consumerVertx.close()));
    SomaConsumer consumer = consumer(consumerVertx, config);

    for (int i = 0; i < 20; i++) {
      assertThat(node.post("/memories", memory(i + ",0", "before the outage " + i), "fault").status()).isEqualTo(200);
    }
    eventually("the consumer logs the first 20 events", () -> db.count("SELECT count(*) FROM event_log") == 20);

    broker.stop();
    for (int i = 0; i < 30; i++) {
      TestServer.Resp stored = node.post("/memories", memory(i + ",1", "during the outage " + i), "fault");
      assertThat(stored.status()).as("a write while Kafka is down: %s", stored).isEqualTo(200);
    }
    assertThat(node.delete("/memories/0,0", "fault").status()).isEqualTo(200);
    assertThat(db.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).isEqualTo(31);
    eventually("the outbox gauge shows the backlog", () -> node.get("/metrics", null).text()
        .contains("soma_outbox_unsent 31.0"));
    JsonObject health = node.get("/health", null).json();
    assertThat(health.getString("status")).as("%s", health).isEqualTo("degraded");
    assertThat(lexical(node, "outage")).as("the writing node still serves its writes").hasSize(49);

    broker.start();
    eventually("the outbox drains", () -> db.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0);
    eventually("every event reaches the consumer", () -> db.count("SELECT count(*) FROM event_log") == 51);
    assertThat(db.count("SELECT count(*) FROM outbox o WHERE NOT EXISTS "
        + "(SELECT 1 FROM event_log l WHERE l.event_id = o.event_id)")).isZero();
    assertThat(db.count("SELECT count(*) FROM event_log WHERE type = 'deleted'")).isEqualTo(1);
    assertThat(node.get("/health", null).json().getString("status")).isEqualTo("healthy");
    // The counters move once the batch's offsets are committed, just after its rows.
    eventually("the consumer counts 51 events and no lag", () -> {
      String metrics = consumerMetrics(node, consumer);
      return metrics.contains("soma_consumer_processed_total 51.0") && metrics.contains("soma_consumer_lag 0.0");
    });
  }

  @Test
  void eventsThatBreakTheSchemaGoToTheDeadLetterTopic() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    String topic = KafkaTestBroker.topic();
    Map<String, String> config = MultiNodeIT.config(db, broker.bootstrap(), topic);
    TestServer node = TestServer.start(config);
    toClose.add(node);
    SomaConsumer consumer = consumer(node.vertx, config);
    assertThat(node.post("/memories", memory("1", "a valid memory"), "dlq").status()).isEqualTo(200);
    // A row no store writes: the relay must refuse it, say why, and dead-letter it.
    db.sql("INSERT INTO outbox (tenant, memory_id, event, created_at) VALUES ('dlq', gen_random_uuid(), "
        + "'{\"type\": \"exploded\", \"tenant\": \"dlq\", \"at\": 1}', 1)");
    eventually("the relay handles both rows", () -> db.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0);
    assertThat(db.sql("SELECT error FROM outbox WHERE error IS NOT NULL").iterator().next().getString(0))
        .contains("/type");
    // A record no relay writes, straight onto the topic: the consumer must dead-letter it.
    KafkaProducer<String, String> producer = KafkaProducer.create(node.vertx,
        KafkaSettings.ofAnyMode(SomaConfig.from(config)).producer("it-garbage"));
    TestServer.await(producer.send(KafkaProducerRecord.create(topic, "dlq/x", "{not json")));
    TestServer.await(producer.close());

    List<ConsumerRecord<String, String>> letters = broker.readAll(node.vertx, topic + ".dlq", 2);
    Set<String> sources = new HashSet<>();
    letters.forEach(r -> sources.add(new String(r.headers().lastHeader("soma-source").value())));
    assertThat(sources).containsExactlyInAnyOrder("outbox", "consumer");
    eventually("the valid event is logged", () -> db.count("SELECT count(*) FROM event_log") == 1);
    eventually("the consumer counts its dead letter", () -> consumerMetrics(node, consumer)
        .contains("soma_consumer_dead_lettered_total 1.0"));
    assertThat(node.get("/metrics", null).text()).contains("soma_relay_dead_lettered_total 1.0");
  }

  private static List<String> lexical(TestServer node, String words) {
    return MultiNodeIT.lexicalCoords(node, "fault", words);
  }
}
