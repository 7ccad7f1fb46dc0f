package org.somafractal.memory.vector.fastcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastCoreKernelsTest {
  private final VectorKernels panama = Kernels.panamaOrNull();

  @Test
  void panamaAgreesWithScalarOnEveryLengthAndRowCount() {
    Random rnd = new Random(1);
    for (int dim : new int[] {1, 7, 8, 15, 16, 33, 64, 65, 100, 129, 384, 768}) {
      int rows = 7;
      float[] data = new float[(rows + 2) * dim];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextGaussian();
      }
      float[] query = new float[dim];
      for (int i = 0; i < dim; i++) {
        query[i] = (float) rnd.nextGaussian();
      }
      float[] expected = new float[rows];
      float[] actual = new float[rows];
      ScalarKernels.INSTANCE.dotRows(data, 1, rows, dim, query, expected);
      panama.dotRows(data, 1, rows, dim, query, actual);
      for (int r = 0; r < rows; r++) {
        assertThat(actual[r]).isCloseTo(expected[r], within(1e-4f * dim));
        assertThat(panama.dot(data, (1 + r) * dim, query, dim)).isEqualTo(actual[r]);
      }
    }
  }

  /** The 4-bit kernels are exact integer sums, also at the extremes that come closest to overflowing a 16-bit lane. */
  @Test
  void nibbleKernelsAreExactOnEveryGroupCount() {
    Random rnd = new Random(2);
    int max = VectorKernels.NIBBLE_QUERY_MAX;
    int w = panama.nibbleWidth();
    for (int groups : new int[] {1, 2, 3, 6, 8, 9, 12, 17, 64}) {
      int rows = 5;
      short[] codes = new short[(rows + 3) * groups * w];
      short[] query = new short[groups * 4 * w];
      for (int variant = 0; variant < 3; variant++) {
        for (int i = 0; i < codes.length; i++) {
          codes[i] = variant == 0 ? (short) rnd.nextInt(1 << 16) : (short) 0xFFFF;
        }
        for (int i = 0; i < query.length; i++) {
          query[i] = (short) (variant == 0 ? rnd.nextInt(2 * max + 1) - max : variant == 1 ? max : -max);
        }
        int[] expected = new int[rows];
        int[] scalar = new int[rows];
        int[] vector = new int[rows];
        for (int r = 0; r < rows; r++) {
          int base = (3 + r) * groups * w;
          for (int i = 0; i < groups * 4 * w; i++) {
            int code = codes[base + (i / (4 * w)) * w + (i % w)] & 0xFFFF;
            expected[r] += ((code >>> (4 * ((i % (4 * w)) / w))) & 15) * query[i];
          }
        }
        ScalarKernels.INSTANCE.nibbleDotRows(codes, 3, rows, groups, w, query, scalar);
        panama.nibbleDotRows(codes, 3, rows, groups, w, query, vector);
        assertThat(scalar).as("scalar, %d groups, variant %d", groups, variant).containsExactly(expected);
        assertThat(vector).as("panama, %d groups, variant %d", groups, variant).containsExactly(expected);
        for (int r = 0; r < rows; r++) {
          assertThat(ScalarKernels.INSTANCE.nibbleDot(codes, 3 + r, groups, w, query))
              .as("scalar, one row, %d groups, variant %d", groups, variant).isEqualTo(expected[r]);
          assertThat(panama.nibbleDot(codes, 3 + r, groups, w, query))
              .as("panama, one row, %d groups, variant %d", groups, variant).isEqualTo(expected[r]);
        }
      }
    }
    assertThatThrownBy(() -> panama.nibbleDotRows(new short[64 * w], 0, 1, 1, 2 * w, new short[8 * w], new int[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> panama.nibbleDot(new short[64 * w], 0, 1, 2 * w, new short[8 * w]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vectorBoundsAgreeWithScalarOnes() {
    Random rnd = new Random(3);
    for (int rows : new int[] {1, 7, 8, 9, 31, 128}) {
      int[] sums = new int[rows];
      float[] scales = new float[rows + 4];
      float[] errors = new float[rows + 4];
      float[] norms = new float[rows + 4];
      for (int i = 0; i < rows; i++) {
        sums[i] = rnd.nextInt(400_000) - 200_000;
      }
      for (int i = 0; i < scales.length; i++) {
        scales[i] = rnd.nextFloat() * 0.05f;
        errors[i] = rnd.nextFloat() * 0.3f;
        norms[i] = 1 + rnd.nextFloat() * 0.01f;
      }
      float[] scalar = new float[rows];
      float[] vector = new float[rows];
      ScalarKernels.INSTANCE.nibbleUpperBounds(sums, rows, scales, errors, norms, 3, 0.004f, 7.5f * 123, 1.0001f,
          0.02f, scalar);
      panama.nibbleUpperBounds(sums, rows, scales, errors, norms, 3, 0.004f, 7.5f * 123, 1.0001f, 0.02f, vector);
      for (int r = 0; r < rows; r++) {
        assertThat(vector[r]).isCloseTo(scalar[r], within(1e-5f * Math.max(1, Math.abs(scalar[r]))));
      }
    }
  }
}
