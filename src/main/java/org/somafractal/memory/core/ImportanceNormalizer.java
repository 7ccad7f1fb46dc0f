package org.somafractal.memory.core;

import java.util.Arrays;

/**
 * Tracks the distribution of one tenant's raw importance values and produces an {@link ImportanceScale}: a reservoir
 * of the last {@value #RESERVOIR} values with a running min and max, whose quantiles are recomputed every
 * {@value #RECOMPUTE_EVERY} additions. With fewer than {@value #RECOMPUTE_EVERY} values it uses min-max. Otherwise it
 * picks min-max, winsorised or logistic scaling from the tail ratios, as the seed's fast core specified.
 *
 * <p>Not thread-safe: owned by the vector verticle.
 */
public final class ImportanceNormalizer {
  static final int RESERVOIR = 512;
  static final int RECOMPUTE_EVERY = 64;
  private static final double EPSILON = 1e-12;

  private final double[] reservoir = new double[RESERVOIR];
  private long added;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private ImportanceScale scale = ImportanceScale.NEUTRAL;
  private boolean dirty;

  /** Records one raw value. */
  public void add(double raw) {
    if (!Double.isFinite(raw)) {
      return;
    }
    reservoir[(int) (added % RESERVOIR)] = raw;
    added++;
    min = Math.min(min, raw);
    max = Math.max(max, raw);
    dirty = added < RECOMPUTE_EVERY || added % RECOMPUTE_EVERY == 0 || dirty;
  }

  /** The current scale; recomputed lazily. */
  public ImportanceScale scale() {
    if (dirty) {
      scale = compute();
      dirty = false;
    }
    return scale;
  }

  private ImportanceScale compute() {
    if (added == 0 || max - min < EPSILON) {
      return ImportanceScale.NEUTRAL;
    }
    if (added < RECOMPUTE_EVERY) {
      return new ImportanceScale(ImportanceScale.Method.MINMAX, min, max, 0, 0, 0);
    }
    int n = (int) Math.min(added, RESERVOIR);
    double[] sorted = Arrays.copyOf(reservoir, n);
    Arrays.sort(sorted);
    double q10 = quantile(sorted, 0.10);
    double q50 = quantile(sorted, 0.50);
    double q90 = quantile(sorted, 0.90);
    double q99 = quantile(sorted, 0.99);
    double upper = Math.max(q90 - q50, EPSILON);
    double lower = Math.max(q50 - q10, EPSILON);
    double tailMax = (max - q90) / upper;
    double tailExt = (q99 - q90) / upper;
    double asymmetry = upper / lower;
    ImportanceScale.Method method;
    if (tailMax <= 5 && asymmetry <= 3) {
      method = ImportanceScale.Method.MINMAX;
    } else if (tailMax <= 15 && tailExt <= 8) {
      method = ImportanceScale.Method.WINSOR;
    } else {
      method = ImportanceScale.Method.LOGISTIC;
    }
    return new ImportanceScale(method, min, max, q10, q50, q90);
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }
}
