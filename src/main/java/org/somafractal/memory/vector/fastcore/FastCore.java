package org.somafractal.memory.vector.fastcore;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.ImportanceNormalizer;
import org.somafractal.memory.core.ImportanceScale;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MetadataTerms;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.Tombstones;

/**
 * The in-process vector index: per tenant a {@link Slab} of unit vectors scanned in full on every search, with
 * filters evaluated during the scan, plus each tenant's {@link ImportanceNormalizer}. Exact search over contiguous
 * arrays keeps results identical to a brute-force cosine ranking, without the recall loss and rebuild costs of an
 * approximate graph, up to the size where a scan becomes too slow.
 *
 * <p>From {@code annMinVectors} vectors on, a tenant also gets an {@link AnnIndex}: a graph built on a builder thread
 * of its own while searches go on (exactly, until the graph has caught up). A search then uses the graph unless its
 * filter is selective: when fewer than {@value #ANN_MIN_MATCHING} of a sample of
 * {@value #SELECTIVITY_SAMPLE} live slots match, or when the graph returns fewer than {@code k} matches, it scans
 * exactly, so a filter still fills {@code k}. A tenant that shrinks under half the threshold drops its graph.
 *
 * <p>Every change is guarded by its commit seq: an upsert is ignored when the index already holds that memory at an
 * equal or newer seq, or when {@link Tombstones} remember a delete at an equal or newer seq; a removal is ignored
 * when the held vector is newer. Memories without a vector are not stored (an earlier vector for the id is removed).
 *
 * <p>Not thread-safe: a single owner (the vector verticle) must make every call. Searches alone may also run on several
 * threads at once (each thread reuses its own buffers), which benchmarks use, but never while a change is applied.
 */
public final class FastCore {
  /**
   * System property enabling the 4-bit pre-scan ({@code true}/{@code false}). By default it is on with the Panama
   * kernels, where at identical results it reads an eighth of the bytes (see docs/benchmarks.md), and off with the
   * scalar kernels, whose integer loop does not vectorise.
   */
  public static final String QUANTIZED_PROPERTY = "soma.fastcore.quantized";

  /** Fraction of sampled live slots a filter must admit for a search to use the graph. */
  static final double ANN_MIN_MATCHING = 0.1;
  /** Slots sampled to estimate how many a filter admits. */
  static final int SELECTIVITY_SAMPLE = 256;
  private static final char TOMBSTONE_SEPARATOR = '\u0000';

  private final int dimension;
  private final VectorKernels kernels;
  private final boolean quantized;
  private final LongSupplier clock;
  private final Tombstones tombstones;
  private final Map<String, Slab> slabs = new HashMap<>();
  private final Map<String, ImportanceNormalizer> normalizers = new HashMap<>();
  private final Map<String, AnnIndex> graphs = new HashMap<>();
  private final ThreadLocal<SlabSearch> searchers;
  private final int annMinVectors;
  /** Whether graph inserts search by the 4-bit codes (on quantised slabs); benchmarks compare both. */
  private boolean codeBuild = true;
  private final int buildThreads;
  private int searchBeam;
  private ExecutorService builderThread;
  private ForkJoinPool buildPool;

  /**
   * An exact index of {@code dimension}-component vectors using the best kernels of this JVM.
   *
   * @param tombstoneRetentionMs how long deletes are remembered to reject reordered older upserts
   */
  public FastCore(int dimension, long tombstoneRetentionMs) {
    this(dimension, tombstoneRetentionMs, 0, 1, AnnIndex.SEARCH_BEAM);
  }

  /**
   * An index of {@code dimension}-component vectors using the best kernels of this JVM, with a graph for every tenant
   * of at least {@code annMinVectors} vectors ({@code 0}: never), built by {@code buildThreads} threads and searched
   * with a beam of {@code searchBeam} candidates.
   */
  public FastCore(int dimension, long tombstoneRetentionMs, int annMinVectors, int buildThreads, int searchBeam) {
    this(dimension, tombstoneRetentionMs, Kernels.best(), quantizedByDefault(Kernels.best()), System::currentTimeMillis,
        annMinVectors, buildThreads, searchBeam);
  }

  private static boolean quantizedByDefault(VectorKernels kernels) {
    String configured = System.getProperty(QUANTIZED_PROPERTY);
    return configured == null ? kernels != ScalarKernels.INSTANCE : Boolean.parseBoolean(configured);
  }

  FastCore(int dimension, long tombstoneRetentionMs, VectorKernels kernels, boolean quantized, LongSupplier clock) {
    this(dimension, tombstoneRetentionMs, kernels, quantized, clock, 0, 1, AnnIndex.SEARCH_BEAM);
  }

