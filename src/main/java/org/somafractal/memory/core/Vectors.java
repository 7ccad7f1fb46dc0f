package org.somafractal.memory.core;

/** Checks and normalises vectors that come from clients or models. */
public final class Vectors {
  private Vectors() {
  }

  /**
   * A unit-length copy of {@code v}.
   *
   * @throws SomaException of kind INVALID for a wrong length, a non-finite value or the zero vector
   */
  public static float[] normalized(float[] v, int dimension, String what) {
    if (v.length != dimension) {
      throw SomaException.invalid(what + " has " + v.length + " dimensions; this server uses " + dimension);
    }
    double sum = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw SomaException.invalid(what + " holds a value that is not a finite number");
      }
      sum += (double) x * x;
    }
    if (sum == 0) {
      throw SomaException.invalid(what + " is the zero vector, which has no direction");
    }
    double inv = 1.0 / Math.sqrt(sum);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * inv);
    }
    return out;
  }
}
