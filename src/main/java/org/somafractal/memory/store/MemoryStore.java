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
 * The canonical store port: the one durable source of truth. Indexes, caches and events are derived from it and can
 * be rebuilt from {@link #scan}.
 *
 * <p>Every method is asynchronous and never blocks its caller; a returned future completes on the caller's context.
 * Writes complete only after they are durably committed. All reads and writes are scoped to one tenant.
 */
public interface MemoryStore {

  /**
   * Stores drafts atomically: all or none. A draft at a coordinate that already holds a memory of the same tenant
   * updates that memory in place, keeping its id and creation time. Drafts at the same coordinate within one call are
   * applied in order.
   */
  Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts);

  /** The memory at {@code key}, or {@code null}. */
  Future<Memory> get(String tenant, String key);

  /** The memories with these ids that exist, in no particular order. */
  Future<List<Memory>> getByIds(String tenant, List<String> ids);

  /**
   * The memories at these coordinate keys that exist, in no particular order. This default asks {@link #get} once
   * per key; adapters that can do it in one query override it.
   */
  default Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    List<Future<Memory>> each = keys.stream().map(key -> get(tenant, key)).toList();
    return Future.all(each).map(all -> each.stream().map(Future::result).filter(m -> m != null).toList());
  }

  /**
   * Deletes the memories at these keys atomically; returns what was deleted (absent keys are skipped). Unless the
   * adapter is configured to keep dangling links, the links from or to a deleted memory's coordinate are deleted in the
   * same transaction.
   */
  Future<List<Removal>> delete(String tenant, List<String> keys);

  /**
   * Memories whose coordinate lies inside the inclusive box, served by a spatial index, ordered by key.
   *
   * @param type only this type, or {@code null} for any
   */
  Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit);

  /** Records reads: sets last-accessed time and increments the access count. Not a write in the seq order. */
  Future<Void> touch(String tenant, List<String> ids, long at);

  /** Counts of a tenant's memories. */
  Future<TenantStats> stats(String tenant);

  /** Every memory of every tenant with a row position above {@code after}, at most {@code limit}, in row order. */
  Future<ScanPage> scan(long after, int limit);

  /**
   * One tenant's memories with a row position above {@code after}, at most {@code limit}, in row order. Lets export
   * and bulk deletion page through a tenant of any size in constant memory, without reading other tenants' rows.
   * Rows deleted or inserted between pages do not disturb the positions of the others.
   */
  Future<ScanPage> scanTenant(String tenant, long after, int limit);

  /**
   * Inserts a link, or updates the strength and metadata of the link with the same (tenant, from, to, type), keeping
   * its creation time. Fails with NOT_FOUND when no memory of the tenant lies at {@code fromKey}; the check and the
   * write are one transaction. The target coordinate need not hold a memory.
   *
   * @return the stored link, with its times
   */
  Future<Link> putLink(Link draft);

  /**
   * Deletes the links from {@code fromKey} to {@code toKey}: the one of {@code linkType}, or every type when it is
   * {@code null}.
   *
   * @return the number of links deleted
   */
  Future<Integer> deleteLinks(String tenant, String fromKey, String toKey, String linkType);

  /** Every link of a tenant, in no particular order: what a graph index loads. */
  Future<List<Link>> links(String tenant);

  /** A cheap round trip to the backend, for health checks. */
  Future<Void> ping();

  /** Releases connections and threads; pending writes are committed first. */
  Future<Void> close();

  /**
   * One page of a full scan.
   *
   * @param next the position to pass as {@code after} for the next page
   * @param done whether this is the last page
   */
  record ScanPage(List<Memory> memories, long next, boolean done) {
  }
}
