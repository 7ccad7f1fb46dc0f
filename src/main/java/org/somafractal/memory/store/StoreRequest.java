package org.somafractal.memory.store;

import java.util.List;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;

/** The messages of {@code Addresses.STORE}, one per {@link MemoryStore} method. */
public sealed interface StoreRequest {
  record Upsert(List<MemoryDraft> drafts) implements StoreRequest {
  }

  record Get(String tenant, String key) implements StoreRequest {
  }

  record GetByIds(String tenant, List<String> ids) implements StoreRequest {
  }

  record GetByKeys(String tenant, List<String> keys) implements StoreRequest {
  }

  record Delete(String tenant, List<String> keys) implements StoreRequest {
  }

  record Range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) implements StoreRequest {
  }

  record Touch(String tenant, List<String> ids, long at) implements StoreRequest {
  }

  record Stats(String tenant) implements StoreRequest {
  }

  record Scan(long after, int limit) implements StoreRequest {
  }

  record ScanTenant(String tenant, long after, int limit) implements StoreRequest {
  }

  record PutLink(Link draft) implements StoreRequest {
  }

  record DeleteLinks(String tenant, String fromKey, String toKey, String linkType) implements StoreRequest {
  }

  record Links(String tenant) implements StoreRequest {
  }

  record Ping() implements StoreRequest {
  }
}
