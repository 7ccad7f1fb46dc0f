package org.somafractal.memory.vector;

import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/** The messages of {@code Addresses.VECTOR}, one per {@link VectorIndex} method. */
public sealed interface VectorRequest {
  record Apply(IndexBatch batch) implements VectorRequest {
  }

  record Search(String tenant, float[] vector, int k, MemoryFilter filter) implements VectorRequest {
  }

  record Scale(String tenant) implements VectorRequest {
  }

  record Count(String tenant) implements VectorRequest {
  }
}
