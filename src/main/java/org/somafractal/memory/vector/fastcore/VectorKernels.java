package org.somafractal.memory.vector.fastcore;

/**
 * The arithmetic of the fast core's scans: dot products of a query against rows of a contiguous slab, in float and
 * against 4-bit codes. Implementations must give bit-identical results between {@link #dot} and {@link #dotRows} for
 * the same row, because the quantised path rescores candidates with {@code dot} and must agree with a float scan.
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

  /** The largest magnitude of a component of the integer query of {@link #nibbleDotRows}. */
  int NIBBLE_QUERY_MAX = 63;

  /**
   * {@code out[r] = sum(u(firstRow + r, i) * query[i])} for {@code r < rows}, exactly, in integers: the query against
   * the unsigned 4-bit codes {@code u} of {@link Slab}'s layout ({@code groups * 16} shorts per row; nibble {@code k}
   * of short {@code j} of group {@code g} is component {@code 64g + 16k + j}). {@code query} has {@code groups * 64}
   * components, each within {@code ±NIBBLE_QUERY_MAX}, so that 32 products fit a 16-bit lane.
   */
  void nibbleDotRows(short[] codes, int firstRow, int rows, int groups, short[] query, int[] out);

  /**
   * {@code upper[r] = scales[s] * queryScale * (sums[r] - offset) + errorWeight * errors[s] + normWeight * norms[s]}
   * with {@code s = firstSlot + r}, for {@code r < rows}: the upper bounds of a block of 4-bit estimates (see
   * {@link SlabSearch}). Implementations may round differently by a few ulps; the bounds' slack covers that.
   */
  default void nibbleUpperBounds(int[] sums, int rows, float[] scales, float[] errors, float[] norms, int firstSlot,
      float queryScale, float offset, float errorWeight, float normWeight, float[] upper) {
    for (int r = 0; r < rows; r++) {
      int s = firstSlot + r;
      upper[r] = scales[s] * queryScale * (sums[r] - offset) + errorWeight * errors[s] + normWeight * norms[s];
    }
  }
}
