package org.somafractal.memory.vector.fastcore;

/**
 * Plain Java kernels, used when the Vector API is unavailable or {@code soma.fastcore.scalar=true}. The loops keep
 * four independent accumulators so the JIT can overlap the additions instead of waiting on one dependency chain.
 */
final class ScalarKernels implements VectorKernels {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (int bound = len & ~3; i < bound; i += 4) {
      s0 += a[aOffset + i] * b[i];
      s1 += a[aOffset + i + 1] * b[i + 1];
      s2 += a[aOffset + i + 2] * b[i + 2];
      s3 += a[aOffset + i + 3] * b[i + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOffset + i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void nibbleDotRows(short[] codes, int firstRow, int rows, int groups, int width, short[] query, int[] out) {
    for (int r = 0; r < rows; r++) {
      out[r] = nibbleDot(codes, firstRow + r, groups, width, query);
    }
  }
}
