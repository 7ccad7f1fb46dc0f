package org.somafractal.memory.events.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.somafractal.memory.config.SomaConfig;

/**
 * The Kafka of the integration tests. {@link #shared()} is the broker named by {@code KAFKA_BOOTSTRAP_SERVERS}
 * (started by {@code .ci/run}, or by a developer with {@code bin/kafka-dev start}); {@link #own()} starts a broker of
 * the test's own with {@code bin/kafka-dev} on a free port and a temporary directory, which the test may stop and
 * restart (the shared one is never stopped). Tests use a fresh {@link #topic()} each. When no broker can be had the
 * test is skipped, unless the environment variable {@code CI} is set: then it fails.
 */
public final class KafkaTestBroker implements AutoCloseable {
  private static final Path SCRIPT = Path.of("bin/kafka-dev").toAbsolutePath();

  private final String bootstrap;
  private final Integer ownPort;
  private final Path ownDir;

  private KafkaTestBroker(String bootstrap, Integer ownPort, Path ownDir) {
    this.bootstrap = bootstrap;
    this.ownPort = ownPort;
    this.ownDir = ownDir;
  }

  /** The broker of {@code KAFKA_BOOTSTRAP_SERVERS}; skips (fails on CI) when it is unset or does not answer. */
  public static KafkaTestBroker shared() {
    String servers = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    if (servers == null || servers.isBlank()) {
      unavailable("KAFKA_BOOTSTRAP_SERVERS is not set; start a broker with bin/kafka-dev start and export it");
    }
    String first = servers.split(",")[0].strip();
    int colon = first.lastIndexOf(':');
    if (!answers(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)))) {
      unavailable("Kafka at " + first + " does not answer");
    }
    return new KafkaTestBroker(servers, null, null);
  }

  /** A broker of this test's own, started now with {@code bin/kafka-dev}. */
  public static KafkaTestBroker own() {
    int port = freePortPair();
    Path dir;
    try {
      dir = Files.createTempDirectory("soma-it-kafka");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    KafkaTestBroker broker = new KafkaTestBroker("127.0.0.1:" + port, port, dir);
    String out = broker.script("start");
    if (out == null) {
      unavailable("bin/kafka-dev could not start a broker on port " + port + " (see " + dir + "/broker.log)");
    }
    return broker;
  }

  /** {@code host:port} for KAFKA_BOOTSTRAP_SERVERS. */
  public String bootstrap() {
    return bootstrap;
  }

  /** A topic name no other test uses. */
  public static String topic() {
    return "it." + UUID.randomUUID().toString().substring(0, 12);
  }

  /**
   * Every record of {@code topic} from the beginning: reads until at least {@code atLeast} have come (failing after a
   * minute), then one more second for any extra, so a duplicate would be seen.
   */
  public List<ConsumerRecord<String, String>> readAll(Vertx vertx, String topic, int atLeast) {
    Map<String, String> raw = Map.of("MEMORY_MODE", "test", "KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    KafkaConsumer<String, String> reader = KafkaConsumer.create(vertx,
        KafkaSettings.ofAnyMode(SomaConfig.from(raw)).consumer("it-reader", null));
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      List<PartitionInfo> infos = await(reader.partitionsFor(topic));
      while (infos.isEmpty() && System.nanoTime() < deadline) {
        infos = await(reader.partitionsFor(topic));
      }
      Set<TopicPartition> parts = new HashSet<>();
      infos.forEach(p -> parts.add(new TopicPartition(topic, p.getPartition())));
      await(reader.assign(parts));
      await(reader.seekToBeginning(parts));
      while (out.size() < atLeast) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("only " + out.size() + " of " + atLeast + " records on " + topic + " within 1 min");
        }
        await(reader.poll(Duration.ofMillis(500))).records().forEach(out::add);
      }
      long extra = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < extra) {
        await(reader.poll(Duration.ofMillis(200))).records().forEach(out::add);
      }
      return out;
    } finally {
      await(reader.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Stops this test's own broker; its data stays for {@link #start()}. */
  public void stop() {
    requireOwn();
    if (script("stop") == null) {
      throw new IllegalStateException("bin/kafka-dev stop failed");
    }
  }

  /** Starts this test's own broker again on the same port and data. */
  public void start() {
    requireOwn();
    if (script("start") == null) {
      throw new IllegalStateException("bin/kafka-dev start failed; see " + ownDir + "/broker.log");
    }
  }

  @Override
  public void close() {
    if (ownPort != null) {
      script("clean");
    }
  }

  private void requireOwn() {
    if (ownPort == null) {
      throw new IllegalStateException("the shared broker is never stopped by a test");
    }
  }

  /** Runs bin/kafka-dev; its output, or {@code null} when it failed. */
  private String script(String command) {
    try {
      Process p = new ProcessBuilder(List.of(SCRIPT.toString(), command, "--port", Integer.toString(ownPort), "--dir",
          ownDir.toString())).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
        System.err.println("bin/kafka-dev " + command + " failed:\n" + out);
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port p such that p and p + 1 (the controller) are both free at the moment. */
  private static int freePortPair() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = 20_000 + (int) (Math.random() * 20_000);
      if (!answers("127.0.0.1", port) && !answers("127.0.0.1", port + 1)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair found");
  }

  private static void unavailable(String message) {
    if (System.getenv("CI") != null) {
      fail(message);
    }
    Assumptions.abort(message);
  }
}
