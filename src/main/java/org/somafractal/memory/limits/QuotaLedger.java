package org.somafractal.memory.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.ErrorKind;
import org.somafractal.memory.core.Link;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.store.MemoryStore;

/**
 * Per-tenant usage counters that enforce the {@link QuotaPolicy} without scanning a tenant on every request. A
 * tenant's counters are seeded from the store the first time a write or {@code /stats} needs them (one pass over its
 * memories and links), then moved by each write: a write reserves its growth before it reaches the store, and gives
 * the reservation back when the store fails. One ledger per Vert.x instance, shared by every HTTP verticle (see
 * {@link #shared}), so the limit does not multiply with the number of event loops. When no tenant has a quota,
 * nothing is tracked.
 *
 * <p>Thread-safe. Known races, accepted because they only move the counts by the size of concurrent requests: two
 * requests that store at the same new coordinate at once both count it until the store reports which one created it;
 * the old size of a memory replaced in place is read just before the write; a tenant seeded while it is being
 * written to may miss that write; counters dropped from the bounded cache are re-seeded from the store.
 */
public final class QuotaLedger implements Shareable {
  private static final String SHARED_KEY = "soma.quota-ledger";
  private static final int SEED_PAGE = 1000;

  private final QuotaPolicy policy;
  private final Cache<String, TenantUsage> usage = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterAccess(Duration.ofHours(1)).build();

  public QuotaLedger(QuotaPolicy policy) {
    this.policy = policy;
  }

  /** The ledger of this Vert.x instance, created from {@code config} on first use. */
  public static QuotaLedger shared(Vertx vertx, SomaConfig config) {
    return vertx.sharedData().<String, QuotaLedger>getLocalMap(SHARED_KEY)
        .computeIfAbsent(SHARED_KEY, k -> new QuotaLedger(QuotaPolicy.of(config)));
  }

  /** Whether quotas are enforced at all. */
  public boolean enabled() {
    return policy.enabled();
  }

  /** The stored size a quota counts for one memory: UTF-8 bytes of its payload, text and metadata. */
  public static long size(JsonObject payload, String text, JsonObject metadata) {
    return utf8(payload == null ? "" : payload.encode()) + utf8(text) + utf8(metadata == null ? "" : metadata.encode());
  }

  /**
   * One memory a write would store.
   *
   * @param key its coordinate key, or {@code null} when the server chooses a new coordinate
   */
  public record Item(String key, long bytes) {
  }

  /**
   * Reserves the growth of storing {@code items} for {@code tenant}, all or none; fails with FORBIDDEN naming the
   * quota when it does not fit. An item at a coordinate that holds a memory grows the count by nothing and the bytes
   * by the difference, so updates in place at the limit pass.
   */
  public Future<Reservation> reserveMemories(MemoryStore store, String tenant, List<Item> items) {
    if (!enabled()) {
      return Future.succeededFuture(Reservation.NONE);
    }
    Map<String, Long> lastSizeByKey = new HashMap<>();
    long newBytes = 0;
    long unkeyed = 0;
    for (Item item : items) {
      if (item.key() == null) {
        unkeyed++;
        newBytes += item.bytes();
      } else {
        lastSizeByKey.put(item.key(), item.bytes());
      }
    }
    List<String> keys = new ArrayList<>(lastSizeByKey.keySet());
    List<Future<Memory>> existing = keys.stream().map(k -> store.get(tenant, k)).toList();
    long unkeyedCount = unkeyed;
    long unkeyedBytes = newBytes;
    return usage(store, tenant).compose(u -> Future.all(existing).compose(done -> {
      long dMemories = unkeyedCount;
      long dBytes = unkeyedBytes;
      for (int i = 0; i < keys.size(); i++) {
        Memory old = existing.get(i).result();
        dBytes += lastSizeByKey.get(keys.get(i));
        if (old == null) {
          dMemories++;
        } else {
          dBytes -= size(old.payload(), old.text(), old.metadata());
        }
      }
      String refusal = u.tryReserve(tenant, policy.quota(tenant), dMemories, dBytes, 0);
      if (refusal != null) {
        return Future.failedFuture(new SomaException(ErrorKind.FORBIDDEN, refusal));
      }
      return Future.succeededFuture(new Reservation(u, dMemories, dBytes, 0));
    }));
  }

