package org.somafractal.memory.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;

/**
 * The optional Redis of the server modes: one pooled client per Vert.x instance, a timeout on every call and a key
 * prefix. Redis is an accelerator here, never a dependency: after a failed call the connection counts as down for
 * a short while, and callers (see {@link #available()}) serve in process instead of waiting on a timeout per request.
 * Thread-safe.
 */
public final class RedisConnection {
  private static final String SHARED_KEY = "soma.redis";
  /** The value of {@code downUntil} while Redis is up (a deadline of exactly 0 is too unlikely to matter). */
  private static final long UP = 0;
  private static final long RETRY_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Redis client;
  private final long timeoutMs;
  private final String prefix;
  private final AtomicLong downUntil = new AtomicLong(UP);

  private RedisConnection(Redis client, long timeoutMs, String prefix) {
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.prefix = prefix;
  }

  /**
   * The connection of {@code vertx}, created on first use, or {@code null} when the mode is not a server mode or no
   * Redis is configured.
   */
  public static RedisConnection shared(Vertx vertx, SomaConfig config) {
    String url = connectionString(config);
    if (url == null) {
      return null;
    }
    return vertx.sharedData().<String, Holder>getLocalMap(SHARED_KEY)
        .computeIfAbsent(SHARED_KEY, k -> new Holder(create(vertx, config, url))).connection();
  }

  /** The Redis URL of the configuration, or {@code null} when Redis is not used. */
  static String connectionString(SomaConfig config) {
    String mode = config.get(Settings.MODE);
    if (!mode.equals("evented_enterprise") && !mode.equals("cloud_managed")) {
      return null;
    }
    String url = config.get(Settings.REDIS_URL);
    if (url != null && !url.isBlank()) {
      return url;
    }
    String host = config.get(Settings.REDIS_HOST);
    return host == null || host.isBlank() ? null : "redis://" + host + ":" + config.get(Settings.REDIS_PORT);
  }

  private static RedisConnection create(Vertx vertx, SomaConfig config, String url) {
    int timeout = config.get(Settings.REDIS_TIMEOUT_MS);
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(16).setMaxPoolWaiting(256)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(timeout).setTcpNoDelay(true));
    return new RedisConnection(Redis.createClient(vertx, options), timeout, config.get(Settings.REDIS_KEY_PREFIX));
  }

  /** {@code name} under this server's key prefix. */
  public String key(String name) {
    return prefix + name;
  }

  /** Whether Redis may be tried now: false for a short while after a failed call. */
  public boolean available() {
    long until = downUntil.get();
    return until == UP || System.nanoTime() - until >= 0;
  }

  /** Sends one command with the configured timeout; a failure marks the connection down for a short while. */
  public Future<Response> send(Request request) {
    Future<Response> sent;
    try {
      sent = client.send(request);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return guarded(sent);
  }

  private Future<Response> guarded(Future<Response> sent) {
    return sent.timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(e -> downUntil.set(System.nanoTime() + RETRY_AFTER_FAILURE_NANOS));
  }

  /**
   * Runs {@code script} with {@code args} (strings, numbers or {@code byte[]}), by SHA-1 first; the whole exchange has
   * the configured timeout, and its failure marks the connection down as {@link #send} does.
   */
  public Future<Response> eval(RedisScript script, List<?> args) {
    Future<Response> sent;
    try {
      sent = client.send(script.bySha(args))
          .recover(e -> RedisScript.unknown(e) ? client.send(script.whole(args)) : Future.failedFuture(e));
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return guarded(sent);
  }

  /** PING, for the health report; tried even while the connection counts as down. */
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).<Void>mapEmpty()
        .onSuccess(v -> downUntil.set(UP));
  }

  /** Holds the connection in Vert.x local shared data, which only takes {@link Shareable} values. */
  private record Holder(RedisConnection connection) implements Shareable {
  }
}
