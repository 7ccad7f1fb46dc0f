package org.somafractal.memory.store.crypto;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.store.ForwardingMemoryStore;
import org.somafractal.memory.store.MemoryStore;

/**
 * Encryption at rest for any canonical store: seals drafts with a {@link RowCipher} before they reach the adapter
 * and opens every memory the adapter returns. Both adapters (SQLite and PostgreSQL) get it the same way, so the
 * cipher is applied in one place. Everything above the store (indexes, filters, export) sees plaintext, which is why
 * the indexes rebuilt from {@link #scan} at start work unchanged.
 *
 * <p>Coordinates, types, importance, timestamps, embeddings and links are passed through as they are: the adapters
 * index and range-query them.
 */
public final class EncryptingMemoryStore extends ForwardingMemoryStore {
  private final RowCipher cipher;

  /** Wraps {@code inner}; {@code cipher} decides which tenants' new rows are sealed. */
  public EncryptingMemoryStore(MemoryStore inner, RowCipher cipher) {
    super(inner);
    this.cipher = cipher;
  }

  @Override
  public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
    List<MemoryDraft> sealed = new ArrayList<>(drafts.size());
    try {
      for (MemoryDraft d : drafts) {
        sealed.add(cipher.seal(d));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // The adapter answers one stored memory per draft, in order, built from what it stored; the caller gets the
    // plaintext it sent back, without paying for a decryption.
    return inner.upsert(sealed).map(stored -> {
      List<StoredMemory> out = new ArrayList<>(stored.size());
      for (int i = 0; i < stored.size(); i++) {
        StoredMemory s = stored.get(i);
        MemoryDraft d = drafts.get(i);
        if (d == sealed.get(i)) {
          out.add(s);
          continue;
        }
        Memory m = s.memory();
        out.add(new StoredMemory(new Memory(m.id(), m.tenant(), m.coordinate(), d.payload(), m.type(), m.importance(),
            d.metadata() == null ? new JsonObject() : d.metadata(), d.text() == null ? "" : d.text(), m.vector(),
            m.modelId(), m.createdAt(), m.updatedAt(), m.lastAccessedAt(), m.accessCount(), m.seq()), s.created()));
      }
      return out;
    });
  }

  @Override
  public Future<Memory> get(String tenant, String key) {
    return inner.get(tenant, key).map(m -> m == null ? null : cipher.open(m));
  }

  @Override
  public Future<List<Memory>> getByIds(String tenant, List<String> ids) {
    return inner.getByIds(tenant, ids).map(this::open);
  }

  @Override
  public Future<List<Memory>> getByKeys(String tenant, List<String> keys) {
    return inner.getByKeys(tenant, keys).map(this::open);
  }

  @Override
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    return inner.range(tenant, min, max, type, limit).map(this::open);
  }

  @Override
  public Future<ScanPage> scan(long after, int limit) {
    return inner.scan(after, limit).map(this::open);
  }

  @Override
  public Future<ScanPage> scanTenant(String tenant, long after, int limit) {
    return inner.scanTenant(tenant, after, limit).map(this::open);
  }

  private ScanPage open(ScanPage page) {
    return new ScanPage(open(page.memories()), page.next(), page.done());
  }

  private List<Memory> open(List<Memory> memories) {
    List<Memory> out = new ArrayList<>(memories.size());
    for (Memory m : memories) {
      out.add(cipher.open(m));
    }
    return out;
  }
}
