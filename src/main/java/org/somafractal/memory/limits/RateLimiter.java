package org.somafractal.memory.limits;

import io.vertx.core.Future;

/**
 * The rate-limiting port: one token bucket per key. The in-process implementation is {@link InProcessRateLimiter};
 * a shared one ({@code redis.RedisRateLimiter}) implements the same call for several server processes. Implementations are thread-safe.
 */
public interface RateLimiter {

  /**
   * Takes one token from the bucket of {@code key}, creating a full bucket of shape {@code spec} on first use.
   *
   * @return 0 when the request may proceed, else the nanoseconds until the bucket holds a token again; never a
   *     failed future (a shared limiter that cannot reach its store decides in process instead)
   */
  Future<Long> acquire(String key, BucketSpec spec);
}
