package org.somafractal.memory.vector;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.ImportanceScale;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/**
 * The vector index port: exact or approximate k-nearest-neighbour search by cosine similarity, per tenant, with the
 * filter applied during the search so that {@code k} results come back whenever {@code k} memories match.
 * Asynchronous; futures complete on the caller's context.
 */
public interface VectorIndex {

  /** Applies committed changes; a change older (by seq) than what the index holds for that memory is ignored. */
  Future<Void> apply(IndexBatch batch);

  /**
   * The {@code k} best matches of a unit-length {@code vector}, best first, and the tenant's importance scale.
   */
  Future<Result> search(String tenant, float[] vector, int k, MemoryFilter filter);

  /** The tenant's importance scale alone. */
  Future<ImportanceScale> importanceScale(String tenant);

  /** The number of vectors the tenant has in the index. */
  Future<Long> count(String tenant);

  /**
   * The answer to a search.
   *
   * @param scale how to normalise the tenant's raw importance values
   */
  record Result(List<Hit> hits, ImportanceScale scale) {
  }
}
