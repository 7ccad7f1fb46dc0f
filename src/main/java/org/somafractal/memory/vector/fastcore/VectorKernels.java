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
   * The width {@code W} of the 4-bit layout this implementation reads fastest: shorts per group of {@code 4W}
   * components. The vector kernels use one register of shorts, so that a group is one load per row.
   */
  default int nibbleWidth() {
    return 16;
  }

  /**
   * {@code out[r] = sum(u(firstRow + r, i) * query[i])} for {@code r < rows}, exactly, in integers: the query against
   * the unsigned 4-bit codes {@code u} of {@link Slab}'s layout of width {@code W} ({@code groups * W} shorts per row;
   * nibble {@code k} of short {@code j} of group {@code g} is component {@code 4Wg + Wk + j}). {@code query} has
   * {@code groups * 4W} components, each within {@code ±NIBBLE_QUERY_MAX}, so that 32 products fit a 16-bit lane.
   * An implementation may refuse a width other than its {@link #nibbleWidth} with an
   * {@link IllegalArgumentException}; the scalar one takes any.
   */
  void nibbleDotRows(short[] codes, int firstRow, int rows, int groups, int width, short[] query, int[] out);

  /**
   * {@code nibbleDotRows} for the one row {@code row}: a graph search scores the rows it visits one at a time, in no
   * order. Must equal {@code nibbleDotRows}' sum for that row.
   */
  default int nibbleDot(short[] codes, int row, int groups, int width, short[] query) {
    int base = row * groups * width;
    int sum = 0;
    for (int g = 0; g < groups; g++) {
      int q = g * 4 * width;
      int c = base + g * width;
      for (int j = 0; j < width; j++) {
        int code = codes[c + j] & 0xFFFF;
        sum += (code & 15) * query[q + j] + ((code >>> 4) & 15) * query[q + width + j]
            + ((code >>> 8) & 15) * query[q + 2 * width + j] + (code >>> 12) * query[q + 3 * width + j];
      }
    }
    return sum;
  }

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
