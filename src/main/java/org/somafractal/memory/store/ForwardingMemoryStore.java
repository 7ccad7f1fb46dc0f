package org.somafractal.memory.store;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.core.TenantStats;

/**
 * A {@link MemoryStore} that hands every call to another one: the base of the decorators layered over an adapter
 * (encryption, the read-through cache), which override only what they change.
 */
public abstract class ForwardingMemoryStore implements MemoryStore {
  protected final MemoryStore inner;

  protected ForwardingMemoryStore(MemoryStore inner) {
    this.inner = inner;
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    return inner.upsert(drafts);
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    return inner.get(tenant, key);
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    return inner.getByIds(tenant, ids);
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    return inner.getByKeys(tenant, keys);
  }

  @Override
  public Future<List<Removal>> delete(String tenant, List<String> keys) {
    return inner.delete(tenant, keys);
  }

  @Override
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    return inner.range(tenant, min, max, type, limit);
  }

  @Override
  public Future<Void> touch(String tenant, List<String> ids, long at) {
    return inner.touch(tenant, ids, at);
  }

  @Override
  public Future<TenantStats> stats(String tenant) {
    return inner.stats(tenant);
  }

  @Override
  public Future<ScanPage> scan(long after, int limit) {
    return inner.scan(after, limit);
  }

  @Override
  public Future<ScanPage> scanTenant(String tenant, long after, int limit) {
    return inner.scanTenant(tenant, after, limit);
  }

  @Override
  public Future<Link> putLink(Link draft) {
    return inner.putLink(draft);
  }

  @Override
  public Future<Integer> deleteLinks(String tenant, String fromKey, String toKey, String linkType) {
    return inner.deleteLinks(tenant, fromKey, toKey, linkType);
  }

  @Override
  public Future<List<Link>> links(String tenant) {
    return inner.links(tenant);
  }

  @Override
  public Future<Void> ping() {
    return inner.ping();
  }

  @Override
  public Future<Void> close() {
    return inner.close();
  }
}
