package org.somafractal.memory.vector.fastcore;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API with the platform's preferred species and fused multiply-add. Four
 * accumulators per row hide the FMA latency (one accumulator would serialise every step of a row on it). Loaded
 * reflectively by {@link Kernels}, so this class is never touched when {@code jdk.incubator.vector} is absent.
 */
final class PanamaKernels implements VectorKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();
  private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
  private static final int STEP = 4 * LANES;

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
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      sum = Math.fma(a[aOffset + i], b[i], sum);
    }
    return sum;
  }

  @Override
  public void dotByteRows(byte[] codes, int firstRow, int rows, int dim, float[] query, float[] out) {
    for (int r = 0; r < rows; r++) {
      out[r] = dotBytes(codes, (firstRow + r) * dim, query, dim);
    }
  }

  private static float dotBytes(byte[] a, int aOffset, float[] b, int len) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    FloatVector acc2 = FloatVector.zero(FLOATS);
    FloatVector acc3 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound = len - len % STEP; i < bound; i += STEP) {
      acc0 = widen(a, aOffset + i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
      acc1 = widen(a, aOffset + i + LANES).fma(FloatVector.fromArray(FLOATS, b, i + LANES), acc1);
      acc2 = widen(a, aOffset + i + 2 * LANES).fma(FloatVector.fromArray(FLOATS, b, i + 2 * LANES), acc2);
      acc3 = widen(a, aOffset + i + 3 * LANES).fma(FloatVector.fromArray(FLOATS, b, i + 3 * LANES), acc3);
    }
    for (int bound = len - len % LANES; i < bound; i += LANES) {
      acc0 = widen(a, aOffset + i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      sum = Math.fma(a[aOffset + i], b[i], sum);
    }
    return sum;
  }

  private static FloatVector widen(byte[] a, int offset) {
    return (FloatVector) ByteVector.fromArray(BYTES, a, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
  }
}
