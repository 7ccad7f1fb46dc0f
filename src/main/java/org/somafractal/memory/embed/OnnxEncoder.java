package org.somafractal.memory.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One BERT-style sentence encoder in ONNX Runtime: the model and tokenizer files that langchain4j's jars bundle, one
 * session that computes with a single thread, and the pooling of its token states into one vector. Thread-safe: ONNX
 * Runtime sessions and the Hugging Face tokenizer take concurrent calls.
 *
 * <p>Why not langchain4j's own encoder, which the jars also hold: it runs each text with ONNX Runtime's default
 * intra-op parallelism, and on two cores that gains little for texts of a few dozen tokens (E5: 183 texts/s with two
 * threads on one text, 142/s with one), while two texts at once on single-threaded runs give 292–297/s
 * (docs/benchmarks.md). It also tokenises every text twice. The vectors are the same (cosine 0.999999).
 *
 * <p>A long text is embedded by its first tokens only, as many as the tokenizer keeps ([CLS] and [SEP] included:
 * MiniLM's file says 128, the other two are cut at their models' 512 positions): langchain4j's encoder does the same,
 * since its tokenizer truncates before its windowing could see a second window, so vectors stored by earlier versions
 * stay comparable.
 */
final class OnnxEncoder {
  /** Positions of the models, including [CLS] and [SEP]; the tokenizers' files truncate there or earlier. */
  private static final int MAX_POSITIONS = 512;

  /** How a vector is made of the token states: their mean, or the first ([CLS]) token's. */
  enum Pooling { MEAN, CLS }

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Pooling pooling;
  private final boolean typeIds;
  /** The token states, the model's first output. */
  private final String states;

  private OnnxEncoder(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer,
      Pooling pooling) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
    this.pooling = pooling;
    this.typeIds = session.getInputNames().contains("token_type_ids");
    this.states = session.getOutputNames().iterator().next();
  }

  /**
   * Loads {@code <file>.onnx} and {@code <file>-tokenizer.json} from the class path. Loading sets up ONNX Runtime,
   * whose native start overflows a 1 MB thread stack: call it on a thread with a larger one.
   */
  static OnnxEncoder load(String file, Pooling pooling) {
    try {
      byte[] model = resource(file + ".onnx");
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      OrtSession session = environment.createSession(model, options);
      HuggingFaceTokenizer tokenizer;
      try (InputStream in = stream(file + "-tokenizer.json")) {
        // the tokenizer's own truncation applies (its file's, else the model's 512 positions), as in langchain4j's
        tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
      }
      return new OnnxEncoder(environment, session, tokenizer, pooling);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not load " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The L2-normalised vector of {@code text}, or {@code null} when the text holds no token (control or zero-width
   * characters only).
   */
  float[] embed(String text) {
    Encoding encoding = tokenizer.encode(text, true, false);
    long[] ids = encoding.getIds();
    // [CLS] and [SEP] alone: nothing to embed
    if (ids.length <= 2) {
      return null;
    }
    if (ids.length > MAX_POSITIONS) {
      long[] cut = Arrays.copyOf(ids, MAX_POSITIONS);
      cut[MAX_POSITIONS - 1] = ids[ids.length - 1];
      ids = cut;
    }
    float[] vector = run(ids);
    return HashEmbeddingModel.normalize(vector) ? vector : null;
  }

  /** The pooled token states of {@code input}, framed by [CLS] and [SEP] already. */
  private float[] run(long[] input) {
    int length = input.length;
    long[] mask = new long[length];
    Arrays.fill(mask, 1);
    long[] shape = {1, length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(input), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
      if (typeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(states))) {
        return pool(((float[][][]) result.get(0).getValue())[0]);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a text of " + length + " tokens", e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private float[] pool(float[][] states) {
    if (pooling == Pooling.CLS) {
      return states[0].clone();
    }
    float[] mean = new float[states[0].length];
    for (float[] state : states) {
      for (int d = 0; d < mean.length; d++) {
        mean[d] += state[d];
      }
    }
    for (int d = 0; d < mean.length; d++) {
      mean[d] /= states.length;
    }
    return mean;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    }
  }

  private static InputStream stream(String name) throws IOException {
    InputStream in = OnnxEncoder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("no " + name + " on the class path (a langchain4j-embeddings-* jar holds it)");
    }
    return in;
  }
}
