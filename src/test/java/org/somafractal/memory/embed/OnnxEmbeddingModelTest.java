package org.somafractal.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.somafractal.memory.embed.Vectors.cosine;
import static org.somafractal.memory.embed.Vectors.norm;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbeddingModelTest {
  private static OnnxEmbeddingModel model;

  @BeforeAll
  static void load() throws InterruptedException {
    // from a 1 MB-stack thread, like the server's main thread: ONNX Runtime's set-up overflows such a stack in a plain
    // java launch (SIGSEGV); under surefire it happens not to, so this only guards that load() works from one
    AtomicReference<OnnxEmbeddingModel> loaded = new AtomicReference<>();
    Thread thread = new Thread(null, () -> loaded.set(OnnxEmbeddingModel.load("all-minilm-l6-v2-q")), "small-stack",
        1L << 20);
    thread.start();
    thread.join();
    model = loaded.get();
    assertThat(model).isNotNull();
  }

  @Test
  void describesItself() {
    assertThat(model.dimension()).isEqualTo(384);
    assertThat(model.id()).isEqualTo("onnx:all-minilm-l6-v2-q");
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    List<float[]> v = model.embedAll(List.of(
        "agent remembered green tea preferred in the morning",
        "User prefers green tea in the morning",
        "The quarterly tax report is due at the end of March"));
    double related = cosine(v.get(0), v.get(1));
    double unrelated = cosine(v.get(0), v.get(2));
    assertThat(related).isGreaterThan(0.6);
    assertThat(related - unrelated).isGreaterThan(0.4);
  }

  @Test
  void vectorsAreUnitLengthAndMatchSingleCalls() {
    List<String> texts = List.of("first memory", "second memory about cats", "a third one");
    List<float[]> batch = model.embedAll(texts);
    assertThat(batch).hasSize(3);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(batch.get(i)).hasSize(384);
      assertThat(norm(batch.get(i))).isCloseTo(1.0, within(1e-5));
      assertThat(cosine(batch.get(i), model.embedAll(List.of(texts.get(i))).get(0))).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void veryLongAndBlankTextsDoNotThrow() {
    String longText = "The user keeps a diary of every cup of tea they drink. ".repeat(2000);
    List<float[]> v = model.embedAll(List.of(longText, "", "  \n", "\u200b", "short"));
    assertThat(v).hasSize(5).allSatisfy(x -> assertThat(norm(x)).isCloseTo(1.0, within(1e-5)));
    assertThat(v.get(1)[0]).isEqualTo(1f);
    assertThat(cosine(v.get(0), model.embedAll(List.of("a diary of tea")).get(0))).isGreaterThan(0.3);
  }

  @Test
  void e5FindsAnAnswerByItsQuestionBehindItsMarkers() {
    OnnxEmbeddingModel e5 = OnnxEmbeddingModel.load("e5-small-v2-q");
    assertThat(e5.id()).isEqualTo("onnx:e5-small-v2-q");
    assertThat(e5.prefix(Purpose.QUERY)).isEqualTo("query: ");
    assertThat(e5.prefix(Purpose.MEMORY)).isEqualTo("passage: ");
    assertThat(model.prefix(Purpose.QUERY)).as("MiniLM is symmetric").isEmpty();
    String question = "query: What does Ana drink in the morning?";
    List<float[]> v = e5.embedAll(List.of(question, "passage: Ana: I always start my day with a cup of green tea.",
        "passage: Ana: My brother moved to Lisbon last spring."));
    assertThat(v).allSatisfy(x -> assertThat(norm(x)).isCloseTo(1.0, within(1e-5)));
    assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.05);
  }

  /**
   * The encoder reproduces langchain4j's, which ships the same files: the reference for tokenisation, pooling and the
   * windows of a long text.
   */
  @Test
  void vectorsMatchLangchain4jsEncoderForEveryModel() {
    String longText = "The user keeps a diary of every cup of tea they drink, and notes the hour and the kettle. "
        .repeat(40);
    List<String> texts = List.of("query: what does Ana drink?", "Ana: I always start my day with green tea.",
        "unbelievably_hyphenated-words and numbers 3.14159", longText);
    Map<String, AbstractInProcessEmbeddingModel> references = Map.of(
        "all-minilm-l6-v2-q", new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run),
        "bge-small-en-v15-q", new BgeSmallEnV15QuantizedEmbeddingModel(Runnable::run),
        "e5-small-v2-q", new E5SmallV2QuantizedEmbeddingModel(Runnable::run));
    assertThat(references.keySet()).containsExactlyInAnyOrderElementsOf(OnnxEmbeddingModel.names());
    references.forEach((name, reference) -> {
      List<float[]> ours = OnnxEmbeddingModel.load(name).embedAll(texts);
      for (int i = 0; i < texts.size(); i++) {
        float[] theirs = reference.embed(TextSegment.from(texts.get(i))).content().vector();
        assertThat(cosine(ours.get(i), theirs)).as("%s, text %d", name, i).isGreaterThan(0.9999);
      }
    });
  }

  @Test
  void textsSpreadOverThreadsGetTheVectorsTheyGetAlone() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add("memory number " + i + " about " + (i % 3 == 0 ? "tea" : "the deploy pipeline"));
    }
    texts.set(7, " ");
    List<float[]> together = model.embedAll(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(together.get(i)).as("text %d", i).containsExactly(model.embedAll(List.of(texts.get(i))).get(0));
    }
    assertThat(together.get(7)[0]).isEqualTo(1f);
  }

  @Test
  void unknownNameListsTheValidOnes() {
    assertThatThrownBy(() -> OnnxEmbeddingModel.load("gpt-9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all-minilm-l6-v2-q")
        .hasMessageContaining("bge-small-en-v15-q")
        .hasMessageContaining("e5-small-v2-q");
  }
}
