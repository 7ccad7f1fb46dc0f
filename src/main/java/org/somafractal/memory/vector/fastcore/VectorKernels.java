package org.somafractal.memory.vector.fastcore;

/**
 * The arithmetic of the fast core's scans: dot products of a query against rows of a contiguous slab, in float and
 * against int8 codes. Implementations must give bit-identical results between {@link #dot} and {@link #dotRows} for
 * the same row, because the int8 path rescores candidates with {@code dot} and must agree with a float scan.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface VectorKernels {

  /** A short name for logs and benchmarks, e.g. {@code panama-256} or {@code scalar}. */
  String name();

  /** {@code sum(a[aOffset + i] * b[i])} for {@code i < len}. */
  float dot(float[] a, int aOffset, float[] b, int len);

  /** {@code out[r] = dot(data, (firstRow + r) * dim, query, dim)} for {@code r < rows}. */
  default void dotRows(float[] data, int firstRow, int rows, int dim, float[] query, float[] out) {
    for (int r = 0; r < rows; r++) {
      out[r] = dot(data, (firstRow + r) * dim, query, dim);
    }
  }

  /**
   * {@code out[r] = sum(codes[(firstRow + r) * dim + i] * query[i])} for {@code r < rows}: the query against unscaled
   * int8 codes, in float.
   */
  void dotByteRows(byte[] codes, int firstRow, int rows, int dim, float[] query, float[] out);
}