  FastCore(int dimension, long tombstoneRetentionMs, VectorKernels kernels, boolean quantized, LongSupplier clock,
      int annMinVectors, int buildThreads, int searchBeam) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
    this.kernels = kernels;
    this.quantized = quantized;
    this.clock = clock;
    this.tombstones = new Tombstones(tombstoneRetentionMs);
    this.searchers = ThreadLocal.withInitial(() -> new SlabSearch(kernels));
    this.annMinVectors = annMinVectors;
    this.buildThreads = Math.max(1, buildThreads);
    this.searchBeam = Math.max(1, searchBeam);
  }

  /**
   * Applies committed upserts, then removals, each only if newer than what the index holds for its memory.
   *
   * @throws IllegalArgumentException when a vector does not have {@code dimension} components; nothing is applied
   */
  public void apply(IndexBatch batch) {
    for (Memory m : batch.upserts()) {
      if (m.vector() != null && m.vector().length != dimension) {
        throw new IllegalArgumentException("memory " + m.id() + " has a vector of " + m.vector().length
            + " components; the index holds " + dimension);
      }
    }
    for (Memory m : batch.upserts()) {
      upsert(m);
    }
    // The scale is computed lazily; settling it here keeps importanceScale read-only for concurrent searches.
    for (Memory m : batch.upserts()) {
      ImportanceNormalizer normalizer = normalizers.get(m.tenant());
      if (normalizer != null) {
        normalizer.scale();
      }
    }
    for (Removal r : batch.removals()) {
      remove(r);
    }
    for (Map.Entry<String, AnnIndex> e : graphs.entrySet()) {
      e.getValue().flush();
      if (e.getValue().worn()) {
        e.getValue().close();
        e.setValue(new AnnIndex(slabs.get(e.getKey()), kernels, builderThread(), buildPool(), codeBuild));
      }
    }
  }

  /**
   * The {@code k} live vectors of {@code tenant} with the highest dot product with {@code query} (cosine, for unit
   * vectors) among those {@code filter} lets through, best first; equal scores are ordered deterministically.
   *
   * @throws IllegalArgumentException when {@code query} does not have {@code dimension} components
   */
  public List<Hit> search(String tenant, float[] query, int k, MemoryFilter filter) {
    if (query.length != dimension) {
      throw new IllegalArgumentException("query has " + query.length + " components; the index holds " + dimension);
    }
    Slab slab = slabs.get(tenant);
    if (k <= 0 || slab == null) {
      return List.of();
    }
    MemoryFilter f = filter == null ? MemoryFilter.NONE : filter;
    SlabSearch searcher = searchers.get();
    AnnIndex graph = graphs.get(tenant);
    if (graph != null && graph.ready()) {
      double matching = f.isEmpty() ? 1 : matchingFraction(slab, f);
      if (matching >= ANN_MIN_MATCHING) {
        int beam = (int) Math.min(Math.max(searchBeam, 2L * k) / matching, 10L * searchBeam + k);
        List<Hit> hits = searcher.searchGraph(slab, graph, query, k, beam, f);
        if (hits != null) {
          return hits;
        }
      }
    }
    return searcher.search(slab, query, k, f);
  }

  /** Stops the graph builders. */
  public void close() {
    graphs.values().forEach(AnnIndex::close);
    graphs.clear();
    if (builderThread != null) {
      builderThread.shutdownNow();
    }
    if (buildPool != null) {
      buildPool.shutdownNow();
    }
  }

  /** Sets the graph search beam; for benchmarks that compare beams over one graph. */
  void searchBeam(int beam) {
    this.searchBeam = Math.max(1, beam);
  }

  /** Whether graphs created from now on search by the 4-bit codes while inserting; for benchmarks. */
  void codeBuild(boolean codes) {
    this.codeBuild = codes;
  }

  /** Whether graph searches walk by the 4-bit codes; for benchmarks that compare both walks over one graph. */
  void codeWalk(boolean codes) {
    graphs.values().forEach(g -> g.codeWalk(codes));
  }

  /** Whether {@code tenant} has a graph that answers searches; for tests and benchmarks. */
  boolean graphReady(String tenant) {
    AnnIndex graph = graphs.get(tenant);
    return graph != null && graph.ready();
  }

  /** Nodes handed to {@code tenant}'s graph builder and not inserted yet (0 without a graph); for tests and benchmarks. */
  int graphPending(String tenant) {
    AnnIndex graph = graphs.get(tenant);
    return graph == null ? 0 : graph.pending();
  }

  /** Nodes inserted into {@code tenant}'s graph (0 without one); for tests and benchmarks. */
  int graphNodes(String tenant) {
    AnnIndex graph = graphs.get(tenant);
    return graph == null ? 0 : graph.inserted();
  }

  /** The fraction of a sample of {@code slab}'s live slots that {@code filter} admits. */
  private static double matchingFraction(Slab slab, MemoryFilter filter) {
    int step = Math.max(1, slab.highWater / SELECTIVITY_SAMPLE);
    int seen = 0;
    int matched = 0;
    for (int slot = 0; slot < slab.highWater; slot += step) {
      if (slab.alive[slot]) {
        seen++;
        if (filter.matches(slab.type(slot), slab.createdAt[slot], slab.terms[slot])) {
          matched++;
        }
      }
    }
    return seen == 0 ? 0 : (double) matched / seen;
  }

  private ExecutorService builderThread() {
    if (builderThread == null) {
      builderThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "soma-vector-graph");
        t.setDaemon(true);
        return t;
      });
    }
    return builderThread;
  }

  private ForkJoinPool buildPool() {
    if (buildPool == null && buildThreads > 1) {
      buildPool = new ForkJoinPool(buildThreads);
    }
    return buildPool;
  }

  /**
   * How to normalise the tenant's raw importance values, from every upsert applied so far. Only reads (each
   * {@link #apply} settles the scale), so several threads may call it between changes, like {@link #search}.
   */
  public ImportanceScale importanceScale(String tenant) {
    ImportanceNormalizer normalizer = normalizers.get(tenant);
    return normalizer == null ? ImportanceScale.NEUTRAL : normalizer.scale();
  }

  /** The number of live vectors of {@code tenant}. */
  public long count(String tenant) {
    Slab slab = slabs.get(tenant);
    return slab == null ? 0 : slab.live;
  }

  /** The kernels in use, e.g. {@code panama-256} or {@code scalar}, with {@code +4bit} when the 4-bit pre-scan is on. */
  public String kernelName() {
    return quantized ? kernels.name() + "+4bit" : kernels.name();
  }

  /**
   * Estimated heap bytes of the per-slot arrays (and of the graph, if any) per stored vector of {@code tenant},
   * counting unused capacity.
   */
  long heapBytesPerVector(String tenant) {
    Slab slab = slabs.get(tenant);
    AnnIndex graph = graphs.get(tenant);
    long bytes = slab == null ? 0 : slab.arrayBytes() + (graph == null ? 0 : graph.ramBytesUsed());
    return slab == null || slab.live == 0 ? 0 : bytes / slab.live;
  }

  /** How many candidates the last search rescored in float (0 without the 4-bit pre-scan); for benchmarks. */
  int lastRescored() {
    return quantized ? searchers.get().lastRescored : 0;
  }

  /** The slab of {@code tenant}, or {@code null}; for tests. */
  Slab slab(String tenant) {
    return slabs.get(tenant);
  }

  private void upsert(Memory m) {
    String tombstoneKey = m.tenant() + TOMBSTONE_SEPARATOR + m.id();
    Slab slab = slabs.get(m.tenant());
    int slot = slab == null ? -1 : slab.slotOf(m.id());
    if ((slot >= 0 && slab.seqs[slot] >= m.seq()) || tombstones.blocks(tombstoneKey, m.seq())) {
      return;
    }
    normalizers.computeIfAbsent(m.tenant(), t -> new ImportanceNormalizer()).add(m.importance());
    if (m.vector() == null) {
      // Remembered like a delete, so that an older upsert still carrying a vector cannot bring it back.
      tombstones.record(tombstoneKey, m.seq(), clock.getAsLong());
      if (slot >= 0) {
        removeSlot(m.tenant(), slab, m.id());
      }
      return;
    }
    if (slab == null) {
      slab = new Slab(dimension, quantized, kernels.nibbleWidth());
      slabs.put(m.tenant(), slab);
    }
    AnnIndex graph = graphs.get(m.tenant());
    boolean sameVector = slot >= 0 && graph != null
        && Arrays.equals(slab.chunk(slot), slab.offset(slot), slab.offset(slot) + dimension, m.vector(), 0, dimension);
    slot = slab.put(m, MetadataTerms.of(m.metadata()));
    if (graph != null) {
      if (!sameVector) {
        graph.added(slot);
      }
    } else if (annMinVectors > 0 && slab.live >= annMinVectors) {
      graphs.put(m.tenant(), new AnnIndex(slab, kernels, builderThread(), buildPool(), codeBuild));
    }
  }

  private void remove(Removal r) {
    Slab slab = slabs.get(r.tenant());
    int slot = slab == null ? -1 : slab.slotOf(r.id());
    if (slot >= 0 && slab.seqs[slot] > r.seq()) {
      return;
    }
    tombstones.record(r.tenant() + TOMBSTONE_SEPARATOR + r.id(), r.seq(), clock.getAsLong());
    if (slot >= 0) {
      removeSlot(r.tenant(), slab, r.id());
    }
  }

  private void removeSlot(String tenant, Slab slab, String id) {
    AnnIndex graph = graphs.get(tenant);
    int slot = slab.remove(id, graph == null);
    if (graph != null) {
      graph.removed(slot);
      if (slab.live < annMinVectors / 2) {
        graphs.remove(tenant).close();
      }
    }
    if (slab.live == 0) {
      slabs.remove(tenant);
    }
  }
}
