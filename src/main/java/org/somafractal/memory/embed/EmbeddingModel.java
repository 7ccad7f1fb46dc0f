package org.somafractal.memory.embed;

import java.util.List;

/**
 * A synchronous, possibly slow embedding model. Only the embedding worker verticle calls it, off the event loop.
 * Implementations need not be thread-safe.
 */
public interface EmbeddingModel {

  /** One L2-normalised vector per text, in order; the texts already carry their {@link #prefix(Purpose)}. */
  List<float[]> embedAll(List<String> texts);

  /**
   * What goes before a non-blank text of this purpose, as the model was trained to see it; empty for symmetric models.
   * The caller adds it (so that caches and batches key on what the model actually embeds).
   */
  default String prefix(Purpose purpose) {
    return "";
  }

  int dimension();

  String id();
}
