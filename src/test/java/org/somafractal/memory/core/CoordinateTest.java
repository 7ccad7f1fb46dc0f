package org.somafractal.memory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoordinateTest {

  @Test
  void everySpellingOfTheSameNumbersHasOneKey() {
    assertThat(Coordinate.parse("1,2,3").key()).isEqualTo("1.0,2.0,3.0");
    assertThat(Coordinate.parse(" 1.0 , 2e0,3.000").key()).isEqualTo("1.0,2.0,3.0");
    assertThat(Coordinate.parse("-0.0,0").key()).isEqualTo("0.0,0.0");
    assertThat(Coordinate.fromJson(new JsonArray().add(1).add(2.5)).key()).isEqualTo("1.0,2.5");
  }

  @Test
  void keysSpellNumbersAsPythonReprDoes() {
    assertThat(Coordinate.formatNumber(0.1)).isEqualTo("0.1");
    assertThat(Coordinate.formatNumber(1e-5)).isEqualTo("1e-05");
    assertThat(Coordinate.formatNumber(0.0001)).isEqualTo("0.0001");
    assertThat(Coordinate.formatNumber(12345678.0)).isEqualTo("12345678.0");
    assertThat(Coordinate.formatNumber(1e16)).isEqualTo("1e+16");
    assertThat(Coordinate.formatNumber(1.5e300)).isEqualTo("1.5e+300");
    assertThat(Coordinate.formatNumber(-2.5e-7)).isEqualTo("-2.5e-07");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "1,,2", "a,b", "nan", "NaN,1", "inf", "1,Infinity", "1e999", "0x10", "1_0", "1;2",
      ",", "1,2,"})
  void rejectsMalformedCoordinates(String text) {
    assertThatThrownBy(() -> Coordinate.parse(text))
        .isInstanceOfSatisfying(SomaException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MALFORMED));
  }

  @Test
  void rejectsTooManyAxesAndNonNumbers() {
    assertThatThrownBy(() -> Coordinate.parse("1,".repeat(Coordinate.MAX_DIMENSIONS) + "1"))
        .isInstanceOf(SomaException.class);
    assertThatThrownBy(() -> Coordinate.fromJson(new JsonArray().add("1"))).isInstanceOf(SomaException.class);
    assertThatThrownBy(() -> Coordinate.fromJson(42)).isInstanceOf(SomaException.class);
    assertThatThrownBy(() -> Coordinate.fromJson(new JsonArray())).isInstanceOf(SomaException.class);
  }

  @Test
  void sequenceNeighboursDifferByOneOnTheLastAxis() {
    assertThat(Coordinate.parse("1,2").sequenceNeighborKeys()).containsExactly("1.0,1.0", "1.0,3.0");
    assertThat(Coordinate.parse("5").sequenceNeighborKeys()).containsExactly("4.0", "6.0");
    assertThat(Coordinate.parse("0.5,-0.5").sequenceNeighborKeys()).containsExactly("0.5,-1.5", "0.5,0.5");
    assertThat(Coordinate.of(1, 1e300).sequenceNeighborKeys()).as("no distinct neighbour at that magnitude").isEmpty();
  }

  @Test
  void sequenceNeighbourKeysAreTheKeysOfTheNeighbouringCoordinates() {
    double[][] points = {{1}, {-1}, {0}, {1e-5, 2}, {3, 1e-5}, {2.5, 1e16}, {-7, 0.1, -1}, {1e-300, 123456789.25},
        {4, 5e15}, {0.3, -2.0000001}};
    for (double[] p : points) {
      Coordinate c = Coordinate.of(p);
      List<String> expected = new ArrayList<>();
      for (int step = -1; step <= 1; step += 2) {
        double[] next = p.clone();
        next[next.length - 1] += step;
        if (next[next.length - 1] != p[p.length - 1]) {
          expected.add(Coordinate.of(next).key());
        }
      }
      assertThat(c.sequenceNeighborKeys()).as(c.key()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void boxIsInclusiveAndIgnoresAxesNotAllHave() {
    Coordinate min = Coordinate.parse("0,0");
    Coordinate max = Coordinate.parse("1,1");
    assertThat(Coordinate.parse("1,0").within(min, max)).isTrue();
    assertThat(Coordinate.parse("0.5,0.5,99").within(min, max)).isTrue();
    assertThat(Coordinate.parse("0.5").within(min, max)).isTrue();
    assertThat(Coordinate.parse("1.0000001,0").within(min, max)).isFalse();
  }
}
