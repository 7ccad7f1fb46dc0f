package org.somafractal.memory.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;

/**
 * Serves {@code Addresses.STORE} from one {@link MemoryStore} adapter. The adapter either does its blocking work on
 * threads of its own (SQLite's writer and readers) or never blocks (PostgreSQL's reactive client), so this verticle
 * runs on an event loop and never blocks it. Undeploying the verticle closes the store, committing pending writes
 * first.
 */
public final class StorageVerticle extends VerticleBase {
  private final MemoryStore store;

  public StorageVerticle(MemoryStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    return Bus.serve(vertx, Addresses.STORE, body -> handle((StoreRequest) body)).completion();
  }

  private Future<?> handle(StoreRequest request) {
    return switch (request) {
      case StoreRequest.Upsert r -> store.upsert(r.drafts());
      case StoreRequest.Get r -> store.get(r.tenant(), r.key());
      case StoreRequest.GetByIds r -> store.getByIds(r.tenant(), r.ids());
      case StoreRequest.GetByKeys r -> store.getByKeys(r.tenant(), r.keys());
      case StoreRequest.Delete r -> store.delete(r.tenant(), r.keys());
      case StoreRequest.Range r -> store.range(r.tenant(), r.min(), r.max(), r.type(), r.limit());
      case StoreRequest.Touch r -> store.touch(r.tenant(), r.ids(), r.at());
      case StoreRequest.Stats r -> store.stats(r.tenant());
      case StoreRequest.Scan r -> store.scan(r.after(), r.limit());
      case StoreRequest.ScanTenant r -> store.scanTenant(r.tenant(), r.after(), r.limit());
      case StoreRequest.PutLink r -> store.putLink(r.draft());
      case StoreRequest.DeleteLinks r -> store.deleteLinks(r.tenant(), r.fromKey(), r.toKey(), r.linkType());
      case StoreRequest.Links r -> store.links(r.tenant());
      case StoreRequest.Ping r -> store.ping();
    };
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }
}
