package org.somafractal.memory.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Idempotency keys in this process, in a Caffeine map bounded in size and expiring entries {@code ttl} after they
 * were written. A claim older than {@code pendingTimeout} belongs to a request that died (no answer can come later
 * than the bus timeout), so a retry may take it over. Thread-safe: claims are compare-and-set on the map.
 */
public final class InProcessIdempotency implements Idempotency {
  private final ConcurrentMap<String, Entry> entries;
  private final long pendingTimeoutMillis;
  private final LongSupplier clockMillis;

  /**
   * @param clockMillis wall-clock milliseconds ({@code System::currentTimeMillis}; tests pass their own)
   */
  public InProcessIdempotency(long maxKeys, Duration ttl, Duration pendingTimeout, LongSupplier clockMillis) {
    Cache<String, Entry> cache = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(ttl).build();
    this.entries = cache.asMap();
    this.pendingTimeoutMillis = pendingTimeout.toMillis();
    this.clockMillis = clockMillis;
  }

  @Override
  public Future<Claim> begin(String key, String bodyHash) {
    long now = clockMillis.getAsLong();
    Entry mine = Entry.pending(bodyHash, now);
    while (true) {
      Entry existing = entries.putIfAbsent(key, mine);
      if (existing == null) {
        return Future.succeededFuture(new Claim.Started());
      }
      boolean abandoned = existing.pending() && now - existing.claimedAtMillis() >= pendingTimeoutMillis;
      if (!abandoned) {
        return Future.succeededFuture(existing.claimFor(bodyHash));
      }
      if (entries.replace(key, existing, mine)) {
        return Future.succeededFuture(new Claim.Started());
      }
    }
  }

  @Override
  public Future<Void> complete(String key, String bodyHash, int status, String body) {
    entries.put(key, new Entry(bodyHash, status, body, clockMillis.getAsLong()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> release(String key) {
    entries.remove(key);
    return Future.succeededFuture();
  }
}
