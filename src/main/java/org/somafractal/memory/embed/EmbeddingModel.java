package org.somafractal.memory.embed;

import java.util.List;

/**
 * A synchronous, possibly slow embedding model. Only the embedding worker verticle calls it, off the event loop.
 * Implementations need not be thread-safe.
 */
public interface EmbeddingModel {

  /** One L2-normalised vector per text, in order. */
  List<float[]> embedAll(List<String> texts);

  int dimension();

  String id();
}
