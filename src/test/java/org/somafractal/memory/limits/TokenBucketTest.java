package org.somafractal.memory.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets refill continuously with an injected clock: no sleeping, exact numbers. */
class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final InProcessRateLimiter limiter = new InProcessRateLimiter(100, Duration.ofMinutes(1), now::get);

  @Test
  void burstThenRefillAtTheRate() {
    BucketSpec spec = BucketSpec.of(2, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a", spec)).as("request %d of the burst", i).isZero();
    }
    long wait = limiter.tryAcquire("a", spec);
    assertThat(wait).isEqualTo(500_000_000L);
    now.addAndGet(499_000_000L);
    assertThat(limiter.tryAcquire("a", spec)).isPositive();
    now.addAndGet(1_000_000L);
    assertThat(limiter.tryAcquire("a", spec)).isZero();
    assertThat(limiter.tryAcquire("a", spec)).isPositive();
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a", spec)).as("refilled to the burst, not beyond").isZero();
    }
    assertThat(limiter.tryAcquire("a", spec)).isPositive();
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    BucketSpec spec = BucketSpec.of(1, 1);
    assertThat(limiter.tryAcquire("a", spec)).isZero();
    assertThat(limiter.tryAcquire("a", spec)).isPositive();
    assertThat(limiter.tryAcquire("b", spec)).isZero();
  }

  @Test
  void burstDefaultsToTwiceTheRateAndZeroRateIsOff() {
    assertThat(BucketSpec.of(5, 0).burst()).isEqualTo(10);
    assertThat(BucketSpec.of(0.2, 0).burst()).isEqualTo(1);
    assertThat(BucketSpec.of(0, 10)).isNull();
  }
}
