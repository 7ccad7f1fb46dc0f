package org.somafractal.memory.bench;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.List;

/**
 * JVector 4.0.2 used directly, as its README shows: its own vectors ({@code ListRandomAccessVectorValues}), a
 * hierarchical graph built with {@code GraphIndexBuilder.build} (its default parallel executor: both cores), searched
 * exactly with a beam of {@code searchBeam}, of which the best {@code k} are kept.
 */
public final class JVectorPeer implements Peer {
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  private final int maxDegree;
  private final int beamWidth;
  private final int searchBeam;
  private RandomAccessVectorValues ravv;
  private ImmutableGraphIndex graph;
  private GraphIndexBuilder builder;
  private ThreadLocal<GraphSearcher> searchers;

  public JVectorPeer(int maxDegree, int beamWidth, int searchBeam) {
    this.maxDegree = maxDegree;
    this.beamWidth = beamWidth;
    this.searchBeam = searchBeam;
  }

  @Override
  public String name() {
    return "jvector";
  }

  @Override
  public String describe() {
    return "GraphIndexBuilder(M=" + maxDegree + ", beam " + beamWidth + ", hierarchy), search beam " + searchBeam;
  }

  @Override
  public void build(Dataset data) {
    List<VectorFloat<?>> vectors = new ArrayList<>(data.size());
    for (float[] v : data.vectors()) {
      vectors.add(VTS.createFloatVector(v.clone()));
    }
    ravv = new ListRandomAccessVectorValues(vectors, data.dim());
    builder = new GraphIndexBuilder(ravv, VectorSimilarityFunction.DOT_PRODUCT, maxDegree, beamWidth, 1.2f, 1.2f,
        true);
    graph = builder.build(ravv);
    searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
  }

  @Override
  public int[] search(float[] query, int k) {
    VectorFloat<?> q = VTS.createFloatVector(query);
    SearchResult result = searchers.get().search(
        DefaultSearchScoreProvider.exact(q, VectorSimilarityFunction.DOT_PRODUCT, ravv), Math.max(k, searchBeam),
        Bits.ALL);
    SearchResult.NodeScore[] nodes = result.getNodes();
    int[] rows = new int[Math.min(k, nodes.length)];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = nodes[i].node;
    }
    return rows;
  }

  @Override
  public void close() throws Exception {
    if (builder != null) {
      builder.close();
    }
  }
}
