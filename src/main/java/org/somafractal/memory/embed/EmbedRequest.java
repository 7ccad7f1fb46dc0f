package org.somafractal.memory.embed;

import java.util.List;
import java.util.Objects;

/**
 * The body of a request to {@code Addresses.EMBED}: the texts to embed, in order, and what they are embedded for. The
 * reply is a {@code List<float[]>} with one vector per text. Immutable, so it may travel by reference over the local
 * codec.
 *
 * @param texts the texts; neither the list nor any element may be null
 * @param purpose memory texts or search queries
 */
public record EmbedRequest(List<String> texts, Purpose purpose) {
  public EmbedRequest {
    texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
    Objects.requireNonNull(purpose, "purpose");
  }
}
