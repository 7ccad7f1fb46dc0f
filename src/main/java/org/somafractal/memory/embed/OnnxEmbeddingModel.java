package org.somafractal.memory.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A sentence-embedding model run in process by ONNX Runtime, from the quantised models that the langchain4j jars
 * bundle: nothing is downloaded, so the server starts offline. Each model declares the markers it was trained with
 * ({@link #prefix}); the caller puts them before the texts.
 *
 * <p>Texts are encoded by {@link OnnxEncoder}, each on one thread, and the texts of one call are spread over one
 * thread per core (the calling thread and a small pool): on two cores two single-threaded texts at once embed 1.6
 * times as many texts per second as one text at a time on both cores. A lone text runs on the calling thread. A text
 * is embedded by its first tokens (128 or 512, by model; see {@link OnnxEncoder}), and cut to {@value #MAX_CHARS}
 * characters before it is tokenised, so that one huge memory costs no more than a long one. Blank texts, and texts that tokenise to
 * nothing, map to the unit vector e0 like {@link HashEmbeddingModel} does.
 *
 * <p>Encoders are loaded once per model and JVM and shared by every instance; not meant for concurrent calls of
 * {@link #embedAll} (the embedding worker verticle is its only caller).
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
  /**
   * Inference threads' stacks: a margin, since ONNX Runtime's set-up overflowed a 1 MB stack ({@link #onLargeStack});
   * inference never has, and the reserve costs address space only.
   */
  private static final long WORKER_STACK_MB = 4;
  /*
   * BGE v1.5 may take an instruction before queries; on LoCoMo it changed nothing (recall@5 0.474 without, 0.471
   * with), so it is left out and vectors stored by earlier versions stay comparable. E5 was trained with its markers
   * and loses a fifth of its recall without them (0.572 -> 0.474; docs/benchmarks.md).
   */
  private static final Map<String, Bundled> MODELS = Map.of(
      "all-minilm-l6-v2-q", new Bundled("all-minilm-l6-v2-q", OnnxEncoder.Pooling.MEAN, "", ""),
      "bge-small-en-v15-q", new Bundled("bge-small-en-v1.5-q", OnnxEncoder.Pooling.CLS, "", ""),
      "e5-small-v2-q", new Bundled("e5-small-v2-q", OnnxEncoder.Pooling.MEAN, "passage: ", "query: "));
  private static final Map<String, OnnxEncoder> LOADED = new ConcurrentHashMap<>();
  /** Shared by every model: the embedding verticle calls one model at a time. */
  private static final ExecutorService POOL = pool(Runtime.getRuntime().availableProcessors() - 1);

  /** A bundled model: its files' name in the jar, its pooling, and the markers it expects before texts. */
  private record Bundled(String file, OnnxEncoder.Pooling pooling, String memoryPrefix, String queryPrefix) {
  }

  private final OnnxEncoder encoder;
  private final String id;
  private final Bundled bundled;

  private OnnxEmbeddingModel(OnnxEncoder encoder, String name, Bundled bundled) {
    this.encoder = encoder;
    this.id = "onnx:" + name;
    this.bundled = bundled;
  }

  /**
   * Loads a bundled model, or takes the one this JVM loaded already; the first load takes about a second and some
   * 100 MB, so call it off the event loop.
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
    OnnxEncoder encoder = LOADED.computeIfAbsent(resolved,
        n -> onLargeStack(() -> OnnxEncoder.load(bundled.file(), bundled.pooling())));
    float[] probe = encoder.embed("dimension");
    if (probe == null || probe.length != DIMENSION) {
      throw new IllegalStateException(resolved + " has dimension " + (probe == null ? 0 : probe.length)
          + ", expected " + DIMENSION);
    }
    return new OnnxEmbeddingModel(encoder, resolved, bundled);
  }

  private static ExecutorService pool(int threads) {
    if (threads < 1) {
      return null;
    }
    AtomicInteger next = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(null, task, "soma-embed-" + next.getAndIncrement(), WORKER_STACK_MB << 20);
      thread.setDaemon(true);
      return thread;
    };
    return Executors.newFixedThreadPool(threads, factory);
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
    float[][] vectors = new float[texts.size()][];
    int workers = POOL == null ? 0 : Math.min(texts.size() - 1, Runtime.getRuntime().availableProcessors() - 1);
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      for (int i = next.getAndIncrement(); i < vectors.length; i = next.getAndIncrement()) {
        vectors[i] = embedOne(texts.get(i));
      }
    };
    List<Future<?>> helpers = new ArrayList<>(Math.max(0, workers));
    for (int w = 0; w < workers; w++) {
      helpers.add(POOL.submit(work));
    }
    RuntimeException failure = null;
    try {
      work.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> helper : helpers) {
      try {
        helper.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new IllegalStateException("interrupted while embedding", e);
      } catch (ExecutionException e) {
        failure = failure != null ? failure
            : e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Arrays.asList(vectors);
  }

  private float[] embedOne(String text) {
    if (text.isBlank()) {
      return unitE0();
    }
    float[] vector = encoder.embed(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text);
    return vector == null ? unitE0() : vector;
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
