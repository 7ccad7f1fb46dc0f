package org.somafractal.memory.embed;

import java.util.List;
import java.util.Objects;

/**
 * The body of a request to {@code Addresses.EMBED}: the texts to embed, in order. The reply is a {@code List<float[]>}
 * with one vector per text. Immutable, so it may travel by reference over the local codec.
 *
 * @param texts the texts; neither the list nor any element may be null
 */
public record EmbedRequest(List<String> texts) {
  public EmbedRequest {
    texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
  }
}
