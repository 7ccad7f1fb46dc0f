package org.somafractal.memory.lexical;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/**
 * The lexical index port: BM25 over each memory's text, per tenant, with the filter applied inside the query.
 * Asynchronous; futures complete on the caller's context.
 */
public interface LexicalIndex {

  /** Applies committed changes; a change older (by seq) than what the index holds for that memory is ignored. */
  Future<Void> apply(IndexBatch batch);

  /** The {@code k} best BM25 matches of {@code query}, best first; empty when the query has no indexable term. */
  Future<List<Hit>> search(String tenant, String query, int k, MemoryFilter filter);

  /** The number of documents the tenant has in the index. */
  Future<Long> count(String tenant);
}
