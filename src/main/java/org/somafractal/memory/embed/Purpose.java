package org.somafractal.memory.embed;

/**
 * What a text is embedded for. Asymmetric retrieval models were trained with a marker before each text saying which
 * side of a search it is on (E5: {@code "query: "} and {@code "passage: "}); without it their vectors match far worse.
 * Symmetric models (MiniLM, BGE) ignore the purpose.
 */
public enum Purpose {
  /** The text of a memory, embedded when it is stored. */
  MEMORY,
  /** The text of a search, embedded to find memories. */
  QUERY
}
