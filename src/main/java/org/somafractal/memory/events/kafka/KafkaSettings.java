package org.somafractal.memory.events.kafka;

import java.util.HashMap;
import java.util.Map;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The Kafka part of the configuration, read once, and the client configurations built from it: the one place that
 * says how this server talks to Kafka (acknowledgements, idempotence, timeouts on every call).
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param embeddings whether published events carry the memory's embedding
 * @param timeoutMs the bound of every Kafka call
 * @param outboxBatch the most outbox rows published in one relay transaction
 * @param outboxPollMs the relay's polling period
 * @param retentionSeconds how long published outbox rows stay
 * @param replaySeconds how far before its index rebuild a starting node replays the topic
 * @param postgresUrl the database of the outbox
 */
public record KafkaSettings(String bootstrapServers, String topic, String dlqTopic, boolean embeddings, int timeoutMs,
    int outboxBatch,
    int outboxPollMs, int retentionSeconds, int replaySeconds, String postgresUrl) {

  /**
   * The settings of a server mode with Kafka configured and eventing enabled, or {@code null} when Kafka is not used
   * (development and test modes, no {@code KAFKA_BOOTSTRAP_SERVERS}, or {@code EVENTING_ENABLED=false}).
   */
  public static KafkaSettings of(SomaConfig config) {
    String mode = config.get(Settings.MODE);
    if (!mode.equals("evented_enterprise") && !mode.equals("cloud_managed")) {
      return null;
    }
    return ofAnyMode(config);
  }

  /** The settings whatever the mode ({@code soma consumer} has none), or {@code null} when Kafka is not configured. */
  public static KafkaSettings ofAnyMode(SomaConfig config) {
    String servers = config.get(Settings.KAFKA_BOOTSTRAP_SERVERS);
    if (servers == null || servers.isBlank() || !config.get(Settings.EVENTING_ENABLED)) {
      return null;
    }
    return new KafkaSettings(servers.strip(), config.get(Settings.KAFKA_TOPIC), config.get(Settings.KAFKA_DLQ_TOPIC),
        config.get(Settings.EVENT_EMBEDDINGS), config.get(Settings.KAFKA_TIMEOUT_MS), config.get(Settings.OUTBOX_BATCH), config.get(Settings.OUTBOX_POLL_MS),
        config.get(Settings.OUTBOX_RETENTION_SECONDS), config.get(Settings.FOLLOW_REPLAY_SECONDS),
        config.get(Settings.POSTGRES_URL));
  }

  /**
   * The producer of the relay: every record acknowledged by all in-sync replicas, idempotent (no duplicates from its
   * own retries, order kept per partition), a send that cannot even find the topic's metadata fails after the
   * timeout instead of blocking, and a record not acknowledged within the timeout fails.
   */
  public Map<String, String> producer(String clientId) {
    Map<String, String> c = common(clientId);
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("max.in.flight.requests.per.connection", "5");
    c.put("linger.ms", "1");
    c.put("compression.type", "lz4");
    c.put("max.block.ms", Integer.toString(timeoutMs));
    c.put("request.timeout.ms", Integer.toString(timeoutMs));
    c.put("delivery.timeout.ms", Integer.toString(timeoutMs + 1_000));
    return c;
  }

  /**
   * A consumer that commits nothing by itself; {@code group} {@code null} means a consumer without a group, whose
   * partitions are assigned and positioned by its owner.
   */
  public Map<String, String> consumer(String clientId, String group) {
    Map<String, String> c = common(clientId);
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", "500");
    c.put("fetch.max.wait.ms", "100");
    c.put("request.timeout.ms", Integer.toString(timeoutMs));
    c.put("default.api.timeout.ms", Integer.toString(timeoutMs));
    if (group != null) {
      c.put("group.id", group);
      c.put("session.timeout.ms", "10000");
      c.put("heartbeat.interval.ms", "3000");
    }
    return c;
  }

  /** An admin client, for the health check. */
  public Map<String, String> admin(String clientId) {
    Map<String, String> c = common(clientId);
    c.put("request.timeout.ms", Integer.toString(timeoutMs));
    c.put("default.api.timeout.ms", Integer.toString(timeoutMs));
    return c;
  }

  private Map<String, String> common(String clientId) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrapServers);
    c.put("client.id", clientId);
    // Reconnect quickly after an outage: the outbox drains as soon as the broker answers again.
    c.put("reconnect.backoff.ms", "100");
    c.put("reconnect.backoff.max.ms", "1000");
    c.put("retry.backoff.ms", "100");
    c.put("retry.backoff.max.ms", "1000");
    c.put("socket.connection.setup.timeout.ms", Integer.toString(Math.min(timeoutMs, 10_000)));
    c.put("socket.connection.setup.timeout.max.ms", Integer.toString(Math.min(timeoutMs, 10_000)));
    return c;
  }

  /** Never prints the database URI, which may hold a password. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", dlqTopic=" + dlqTopic
        + ", timeoutMs=" + timeoutMs + "]";
  }
}
