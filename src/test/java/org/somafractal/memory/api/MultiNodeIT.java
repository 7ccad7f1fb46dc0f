package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.events.kafka.KafkaTestBroker;
import org.somafractal.memory.store.postgres.PgTestDatabase;

/**
 * Several server nodes on one PostgreSQL database and one Kafka topic (the shared CI broker, a topic of this test's
 * own): a memory stored through one node becomes searchable through the other, updates and deletes travel back, links
 * reach the other node's graph, and a node started later has everything.
 */
class MultiNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static PgTestDatabase db;
  private static KafkaTestBroker kafka;

  @BeforeAll
  static void create() {
    kafka = KafkaTestBroker.shared();
    db = PgTestDatabase.create();
  }

  @AfterAll
  static void cleanUp() {
    if (db != null) {
      db.close();
    }
  }

  static Map<String, String> config(PgTestDatabase db, String bootstrap, String topic) {
    Map<String, String> config = new HashMap<>();
    config.put("MEMORY_MODE", "evented_enterprise");
    config.put("POSTGRES_URL", db.url());
    config.put("SOMA_PG_POOL_SIZE", "2");
    config.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    config.put("SOMA_KAFKA_TOPIC", topic);
    config.put("SOMA_KAFKA_DLQ_TOPIC", topic + ".dlq");
    config.put("SOMA_KAFKA_TIMEOUT_MS", "5000");
    config.put("SOMA_OUTBOX_POLL_MS", "50");
    return config;
  }

  static JsonObject memory(String coord, String content) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", content));
  }

  static List<String> lexicalCoords(TestServer node, String tenant, String words) {
    JsonObject body = node.post("/memories/search", new JsonObject().put("query", words).put("mode", "lexical")
        .put("top_k", 50), tenant).json();
    return body.getJsonArray("memories").stream().map(m -> ((JsonObject) m).getString("coord")).toList();
  }

  static void eventually(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + WAIT.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void writesThroughOneNodeAreServedByTheOther() {
    String topic = KafkaTestBroker.topic();
    Map<String, String> config = config(db, kafka.bootstrap(), topic);
    try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
      assertThat(a.post("/memories", memory("1,1", "the albatross crossed the ocean"), "mn").status()).isEqualTo(200);
      // The writing node reads its own write at once.
      assertThat(lexicalCoords(a, "mn", "albatross")).containsExactly("1.0,1.0");
      eventually("B finds the memory stored through A",
          () -> lexicalCoords(b, "mn", "albatross").equals(List.of("1.0,1.0")));
      JsonArray byVector = b.post("/memories/search", new JsonObject().put("query", "the albatross crossed the ocean")
          .put("mode", "vector").put("top_k", 1), "mn").json().getJsonArray("memories");
      assertThat(byVector.getJsonObject(0).getString("coord")).isEqualTo("1.0,1.0");

      // Update and delete through B, visible on A.
      assertThat(b.post("/memories", memory("1,1", "the pelican slept on the pier"), "mn").json()
          .getBoolean("created")).isFalse();
      assertThat(b.post("/memories", memory("2,2", "a second pelican arrived"), "mn").status()).isEqualTo(200);
      eventually("A sees B's update", () -> lexicalCoords(a, "mn", "pelican").size() == 2
          && lexicalCoords(a, "mn", "albatross").isEmpty());
      assertThat(b.delete("/memories/2,2", "mn").json().getBoolean("deleted")).isTrue();
      eventually("A sees B's delete", () -> lexicalCoords(a, "mn", "pelican").equals(List.of("1.0,1.0"))
          && a.get("/stats", "mn").json().getLong("vector_count") == 1L);

      // Links: B's graph of the tenant is loaded, then A links; B's traversal follows.
      assertThat(a.post("/memories", memory("3,3", "the lighthouse"), "mn").status()).isEqualTo(200);
      assertThat(neighbors(b, "1,1")).isEmpty();
      TestServer.Resp linked = a.post("/graph/link", new JsonObject().put("from_coord", "1,1").put("to_coord", "3,3")
          .put("link_type", "related"), "mn");
      assertThat(linked.status()).as("%s", linked).isEqualTo(200);
      eventually("B traverses A's link", () -> neighbors(b, "1,1").size() == 1);
      TestServer.Resp unlinked = a.call(HttpMethod.DELETE, "/graph/link?from_coord=1,1&to_coord=3,3", null, "mn",
          null);
      assertThat(unlinked.status()).as("%s", unlinked).isEqualTo(200);
      eventually("B forgets the unlinked link", () -> neighbors(b, "1,1").isEmpty());

      eventually("every outbox row is published", () -> {
        boolean done = db.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0;
        if (!done) {
          db.sql("SELECT id, event::text FROM outbox WHERE sent_at IS NULL").forEach(r ->
              System.err.println("unsent " + r.getLong(0) + " " + r.getString(1)));
        }
        return done;
      });
      assertThat(db.count("SELECT count(*) FROM outbox WHERE error IS NOT NULL")).isZero();
      // Two nodes relayed the same outbox: in the normal case each row is published once.
      int rows = (int) db.count("SELECT count(*) FROM outbox");
      List<String> published = kafka.readAll(a.vertx, topic, rows).stream()
          .map(r -> new JsonObject(r.value()).getString("event_id")).toList();
      assertThat(published).hasSize(rows).doesNotHaveDuplicates();

      JsonObject health = a.get("/health", null).json();
      assertThat(health.getString("status")).as("%s", health).isEqualTo("healthy");
      assertThat(health.getJsonArray("services").stream().map(s -> ((JsonObject) s).getString("name")))
          .contains("kafka");
      String metrics = b.get("/metrics", null).text();
      assertThat(metrics).contains("soma_outbox_unsent").contains("soma_follower_lag")
          .contains("soma_follower_applied_total").contains("soma_relay_published_total");

      // A node started now rebuilds from PostgreSQL and follows from there.
      try (TestServer c = TestServer.start(config)) {
        assertThat(lexicalCoords(c, "mn", "pelican")).containsExactly("1.0,1.0");
        assertThat(a.post("/memories", memory("4,4", "a late cormorant"), "mn").status()).isEqualTo(200);
        eventually("the late node follows new writes", () -> lexicalCoords(c, "mn", "cormorant").size() == 1);
      }
    }
  }

  private static JsonArray neighbors(TestServer node, String coord) {
    TestServer.Resp r = node.get("/graph/neighbors?coord=" + coord, "mn");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.json().getJsonArray("neighbors");
  }
}
