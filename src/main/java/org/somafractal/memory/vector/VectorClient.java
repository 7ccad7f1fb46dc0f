package org.somafractal.memory.vector;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.ImportanceScale;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/** The {@link VectorIndex} seen from another verticle: each call is one request to {@link VectorVerticle}. */
public final class VectorClient implements VectorIndex {
  private final Vertx vertx;
  private final long timeoutMs;

  public VectorClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Void> apply(IndexBatch batch) {
    return Bus.request(vertx, Addresses.VECTOR, new VectorRequest.Apply(batch), timeoutMs);
  }

  @Override
  public Future<Result> search(String tenant, float[] vector, int k, MemoryFilter filter) {
    return Bus.request(vertx, Addresses.VECTOR, new VectorRequest.Search(tenant, vector, k, filter), timeoutMs);
  }

  @Override
  public Future<ImportanceScale> importanceScale(String tenant) {
    return Bus.request(vertx, Addresses.VECTOR, new VectorRequest.Scale(tenant), timeoutMs);
  }

  @Override
  public Future<Long> count(String tenant) {
    return Bus.request(vertx, Addresses.VECTOR, new VectorRequest.Count(tenant), timeoutMs);
  }
}
