package org.somafractal.memory.limits;

/**
 * One token bucket with a real continuous refill: the tokens earned since the last call are added (up to the burst)
 * before one is taken, so a client that stays under the rate is never refused, and one that stops sending gets its
 * burst back. Thread-safe: the two fields change together under the bucket's own lock, which is held for a few
 * arithmetic operations only.
 */
final class TokenBucket {
  private final BucketSpec spec;
  private double tokens;
  private long lastNanos;

  TokenBucket(BucketSpec spec, long nowNanos) {
    this.spec = spec;
    this.tokens = spec.burst();
    this.lastNanos = nowNanos;
  }

  /** 0 when a token was taken, else the nanoseconds until one is available. */
  synchronized long tryAcquire(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(spec.burst(), tokens + (nowNanos - lastNanos) * spec.ratePerSecond() / 1e9);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / spec.ratePerSecond() * 1e9));
  }
}
