package org.somafractal.memory.vector.fastcore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once per JVM: the Vector API implementation when {@code jdk.incubator.vector} is present and
 * works, the scalar one otherwise or when the system property {@value #FORCE_SCALAR} is {@code true}.
 */
final class Kernels {
  /** System property that forces the scalar kernels. */
  static final String FORCE_SCALAR = "soma.fastcore.scalar";

  private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

  private Kernels() {
  }

  /** The kernels this JVM uses; chosen and logged on first use. */
  static VectorKernels best() {
    return Holder.BEST;
  }

  /** The Vector API kernels, or {@code null} when they cannot be loaded here. */
  static VectorKernels panamaOrNull() {
    try {
      VectorKernels k = (VectorKernels) Class.forName(Kernels.class.getPackageName() + ".PanamaKernels")
          .getDeclaredConstructor().newInstance();
      float[] probe = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
      if (k.dot(probe, 0, probe, probe.length) != ScalarKernels.INSTANCE.dot(probe, 0, probe, probe.length)) {
        return null;
      }
      return k;
    } catch (Throwable t) {
      return null;
    }
  }

  private static final class Holder {
    static final VectorKernels BEST = choose();

    private static VectorKernels choose() {
      if (Boolean.getBoolean(FORCE_SCALAR)) {
        LOG.info("fast core uses scalar kernels ({}=true)", FORCE_SCALAR);
        return ScalarKernels.INSTANCE;
      }
      VectorKernels panama = panamaOrNull();
      if (panama == null) {
        LOG.info("fast core uses scalar kernels (jdk.incubator.vector unavailable; add --add-modules "
            + "jdk.incubator.vector to use SIMD)");
        return ScalarKernels.INSTANCE;
      }
      LOG.info("fast core uses {} kernels", panama.name());
      return panama;
    }
  }
}
