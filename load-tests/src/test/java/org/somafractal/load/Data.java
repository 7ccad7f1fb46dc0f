package org.somafractal.load;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Seeded synthetic data shared by the preload and the simulations: clustered unit vectors (uniform random vectors
 * would make every index look broken, and are unlike embeddings) and short sentences over a small vocabulary, so
 * that lexical and text searches find something. Vector {@code i} of a tenant depends only on the seed and {@code i}.
 */
public final class Data {
  private static final int CENTROIDS = 256;
  private static final float NOISE = 0.05f;
  private static final String[] WORDS = ("memory agent user prefers tea coffee morning meeting deploy pipeline disk "
      + "failed tuesday friday paris france capital project deadline budget report customer ticket email call "
      + "travel flight hotel booking invoice payment password reset server database backup restore release bug "
      + "feature review design plan goal habit sleep exercise doctor appointment birthday gift family friend "
      + "music book movie recipe dinner lunch weekend holiday summer winter garden dog cat school lesson exam")
      .split(" ");

  private static final float[][] CENTERS = centroids();

  private Data() {
  }

  private static float[][] centroids() {
    Random random = new Random(LoadConfig.SEED);
    float[][] c = new float[CENTROIDS][LoadConfig.DIM];
    for (float[] v : c) {
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) random.nextGaussian();
      }
      normalize(v);
    }
    return c;
  }

  /** The vector of memory {@code i} (or of query {@code i} when {@code query}), a unit vector near a centroid. */
  public static float[] vector(long i, boolean query) {
    SplittableRandom random = new SplittableRandom(LoadConfig.SEED * 31 + i * 2 + (query ? 1 : 0));
    float[] center = CENTERS[random.nextInt(CENTROIDS)];
    float[] v = new float[LoadConfig.DIM];
    for (int d = 0; d < v.length; d++) {
      v[d] = center[d] + (float) (gaussian(random) * NOISE);
    }
    normalize(v);
    return v;
  }

  /** A sentence of 6 to 12 words, different for every {@code i}. */
  public static String sentence(long i, boolean query) {
    SplittableRandom random = new SplittableRandom(LoadConfig.SEED * 131 + i * 2 + (query ? 1 : 0));
    int n = query ? 3 + random.nextInt(4) : 6 + random.nextInt(7);
    StringBuilder s = new StringBuilder();
    for (int w = 0; w < n; w++) {
      if (w > 0) {
        s.append(' ');
      }
      s.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  /** Appends {@code v} as a JSON array with 5 decimals (enough for cosine ranking, a third of full precision). */
  public static StringBuilder appendVector(StringBuilder out, float[] v) {
    out.append('[');
    for (int d = 0; d < v.length; d++) {
      if (d > 0) {
        out.append(',');
      }
      float x = v[d];
      if (x < 0) {
        out.append('-');
        x = -x;
      }
      int scaled = Math.round(x * 100_000);
      out.append(scaled / 100_000).append('.');
      String frac = Integer.toString(scaled % 100_000);
      for (int pad = frac.length(); pad < 5; pad++) {
        out.append('0');
      }
      out.append(frac);
    }
    return out.append(']');
  }

  /** The JSON of one store body: memory {@code i} at coordinate {@code i,shard}, with its vector and sentence. */
  public static StringBuilder appendMemory(StringBuilder out, long i, int shard, boolean withVector) {
    out.append("{\"coord\":\"").append(i).append(',').append(shard).append("\",\"payload\":{\"content\":\"")
        .append(sentence(i, false)).append("\"},\"memory_type\":\"").append(i % 5 == 0 ? "semantic" : "episodic")
        .append("\",\"importance\":").append(1 + i % 3);
    if (withVector) {
      appendVector(out.append(",\"vector\":"), vector(i, false));
    }
    return out.append('}');
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 21.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static void normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int d = 0; d < v.length; d++) {
      v[d] *= inv;
    }
  }
}
