package org.somafractal.memory.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.somafractal.memory.vector.fastcore.FastCorePeer;

/**
 * JMH view of the same comparison as {@link PeerBench}: one top-10 search per invocation over the same seeded
 * clustered vectors and queries, for every peer, in {@link Mode#SampleTime} (JMH reports the mean and the p50, p90,
 * p99 of the sampled invocations) and {@link Mode#Throughput}; run it with {@code -t 1} and {@code -t 2} for one and
 * two searching threads. Each fork builds its peer once in the trial setup. Recall, build time and heap per vector
 * are the harness's job ({@link PeerBench}).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx8g", "-XX:+UseParallelGC"})
public class SearchBenchmark {
  @Param({"fastcore-float32", "fastcore-4bit+rescore", "fastcore-ann", "lucene-hnsw", "jvector",
      "langchain4j-inmemory"})
  public String peer;

  @Param({"100000"})
  public int n;

  @Param({"384"})
  public int dim;

  private Peer index;
  private float[][] queries;

  @Setup(Level.Trial)
  public void build() throws Exception {
    Dataset data = Dataset.clustered(n, dim, 200, 42);
    queries = data.queries();
    index = switch (peer) {
      case "fastcore-float32" -> FastCorePeer.exactFloat();
      case "fastcore-4bit+rescore" -> FastCorePeer.exactQuantized();
      case "fastcore-ann" -> FastCorePeer.graph(2, 64);
      case "lucene-hnsw" -> new LucenePeer(16, 100, 64);
      case "jvector" -> new JVectorPeer(16, 100, 64);
      case "langchain4j-inmemory" -> new Langchain4jPeer();
      default -> throw new IllegalArgumentException(peer);
    };
    index.build(data);
  }

  /** Per thread: which query comes next, so that threads walk the queries from different places. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().threadId() * 37);
  }

  @Benchmark
  public int[] search(Cursor cursor) throws Exception {
    return index.search(queries[Math.floorMod(cursor.next++, queries.length)], 10);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    index.close();
  }
}
