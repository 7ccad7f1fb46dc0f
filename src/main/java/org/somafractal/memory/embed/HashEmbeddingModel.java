package org.somafractal.memory.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * A deterministic feature-hashing embedder: no model file, no native code, the same vector for the same text on every
 * machine and JVM. It exists for tests and for machines without the ONNX model; it captures word overlap, not meaning.
 *
 * <p>Text is tokenised by Lucene's {@link StandardAnalyzer} (lowercased, English stop words removed). Each token, and
 * with half the weight each pair of adjacent tokens, is hashed with a 64-bit hash of its UTF-8 bytes (FNV-1a, then
 * the MurmurHash3 finaliser to spread the bits) to a dimension index and a sign; the signed weights are summed and the
 * sum is L2-normalised. A text without tokens maps to the unit vector e0, so callers never see NaN.
 *
 * <p>Thread-safe: the analyzer keeps per-thread token streams and everything else is local to a call.
 */
public final class HashEmbeddingModel implements EmbeddingModel {
  /** The smallest dimension accepted. */
  public static final int MIN_DIMENSION = 8;
  /** The largest dimension accepted. */
  public static final int MAX_DIMENSION = 4096;

  private static final float UNIGRAM_WEIGHT = 1.0f;
  private static final float BIGRAM_WEIGHT = 0.5f;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  /** Joins the two tokens of a bigram; a byte no token contains, so "a b" never hashes like the token "ab". */
  private static final int BIGRAM_SEPARATOR = 0x00;

  private final int dimension;
  private final Analyzer analyzer = new StandardAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);

  /**
   * @param dimension the vector length, {@value #MIN_DIMENSION}..{@value #MAX_DIMENSION}
   * @throws IllegalArgumentException when the dimension is out of range
   */
  public HashEmbeddingModel(int dimension) {
    if (dimension < MIN_DIMENSION || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in " + MIN_DIMENSION + ".." + MAX_DIMENSION + ", was " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (String text : texts) {
      vectors.add(embed(text));
    }
    return vectors;
  }

  /** The vector of one text. */
  public float[] embed(String text) {
    float[] vector = new float[dimension];
    boolean any = false;
    try (TokenStream stream = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      long previousState = 0;
      boolean hasPrevious = false;
      while (stream.incrementToken()) {
        long state = fnv(FNV_OFFSET, term);
        add(vector, state, UNIGRAM_WEIGHT);
        if (hasPrevious) {
          // FNV is a streaming hash: continuing the previous token's state hashes "previous \0 current"
          long bigram = fnv(fnvByte(previousState, BIGRAM_SEPARATOR), term);
          add(vector, bigram, BIGRAM_WEIGHT);
        }
        previousState = state;
        hasPrevious = true;
        any = true;
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException("tokenising from a string cannot fail", e);
    }
    if (!any || !normalize(vector)) {
      // a text without tokens, or whose features cancelled out exactly, still needs a valid unit vector
      Arrays.fill(vector, 0f);
      vector[0] = 1f;
    }
    return vector;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String id() {
    return "hash:" + dimension;
  }

  private void add(float[] vector, long state, float weight) {
    long h = fmix64(state);
    int index = (int) Long.remainderUnsigned(h >>> 1, dimension);
    vector[index] += (h & 1L) == 0 ? weight : -weight;
  }

  /** Scales {@code vector} to unit length in place; false when it is all zeros. */
  static boolean normalize(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += (double) v * v;
    }
    if (sum == 0 || !Double.isFinite(sum)) {
      return false;
    }
    float scale = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= scale;
    }
    return true;
  }

  /** Continues an FNV-1a state over the UTF-8 encoding of {@code chars}, without allocating the byte array. */
  static long fnv(long state, CharSequence chars) {
    int length = chars.length();
    for (int i = 0; i < length; i++) {
      int c = chars.charAt(i);
      if (Character.isHighSurrogate((char) c) && i + 1 < length && Character.isLowSurrogate(chars.charAt(i + 1))) {
        c = Character.toCodePoint((char) c, chars.charAt(++i));
      } else if (Character.isSurrogate((char) c)) {
        // an unpaired surrogate encodes as '?', as String.getBytes(UTF_8) does
        c = '?';
      }
      if (c < 0x80) {
        state = fnvByte(state, c);
      } else if (c < 0x800) {
        state = fnvByte(state, 0xC0 | (c >>> 6));
        state = fnvByte(state, 0x80 | (c & 0x3F));
      } else if (c < 0x10000) {
        state = fnvByte(state, 0xE0 | (c >>> 12));
        state = fnvByte(state, 0x80 | ((c >>> 6) & 0x3F));
        state = fnvByte(state, 0x80 | (c & 0x3F));
      } else {
        state = fnvByte(state, 0xF0 | (c >>> 18));
        state = fnvByte(state, 0x80 | ((c >>> 12) & 0x3F));
        state = fnvByte(state, 0x80 | ((c >>> 6) & 0x3F));
        state = fnvByte(state, 0x80 | (c & 0x3F));
      }
    }
    return state;
  }

  private static long fnvByte(long state, int b) {
    return (state ^ (b & 0xFF)) * FNV_PRIME;
  }

  /** The MurmurHash3 64-bit finaliser: FNV's low bits are weak, and both the index and the sign come from them. */
  private static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
