package org.somafractal.memory.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The local Redis (127.0.0.1:6379) under a key prefix of its own, unique per test run, whose keys are deleted on
 * close. When Redis cannot be reached the calling test is skipped (JUnit assumption), unless the environment
 * variable {@code CI} is set: then it fails.
 */
public final class RedisTestKeys implements AutoCloseable {
  public static final String URL = "redis://127.0.0.1:6379";

  private final Vertx vertx;
  private final Redis client;
  private final String prefix;

  private RedisTestKeys(Vertx vertx, Redis client, String prefix) {
    this.vertx = vertx;
    this.client = client;
    this.prefix = prefix;
  }

  /** Connects, or skips (fails on CI) when Redis is unreachable. */
  public static RedisTestKeys create() {
    Vertx vertx = Vertx.vertx();
    Redis client = Redis.createClient(vertx, URL);
    try {
      await(client.send(Request.cmd(Command.PING)));
    } catch (RuntimeException e) {
      client.close();
      await(vertx.close());
      String message = "Redis is not reachable at " + URL + " (" + e.getMessage()
          + "); start it to run the Redis integration tests";
      if (System.getenv("CI") != null) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    return new RedisTestKeys(vertx, client, "soma-it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
  }

  /** The key prefix of this run, for {@code SOMA_REDIS_KEY_PREFIX}. */
  public String prefix() {
    return prefix;
  }

  /** The keys under this run's prefix that start with {@code prefix() + name}. */
  public List<String> keys(String name) {
    List<String> out = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = await(client.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + name + "*")
          .arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> out.add(key.toString()));
    } while (!cursor.equals("0"));
    return out;
  }

  /** Every value stored under the keys {@link #keys} lists, as text: a string's value, or each field and value of a hash. */
  public List<String> values(String name) {
    List<String> out = new ArrayList<>();
    for (String key : keys(name)) {
      Response type = await(client.send(Request.cmd(Command.TYPE).arg(key)));
      if ("hash".equals(type.toString())) {
        Response all = await(client.send(Request.cmd(Command.HGETALL).arg(key)));
        if (all.type() == io.vertx.redis.client.ResponseType.MULTI) {
          all.forEach(r -> out.add(r.toString()));
        } else {
          all.getKeys().forEach(f -> out.add(f + "=" + all.get(f)));
        }
      } else if ("string".equals(type.toString())) {
        out.add(await(client.send(Request.cmd(Command.GET).arg(key))).toString());
      }
    }
    return out;
  }

  /** Sets {@code prefix() + name} to {@code value} for {@code ttlMillis}, as another node would. */
  public void set(String name, String value, long ttlMillis) {
    await(client.send(Request.cmd(Command.SET).arg(prefix + name).arg(value).arg("PX").arg(ttlMillis)));
  }

  @Override
  public void close() {
    for (String key : keys("")) {
      await(client.send(Request.cmd(Command.DEL).arg(key)));
    }
    client.close();
    await(vertx.close());
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
