package org.somafractal.memory.client;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Set;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SearchMode;

/**
 * A search, built fluently: {@code Search.of("tea").topK(3).mode(SearchMode.LEXICAL)}. Defaults: 5 results, no
 * offset, hybrid, every type, no metadata filter.
 *
 * @param types memory types to keep, or {@code null} for all
 * @param filters metadata equality filters as in the HTTP API ({@code {"user.id": "ana"}}), or {@code null}
 */
public record Search(String text, int topK, int offset, SearchMode mode, Set<MemoryType> types, JsonObject filters) {

  public Search {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(mode, "mode");
    if (text.isBlank()) {
      throw new IllegalArgumentException("a search needs a non-empty text");
    }
    if (topK < 1 || offset < 0) {
      throw new IllegalArgumentException("topK must be at least 1 and offset at least 0");
    }
    types = types == null ? null : Set.copyOf(types);
  }

  /** A search for this text with every other field at its default. */
  public static Search of(String text) {
    return new Search(text, 5, 0, SearchMode.HYBRID, null, null);
  }

  public Search topK(int value) {
    return new Search(text, value, offset, mode, types, filters);
  }

  public Search offset(int value) {
    return new Search(text, topK, value, mode, types, filters);
  }

  public Search mode(SearchMode value) {
    return new Search(text, topK, offset, value, types, filters);
  }

  public Search types(Set<MemoryType> value) {
    return new Search(text, topK, offset, mode, value, filters);
  }

  public Search filters(JsonObject value) {
    return new Search(text, topK, offset, mode, types, value);
  }
}
