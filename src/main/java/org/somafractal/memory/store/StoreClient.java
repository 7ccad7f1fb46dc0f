package org.somafractal.memory.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.core.TenantStats;

/** The {@link MemoryStore} seen from another verticle: each call is one request to {@link StorageVerticle}. */
public final class StoreClient implements MemoryStore {
  private final Vertx vertx;
  private final long timeoutMs;

  public StoreClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  private <T> Future<T> call(StoreRequest request) {
    return Bus.request(vertx, Addresses.STORE, request, timeoutMs);
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    return call(new StoreRequest.Upsert(drafts));
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    return call(new StoreRequest.Get(tenant, key));
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    return ids.isEmpty() ? Future.succeededFuture(List.of()) : call(new StoreRequest.GetByIds(tenant, ids));
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    return keys.isEmpty() ? Future.succeededFuture(List.of()) : call(new StoreRequest.GetByKeys(tenant, keys));
  }

  @Override
  public Future<List<Removal>> delete(String tenant, List<String> keys) {
    return call(new StoreRequest.Delete(tenant, keys));
  }

  @Override
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    return call(new StoreRequest.Range(tenant, min, max, type, limit));
  }

  @Override
  public Future<Void> touch(String tenant, List<String> ids, long at) {
    return call(new StoreRequest.Touch(tenant, ids, at));
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    return call(new StoreRequest.Stats(tenant));
  }

  @Override
  public Future<ScanPage> scan(long after, int limit) {
    return call(new StoreRequest.Scan(after, limit));
  }

  @Override
  public Future<ScanPage> scanTenant(String tenant, long after, int limit) {
    return call(new StoreRequest.ScanTenant(tenant, after, limit));
  }

  @Override
  public Future<Link> putLink(Link draft) {
    return call(new StoreRequest.PutLink(draft));
  }

  @Override
  public Future<Integer> deleteLinks(String tenant, String fromKey, String toKey, String linkType) {
    return call(new StoreRequest.DeleteLinks(tenant, fromKey, toKey, linkType));
  }

  @Override
  public Future<List<Link>> links(String tenant) {
    return call(new StoreRequest.Links(tenant));
  }

  @Override
  public Future<Void> ping() {
    return call(new StoreRequest.Ping());
  }

  /** Closing is the storage verticle's job when it is undeployed; a client has nothing to release. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
