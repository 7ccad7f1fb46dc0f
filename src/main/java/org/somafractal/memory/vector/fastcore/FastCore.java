package org.somafractal.memory.vector.fastcore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The in-process exact vector index: per tenant a {@link Slab} of unit vectors scanned in full on every search, with
 * filters evaluated during the scan, plus each tenant's {@link ImportanceNormalizer}. Exact search over contiguous
 * arrays keeps results identical to a brute-force cosine ranking at the sizes one tenant reaches, without the recall
 * loss and rebuild costs of an approximate graph.
 *
 * <p>Every change is guarded by its commit seq: an upsert is ignored when the index already holds that memory at an
 * equal or newer seq, or when {@link Tombstones} remember a delete at an equal or newer seq; a removal is ignored
 * when the held vector is newer. Memories without a vector are not stored (an earlier vector for the id is removed).
 *
 * <p>Not thread-safe: a single owner (the vector verticle) must make every call, and {@link #search} reuses internal
 * buffers between calls.
 */
public final class FastCore {
  /**
   * System property enabling the 4-bit pre-scan ({@code true}/{@code false}). By default it is on with the Panama
   * kernels, where at identical results it reads an eighth of the bytes (see docs/benchmarks.md), and off with the
   * scalar kernels, whose integer loop does not vectorise.
   */
  public static final String QUANTIZED_PROPERTY = "soma.fastcore.quantized";

  private static final char TOMBSTONE_SEPARATOR = '\u0000';

  private final int dimension;
  private final VectorKernels kernels;
  private final boolean quantized;
  private final LongSupplier clock;
  private final Tombstones tombstones;
  private final Map<String, Slab> slabs = new HashMap<>();
  private final Map<String, ImportanceNormalizer> normalizers = new HashMap<>();
  private final SlabSearch searcher;

  /**
   * An index of {@code dimension}-component vectors using the best kernels of this JVM.
   *
   * @param tombstoneRetentionMs how long deletes are remembered to reject reordered older upserts
   */
  public FastCore(int dimension, long tombstoneRetentionMs) {
    this(dimension, tombstoneRetentionMs, Kernels.best(), quantizedByDefault(Kernels.best()), System::currentTimeMillis);
  }

  private static boolean quantizedByDefault(VectorKernels kernels) {
    String configured = System.getProperty(QUANTIZED_PROPERTY);
    return configured == null ? kernels != ScalarKernels.INSTANCE : Boolean.parseBoolean(configured);
  }

  FastCore(int dimension, long tombstoneRetentionMs, VectorKernels kernels, boolean quantized, LongSupplier clock) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
    this.kernels = kernels;
    this.quantized = quantized;
    this.clock = clock;
    this.tombstones = new Tombstones(tombstoneRetentionMs);
    this.searcher = new SlabSearch(kernels);
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
    for (Removal r : batch.removals()) {
      remove(r);
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
    return searcher.search(slab, query, k, filter == null ? MemoryFilter.NONE : filter);
  }

  /** How to normalise the tenant's raw importance values, from every upsert applied so far. */
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

  /** Estimated heap bytes of the per-slot arrays per stored vector of {@code tenant}, counting unused capacity. */
  long heapBytesPerVector(String tenant) {
    Slab slab = slabs.get(tenant);
    return slab == null || slab.live == 0 ? 0 : slab.arrayBytes() / slab.live;
  }

  /** How many candidates the last search rescored in float (0 without the 4-bit pre-scan); for benchmarks. */
  int lastRescored() {
    return quantized ? searcher.lastRescored : 0;
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
      slab = new Slab(dimension, quantized);
      slabs.put(m.tenant(), slab);
    }
    slab.put(m, MetadataTerms.of(m.metadata()));
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
    slab.remove(id, true);
    if (slab.live == 0) {
      slabs.remove(tenant);
    }
  }
}
