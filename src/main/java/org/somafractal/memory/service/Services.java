package org.somafractal.memory.service;

import io.vertx.core.Vertx;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.RankingOptions;
import org.somafractal.memory.core.TextExtractor;
import org.somafractal.memory.embed.Embedder;
import org.somafractal.memory.embed.EmbedderClient;
import org.somafractal.memory.events.BusEventPublisher;
import org.somafractal.memory.graph.GraphClient;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.lexical.LexicalClient;
import org.somafractal.memory.lexical.LexicalIndex;
import org.somafractal.memory.limits.QuotaLedger;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StoreClient;
import org.somafractal.memory.vector.VectorClient;
import org.somafractal.memory.vector.VectorIndex;

/**
 * A {@link MemoryService} wired to the event-bus clients of the deployed verticles, with the ports it uses. The HTTP
 * verticle and the embedded Java client both build their service here, so the two cannot drift apart in how they
 * configure ranking, text extraction or timeouts.
 *
 * @param service the memory service over the ports below
 * @param graphService links and traversals over the same store and the graph verticle
 */
public record Services(MemoryService service, GraphService graphService, MemoryStore store, VectorIndex vectors,
    LexicalIndex lexical, Embedder embedder) {

  /**
   * Builds the clients and the service on {@code vertx}; the verticles must already be deployed (see SomaServer).
   *
   * @param embedderId the model id the embedding verticle reports
   */
  public static Services create(Vertx vertx, SomaConfig config, String embedderId) {
    long timeout = config.get(Settings.BUS_TIMEOUT_MS);
    int dimension = config.get(Settings.VECTOR_DIM);
    MemoryStore store = new StoreClient(vertx, timeout);
    VectorIndex vectors = new VectorClient(vertx, timeout);
    LexicalIndex lexical = new LexicalClient(vertx, timeout);
    Embedder embedder = new EmbedderClient(vertx, dimension, embedderId, timeout);
    GraphIndex graph = new GraphClient(vertx, timeout);
    QuotaLedger quotas = QuotaLedger.shared(vertx, config);
    MemoryService service = new MemoryService(store, vectors, lexical, graph, embedder, new BusEventPublisher(vertx),
        new TextExtractor(config.get(Settings.TEXT_FIELDS)), rankingOptions(config),
        config.get(Settings.CANDIDATE_MULTIPLIER), System::currentTimeMillis, quotas);
    return new Services(service, new GraphService(store, graph, quotas), store, vectors, lexical, embedder);
  }

  /** The ranking knobs of the configuration. */
  public static RankingOptions rankingOptions(SomaConfig config) {
    return new RankingOptions("weighted".equals(config.get(Settings.FUSION)), config.get(Settings.RRF_K),
        config.get(Settings.HYBRID_ALPHA), config.get(Settings.IMPORTANCE_WEIGHT),
        config.get(Settings.DECAY_HALF_LIFE_HOURS) * 3_600_000.0, config.get(Settings.DECAY_FLOOR),
        config.get(Settings.SEQUENCE_WEIGHT));
  }
}
