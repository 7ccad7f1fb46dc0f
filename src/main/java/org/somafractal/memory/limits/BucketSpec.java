package org.somafractal.memory.limits;

/**
 * The shape of a token bucket: it refills continuously at {@code ratePerSecond} and holds at most {@code burst}
 * tokens; one request takes one token.
 *
 * @param ratePerSecond refill rate, greater than 0
 * @param burst capacity, at least 1
 */
public record BucketSpec(double ratePerSecond, double burst) {
  public BucketSpec {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new IllegalArgumentException("a bucket needs a positive rate and a burst of at least 1");
    }
  }

  /**
   * The bucket for a configured rate and burst, or {@code null} when the rate is 0 (no limit). A burst of 0 means
   * twice the rate, and never less than one request.
   */
  public static BucketSpec of(double ratePerSecond, double burst) {
    if (ratePerSecond <= 0) {
      return null;
    }
    return new BucketSpec(ratePerSecond, Math.max(1, burst > 0 ? burst : 2 * ratePerSecond));
  }

  /** Nanoseconds an empty bucket takes to fill up: after that long idle, a bucket equals a fresh one. */
  long fillNanos() {
    return (long) Math.ceil(burst / ratePerSecond * 1e9);
  }
}
