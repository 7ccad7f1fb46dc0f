package org.somafractal.memory.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.store.postgres.PostgresMemoryStore;

/**
 * The server modes against each other and the event stream, all in this JVM on the machine's PostgreSQL and a running
 * Kafka: stores per second and search latency in {@code development} (SQLite), {@code evented_enterprise} without
 * Kafka (what the relay and the followers cost), with it and events without embeddings, and with it; the delay from a write acknowledged by one node to the
 * memory being searchable on another; and the rate at which the relay drains an outbox backlog (the state after a
 * Kafka outage). Uses a fresh database and topic and drops the database afterwards. Prints one JSON line per figure.
 *
 * <p>Options: {@code --postgres postgresql://postgres@127.0.0.1:5432/postgres} (a database to connect to for
 * creating the bench database), {@code --kafka 127.0.0.1:19092}, {@code --n 5000} memories, {@code --concurrency 32},
 * {@code --searches 2000}, {@code --dim 384}, {@code --samples 200} delay samples, {@code --backlog 10000} outbox rows.
 */
public final class EventsBench {
  private EventsBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = StoreBench.options(args);
    String admin = o.getOrDefault("postgres", "postgresql://postgres@127.0.0.1:5432/postgres");
    String kafka = o.getOrDefault("kafka", System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"));
    int n = Integer.parseInt(o.getOrDefault("n", "5000"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "32"));
    int searches = Integer.parseInt(o.getOrDefault("searches", "2000"));
    int dim = Integer.parseInt(o.getOrDefault("dim", "384"));
    int samples = Integer.parseInt(o.getOrDefault("samples", "200"));
    int backlog = Integer.parseInt(o.getOrDefault("backlog", "10000"));

    Vertx vertx = Vertx.vertx();
    Pool adminPool = PgBuilder.pool().connectingTo(PostgresMemoryStore.connectOptions(admin)).using(vertx).build();
    String db = "soma_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    await(adminPool.query("CREATE DATABASE " + db).execute());
    String url = admin.substring(0, admin.lastIndexOf('/') + 1) + db;
    String topic = "bench." + db;
    Path sqlite = Files.createTempDirectory("soma-bench-sqlite");
    try {
      Map<String, String> base = Map.of("SOMA_EMBEDDER", "hash", "SOMA_VECTOR_DIM", Integer.toString(dim));
      Map<String, String> evented = with(base, Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", url,
          "KAFKA_BOOTSTRAP_SERVERS", kafka, "SOMA_KAFKA_TOPIC", topic, "SOMA_OUTBOX_POLL_MS", "50"));

      Node embedded = Node.start(with(base, Map.of("MEMORY_MODE", "development", "SOMA_DATA_DIR", sqlite.toString())));
      modeFigures("development", embedded, n, concurrency, searches, dim);
      embedded.stop();

      Node postgresOnly = Node.start(with(evented, Map.of("EVENTING_ENABLED", "false")));
      modeFigures("evented_enterprise without Kafka", postgresOnly, n, concurrency, searches, dim);
      postgresOnly.stop();

      Node lean = Node.start(with(evented, Map.of("SOMA_EVENT_EMBEDDINGS", "false")));
      modeFigures("evented_enterprise, events without embeddings", lean, n, concurrency, searches, dim);
      lean.stop();

      Node a = Node.start(evented);
      modeFigures("evented_enterprise", a, n, concurrency, searches, dim);
      Node b = Node.start(evented);
      delays(a, b, samples);
      b.stop();
      a.stop();

      drain(vertx, url, with(base, Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", url,
          "EVENTING_ENABLED", "false")), evented, backlog, dim);
    } finally {
      await(adminPool.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute());
      await(adminPool.close());
      await(vertx.close());
    }
  }

  private static void modeFigures(String mode, Node node, int n, int concurrency, int searches, int dim) {
    Random random = new Random(42);
    Buffer[] bodies = new Buffer[n];
    for (int i = 0; i < n; i++) {
      bodies[i] = StoreBench.item(i, dim, true, false, random).toBuffer();
    }
    String tenant = "bench-" + mode.replaceAll("[^a-z]+", "-");
    Load.Result stores = Load.run(node.vertx, n, concurrency, i -> node.client.post("/memories")
        .putHeader("Content-Type", "application/json").putHeader("X-Soma-Tenant", tenant).sendBuffer(bodies[i])
        .map(r -> r.statusCode() == 200));
    print("store", mode, stores, n, concurrency);
    Buffer[] queries = new Buffer[searches];
    for (int i = 0; i < searches; i++) {
      JsonArray v = new JsonArray();
      for (int d = 0; d < dim; d++) {
        v.add(random.nextFloat() - 0.5f);
      }
      queries[i] = new JsonObject().put("query", "memory about topic " + (i % 113)).put("vector", v).put("top_k", 10)
          .toBuffer();
    }
    int searchConcurrency = Math.min(16, concurrency);
    Load.Result search = Load.run(node.vertx, searches, searchConcurrency, i -> node.client.post("/memories/search")
        .putHeader("Content-Type", "application/json").putHeader("X-Soma-Tenant", tenant).sendBuffer(queries[i])
        .map(r -> r.statusCode() == 200));
    print("search", mode, search, searches, searchConcurrency);
  }

  /** Sequential writes through {@code a}, each polled for on {@code b} until its lexical search finds it. */
  private static void delays(Node a, Node b, int samples) throws InterruptedException {
    long[] fromAck = new long[samples];
    long[] fromSend = new long[samples];
    for (int i = 0; i < samples; i++) {
      String word = "zq" + Integer.toString(i, 36) + "x" + UUID.randomUUID().toString().substring(0, 6);
      JsonObject body = new JsonObject().put("coord", "9000," + i)
          .put("payload", new JsonObject().put("content", "delay sample " + word));
      long sent = System.nanoTime();
      int status = await(a.client.post("/memories").putHeader("X-Soma-Tenant", "delay").sendJsonObject(body))
          .statusCode();
      long acked = System.nanoTime();
      if (status != 200) {
        throw new IllegalStateException("store failed: " + status);
      }
      JsonObject query = new JsonObject().put("query", word).put("mode", "lexical").put("top_k", 1);
      long deadline = acked + TimeUnit.SECONDS.toNanos(30);
      while (await(b.client.post("/memories/search").putHeader("X-Soma-Tenant", "delay").sendJsonObject(query))
          .bodyAsJsonObject().getJsonArray("memories").isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("sample " + i + " not visible on the other node within 30 s");
        }
        Thread.sleep(1);
      }
      long seen = System.nanoTime();
      fromAck[i] = seen - acked;
      fromSend[i] = seen - sent;
    }
    Arrays.sort(fromAck);
    Arrays.sort(fromSend);
    System.out.printf("{\"bench\":\"event_delay\",\"samples\":%d,\"ack_to_visible_p50_ms\":%.1f,"
            + "\"ack_to_visible_p99_ms\":%.1f,\"request_to_visible_p50_ms\":%.1f,\"request_to_visible_p99_ms\":%.1f}%n",
        samples, q(fromAck, 0.5), q(fromAck, 0.99), q(fromSend, 0.5), q(fromSend, 0.99));
  }

  /**
   * An outbox backlog written with the relay off (what a Kafka outage leaves), then a node with Kafka drains it; the
   * rate is measured on the rows' own publication times.
   */
  private static void drain(Vertx vertx, String url, Map<String, String> noKafka, Map<String, String> withKafka,
      int backlog, int dim) {
    Pool pool = PgBuilder.pool().connectingTo(PostgresMemoryStore.connectOptions(url)).using(vertx).build();
    try {
      long before = await(pool.query("SELECT coalesce(max(id), 0) FROM outbox").execute()).iterator().next()
          .getLong(0);
      Node writer = Node.start(noKafka);
      Random random = new Random(7);
      int bulk = 500;
      int requests = (backlog + bulk - 1) / bulk;
      List<Buffer> bodies = new ArrayList<>();
      for (int r = 0; r < requests; r++) {
        JsonArray items = new JsonArray();
        for (int i = r * bulk; i < Math.min(backlog, (r + 1) * bulk); i++) {
          items.add(StoreBench.item(100_000 + i, dim, true, false, random));
        }
        bodies.add(new JsonObject().put("items", items).toBuffer());
      }
      Load.run(writer.vertx, requests, 4, r -> writer.client.post("/memories/bulk")
          .putHeader("Content-Type", "application/json").putHeader("X-Soma-Tenant", "drain").sendBuffer(bodies.get(r))
          .map(resp -> resp.statusCode() == 200));
      writer.stop();
      long t0 = System.nanoTime();
      Node relay = Node.start(withKafka);
      String unsent = "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND id > " + before;
      while (await(pool.query(unsent).execute()).iterator().next().getLong(0) > 0) {
        if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("the outbox did not drain within 10 minutes");
        }
        sleep(20);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      var row = await(pool.query("SELECT count(*), max(sent_at) - min(sent_at) FROM outbox WHERE id > " + before)
          .execute()).iterator().next();
      long rows = row.getLong(0);
      double relaySeconds = Math.max(0.001, row.getLong(1) / 1000.0);
      System.out.printf("{\"bench\":\"outbox_drain\",\"rows\":%d,\"relay_seconds\":%.2f,\"rows_per_s\":%.0f,"
          + "\"node_start_to_empty_s\":%.2f}%n", rows, relaySeconds, rows / relaySeconds, wall);
      relay.stop();
    } finally {
      await(pool.close());
    }
  }

  private static void print(String bench, String mode, Load.Result r, int items, int concurrency) {
    System.out.printf("{\"bench\":\"%s\",\"mode\":\"%s\",\"requests\":%d,\"concurrency\":%d,\"seconds\":%.2f,"
            + "\"per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"failures\":%d}%n", bench, mode, r.requests(),
        concurrency, r.seconds(), r.perSecond(items), r.ms(0.5), r.ms(0.99), r.failures());
  }

  private static double q(long[] sorted, double quantile) {
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * quantile) - 1));
    return sorted[i] / 1e6;
  }

  private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
    Map<String, String> out = new HashMap<>(base);
    out.putAll(more);
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** One server on a free loopback port in its own Vert.x instance, with an HTTP client to it. */
  private record Node(Vertx vertx, SomaServer server, WebClient client) {
    static Node start(Map<String, String> settings) {
      Map<String, String> raw = new HashMap<>(settings);
      raw.put("SOMA_API_PORT", Integer.toString(freePort()));
      Vertx vertx = Vertx.vertx();
      SomaServer server = await(SomaServer.start(vertx, SomaConfig.from(raw)));
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
      return new Node(vertx, server, client);
    }

    void stop() {
      await(server.stop());
      await(vertx.close());
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
