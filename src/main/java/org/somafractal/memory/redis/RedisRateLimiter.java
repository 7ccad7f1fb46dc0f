package org.somafractal.memory.redis;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.limits.BucketSpec;
import org.somafractal.memory.limits.RateLimiter;

/**
 * Token buckets in Redis, so every node of a deployment draws from the same bucket per key. One Lua script per
 * request reads the bucket, refills it by the time elapsed on the Redis clock (one clock for all nodes), takes a token
 * when there is one and writes it back, atomically. The key expires once the bucket would be full again, so idle
 * clients cost nothing. When Redis is down or slow the in-process {@code fallback} decides: limits then hold per node
 * rather than not at all, and no request fails because of Redis.
 */
public final class RedisRateLimiter implements RateLimiter {
  /** ARGV = bucket key, rate per second, burst. Returns the microseconds to wait, 0 when a token was taken. */
  static final RedisScript SCRIPT = new RedisScript("""
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local rate = tonumber(ARGV[2])
      local burst = tonumber(ARGV[3])
      local b = redis.call('HMGET', ARGV[1], 'tokens', 'ts')
      local tokens = tonumber(b[1])
      local ts = tonumber(b[2])
      if tokens == nil or ts == nil then
        tokens = burst
        ts = now
      end
      tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000000)
      local wait = 0
      if tokens >= 1 then
        tokens = tokens - 1
      else
        wait = math.ceil((1 - tokens) * 1000000 / rate)
      end
      redis.call('HSET', ARGV[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', now))
      redis.call('PEXPIRE', ARGV[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
      return wait
      """);

  private final RedisConnection redis;
  private final RateLimiter fallback;

  public RedisRateLimiter(RedisConnection redis, RateLimiter fallback) {
    this.redis = redis;
    this.fallback = fallback;
  }

  @Override
  public Future<Long> acquire(String key, BucketSpec spec) {
    if (!redis.available()) {
      return fallback.acquire(key, spec);
    }
    List<String> args = List.of(redis.key("rl:" + key), Double.toString(spec.ratePerSecond()),
        Double.toString(spec.burst()));
    return redis.eval(SCRIPT, args).map(micros -> micros.toLong() * 1000L)
        .recover(unreachable -> fallback.acquire(key, spec));
  }
}
