package org.somafractal.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.somafractal.memory.embed.Vectors.cosine;
import static org.somafractal.memory.embed.Vectors.norm;

import java.util.List;
import org.junit.jupiter.api.Test;

class HashEmbeddingModelTest {
  private final HashEmbeddingModel model = new HashEmbeddingModel(256);

  @Test
  void sameTextSameVectorAcrossInstances() {
    String text = "The agent remembered that the user prefers green tea";
    float[] a = model.embed(text);
    float[] b = new HashEmbeddingModel(256).embed(text);
    assertThat(a).containsExactly(b);
    assertThat(model.embedAll(List.of(text, text))).allSatisfy(v -> assertThat(v).containsExactly(a));
  }

  @Test
  void fixedHashValuesDoNotDriftBetweenReleases() {
    // pins the hash: stored hash embeddings stay comparable only if these never change
    assertThat(HashEmbeddingModel.fnv(0xcbf29ce484222325L, "")).isEqualTo(0xcbf29ce484222325L);
    assertThat(HashEmbeddingModel.fnv(0xcbf29ce484222325L, "a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(HashEmbeddingModel.fnv(0xcbf29ce484222325L, "foobar")).isEqualTo(0x85944171f73967e8L);
    // UTF-8 bytes, not UTF-16 chars: "é" is C3 A9, and a supplementary character is four bytes
    assertThat(HashEmbeddingModel.fnv(0xcbf29ce484222325L, "é"))
        .isEqualTo(bytesFnv("é".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(HashEmbeddingModel.fnv(0xcbf29ce484222325L, "a\uD83D\uDE00b"))
        .isEqualTo(bytesFnv("a\uD83D\uDE00b".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void vectorsHaveUnitNormAndTheConfiguredDimension() {
    for (String text : List.of("a", "green tea", "Lorem ipsum dolor sit amet, consectetur adipiscing elit ".repeat(200))) {
      float[] v = model.embed(text);
      assertThat(v).hasSize(256);
      assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    }
    assertThat(model.dimension()).isEqualTo(256);
    assertThat(model.id()).isEqualTo("hash:256");
  }

  @Test
  void similarTextsAreCloserThanUnrelatedOnes() {
    float[] a = model.embed("User prefers green tea in the morning");
    float[] b = model.embed("In the morning the user drinks green tea");
    float[] c = model.embed("Kubernetes pod crashed with an out of memory error");
    assertThat(cosine(a, b)).isGreaterThan(0.4);
    assertThat(cosine(a, c)).isLessThan(0.15);
    assertThat(cosine(a, b) - cosine(a, c)).isGreaterThan(0.3);
  }

  @Test
  void caseAndPunctuationDoNotMatter() {
    assertThat(model.embed("Green TEA, please!")).containsExactly(model.embed("green tea please"));
  }

  @Test
  void wordOrderMattersThroughBigrams() {
    float[] ab = model.embed("dog bites man");
    float[] ba = model.embed("man bites dog");
    assertThat(cosine(ab, ba)).isLessThan(0.999).isGreaterThan(0.5);
  }

  @Test
  void textsWithoutTokensGetTheFixedUnitVector() {
    for (String text : List.of("", "   ", "the of and", "!!! ...")) {
      float[] v = model.embed(text);
      assertThat(v[0]).as(text).isEqualTo(1f);
      assertThat(norm(v)).as(text).isEqualTo(1.0);
    }
  }

  @Test
  void rejectsDimensionsOutOfRange() {
    assertThatThrownBy(() -> new HashEmbeddingModel(7)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HashEmbeddingModel(4097)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new HashEmbeddingModel(8).embed("x")).hasSize(8);
    assertThat(new HashEmbeddingModel(4096).embed("x")).hasSize(4096);
  }

  private static long bytesFnv(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }
}
