package org.somafractal.memory.bench;

/**
 * One vector index under comparison, holding the rows of a {@link Dataset} and answering top-k queries with row
 * numbers. {@link #search} may be called from several threads at once after {@link #build} returned.
 */
public interface Peer extends AutoCloseable {

  /** A short name for reports, e.g. {@code lucene-hnsw}. */
  String name();

  /** Indexes every row of {@code data}; returns when the index answers queries at its full quality. */
  void build(Dataset data) throws Exception;

  /** The rows of the {@code k} best matches of {@code query}, best first. */
  int[] search(float[] query, int k) throws Exception;

  /** Settings that matter for reading the numbers, e.g. graph degree and beam. */
  String describe();

  @Override
  default void close() throws Exception {
  }
}
