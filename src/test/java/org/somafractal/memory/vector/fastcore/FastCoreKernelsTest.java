package org.somafractal.memory.vector.fastcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastCoreKernelsTest {
  private final VectorKernels panama = Kernels.panamaOrNull();

  @Test
  void panamaAgreesWithScalarOnEveryLengthAndRowCount() {
    Random rnd = new Random(1);
    for (int dim : new int[] {1, 7, 8, 15, 16, 33, 64, 100, 384}) {
      int rows = 7;
      float[] data = new float[(rows + 2) * dim];
      byte[] codes = new byte[(rows + 2) * dim];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextGaussian();
        codes[i] = (byte) (rnd.nextInt(255) - 127);
      }
      float[] query = new float[dim];
      for (int i = 0; i < dim; i++) {
        query[i] = (float) rnd.nextGaussian();
      }
      float[] expected = new float[rows];
      float[] actual = new float[rows];
      ScalarKernels.INSTANCE.dotByteRows(codes, 2, rows, dim, query, expected);
      panama.dotByteRows(codes, 2, rows, dim, query, actual);
      for (int r = 0; r < rows; r++) {
        double exact = 0;
        for (int i = 0; i < dim; i++) {
          exact += (double) codes[(2 + r) * dim + i] * query[i];
        }
        assertThat((double) actual[r]).isCloseTo(exact, within(1e-3 * Math.max(1, Math.abs(exact))));
        assertThat(actual[r]).isCloseTo(expected[r], within(1e-3f * Math.max(1, Math.abs(expected[r]))));
      }
      ScalarKernels.INSTANCE.dotRows(data, 1, rows, dim, query, expected);
      panama.dotRows(data, 1, rows, dim, query, actual);
      for (int r = 0; r < rows; r++) {
        assertThat(actual[r]).isCloseTo(expected[r], within(1e-4f * dim));
        assertThat(panama.dot(data, (1 + r) * dim, query, dim)).isEqualTo(actual[r]);
      }
    }
  }
}
