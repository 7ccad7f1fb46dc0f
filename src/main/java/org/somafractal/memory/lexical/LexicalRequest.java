package org.somafractal.memory.lexical;

import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/** The messages of {@code Addresses.LEXICAL}, one per {@link LexicalIndex} method. */
public sealed interface LexicalRequest {
  record Apply(IndexBatch batch) implements LexicalRequest {
  }

  record Search(String tenant, String query, int k, MemoryFilter filter) implements LexicalRequest {
  }

  record Count(String tenant) implements LexicalRequest {
  }
}
