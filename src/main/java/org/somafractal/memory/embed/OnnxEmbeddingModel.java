package org.somafractal.memory.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A sentence-embedding model run in process by ONNX Runtime, from the quantised models that the langchain4j jars
 * bundle: nothing is downloaded, so the server starts offline. Each model declares the markers it was trained with
 * ({@link #prefix}); the caller puts them before the texts.
 *
 * <p>langchain4j does not truncate long texts: it embeds every 510-token window and averages them. So that one huge
 * memory cannot hold the embedding worker for seconds, texts are cut to {@value #MAX_CHARS} characters first (a few
 * windows of ordinary prose). Blank texts, which the tokenizer rejects, map to the unit vector e0 like
 * {@link HashEmbeddingModel} does.
 *
 * <p>Not meant for concurrent calls: the embedding worker verticle is its only caller. Work runs on the calling
 * thread (a direct executor), because ONNX Runtime already spreads one inference over all cores.
 */
public final class OnnxEmbeddingModel implements EmbeddingModel {
  /**
   * The model a server with no stored memories embeds with: with its markers it found the most on LoCoMo (hybrid
   * recall@5 0.658, MRR 0.563; MiniLM 0.632 and 0.518, BGE 0.645 and 0.530; docs/benchmarks.md), at about twice
   * MiniLM's cost per text.
   */
  public static final String DEFAULT_NAME = "e5-small-v2-q";
  /** The characters of one text that are embedded; the rest is ignored. */
  public static final int MAX_CHARS = 8192;

  private static final int DIMENSION = 384;
  private static final long LOADER_STACK_MB = 16;
  private static final Executor DIRECT = Runnable::run;
  /*
   * BGE v1.5 may take an instruction before queries; on LoCoMo it changed nothing (recall@5 0.474 without, 0.471
   * with), so it is left out and vectors stored by earlier versions stay comparable. E5 was trained with its markers
   * and loses a fifth of its recall without them (0.572 -> 0.474; docs/benchmarks.md).
   */
  private static final Map<String, Bundled> MODELS = Map.of(
      "all-minilm-l6-v2-q", new Bundled(AllMiniLmL6V2QuantizedEmbeddingModel::new, "", ""),
      "bge-small-en-v15-q", new Bundled(BgeSmallEnV15QuantizedEmbeddingModel::new, "", ""),
      "e5-small-v2-q", new Bundled(E5SmallV2QuantizedEmbeddingModel::new, "passage: ", "query: "));

  /** A bundled model and the markers it expects before memories and queries. */
  private record Bundled(Function<Executor, AbstractInProcessEmbeddingModel> factory, String memoryPrefix,
      String queryPrefix) {
  }

  private final AbstractInProcessEmbeddingModel model;
  private final String id;
  private final Bundled bundled;

  private OnnxEmbeddingModel(AbstractInProcessEmbeddingModel model, String name, Bundled bundled) {
    this.model = model;
    this.id = "onnx:" + name;
    this.bundled = bundled;
  }

  /**
   * Loads a bundled model; takes about a second and some 100 MB, so call it off the event loop.
   *
   * @param name one of {@link #names()}; null means {@value #DEFAULT_NAME}
   * @throws IllegalArgumentException for any other name
   */
  public static OnnxEmbeddingModel load(String name) {
    String resolved = name == null ? DEFAULT_NAME : name;
    Bundled bundled = MODELS.get(resolved);
    if (bundled == null) {
      throw new IllegalArgumentException(
          "unknown embedding model '" + resolved + "'; valid names: " + String.join(", ", names()));
    }
    AbstractInProcessEmbeddingModel model = onLargeStack(() -> bundled.factory().apply(DIRECT));
    if (model.dimension() != DIMENSION) {
      throw new IllegalStateException(resolved + " has dimension " + model.dimension() + ", expected " + DIMENSION);
    }
    return new OnnxEmbeddingModel(model, resolved, bundled);
  }

  /**
   * Runs {@code task} on a fresh thread with a {@value #LOADER_STACK_MB} MB stack and waits for it. Setting up the
   * ONNX Runtime environment overflows the JVM's default 1 MB thread stack when started with a plain {@code java}
   * launcher (measured: SIGSEGV without an error report on 1 MB, fine on 2 MB), which would kill the server at start.
   * Inference afterwards runs fine on ordinary worker threads.
   */
  private static <T> T onLargeStack(Supplier<T> task) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.set(task.get());
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "onnx-model-loader", LOADER_STACK_MB << 20);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading the embedding model", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException("loading the embedding model failed", t);
    }
    return result.get();
  }

  /** The names {@link #load(String)} accepts, sorted. */
  public static List<String> names() {
    return MODELS.keySet().stream().sorted().toList();
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      if (!text.isBlank()) {
        segments.add(TextSegment.from(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text));
      }
    }
    List<float[]> embedded = segments.isEmpty() ? List.of() : embedSegments(segments);
    List<float[]> vectors = new ArrayList<>(texts.size());
    int next = 0;
    for (String text : texts) {
      vectors.add(text.isBlank() ? unitE0() : embedded.get(next++));
    }
    return vectors;
  }

  /**
   * One model call per text: with a direct executor langchain4j runs a batch as that same loop anyway, and a single
   * text reaches the encoder without the future that would wrap its failure.
   */
  private List<float[]> embedSegments(List<TextSegment> segments) {
    List<float[]> vectors = new ArrayList<>(segments.size());
    for (TextSegment segment : segments) {
      List<Embedding> embedded;
      try {
        embedded = model.embedAll(List.of(segment)).content();
      } catch (IllegalArgumentException noTokens) {
        // non-blank text can still tokenise to nothing (control or zero-width characters only)
        vectors.add(unitE0());
        continue;
      }
      if (embedded.size() != 1) {
        throw new IllegalStateException("model returned " + embedded.size() + " vectors for one text");
      }
      vectors.add(normalized(embedded.get(0)));
    }
    return vectors;
  }

  private static float[] normalized(Embedding embedding) {
    float[] vector = embedding.vector();
    // langchain4j normalises already; doing it again costs nothing and guards against a change there
    return HashEmbeddingModel.normalize(vector) ? vector : unitE0();
  }

  private static float[] unitE0() {
    float[] vector = new float[DIMENSION];
    vector[0] = 1f;
    return vector;
  }

  @Override
  public String prefix(Purpose purpose) {
    return purpose == Purpose.QUERY ? bundled.queryPrefix() : bundled.memoryPrefix();
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public String id() {
    return id;
  }
}
