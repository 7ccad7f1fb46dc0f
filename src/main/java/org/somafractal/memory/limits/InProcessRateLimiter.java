package org.somafractal.memory.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets in this process, in a Caffeine map bounded in size so a flood of distinct keys (forged tenants or
 * tokens) cannot grow memory without bound. A bucket idle for longer than it takes to fill up is dropped: it would be
 * full again anyway, so dropping it changes nothing. Evicting a busy bucket because the map is full hands that key a
 * fresh burst; with {@code maxKeys} above the number of active clients this does not happen. Thread-safe: lookups are
 * lock-free and each bucket has its own lock.
 */
public final class InProcessRateLimiter implements RateLimiter {
  private final Cache<String, TokenBucket> buckets;
  private final LongSupplier nanoClock;

  /**
   * @param maxIdle how long an unused bucket is kept: at least the longest fill time of the specs in use
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; tests pass their own)
   */
  public InProcessRateLimiter(long maxKeys, Duration maxIdle, LongSupplier nanoClock) {
    this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(maxIdle).build();
    this.nanoClock = nanoClock;
  }

  @Override
  public Future<Long> acquire(String key, BucketSpec spec) {
    return Future.succeededFuture(tryAcquire(key, spec));
  }

  /** {@link #acquire} without the future: 0 when the request may proceed, else the nanoseconds to wait. */
  public long tryAcquire(String key, BucketSpec spec) {
    long now = nanoClock.getAsLong();
    return buckets.get(key, k -> new TokenBucket(spec, now)).tryAcquire(now);
  }
}
