package org.somafractal.memory.vector.fastcore;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;
import org.somafractal.memory.core.MemoryFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approximate nearest-neighbour mode of one large {@link Slab}: JVector's hierarchical navigable graph over the
 * slab's own float rows (no second copy of the vectors), built incrementally on a builder thread while the owner keeps
 * serving searches from it. On a quantised slab a search walks the graph by the rows' 4-bit codes (an eighth of the
 * bytes of a float row, and a walk's cost is reading rows scattered over the heap), then rescores the beam it ends
 * with by the float kernel, so every returned score is exact; only which memories are found is approximate. An
 * insert likewise searches by the codes and chooses its neighbours among the candidates by their float scores (which
 * gave a better graph than float searches, in the same time: docs/benchmarks.md).
 *
 * <p>Graph nodes are ordinals handed out in increasing order: each vector stored in a slot gets a fresh one (a changed
 * vector gets a new ordinal, its old node stays in the graph as a routing node and is never returned). The builder
 * inserts ordinals in order and publishes how far it got; a search takes the graph's answer for the ordinals below
 * that mark and scans the newer ones (and always the {@value #RECENT} newest) exactly, so a memory is found by the
 * searches after it was stored, graph or no graph. When more than a third of the ordinals are dead, {@link #worn()} asks the owner for a fresh graph.
 *
 * <p>Threads: every method but the builder tasks runs on the owner's thread; {@link #search} may also run on several
 * threads at once while the owner makes no change. The builder thread only reads rows, codes and scales of
 * slots it was handed (written before the hand-over, which the executor orders) and writes the JVector graph, which
 * is built for concurrent inserts and searches. A code's scale is only an estimate's input: an insert that read it
 * stale would search less well, and every score a search returns is recomputed from the floats. The slab is not
 * compacted while it has a graph, so slots keep their rows.
 */
final class AnnIndex implements AutoCloseable {
  /**
   * Most neighbours per node (JVector's M). Over 1,000,000 clustered vectors 32 found 0.97 of the true top 10 with a
   * beam of 256 where 16 found 0.85 (and 16 never passed 0.92, whatever the beam), for 35 % more build time and
   * 150 more heap bytes per vector (docs/benchmarks.md).
   */
  static final int MAX_DEGREE = 32;
  /** Candidates kept while inserting a node. */
  static final int BUILD_BEAM = 100;
  /**
   * Candidates a search keeps by default (at least {@code 2k}); the search then keeps the best {@code k}. Over
   * 1,000,000 clustered vectors, with {@link #MAX_DEGREE} 32 and the walk by codes, 128 found 0.94 of the true top 10
   * in 0.75–0.81 ms and 160 found 0.9655 in 0.78–0.86 ms (docs/benchmarks.md).
   */
  static final int SEARCH_BEAM = 160;
  /** Ordinals the builder has not reached yet beyond which the graph is not used (they would all be scanned). */
  static final int MAX_PENDING = 4096;
  /**
   * The newest ordinals, always compared exactly: a vector far from every other one can be hard for a graph search to
   * reach, and a memory must be found by the searches that follow its store.
   */
  static final int RECENT = 512;
  private static final Logger LOG = LoggerFactory.getLogger(AnnIndex.class);

  private final Slab slab;
  private final VectorKernels kernels;
  private final ExecutorService builderThread;
  private final ForkJoinPool buildPool;
  private final GraphIndexBuilder builder;
  /** Whether an insert's search scores the nodes by their 4-bit codes (its neighbours are still chosen by floats). */
  private final boolean codeBuild;
  private final BuilderScores builderScores = new BuilderScores();
  /** Per searching thread: a searcher, the query's scores and the admitted nodes (reused, so a search allocates little). */
  private final ThreadLocal<Searching> searching;

  /** Owner side: the slot each ordinal was given (kept after it dies), and each slot's live ordinal or -1. */
  private int[] slotOfOrdinal = new int[1024];
  private int[] ordinalOfSlot = new int[0];
  private int nextOrdinal;
  private int liveOrdinals;
  /** Ordinals assigned since the last {@link #flush}, not yet handed to the builder. */
  private int[] unsubmitted = new int[64];
  private int unsubmittedCount;

  /** Builder side: its own copy of the slots, grown by the builder thread only. */
  private int[] builderSlots = new int[1024];
  private volatile int insertedUpTo;
  private volatile boolean closed;
  /** Whether searches walk the graph by the rows' 4-bit codes rather than their floats; benchmarks compare both. */
  private volatile boolean codeWalk = true;

  /**
   * A graph over every live slot of {@code slab}, queued for building on {@code builderThread}.
   *
   * @param buildPool threads that insert the initial nodes in parallel, or {@code null} to insert them on the builder
   *     thread
   */
  AnnIndex(Slab slab, VectorKernels kernels, ExecutorService builderThread, ForkJoinPool buildPool,
      boolean codeBuild) {
    this.slab = slab;
    this.codeBuild = codeBuild && slab.quantized;
    this.kernels = kernels;
    this.builderThread = builderThread;
    this.buildPool = buildPool;
    ForkJoinPool pool = buildPool == null ? ForkJoinPool.commonPool() : buildPool;
    this.builder = new GraphIndexBuilder(builderScores, slab.dim, MAX_DEGREE, BUILD_BEAM, 1.2f, 1.2f, true,
        false, pool, pool);
    this.searching = ThreadLocal.withInitial(() -> new Searching(new GraphSearcher(builder.getGraph())));
    int[] slots = new int[slab.live];
    int n = 0;
    for (int slot = 0; slot < slab.highWater; slot++) {
      if (slab.alive[slot]) {
        slots[n++] = slot;
      }
    }
    int from = nextOrdinal;
    for (int slot : slots) {
      assign(slot);
    }
    submit(from, slots);
  }

  /**
   * A vector was written to {@code slot} (a new memory or a changed vector): it becomes a new node, handed to the
   * builder by the next {@link #flush}. Searches see it (exactly) at once.
   */
  void added(int slot) {
    if (unsubmittedCount == unsubmitted.length) {
      unsubmitted = Arrays.copyOf(unsubmitted, unsubmitted.length * 2);
    }
    unsubmitted[unsubmittedCount++] = slot;
    assign(slot);
  }

  /** Hands the nodes added since the last call to the builder, as one batch (inserted in parallel when large). */
  void flush() {
    if (unsubmittedCount > 0) {
      submit(nextOrdinal - unsubmittedCount, Arrays.copyOf(unsubmitted, unsubmittedCount));
      unsubmittedCount = 0;
      if (unsubmitted.length > 4096) {
        unsubmitted = new int[64];
      }
    }
  }

  /** The memory in {@code slot} was removed: its node is no longer returned. */
  void removed(int slot) {
    if (slot < ordinalOfSlot.length && ordinalOfSlot[slot] >= 0) {
      ordinalOfSlot[slot] = -1;
      liveOrdinals--;
    }
  }

  /** Whether the builder is close enough behind for the graph to answer searches. */
  boolean ready() {
    return nextOrdinal - insertedUpTo <= MAX_PENDING;
  }

  /** Whether more than a third of the nodes are dead, so that a fresh graph would be smaller and better. */
  boolean worn() {
    return nextOrdinal - liveOrdinals > nextOrdinal / 3 && insertedUpTo == nextOrdinal;
  }

  /** Nodes the builder has inserted. */
  int inserted() {
    return insertedUpTo;
  }

  /** Nodes handed to the builder and not inserted yet. */
  int pending() {
    return nextOrdinal - insertedUpTo;
  }

  /**
   * Offers to {@code top} the best matches of {@code query} among the slots {@code filter} admits: the graph's
   * {@code beam} best below the builder's mark, then every newer live ordinal and the {@value #RECENT} newest, each
   * scored exactly unless its 4-bit bound shows it cannot enter {@code top}.
   */
  void search(float[] query, int beam, MemoryFilter filter, TopK top) {
    int upTo = Math.min(insertedUpTo, Math.max(0, nextOrdinal - RECENT));
    Searching s = searching.get();
    OwnerScores ownerScores = s.scores;
    Accept accept = s.accept;
    ownerScores.query = query;
    ownerScores.codes = codeWalk && slab.quantized;
    if (ownerScores.codes) {
      s.nibble.quantize(query, slab.dim, slab.groups * 4 * slab.width);
    }
    accept.upTo = upTo;
    accept.filter = filter.isEmpty() ? null : filter;
    if (upTo > 0) {
      // A view reads the graph's current entry point and layers; a long-lived one would keep those of its creation.
      s.searcher.setView(builder.getGraph().getView());
      SearchResult result = s.searcher.search(s.provider, beam, accept);
      for (SearchResult.NodeScore node : result.getNodes()) {
        int slot = slotOfOrdinal[node.node];
        top.offer(kernels.dot(slab.chunk(slot), slab.offset(slot), query, slab.dim), slot);
      }
    }
    // The newest rows are read by their codes first: a float row is eight times the bytes, and once the graph's
    // answer fills the top, most of them cannot reach it. A row whose bound can is scored exactly.
    boolean bounded = ownerScores.codes;
    for (int ordinal = upTo; ordinal < nextOrdinal; ordinal++) {
      if (accept.admits(ordinal)) {
        int slot = slotOfOrdinal[ordinal];
        if (bounded && top.full() && s.nibble.upper(kernels, slab, slot) < top.floor()) {
          continue;
        }
        top.offer(kernels.dot(slab.chunk(slot), slab.offset(slot), query, slab.dim), slot);
      }
    }
    ownerScores.query = null;
    accept.filter = null;
  }

  /** Whether searches score the nodes they visit by their 4-bit codes rather than their floats. */
  void codeWalk(boolean codes) {
    codeWalk = codes;
  }

  /** Heap bytes of the graph and of the ordinal maps. */
  long ramBytesUsed() {
    return builder.ramBytesUsed() + 4L * (slotOfOrdinal.length + ordinalOfSlot.length + builderSlots.length);
  }

  /** Stops building; queued inserts are skipped. */
  @Override
  public void close() {
    closed = true;
    try {
      builderThread.execute(() -> {
        try {
          builder.close();
        } catch (IOException e) {
          LOG.debug("closing a vector graph failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("closing a vector graph failed", e);
    }
  }

  private void assign(int slot) {
    if (nextOrdinal == slotOfOrdinal.length) {
      slotOfOrdinal = Arrays.copyOf(slotOfOrdinal, slotOfOrdinal.length * 2);
    }
    if (slot >= ordinalOfSlot.length) {
      int old = ordinalOfSlot.length;
      ordinalOfSlot = Arrays.copyOf(ordinalOfSlot, Math.max(slot + 1, Math.max(1024, old + (old >> 1))));
      Arrays.fill(ordinalOfSlot, old, ordinalOfSlot.length, -1);
    }
    if (ordinalOfSlot[slot] >= 0) {
      liveOrdinals--;
    }
    slotOfOrdinal[nextOrdinal] = slot;
    ordinalOfSlot[slot] = nextOrdinal++;
    liveOrdinals++;
  }

  /** Queues the insertion of ordinals {@code from, from + 1, …}, whose slots are {@code slots}. */
  private void submit(int from, int[] slots) {
    try {
      builderThread.execute(() -> insert(from, slots));
    } catch (RejectedExecutionException e) {
      closed = true;
    }
  }

  private void insert(int from, int[] slots) {
    if (closed) {
      return;
    }
    int end = from + slots.length;
    if (end > builderSlots.length) {
      builderSlots = Arrays.copyOf(builderSlots, Math.max(end, builderSlots.length * 2));
    }
    System.arraycopy(slots, 0, builderSlots, from, slots.length);
    BuilderScores scores = builderScores;
    try {
      if (buildPool != null && slots.length >= 64) {
        int step = 4096;
        for (int first = from; first < end && !closed; first += step) {
          int start = first;
          int stop = Math.min(end, start + step);
          buildPool.submit(() -> IntStream.range(start, stop).parallel()
              .forEach(o -> builder.addGraphNode(o, scores.searchProviderFor(o)))).join();
          insertedUpTo = stop;
        }
      } else {
        for (int o = from; o < end && !closed; o++) {
          builder.addGraphNode(o, scores.searchProviderFor(o));
          insertedUpTo = o + 1;
        }
      }
    } catch (RuntimeException e) {
      closed = true;
      LOG.warn("building the vector graph failed; searches scan exactly", e);
    }
  }

  /** JVector's dot-product similarity, {@code (1 + dot) / 2}, so that its diversity rule sees the scale it expects. */
  private static float similarity(float dot) {
    return (1 + dot) / 2;
  }

  /** One searching thread's reusable state. */
  private final class Searching {
    final GraphSearcher searcher;
    final NibbleQuery nibble = new NibbleQuery();
    final OwnerScores scores = new OwnerScores(nibble);
    final Accept accept = new Accept();
    final SearchScoreProvider provider = new DefaultSearchScoreProvider(scores);

    Searching(GraphSearcher searcher) {
      this.searcher = searcher;
    }
  }

  /** Scores of the graph's nodes against a search's query, from the searching thread. */
  private final class OwnerScores implements ScoreFunction.ExactScoreFunction {
    final NibbleQuery nibble;
    float[] query;
    boolean codes;

    OwnerScores(NibbleQuery nibble) {
      this.nibble = nibble;
    }

    @Override
    public float similarityTo(int node) {
      int slot = slotOfOrdinal[node];
      return similarity(codes ? nibble.estimate(kernels, slab, slot)
          : kernels.dot(slab.chunk(slot), slab.offset(slot), query, slab.dim));
    }
  }

  /** The nodes a search may return: inserted, live, and admitted by the filter. */
  private final class Accept implements Bits {
    int upTo;
    MemoryFilter filter;

    @Override
    public boolean get(int ordinal) {
      return ordinal < upTo && admits(ordinal);
    }

    boolean admits(int ordinal) {
      int slot = slotOfOrdinal[ordinal];
      return ordinalOfSlot[slot] == ordinal && slab.alive[slot]
          && (filter == null || filter.matches(slab.type(slot), slab.createdAt[slot], slab.terms[slot]));
    }
  }

  /** Node-to-node scores for the builder, from the builder's own slot map. */
  private final class BuilderScores implements BuildScoreProvider {
    @Override
    public boolean isExact() {
      return !codeBuild;
    }

    @Override
    public VectorFloat<?> approximateCentroid() {
      float[] centroid = new float[slab.dim];
      int count = Math.min(insertedUpTo, 10_000);
      for (int o = 0; o < count; o++) {
        int slot = builderSlots[o];
        float[] rows = slab.chunk(slot);
        int off = slab.offset(slot);
        for (int i = 0; i < slab.dim; i++) {
          centroid[i] += rows[off + i] / count;
        }
      }
      return vts.createFloatVector(centroid);
    }

    @Override
    public SearchScoreProvider searchProviderFor(VectorFloat<?> vector) {
      float[] query = new float[slab.dim];
      for (int i = 0; i < query.length; i++) {
        query[i] = vector.get(i);
      }
      return scoresAgainst(query);
    }

    @Override
    public SearchScoreProvider searchProviderFor(int node) {
      float[] vector = rowOf(node);
      if (!codeBuild) {
        return scoresAgainst(vector);
      }
      NibbleQuery nibble = new NibbleQuery();
      nibble.quantize(vector, slab.dim, slab.groups * 4 * slab.width);
      ScoreFunction.ApproximateScoreFunction estimate =
          other -> similarity(nibble.estimate(kernels, slab, builderSlots[other]));
      return new DefaultSearchScoreProvider(estimate, exactAgainst(vector));
    }

    @Override
    public SearchScoreProvider diversityProviderFor(int node) {
      return scoresAgainst(rowOf(node));
    }

    private float[] rowOf(int node) {
      int slot = builderSlots[node];
      float[] rows = slab.chunk(slot);
      int off = slab.offset(slot);
      return Arrays.copyOfRange(rows, off, off + slab.dim);
    }

    private SearchScoreProvider scoresAgainst(float[] query) {
      return new DefaultSearchScoreProvider(exactAgainst(query));
    }

    private ScoreFunction.ExactScoreFunction exactAgainst(float[] query) {
      return node -> {
        int slot = builderSlots[node];
        return similarity(kernels.dot(slab.chunk(slot), slab.offset(slot), query, slab.dim));
      };
    }
  }
}
