package org.somafractal.memory.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.somafractal.memory.embed.OnnxEmbeddingModel;
import org.somafractal.memory.vector.fastcore.FastCoreBench;

/**
 * The vectors and queries every peer of a benchmark run is given: unit vectors, row-major.
 *
 * <p>{@code clustered}: seeded synthetic data (1,000 random centroids, each point its centroid plus N(0, 0.05²) per
 * component, normalised; queries drawn the same way), the shape of the feasibility study, on which graph indexes
 * behave as they do on real embeddings (uniform random vectors make every ANN look broken). {@code locomo}: the
 * bundled all-MiniLM-L6-v2 (quantised) model over every LoCoMo turn ({@code "Speaker: text"}, with the photo caption),
 * queried by the LoCoMo questions; the data set is read where it lies and the embeddings are cached under
 * {@code target/bench-cache}, never written into the sources.
 *
 * @param name what the data is, for reports
 * @param vectors {@code n} rows of {@code dim} floats
 * @param queries query rows
 */
public record Dataset(String name, int dim, float[][] vectors, float[][] queries) {
  private static final int CENTROIDS = 1000;
  private static final double NOISE = 0.05;

  public int size() {
    return vectors.length;
  }

  /** Clustered synthetic unit vectors around 1,000 centroids; the same seed gives the same vectors and queries. */
  public static Dataset clustered(int n, int dim, int queries, long seed) {
    return clustered(n, dim, queries, seed, CENTROIDS);
  }

  /**
   * The same around {@code clusters} centroids: {@code n / clusters} points per cluster sets how hard a graph search
   * is (1,000 per cluster at 1,000,000 vectors), so a smaller set with fewer clusters has the density of a larger one.
   */
  public static Dataset clustered(int n, int dim, int queries, long seed, int clusters) {
    Random rnd = new Random(seed);
    float[][] centroids = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centroids[c] = FastCoreBench.unit(FastCoreBench.gaussian(rnd, dim, 1.0, null));
    }
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) {
      vectors[i] = FastCoreBench.unit(FastCoreBench.gaussian(rnd, dim, NOISE, centroids[rnd.nextInt(clusters)]));
    }
    float[][] qs = new float[queries][];
    for (int q = 0; q < queries; q++) {
      qs[q] = FastCoreBench.unit(FastCoreBench.gaussian(rnd, dim, NOISE, centroids[rnd.nextInt(clusters)]));
    }
    return new Dataset("clustered", dim, vectors, qs);
  }

  /**
   * The LoCoMo turns embedded by all-MiniLM-L6-v2 (quantised), queried by its questions; computed once (about 20 s)
   * and cached in {@code cacheDir}.
   */
  public static Dataset locomo(Path data, Path cacheDir) {
    Path cache = cacheDir.resolve("locomo-minilm-q.bin");
    try {
      if (!Files.exists(cache)) {
        embed(data, cache);
      }
      try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(cache)))) {
        int dim = in.readInt();
        float[][] vectors = readRows(in, dim);
        float[][] queries = readRows(in, dim);
        return new Dataset("locomo", dim, vectors, queries);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void embed(Path data, Path cache) throws IOException {
    JsonArray conversations = new JsonArray(Files.readString(data));
    List<String> turns = new ArrayList<>();
    List<String> questions = new ArrayList<>();
    for (Object c : conversations) {
      JsonObject conversation = ((JsonObject) c).getJsonObject("conversation");
      for (String key : conversation.fieldNames()) {
        if (key.matches("session_\\d+") && conversation.getValue(key) instanceof JsonArray session) {
          for (Object t : session) {
            JsonObject turn = (JsonObject) t;
            String text = turn.getString("speaker") + ": " + turn.getString("text", "");
            if (turn.getString("blip_caption") != null) {
              text += " [shares a photo: " + turn.getString("blip_caption") + "]";
            }
            turns.add(text);
          }
        }
      }
      for (Object q : ((JsonObject) c).getJsonArray("qa")) {
        questions.add(((JsonObject) q).getValue("question").toString());
      }
    }
    OnnxEmbeddingModel model = OnnxEmbeddingModel.load("all-minilm-l6-v2-q");
    List<float[]> vectors = embedInBatches(model, turns);
    List<float[]> queries = embedInBatches(model, questions);
    Files.createDirectories(cache.getParent());
    Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(model.dimension());
      writeRows(out, vectors);
      writeRows(out, queries);
    }
    Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<float[]> embedInBatches(OnnxEmbeddingModel model, List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i += 256) {
      out.addAll(model.embedAll(texts.subList(i, Math.min(texts.size(), i + 256))));
    }
    return out;
  }

  private static void writeRows(DataOutputStream out, List<float[]> rows) throws IOException {
    out.writeInt(rows.size());
    for (float[] row : rows) {
      for (float x : row) {
        out.writeFloat(x);
      }
    }
  }

  private static float[][] readRows(DataInputStream in, int dim) throws IOException {
    float[][] rows = new float[in.readInt()][dim];
    for (float[] row : rows) {
      for (int i = 0; i < dim; i++) {
        row[i] = in.readFloat();
      }
    }
    return rows;
  }
}
