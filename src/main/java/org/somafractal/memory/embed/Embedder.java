package org.somafractal.memory.embed;

import io.vertx.core.Future;
import java.util.List;

/**
 * The embedding port: texts to L2-normalised vectors of {@link #dimension()} floats. Asynchronous; futures complete
 * on the caller's context.
 */
public interface Embedder {

  /** One vector per memory text, in order. */
  Future<List<float[]>> embed(List<String> texts);

  /**
   * The vector of a search query. Differs from {@code embed(List.of(query))} for asymmetric models, which mark queries
   * and memories apart ({@link Purpose}).
   */
  Future<float[]> embedQuery(String query);

  /** The length of every vector this embedder returns. */
  int dimension();

  /** A stable id of the model, stored with each embedding so that a model change can be detected. */
  String modelId();
}
