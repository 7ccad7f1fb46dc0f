package org.somafractal.memory.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.somafractal.memory.idempotency.Entry;
import org.somafractal.memory.idempotency.Idempotency;

/**
 * Idempotency keys in Redis, shared by all nodes. A claim is {@code SET key pending NX PX pendingTimeout}: exactly one
 * request wins it, and a claim whose request died expires by itself. The answer then replaces it for {@code ttl}.
 * When Redis is down or slow the in-process {@code fallback} decides, so the header keeps working per node; answers
 * and releases go to both stores, so a claim taken in process during an outage is still honoured by this node.
 */
public final class RedisIdempotency implements Idempotency {
  private final RedisConnection redis;
  private final Idempotency fallback;
  private final long ttlMillis;
  private final long pendingTimeoutMillis;

  public RedisIdempotency(RedisConnection redis, Idempotency fallback, Duration ttl, Duration pendingTimeout) {
    this.redis = redis;
    this.fallback = fallback;
    this.ttlMillis = ttl.toMillis();
    this.pendingTimeoutMillis = pendingTimeout.toMillis();
  }

  @Override
  public Future<Claim> begin(String key, String bodyHash) {
    if (!redis.available()) {
      return fallback.begin(key, bodyHash);
    }
    String redisKey = redis.key("idem:" + key);
    Request claim = Request.cmd(Command.SET).arg(redisKey).arg(Entry.pending(bodyHash, System.currentTimeMillis())
        .encode()).arg("NX").arg("PX").arg(pendingTimeoutMillis);
    return redis.send(claim).compose(won -> {
      if (won != null) {
        return Future.succeededFuture((Claim) new Claim.Started());
      }
      return redis.send(Request.cmd(Command.GET).arg(redisKey)).map(found -> found == null
          // the entry expired between the two calls: another request is about to claim it, or just did
          ? new Claim.InFlight() : Entry.decode(found.toString()).claimFor(bodyHash));
    }).recover(unreachable -> fallback.begin(key, bodyHash));
  }

  @Override
  public Future<Void> complete(String key, String bodyHash, int status, String body) {
    fallback.complete(key, bodyHash, status, body);
    if (!redis.available()) {
      return Future.succeededFuture();
    }
    Entry answer = new Entry(bodyHash, status, body, System.currentTimeMillis());
    return redis.send(Request.cmd(Command.SET).arg(redis.key("idem:" + key)).arg(answer.encode()).arg("PX")
        .arg(ttlMillis)).<Void>mapEmpty().recover(unreachable -> Future.succeededFuture());
  }

  @Override
  public Future<Void> release(String key) {
    fallback.release(key);
    if (!redis.available()) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.DEL).arg(redis.key("idem:" + key))).<Void>mapEmpty()
        .recover(unreachable -> Future.succeededFuture());
  }
}
