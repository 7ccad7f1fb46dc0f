package org.somafractal.memory.vector.fastcore;

import java.util.Random;

/** Vector arithmetic of the fast-core tests: random, summed and normalised vectors, and an exact double dot product. */
final class TestVectors {
  private TestVectors() {
  }

  static float[] gaussian(Random rnd, int dim, double sigma) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (rnd.nextGaussian() * sigma);
    }
    return v;
  }

  static float[] add(float[] a, float[] b) {
    float[] v = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      v[i] = a[i] + b[i];
    }
    return v;
  }

  /** A normalised copy of {@code v}. */
  static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  static double exactDot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
