package org.somafractal.memory.vector.fastcore;

import java.util.ArrayList;
import java.util.List;
import org.somafractal.memory.bench.Dataset;
import org.somafractal.memory.bench.Peer;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;

/**
 * The fast core as a benchmark peer, in one of its three modes: the exact float32 scan, the exact scan with the 4-bit
 * pre-scan, and the graph (ANN) mode, which here is switched on from the first vector and built with
 * {@code buildThreads} threads; {@link #build} returns once the graph holds every row.
 */
public final class FastCorePeer implements Peer {
  private static final String TENANT = "bench";

  private final String name;
  private final boolean quantized;
  private final boolean graph;
  private final int buildThreads;
  private int searchBeam;
  /** As the product builds its graphs (FastCore's default). */
  private boolean codeBuild = true;
  private FastCore core;

  private FastCorePeer(String name, boolean quantized, boolean graph, int buildThreads, int searchBeam) {
    this.name = name;
    this.quantized = quantized;
    this.graph = graph;
    this.buildThreads = buildThreads;
    this.searchBeam = searchBeam;
  }

  public static FastCorePeer exactFloat() {
    return new FastCorePeer("fastcore-float32", false, false, 1, AnnIndex.SEARCH_BEAM);
  }

  public static FastCorePeer exactQuantized() {
    return new FastCorePeer("fastcore-4bit+rescore", true, false, 1, AnnIndex.SEARCH_BEAM);
  }

  public static FastCorePeer graph(int buildThreads, int searchBeam) {
    return new FastCorePeer("fastcore-ann", true, true, buildThreads, searchBeam);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    String kernels = Kernels.best().name();
    return graph ? kernels + ", JVector graph M=" + AnnIndex.MAX_DEGREE + " build beam " + AnnIndex.BUILD_BEAM
        + ", search beam " + searchBeam + ", " + buildThreads + " build threads" : kernels;
  }

  @Override
  public void build(Dataset data) throws InterruptedException {
    core = new FastCore(data.dim(), 60_000, Kernels.best(), quantized, System::currentTimeMillis, graph ? 1 : 0,
        buildThreads, searchBeam);
    core.codeBuild(codeBuild);
    List<Memory> page = new ArrayList<>(4096);
    float[][] vectors = data.vectors();
    for (int i = 0; i < vectors.length; i++) {
      String id = Integer.toString(i);
      page.add(new Memory(id, TENANT, null, null, MemoryType.EPISODIC, 1.0, null, "", vectors[i], "client", 0, 0, 0,
          0, i + 1L));
      if (page.size() == 4096 || i == vectors.length - 1) {
        core.apply(IndexBatch.upserts(page));
        page = new ArrayList<>(4096);
      }
    }
    while (graph && (!core.graphReady(TENANT) || core.graphPending(TENANT) > 0)) {
      Thread.sleep(20);
    }
  }

  @Override
  public int[] search(float[] query, int k) {
    List<Hit> hits = core.search(TENANT, query, k, MemoryFilter.NONE);
    int[] rows = new int[hits.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Integer.parseInt(hits.get(i).id());
    }
    return rows;
  }

  /** Searches the same graph with another beam from now on. */
  public void searchBeam(int beam) {
    searchBeam = beam;
    core.searchBeam(beam);
  }

  /** Builds the graph (at the next {@link #build}) with inserts that search by the 4-bit codes. */
  public void codeBuild(boolean codes) {
    codeBuild = codes;
  }

  /** Walks the graph by the rows' 4-bit codes ({@code true}) or their floats from now on. */
  public void codeWalk(boolean codes) {
    core.codeWalk(codes);
  }

  /** Candidates the last search of this thread rescored in float (4-bit mode). */
  public int lastRescored() {
    return core.lastRescored();
  }

  @Override
  public void close() {
    if (core != null) {
      core.close();
    }
  }
}
