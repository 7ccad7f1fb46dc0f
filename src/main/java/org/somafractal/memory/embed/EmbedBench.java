package org.somafractal.memory.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures the throughput of a bundled ONNX embedding model alone, without the event bus: generated short sentences
 * are embedded with {@code embedAll} in fixed-size batches after a warm-up, and sentences per second are printed.
 *
 * <p>Usage: {@code EmbedBench [--model all-minilm-l6-v2-q] [--n 2000] [--batch 64]}; {@code --batch} also takes a
 * comma-separated list such as {@code 32,64}. Single-threaded by design: ONNX Runtime parallelises each inference.
 */
public final class EmbedBench {
  private static final String[] SUBJECTS = {"The user", "My manager", "The agent", "Our team", "A customer", "She",
      "The doctor", "My neighbour", "The build server", "He"};
  private static final String[] VERBS = {"prefers", "remembered", "asked about", "complained about", "booked",
      "forgot", "recommended", "cancelled", "reviewed", "ordered"};
  private static final String[] OBJECTS = {"green tea", "the quarterly report", "a flight to Lisbon", "the dentist",
      "a vegetarian dinner", "the database migration", "a new laptop", "the hiking trip", "jazz concerts",
      "the insurance claim", "Python notebooks", "the birthday party"};
  private static final String[] TAILS = {"in the morning", "last week", "before the meeting", "every Friday",
      "after lunch", "on the weekend", "during the holidays", "yesterday", "for next month", "at the office"};

  private EmbedBench() {
  }

  public static void main(String[] args) {
    String model = OnnxEmbeddingModel.DEFAULT_NAME;
    int n = 2000;
    String batches = "64";
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--model" -> model = require(args[i], value);
        case "--n" -> n = Integer.parseInt(require(args[i], value));
        case "--batch" -> batches = require(args[i], value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: EmbedBench [--model NAME] [--n COUNT] [--batch SIZE[,SIZE...]]");
      }
      i++;
    }

    long loadStart = System.nanoTime();
    OnnxEmbeddingModel embedder = OnnxEmbeddingModel.load(model);
    System.out.printf(Locale.ROOT, "model %s (%d dims) loaded in %d ms; %d cores%n", embedder.id(),
        embedder.dimension(), (System.nanoTime() - loadStart) / 1_000_000, Runtime.getRuntime().availableProcessors());

    List<String> sentences = sentences(n, new Random(42));
    run(embedder, sentences(256, new Random(7)), 64);
    for (String batch : batches.split(",")) {
      int size = Integer.parseInt(batch.trim());
      long start = System.nanoTime();
      run(embedder, sentences, size);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "batch %3d: %d sentences in %.2f s = %.1f sentences/s (%.2f ms each)%n",
          size, n, seconds, n / seconds, seconds * 1000 / n);
    }
  }

  private static void run(EmbeddingModel embedder, List<String> sentences, int batch) {
    for (int from = 0; from < sentences.size(); from += batch) {
      List<float[]> vectors = embedder.embedAll(sentences.subList(from, Math.min(sentences.size(), from + batch)));
      if (vectors.isEmpty() || vectors.get(0).length != embedder.dimension()) {
        throw new IllegalStateException("unexpected model output");
      }
    }
  }

  private static List<String> sentences(int n, Random random) {
    List<String> sentences = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sentences.add(pick(SUBJECTS, random) + " " + pick(VERBS, random) + " " + pick(OBJECTS, random) + " "
          + pick(TAILS, random) + ".");
    }
    return sentences;
  }

  private static String pick(String[] words, Random random) {
    return words[random.nextInt(words.length)];
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
