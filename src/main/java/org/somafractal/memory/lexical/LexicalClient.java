package org.somafractal.memory.lexical;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.MemoryFilter;

/** The {@link LexicalIndex} seen from another verticle: each call is one request to {@link LexicalVerticle}. */
public final class LexicalClient implements LexicalIndex {
  private final Vertx vertx;
  private final long timeoutMs;

  public LexicalClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Void> apply(IndexBatch batch) {
    return Bus.request(vertx, Addresses.LEXICAL, new LexicalRequest.Apply(batch), timeoutMs);
  }

  @Override
  public Future<List<Hit>> search(String tenant, String query, int k, MemoryFilter filter) {
    return Bus.request(vertx, Addresses.LEXICAL, new LexicalRequest.Search(tenant, query, k, filter), timeoutMs);
  }

  @Override
  public Future<Long> count(String tenant) {
    return Bus.request(vertx, Addresses.LEXICAL, new LexicalRequest.Count(tenant), timeoutMs);
  }
}
