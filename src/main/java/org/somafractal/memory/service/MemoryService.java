package org.somafractal.memory.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.ImportanceScale;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.MetadataTerms;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.Ranking;
import org.somafractal.memory.core.RankingOptions;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SearchMode;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.core.TenantStats;
import org.somafractal.memory.core.TextExtractor;
import org.somafractal.memory.core.Vectors;
import org.somafractal.memory.embed.Embedder;
import org.somafractal.memory.events.EventPublisher;
import org.somafractal.memory.events.MemoryEvent;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.lexical.LexicalIndex;
import org.somafractal.memory.limits.QuotaLedger;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.vector.VectorIndex;

/**
 * The memory service: store and recall orchestrated over the ports. Every HTTP route of every API era calls this one
 * class, so the semantics live in one place. It never blocks: each step is a future over a port, and the ports are
 * event-bus clients of the verticles that own the resources.
 *
 * <p>A store is acknowledged after the canonical commit and after both indexes applied it, so a client reads its own
 * write in the next search. Events follow the commit.
 */
public final class MemoryService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MemoryService.class);

  /** The model id recorded for vectors that clients send themselves. */
  public static final String CLIENT_MODEL = "client";
  private static final int MAX_CANDIDATES = 10_000;

  private final MemoryStore store;
  private final VectorIndex vectors;
  private final LexicalIndex lexical;
  private final GraphIndex graph;
  private final Embedder embedder;
  private final EventPublisher events;
  private final TextExtractor textExtractor;
  private final RankingOptions ranking;
  private final int candidateMultiplier;
  private final LongSupplier clock;
  private final QuotaLedger quotas;
  private final IndexRepair repair;

  /** @param quotas the tenants' quotas; writes reserve their growth there before they reach the store */
  public MemoryService(MemoryStore store, VectorIndex vectors, LexicalIndex lexical, GraphIndex graph,
      Embedder embedder, EventPublisher events, TextExtractor textExtractor, RankingOptions ranking,
      int candidateMultiplier, LongSupplier clock, QuotaLedger quotas) {
    this.store = store;
    this.vectors = vectors;
    this.lexical = lexical;
    this.graph = graph;
    this.embedder = embedder;
    this.events = events;
    this.textExtractor = textExtractor;
    this.ranking = ranking;
    this.candidateMultiplier = candidateMultiplier;
    this.clock = clock;
    this.quotas = quotas;
    this.repair = new IndexRepair(store, this::index, graph);
  }

  /** The embedding dimension every vector must have. */
  public int dimension() {
    return embedder.dimension();
  }

  /**
   * Stores memories atomically (all or none), embedding the texts that came without a client vector. Fails with
   * FORBIDDEN, before anything is embedded or written, when the write would exceed a quota of its tenant.
   */
  public Future<List<StoredMemory>> store(List<StoreCommand> commands) {
    List<String> texts = new ArrayList<>(commands.size());
    List<float[]> clientVectors = new ArrayList<>(commands.size());
    List<String> toEmbed = new ArrayList<>();
    Map<String, List<QuotaLedger.Item>> quotaItems = new HashMap<>();
    for (StoreCommand c : commands) {
      String text = textExtractor.extract(c.payload());
      texts.add(text);
      float[] v = c.vector() == null ? null : Vectors.normalized(c.vector(), embedder.dimension(), "vector");
      clientVectors.add(v);
      if (v == null && !text.isEmpty()) {
        toEmbed.add(text);
      }
      if (quotas.enabled()) {
        quotaItems.computeIfAbsent(c.tenant(), t -> new ArrayList<>()).add(new QuotaLedger.Item(
            c.coordinate() == null ? null : c.coordinate().key(), QuotaLedger.size(c.payload(), text, c.metadata())));
      }
    }
    Map<String, Future<QuotaLedger.Reservation>> reserved = new HashMap<>();
    quotaItems.forEach((tenant, items) -> reserved.put(tenant, quotas.reserveMemories(store, tenant, items)));
    return Future.join(List.copyOf(reserved.values())).transform(ar -> {
      if (ar.failed()) {
        reserved.values().stream().filter(Future::succeeded).forEach(f -> f.result().release());
        return Future.<List<StoredMemory>>failedFuture(ar.cause());
      }
      return storeReserved(commands, texts, clientVectors, toEmbed).andThen(done -> reserved.forEach((tenant, f) -> {
        if (done.succeeded()) {
          f.result().commit(done.result().stream()
              .filter(s -> s.created() && s.memory().tenant().equals(tenant)).count(), 0);
        } else {
          f.result().release();
        }
      }));
    });
  }

  private Future<List<StoredMemory>> storeReserved(List<StoreCommand> commands, List<String> texts,
      List<float[]> clientVectors, List<String> toEmbed) {
    return embedder.embed(toEmbed).compose(embedded -> {
      List<MemoryDraft> drafts = new ArrayList<>(commands.size());
      int next = 0;
      for (int i = 0; i < commands.size(); i++) {
        StoreCommand c = commands.get(i);
        float[] vector = clientVectors.get(i);
        String model = CLIENT_MODEL;
        if (vector == null && !texts.get(i).isEmpty()) {
          vector = embedded.get(next++);
          model = embedder.modelId();
        } else if (vector == null) {
          model = null;
        }
        Coordinate coord = c.coordinate() != null ? c.coordinate() : chooseCoordinate();
        drafts.add(new MemoryDraft(c.tenant(), coord, c.payload(), c.type(), c.importance(), c.metadata(),
            texts.get(i), vector, model));
      }
      return store.upsert(drafts).onFailure(e -> {
        if (SomaException.outcomeUnknown(e)) {
          drafts.forEach(d -> repair.uncertain(d.tenant(), d.coordinate().key(), null));
        }
      });
    }).compose(stored -> {
      repair.kick();
      List<Memory> memories = stored.stream().map(StoredMemory::memory).toList();
      return index(IndexBatch.upserts(memories)).map(v -> {
        events.publish(stored.stream().map(s -> event(s.memory(), s.created() ? "created" : "updated")).toList());
        return stored;
      });
    });
  }

  /** The memory at {@code coordinate}, or {@code null}; records the read in its access statistics. */
  public Future<Memory> get(String tenant, Coordinate coordinate) {
    return store.get(tenant, coordinate.key()).map(memory -> {
      repair.kick();
      if (memory == null) {
        return null;
      }
      long now = clock.getAsLong();
      // Access statistics only steer decay; the read does not wait for them, but a failure must not pass unseen.
      store.touch(tenant, List.of(memory.id()), now)
          .onFailure(e -> LOG.warn("Could not record the access to memory {}: {}", memory.id(), e.getMessage()));
      return memory.withAccess(Math.max(now, memory.lastAccessedAt()), memory.accessCount() + 1);
    });
  }

  /** The memory with this stable id, or {@code null}. Not an access: it is how the id-based routes find a memory. */
  public Future<Memory> findById(String tenant, String id) {
    return store.getByIds(tenant, List.of(id)).map(found -> found.isEmpty() ? null : found.get(0));
  }

  /**
   * Deletes the memories at these coordinates from the store, both indexes and the graph (whose links from and to
   * them the store deleted in the same transaction, unless dangling links are kept); returns what was deleted.
   */
  public Future<List<Removal>> delete(String tenant, List<Coordinate> coordinates) {
    List<String> keys = coordinates.stream().map(Coordinate::key).distinct().toList();
    // What is there now: the sizes leave the quota, and the ids let a delete whose outcome is unknown be repaired.
    return store.getByKeys(tenant, keys).compose(known -> deleteKnown(tenant, keys, known));
  }

  private Future<List<Removal>> deleteKnown(String tenant, List<String> keys, List<Memory> known) {
    return store.delete(tenant, keys).onFailure(e -> {
      if (SomaException.outcomeUnknown(e)) {
        Map<String, String> ids = new HashMap<>();
        known.forEach(m -> ids.put(m.key(), m.id()));
        keys.forEach(k -> repair.uncertain(tenant, k, ids.get(k)));
      }
    }).compose(removed -> {
      repair.kick();
      if (removed.isEmpty()) {
        return Future.succeededFuture(removed);
      }
      if (quotas.enabled()) {
        Set<String> ids = new HashSet<>();
        removed.forEach(r -> ids.add(r.id()));
        long bytes = known.stream().filter(m -> ids.contains(m.id()))
            .mapToLong(m -> QuotaLedger.size(m.payload(), m.text(), m.metadata())).sum();
        quotas.deleted(tenant, removed.size(), bytes);
      }
      return Future.all(index(IndexBatch.removals(removed)), graph.removed(removed)).map(v -> {
        long now = clock.getAsLong();
        events.publish(removed.stream().map(r -> new MemoryEvent(UUID.randomUUID().toString(), r.id(), r.tenant(),
            "deleted", r.key(), null, now, r.seq())).toList());
        return removed;
      });
    });
  }

  /**
   * Deletes every memory of {@code tenant} that {@code filter} matches, one page of the tenant at a time, so memory
   * use does not grow with the tenant. Each page's matches are deleted as {@link #delete} does, so indexes and events
   * follow.
   *
   * @param filter the condition; {@link MemoryFilter#NONE} deletes the whole tenant, so callers must ask for it
   * @return how many memories were deleted
   */
  public Future<Long> deleteMatching(String tenant, MemoryFilter filter, int pageSize) {
    return deletePages(tenant, filter, pageSize, 0, 0);
  }

  private Future<Long> deletePages(String tenant, MemoryFilter filter, int pageSize, long after, long deleted) {
    return store.scanTenant(tenant, after, pageSize).compose(page -> {
      List<Memory> matching = new ArrayList<>();
      for (Memory m : page.memories()) {
        if (filter.matches(m.type(), m.createdAt(), MetadataTerms.of(m.metadata()))) {
          matching.add(m);
        }
      }
      Future<List<Removal>> removed = matching.isEmpty() ? Future.succeededFuture(List.of())
          : deleteKnown(tenant, matching.stream().map(Memory::key).distinct().toList(), matching);
      return removed.compose(r -> page.done() ? Future.succeededFuture(deleted + r.size())
          : deletePages(tenant, filter, pageSize, page.next(), deleted + r.size()));
    });
  }

  /** One page of a tenant's memories, for export; see {@link MemoryStore#scanTenant}. Not counted as access. */
  public Future<MemoryStore.ScanPage> scanTenant(String tenant, long after, int limit) {
    return store.scanTenant(tenant, after, limit);
  }

  /** The keys among {@code coordinates} that hold a memory of {@code tenant}. Not counted as access. */
  public Future<Set<String>> existingKeys(String tenant, List<Coordinate> coordinates) {
    List<Future<Memory>> lookups = coordinates.stream().map(c -> store.get(tenant, c.key())).toList();
    return Future.all(lookups).map(all -> {
      Set<String> keys = new HashSet<>();
      lookups.forEach(f -> {
        if (f.result() != null) {
          keys.add(f.result().key());
        }
      });
      return keys;
    });
  }

  /** Ranked results of one search. */
  public Future<List<Ranked>> search(SearchQuery query) {
    int candidates = Math.min(MAX_CANDIDATES, (query.offset() + query.topK()) * candidateMultiplier);
    boolean useLexical = query.mode() != SearchMode.VECTOR && query.text() != null && !query.text().isBlank();
    boolean useVector = query.mode() != SearchMode.LEXICAL;
    SearchMode mode = !useLexical ? SearchMode.VECTOR : (!useVector ? SearchMode.LEXICAL : SearchMode.HYBRID);

    Future<float[]> queryVector = useVector ? queryVector(query) : Future.succeededFuture(null);
    // the weighted fusion's cosine scale ends at a fixed rank, so that every page of a search shares it
    int vectorCandidates = mode == SearchMode.HYBRID && ranking.weightedFusion()
        ? Math.max(candidates, Ranking.COSINE_SCALE_RANK) : candidates;
    Future<VectorIndex.Result> vectorPart = useVector
        ? queryVector.compose(v -> vectors.search(query.tenant(), v, vectorCandidates, query.filter()))
        : vectors.importanceScale(query.tenant()).map(scale -> new VectorIndex.Result(List.of(), scale));
    Future<List<Hit>> lexicalPart = useLexical
        ? lexical.search(query.tenant(), query.text(), candidates, query.filter())
        : Future.succeededFuture(List.of());

    return Future.all(vectorPart, lexicalPart).compose(both -> {
      List<Hit> vectorHits = vectorPart.result().hits();
      List<Hit> lexicalHits = lexicalPart.result();
      ImportanceScale scale = vectorPart.result().scale();
      LinkedHashSet<String> ids = new LinkedHashSet<>();
      vectorHits.forEach(h -> ids.add(h.id()));
      lexicalHits.forEach(h -> ids.add(h.id()));
      RankingOptions options = Double.isNaN(query.sequenceWeight()) ? ranking
          : ranking.withSequenceWeight(query.sequenceWeight());
      return store.getByIds(query.tenant(), new ArrayList<>(ids)).compose(found -> {
        repair.kick();
        Map<String, Memory> byId = new HashMap<>(found.size() * 2);
        found.forEach(m -> byId.put(m.id(), m));
        List<Memory> lenders = options.sequenceWeight() > 0
            ? lenders(query, Ranking.rank(mode, queryVector.result(), vectorHits, lexicalHits, byId, Map.of(), scale,
                options.withSequenceWeight(0), clock.getAsLong()), options.sequenceWeight())
            : List.of();
        return (lenders.isEmpty() ? Future.succeededFuture(Map.<String, Memory>of())
            : sequenceNeighbors(query, found, lenders)).map(neighbors -> {
          List<Ranked> ranked = Ranking.rank(mode, queryVector.result(), vectorHits, lexicalHits, byId, neighbors,
              scale, options, clock.getAsLong());
          return page(query, ranked);
        });
      });
    });
  }

  /**
   * The candidates whose sequence neighbours could enter the page, from the ranking without lending: a neighbour that
   * no index proposed scores at most {@code weight × fused} of its best lender (importance and decay weights are at
   * most 1), and lending only raises the candidates' scores, so it cannot reach the page unless that share is at
   * least the final score the page's last result has without lending. Other candidates still lend to neighbours
   * that are candidates themselves, which needs no lookup. When the page is full few qualify, so most such searches
   * skip the lookup of neighbours that often do not exist, which no cache can answer.
   */
  private static List<Memory> lenders(SearchQuery query, List<Ranked> unlent, double weight) {
    int last = query.offset() + query.topK() - 1;
    // A result must also reach min_score, whose filter keeps a prefix of the ranking.
    double floor = Math.max(query.minScore(), unlent.size() > last ? unlent.get(last).scores().score() : 0);
    List<Memory> out = new ArrayList<>();
    for (Ranked r : unlent) {
      if (weight * r.scores().fused() >= floor && r.scores().fused() > 0) {
        out.add(r.memory());
      }
    }
    return out;
  }

  /**
   * The memories at the sequence neighbours of {@code lenders} ({@link Coordinate#sequenceNeighborKeys}) that the
   * candidates do not already hold and that match the search's filter, by key: one extra store query.
   */
  private Future<Map<String, Memory>> sequenceNeighbors(SearchQuery query, List<Memory> candidates,
      List<Memory> lenders) {
    Set<String> held = new HashSet<>(candidates.size() * 2);
    candidates.forEach(m -> held.add(m.key()));
    LinkedHashSet<String> keys = new LinkedHashSet<>();
    for (Memory m : lenders) {
      for (String key : m.coordinate().sequenceNeighborKeys()) {
        if (!held.contains(key)) {
          keys.add(key);
        }
      }
    }
    return store.getByKeys(query.tenant(), new ArrayList<>(keys)).map(found -> {
      Map<String, Memory> byKey = new HashMap<>(found.size() * 2);
      for (Memory m : found) {
        if (query.filter().isEmpty()
            || query.filter().matches(m.type(), m.createdAt(), MetadataTerms.of(m.metadata()))) {
          byKey.put(m.key(), m);
        }
      }
      return byKey;
    });
  }

  /** The results above the search's minimum score, from {@code offset} to {@code offset + topK}. */
  private static List<Ranked> page(SearchQuery query, List<Ranked> ranked) {
    List<Ranked> kept = ranked.stream().filter(r -> r.scores().score() >= query.minScore()).toList();
    int from = Math.min(query.offset(), kept.size());
    int to = Math.min(kept.size(), query.offset() + query.topK());
    return kept.subList(from, to);
  }

  /** Several searches at once; their embeddings share micro-batches. */
  public Future<List<List<Ranked>>> searchBatch(List<SearchQuery> queries) {
    List<Future<List<Ranked>>> all = queries.stream().map(this::search).toList();
    return Future.all(all).map(done -> all.stream().map(Future::result).toList());
  }

  /** Memories inside the inclusive box. */
  public Future<List<Memory>> range(String tenant, Coordinate min, Coordinate max, MemoryType type, int limit) {
    return store.range(tenant, min, max, type, limit);
  }

  /** Store counts plus index sizes and the quota of one tenant. */
  public Future<TenantOverview> stats(String tenant) {
    Future<TenantStats> counts = store.stats(tenant).onSuccess(c -> repair.kick());
    Future<Long> vectorCount = vectors.count(tenant);
    Future<Long> lexicalCount = lexical.count(tenant);
    Future<JsonObject> quota = quotas.report(store, tenant);
    return Future.all(counts, vectorCount, lexicalCount, quota)
        .map(all -> new TenantOverview(counts.result(), vectorCount.result(), lexicalCount.result(), quota.result()));
  }

  /**
   * A tenant's counts.
   *
   * @param vectors memories with a vector in the fast core
   * @param lexical memories with text in the lexical index
   * @param quota the tenant's limits (0 = unlimited) and, when quotas are on, its usage; see {@link QuotaLedger#report}
   */
  public record TenantOverview(TenantStats counts, long vectors, long lexical, JsonObject quota) {
  }

  private Future<float[]> queryVector(SearchQuery query) {
    if (query.vector() != null) {
      return Future.succeededFuture(Vectors.normalized(query.vector(), embedder.dimension(), "vector"));
    }
    return embedder.embedQuery(query.text());
  }

  private Future<Void> index(IndexBatch batch) {
    return Future.all(vectors.apply(batch), lexical.apply(batch)).mapEmpty();
  }

  private MemoryEvent event(Memory m, String type) {
    return new MemoryEvent(UUID.randomUUID().toString(), m.id(), m.tenant(), type, m.key(), m.type().wire(),
        m.updatedAt(), m.seq());
  }

  /** A fresh coordinate for a memory stored without one: two axes, uniform in [0, 100), as the seed's /remember. */
  private static Coordinate chooseCoordinate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Coordinate.of(random.nextDouble(0, 100), random.nextDouble(0, 100));
  }
}
