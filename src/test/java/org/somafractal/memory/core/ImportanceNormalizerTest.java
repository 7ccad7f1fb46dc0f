package org.somafractal.memory.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImportanceNormalizerTest {

  @Test
  void neutralUntilValuesDiffer() {
    ImportanceNormalizer n = new ImportanceNormalizer();
    assertThat(n.scale()).isEqualTo(ImportanceScale.NEUTRAL);
    for (int i = 0; i < 200; i++) {
      n.add(3);
    }
    assertThat(n.scale().normalize(3)).isEqualTo(1.0);
  }

  @Test
  void minMaxIsClampedForSmallSamples() {
    ImportanceNormalizer n = new ImportanceNormalizer();
    n.add(0);
    n.add(10);
    ImportanceScale s = n.scale();
    assertThat(s.method()).isEqualTo(ImportanceScale.Method.MINMAX);
    assertThat(s.normalize(5)).isEqualTo(0.5);
    assertThat(s.normalize(20)).isEqualTo(1.0);
    assertThat(s.normalize(-5)).isEqualTo(0.0);
  }

  @Test
  void heavyTailsSwitchToRobustScaling() {
    ImportanceNormalizer n = new ImportanceNormalizer();
    Random random = new Random(1);
    for (int i = 0; i < 512; i++) {
      n.add(random.nextGaussian());
    }
    n.add(1000);
    for (int i = 0; i < 63; i++) {
      n.add(random.nextGaussian());
    }
    ImportanceScale s = n.scale();
    assertThat(s.method()).isIn(ImportanceScale.Method.WINSOR, ImportanceScale.Method.LOGISTIC);
    assertThat(s.normalize(1.0)).isGreaterThan(s.normalize(-1.0));
    assertThat(s.normalize(0.5)).isBetween(0.05, 0.95);
  }
}