  /**
   * Reserves one link for {@code draft}. At the limit, the tenant's links are read to tell a new link (refused) from
   * a re-stored one (allowed); below it, the check costs nothing.
   */
  public Future<Reservation> reserveLink(MemoryStore store, Link draft) {
    if (!enabled()) {
      return Future.succeededFuture(Reservation.NONE);
    }
    String tenant = draft.tenant();
    return usage(store, tenant)
        .compose(u -> u.linksKnown() ? Future.succeededFuture(u) : recountLinks(store, tenant, u))
        .compose(u -> {
          String refusal = u.tryReserve(tenant, policy.quota(tenant), 0, 0, 1);
          if (refusal == null) {
            return Future.succeededFuture(new Reservation(u, 0, 0, 1));
          }
          return store.links(tenant).compose(links -> {
            u.setLinks(links.size());
            boolean exists = links.stream().anyMatch(l -> l.fromKey().equals(draft.fromKey())
                && l.toKey().equals(draft.toKey()) && l.linkType().equals(draft.linkType()));
            return exists ? Future.succeededFuture(Reservation.NONE)
                : Future.failedFuture(new SomaException(ErrorKind.FORBIDDEN, refusal));
          });
        });
  }

  /** Counts memories deleted by a committed delete, with their total size; their links are recounted lazily. */
  public void deleted(String tenant, int memories, long bytes) {
    TenantUsage u = usage.getIfPresent(tenant);
    if (u != null && memories > 0) {
      u.add(-memories, -bytes, 0);
      u.forgetLinks();
    }
  }

  /** Counts links deleted by a committed unlink. */
  public void unlinked(String tenant, int links) {
    TenantUsage u = usage.getIfPresent(tenant);
    if (u != null) {
      u.add(0, 0, -links);
    }
  }

  /** The quota of {@code tenant} with its usage, for {@code /stats}; seeds the counters when quotas are on. */
  public Future<JsonObject> report(MemoryStore store, String tenant) {
    Quota q = policy.quota(tenant);
    JsonObject out = new JsonObject().put("max_memories", q.maxMemories()).put("max_bytes", q.maxBytes())
        .put("max_links", q.maxLinks());
    if (!enabled()) {
      return Future.succeededFuture(out);
    }
    return usage(store, tenant)
        .compose(u -> u.linksKnown() ? Future.succeededFuture(u) : recountLinks(store, tenant, u))
        .map(u -> {
          long[] used = u.snapshot();
          return out.put("used_memories", used[0]).put("used_bytes", used[1]).put("used_links", used[2]);
        });
  }

  private Future<TenantUsage> usage(MemoryStore store, String tenant) {
    TenantUsage known = usage.getIfPresent(tenant);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    // Seeded on the caller's context, never shared as a future, so no callback runs on another event loop; when
    // two callers seed at once, the first to finish wins and both count against it.
    return seed(store, tenant, 0, 0, 0).compose(memory -> store.links(tenant).map(links -> {
      TenantUsage fresh = new TenantUsage(memory[0], memory[1], links.size());
      TenantUsage raced = usage.asMap().putIfAbsent(tenant, fresh);
      return raced != null ? raced : fresh;
    }));
  }

  private Future<long[]> seed(MemoryStore store, String tenant, long after, long count, long bytes) {
    return store.scanTenant(tenant, after, SEED_PAGE).compose(page -> {
      long c = count + page.memories().size();
      long b = bytes;
      for (Memory m : page.memories()) {
        b += size(m.payload(), m.text(), m.metadata());
      }
      return page.done() ? Future.succeededFuture(new long[] {c, b}) : seed(store, tenant, page.next(), c, b);
    });
  }

  private static Future<TenantUsage> recountLinks(MemoryStore store, String tenant, TenantUsage u) {
    return store.links(tenant).map(links -> {
      u.setLinks(links.size());
      return u;
    });
  }

  private static long utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Growth reserved for one write. Exactly one of {@link #commit}, {@link #release} is called once the write is done.
   */
  public static final class Reservation {
    static final Reservation NONE = new Reservation(null, 0, 0, 0);

    private final TenantUsage usage;
    private final long memories;
    private final long bytes;
    private final long links;

    Reservation(TenantUsage usage, long memories, long bytes, long links) {
      this.usage = usage;
      this.memories = memories;
      this.bytes = bytes;
      this.links = links;
    }

    /**
     * The write committed: corrects the reserved counts to what the store reports.
     *
     * @param createdMemories memories the store reports as created
     * @param createdLinks links the store reports as created
     */
    public void commit(long createdMemories, long createdLinks) {
      if (usage != null) {
        usage.add(createdMemories - memories, 0, createdLinks - links);
      }
    }

    /** The write failed: gives the whole reservation back. */
    public void release() {
      if (usage != null) {
        usage.add(-memories, -bytes, -links);
      }
    }
  }
}
