package org.somafractal.memory.vector.fastcore;

/**
 * A float query rounded to integers {@code q ≈ scale * Q} with {@code |Q| ≤ }{@link VectorKernels#NIBBLE_QUERY_MAX},
 * for the 4-bit kernels, with the norms that bound the rounding's effect on a score (see {@link SlabSearch}). Reused
 * from one query to the next, so rounding a query allocates nothing once the padded length is settled.
 *
 * <p>Not thread-safe: one per searching thread.
 */
final class NibbleQuery {
  /** Half the range of a 4-bit code: a code {@code u} stands for {@code rowScale * (u - 7.5)}. */
  static final float HALF_RANGE = 7.5f;

  short[] codes = new short[0];
  float scale;
  /** The sum of {@link #codes}, which turns a sum over unsigned codes into one over centred codes. */
  int sum;
  /** {@code |q|}, rounded up. */
  float norm;
  /** {@code |q - scale * Q|}, rounded up. */
  float error;
  /**
   * The weights of a row's two error norms in the slack of an estimate ({@link #upper}): {@link #norm} and
   * {@link #error}, each plus the float rounding of the estimate, the bounds (computed by two kernels that may round
   * apart) and the float kernel, relative to {@code |q| * |x|}, with room to spare.
   */
  float errorWeight;
  float normWeight;

  /** Rounds {@code query}'s {@code dim} components into {@link #codes}, zero-padded to {@code padded}. */
  void quantize(float[] query, int dim, int padded) {
    if (codes.length != padded) {
      codes = new short[padded];
    }
    float max = 0;
    for (int i = 0; i < dim; i++) {
      max = Math.max(max, Math.abs(query[i]));
    }
    scale = max / VectorKernels.NIBBLE_QUERY_MAX;
    int total = 0;
    double squares = 0;
    double errors = 0;
    for (int i = 0; i < dim; i++) {
      int q = scale == 0 ? 0 : Math.round(query[i] / scale);
      q = Math.max(-VectorKernels.NIBBLE_QUERY_MAX, Math.min(VectorKernels.NIBBLE_QUERY_MAX, q));
      codes[i] = (short) q;
      total += q;
      double e = query[i] - (double) scale * q;
      errors += e * e;
      squares += (double) query[i] * query[i];
    }
    sum = total;
    norm = Math.nextUp((float) Math.sqrt(squares));
    error = Math.nextUp((float) Math.sqrt(errors));
    float rounding = (float) (2.0 * (dim + 16) * 0x1p-24 * (norm + error));
    errorWeight = Math.nextUp(norm + rounding);
    normWeight = Math.nextUp(error + rounding);
  }

  /** The 4-bit estimate of the query's dot product with {@code slot}'s row of {@code slab}, which must be quantised. */
  float estimate(VectorKernels kernels, Slab slab, int slot) {
    int dot = kernels.nibbleDot(slab.codes[slot >>> Slab.CHUNK_SHIFT], slot & Slab.CHUNK_MASK, slab.groups,
        slab.width, codes);
    return slab.scales[slot] * scale * (dot - HALF_RANGE * sum);
  }

  /**
   * An upper bound of the query's exact (float kernel) dot product with {@code slot}'s row: the estimate plus its
   * slack, as the 4-bit scans bound it ({@link SlabSearch}).
   */
  float upper(VectorKernels kernels, Slab slab, int slot) {
    return estimate(kernels, slab, slot) + errorWeight * slab.errors[slot] + normWeight * slab.decodedNorms[slot];
  }
}
