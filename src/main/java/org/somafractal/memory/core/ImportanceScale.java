package org.somafractal.memory.core;

/**
 * An immutable snapshot of how to map a tenant's raw importance values onto [0, 1], computed by
 * {@link ImportanceNormalizer} from the distribution of those values (the seed's adaptive normalisation).
 *
 * <p>Unlike the seed, a degenerate distribution (one memory, or every memory equally important) maps to 1, not 0, so
 * importance never zeroes a score; and min-max results are always clamped to [0, 1].
 */
public record ImportanceScale(Method method, double min, double max, double q10, double q50, double q90) {
  /** Used before anything was stored: every value is fully important. */
  public static final ImportanceScale NEUTRAL = new ImportanceScale(Method.CONSTANT, 0, 0, 0, 0, 0);

  private static final double EPSILON = 1e-12;

  /** How values are mapped. */
  public enum Method {
    /** All values are equal: everything maps to 1. */
    CONSTANT,
    /** {@code (raw - min) / (max - min)}, clamped. */
    MINMAX,
    /** Min-max between winsorised bounds around the 10th and 90th percentiles. */
    WINSOR,
    /** A logistic curve centred on the median, for heavy-tailed distributions. */
    LOGISTIC
  }

  /** The normalised importance of {@code raw}, in [0, 1]. */
  public double normalize(double raw) {
    switch (method) {
      case CONSTANT:
        return 1.0;
      case MINMAX:
        return clamp((raw - min) / (max - min));
      case WINSOR: {
        double spread = q90 - q10;
        double lo = Math.max(min, q10 - 0.25 * spread);
        double hi = Math.min(max, q90 + 0.25 * spread);
        if (hi - lo < EPSILON) {
          return 0.5;
        }
        return clamp((Math.max(lo, Math.min(hi, raw)) - lo) / (hi - lo));
      }
      case LOGISTIC: {
        double spread = q90 - q10;
        if (spread < EPSILON) {
          return 0.5;
        }
        double k = Math.min(Math.log(9) / spread, 25);
        return 1.0 / (1.0 + Math.exp(-k * (raw - q50)));
      }
      default:
        throw new IllegalStateException(method.name());
    }
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
