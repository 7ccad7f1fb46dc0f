package org.somafractal.memory.vector.fastcore;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API with the platform's preferred species and fused multiply-add. Four
 * accumulators per row hide the FMA latency (one accumulator would serialise every step of a row on it). The 4-bit
 * kernel stays in 16-bit integer lanes, one group of {@link #nibbleWidth} shorts per register (32 with AVX-512, 16
 * with AVX2; on AVX-512 the wider group took the exact 100k × 384 search from 1.95 to 1.85 ms p50): one shift and
 * one mask expose a register of codes, a 16-bit multiply-add takes them, and the lanes are widened to 32 bits only
 * every 32 products, so no lane ever converts to float. Loaded reflectively by {@link Kernels}, so this class is
 * never touched when {@code jdk.incubator.vector} is absent.
 */
final class PanamaKernels implements VectorKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();
  private static final int STEP = 4 * LANES;
  /** Lane {@code i} to {@code i ^ (LANES >> (s + 1))}: the steps of a fixed-order tree sum of a vector's lanes. */
  @SuppressWarnings("unchecked")
  private static final VectorShuffle<Float>[] FOLDS = new VectorShuffle[Integer.numberOfTrailingZeros(LANES)];

  static {
    for (int s = 0; s < FOLDS.length; s++) {
      int distance = LANES >> (s + 1);
      FOLDS[s] = VectorShuffle.fromOp(FLOATS, i -> i ^ distance);
    }
  }
  private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SHORTS.vectorShape());
  private static final int SHORT_LANES = SHORTS.length();
  /** Ints as wide as the float species, for converting a block of integer sums to floats. */
  private static final VectorSpecies<Integer> FLOAT_INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
  /** Shorts per group of the 4-bit layout: a register, and never under 16 (the scalar layout). */
  private static final int WIDTH = Math.max(16, SHORT_LANES);
  /** Vectors per group. */
  private static final int PER_GROUP = WIDTH / SHORT_LANES;
  /** Groups whose products one 16-bit lane can sum: 4 * PER_GROUP products per group, 32 at most. */
  private static final int FLUSH_GROUPS = 32 / (4 * PER_GROUP);

  @Override
  public String name() {
    return "panama-" + FLOATS.vectorBitSize();
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int len) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    FloatVector acc2 = FloatVector.zero(FLOATS);
    FloatVector acc3 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound = len - len % STEP; i < bound; i += STEP) {
      acc0 = FloatVector.fromArray(FLOATS, a, aOffset + i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
      acc1 = FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
          .fma(FloatVector.fromArray(FLOATS, b, i + LANES), acc1);
      acc2 = FloatVector.fromArray(FLOATS, a, aOffset + i + 2 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, i + 2 * LANES), acc2);
      acc3 = FloatVector.fromArray(FLOATS, a, aOffset + i + 3 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, i + 3 * LANES), acc3);
    }
    for (int bound = len - len % LANES; i < bound; i += LANES) {
      acc0 = FloatVector.fromArray(FLOATS, a, aOffset + i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
    }
    float sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    for (; i < len; i++) {
      sum = Math.fma(a[aOffset + i], b[i], sum);
    }
    return sum;
  }

  /**
   * The sum of the lanes in a fixed tree order. {@code reduceLanes(ADD)} may sum floats in another order when
   * interpreted than when compiled, and a row must score the same in the scan and in the rescoring.
   */
  private static float sumLanes(FloatVector v) {
    for (VectorShuffle<Float> fold : FOLDS) {
      v = v.add(v.rearrange(fold));
    }
    return v.lane(0);
  }

  @Override
  public int nibbleWidth() {
    return WIDTH;
  }

  @Override
  public void nibbleDotRows(short[] codes, int firstRow, int rows, int groups, int width, short[] query, int[] out) {
    if (width != WIDTH) {
      throw new IllegalArgumentException("these kernels read 4-bit groups of " + WIDTH + " shorts, not " + width);
    }
    int stride = groups * WIDTH;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      nibbleDotPair(codes, (firstRow + r) * stride, stride, groups, query, out, r);
    }
    for (; r < rows; r++) {
      out[r] = rowNibbleDot(codes, (firstRow + r) * stride, groups, query);
    }
  }

  @Override
  public int nibbleDot(short[] codes, int row, int groups, int width, short[] query) {
    if (width != WIDTH) {
      throw new IllegalArgumentException("these kernels read 4-bit groups of " + WIDTH + " shorts, not " + width);
    }
    return rowNibbleDot(codes, row * groups * WIDTH, groups, query);
  }

  @Override
  public void nibbleUpperBounds(int[] sums, int rows, float[] scales, float[] errors, float[] norms, int firstSlot,
      float queryScale, float offset, float errorWeight, float normWeight, float[] upper) {
    int r = 0;
    for (int bound = FLOATS.loopBound(rows); r < bound; r += LANES) {
      int s = firstSlot + r;
      FloatVector sum = (FloatVector) IntVector.fromArray(FLOAT_INTS, sums, r).convert(VectorOperators.I2F, 0);
      FloatVector estimate = FloatVector.fromArray(FLOATS, scales, s).mul(queryScale).mul(sum.sub(offset));
      FloatVector slack = FloatVector.fromArray(FLOATS, errors, s).mul(errorWeight)
          .add(FloatVector.fromArray(FLOATS, norms, s).mul(normWeight));
      estimate.add(slack).intoArray(upper, r);
    }
    for (; r < rows; r++) {
      int s = firstSlot + r;
      upper[r] = scales[s] * queryScale * (sums[r] - offset) + errorWeight * errors[s] + normWeight * norms[s];
    }
  }

  /** Two rows at a time: each query vector is loaded once for both, and the two sums overlap in the pipeline. */
  private static void nibbleDotPair(short[] codes, int offset, int stride, int groups, short[] query, int[] out,
      int r) {
    IntVector total0 = IntVector.zero(INTS);
    IntVector total1 = IntVector.zero(INTS);
    int g = 0;
    while (g < groups) {
      ShortVector acc0 = ShortVector.zero(SHORTS);
      ShortVector acc1 = ShortVector.zero(SHORTS);
      for (int end = Math.min(groups, g + FLUSH_GROUPS); g < end; g++) {
        for (int p = 0; p < PER_GROUP; p++) {
          int lane = p * SHORT_LANES;
          int q = g * 4 * WIDTH + lane;
          ShortVector q0 = ShortVector.fromArray(SHORTS, query, q);
          ShortVector q1 = ShortVector.fromArray(SHORTS, query, q + WIDTH);
          ShortVector q2 = ShortVector.fromArray(SHORTS, query, q + 2 * WIDTH);
          ShortVector q3 = ShortVector.fromArray(SHORTS, query, q + 3 * WIDTH);
          ShortVector c = ShortVector.fromArray(SHORTS, codes, offset + g * WIDTH + lane);
          ShortVector d = ShortVector.fromArray(SHORTS, codes, offset + stride + g * WIDTH + lane);
          acc0 = acc0.add(c.and((short) 15).mul(q0))
              .add(c.lanewise(VectorOperators.LSHR, 4).and((short) 15).mul(q1))
              .add(c.lanewise(VectorOperators.LSHR, 8).and((short) 15).mul(q2))
              .add(c.lanewise(VectorOperators.LSHR, 12).mul(q3));
          acc1 = acc1.add(d.and((short) 15).mul(q0))
              .add(d.lanewise(VectorOperators.LSHR, 4).and((short) 15).mul(q1))
              .add(d.lanewise(VectorOperators.LSHR, 8).and((short) 15).mul(q2))
              .add(d.lanewise(VectorOperators.LSHR, 12).mul(q3));
        }
      }
      total0 = total0.add(acc0.convertShape(VectorOperators.S2I, INTS, 0))
          .add(acc0.convertShape(VectorOperators.S2I, INTS, 1));
      total1 = total1.add(acc1.convertShape(VectorOperators.S2I, INTS, 0))
          .add(acc1.convertShape(VectorOperators.S2I, INTS, 1));
    }
    out[r] = total0.reduceLanes(VectorOperators.ADD);
    out[r + 1] = total1.reduceLanes(VectorOperators.ADD);
  }

  private static int rowNibbleDot(short[] codes, int offset, int groups, short[] query) {
    IntVector total = IntVector.zero(INTS);
    int g = 0;
    while (g < groups) {
      ShortVector acc = ShortVector.zero(SHORTS);
      for (int end = Math.min(groups, g + FLUSH_GROUPS); g < end; g++) {
        for (int p = 0; p < PER_GROUP; p++) {
          int lane = p * SHORT_LANES;
          int q = g * 4 * WIDTH + lane;
          ShortVector c = ShortVector.fromArray(SHORTS, codes, offset + g * WIDTH + lane);
          acc = acc.add(c.and((short) 15).mul(ShortVector.fromArray(SHORTS, query, q)))
              .add(c.lanewise(VectorOperators.LSHR, 4).and((short) 15)
                  .mul(ShortVector.fromArray(SHORTS, query, q + WIDTH)))
              .add(c.lanewise(VectorOperators.LSHR, 8).and((short) 15)
                  .mul(ShortVector.fromArray(SHORTS, query, q + 2 * WIDTH)))
              .add(c.lanewise(VectorOperators.LSHR, 12).mul(ShortVector.fromArray(SHORTS, query, q + 3 * WIDTH)));
        }
      }
      total = total.add(acc.convertShape(VectorOperators.S2I, INTS, 0))
          .add(acc.convertShape(VectorOperators.S2I, INTS, 1));
    }
    return total.reduceLanes(VectorOperators.ADD);
  }
}
