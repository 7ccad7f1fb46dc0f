package org.somafractal.memory.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.jackson.DatabindCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.somafractal.memory.api.HttpVerticle;
import org.somafractal.memory.audit.AuditLog;
import org.somafractal.memory.audit.AuditVerticle;
import org.somafractal.memory.auth.AuthSettings;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.embed.EmbeddingModel;
import org.somafractal.memory.embed.EmbeddingVerticle;
import org.somafractal.memory.embed.HashEmbeddingModel;
import org.somafractal.memory.embed.OnnxEmbeddingModel;
import org.somafractal.memory.events.EventingVerticle;
import org.somafractal.memory.events.kafka.FollowerVerticle;
import org.somafractal.memory.events.kafka.KafkaHealth;
import org.somafractal.memory.events.kafka.KafkaSettings;
import org.somafractal.memory.graph.GraphVerticle;
import org.somafractal.memory.lexical.LexicalVerticle;
import org.somafractal.memory.store.MemoryStore;
import org.somafractal.memory.store.StorageVerticle;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.store.StoreClient;
import org.somafractal.memory.store.cache.Cache;
import org.somafractal.memory.store.cache.CacheStats;
import org.somafractal.memory.store.cache.CachingMemoryStore;
import org.somafractal.memory.store.cache.CaffeineCache;
import org.somafractal.memory.store.cache.RedisCache;
import org.somafractal.memory.store.crypto.EncryptingMemoryStore;
import org.somafractal.memory.store.crypto.EncryptionSettings;
import org.somafractal.memory.store.crypto.RowCipher;
import org.somafractal.memory.store.postgres.PostgresMemoryStore;
import org.somafractal.memory.store.postgres.PostgresOptions;
import org.somafractal.memory.store.sqlite.SqliteMemoryStore;
import org.somafractal.memory.store.sqlite.SqliteOptions;
import org.somafractal.memory.vector.VectorVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one server for a mode and deploys its verticles in dependency order: storage (and the audit log beside it),
 * then the embedding worker and the index workers (vector and lexical rebuild themselves from the store; the graph
 * loads each tenant lazily), then eventing (with the outbox relay when Kafka is configured), the follower of the
 * event stream (Kafka only), and the HTTP verticles last, so that a server that answers HTTP is fully ready.
 * {@link #stop} undeploys in reverse order.
 */
public final class SomaServer {
  private static final Logger LOG = LoggerFactory.getLogger(SomaServer.class);
  /** How long index verticles remember deletes, to reject upserts that arrive after a newer delete. */
  private static final long TOMBSTONE_RETENTION_MS = 10 * 60_000L;

  static {
    // Vectors travel as JSON arrays of numbers: with the JDK's parser, reading the 384 numbers of one search body
    // cost 85 µs on the event loop, with Jackson's bundled FastDoubleParser half that (docs/benchmarks.md).
    JsonFactory json = DatabindCodec.mapper().getFactory();
    json.enable(JsonParser.Feature.USE_FAST_DOUBLE_PARSER);
    json.enable(JsonGenerator.Feature.USE_FAST_DOUBLE_WRITER);
  }

  private final Vertx vertx;
  /** This node among the nodes sharing a database: marks its outbox rows, so its follower skips its own writes. */
  private final String nodeId = UUID.randomUUID().toString();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private final List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();
  private volatile String modelId;
  /** The counters of the read-through cache, or {@code null} when the mode has none. */
  private volatile CacheStats cacheStats;

  private SomaServer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts a server on {@code vertx}; fails with a {@link ConfigException} for an unusable configuration. */
  public static Future<SomaServer> start(Vertx vertx, SomaConfig config) {
    return start(vertx, config, true, UnaryOperator.identity());
  }

  /**
   * Starts a server whose canonical store is wrapped by {@code storeWrapper} (below the cache and the encryption):
   * the seam through which tests put faults between the server and its store.
   */
  public static Future<SomaServer> start(Vertx vertx, SomaConfig config, UnaryOperator<MemoryStore> storeWrapper) {
    return start(vertx, config, true, storeWrapper);
  }

  /**
   * Starts the verticles without the HTTP API, for a caller that talks to the memory service in its own JVM (see
   * {@code org.somafractal.memory.client.SomaMemory}); the token settings do not apply since nothing listens.
   */
  public static Future<SomaServer> startEmbedded(Vertx vertx, SomaConfig config) {
    return start(vertx, config, false, UnaryOperator.identity());
  }

  private static Future<SomaServer> start(Vertx vertx, SomaConfig config, boolean http,
      UnaryOperator<MemoryStore> storeWrapper) {
    SomaServer server = new SomaServer(vertx);
    long t0 = System.nanoTime();
    return server.deploy(config, http, storeWrapper)
        .onSuccess(s -> LOG.info("SomaFractalMemory ready in {} ms: mode {}, {}",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), config.get(Settings.MODE),
            http ? "http://" + config.get(Settings.API_HOST) + ":" + s.port() : "embedded, no HTTP"))
        .recover(failure -> server.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /** The HTTP port the server answers on. */
  public int port() {
    return httpVerticles.isEmpty() ? -1 : httpVerticles.get(0).actualPort();
  }

  /** The HTTP verticle instances, one per configured HTTP instance; tests read the served routes from them. */
  public List<HttpVerticle> httpVerticles() {
    return List.copyOf(httpVerticles);
  }

  /** The id of the embedding model the server loaded. */
  public String modelId() {
    return modelId;
  }

  /** Undeploys every verticle in reverse order; the store commits pending writes before it closes. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(ignored -> vertx.undeploy(id).otherwiseEmpty());
    }
    deployments.clear();
    return chain.transform(ignored -> KafkaHealth.close(vertx).otherwiseEmpty());
  }

  private Future<SomaServer> deploy(SomaConfig config, boolean withHttp, UnaryOperator<MemoryStore> storeWrapper) {
    AuthSettings auth;
    RowCipher cipher;
    try {
      checkStoreConfig(config);
      auth = AuthSettings.load(config);
      cipher = EncryptionSettings.load(config);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    if (auth.open() && withHttp) {
      LOG.warn("No SOMA_API_TOKEN, SOMA_TOKENS_FILE or SOMA_JWT_* set: the API is open to anyone who can reach {}:{}",
          config.get(Settings.API_HOST), config.get(Settings.API_PORT));
    }
    Bus.registerCodec(vertx);
    long timeout = config.get(Settings.BUS_TIMEOUT_MS);
    MemoryStore storeClient = new StoreClient(vertx, timeout);
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);

    KafkaSettings kafka = KafkaSettings.of(config);
    long[] replayFrom = {0};
    return openStore(config)
        // Always wrapped, also with no tenant encrypted: a sealed row then fails clearly instead of being served.
        // The cache sits below the encryption, so it holds rows as the store does: sealed for encrypted tenants.
        .compose(opened -> record(vertx.deployVerticle(new StorageVerticle(new EncryptingMemoryStore(
            cached(config, storeWrapper.apply(opened.store())), cipher))))
            // After the store and before HTTP, so it stops after HTTP (storing what is pending) and before the store.
            .compose(v -> withHttp && config.get(Settings.AUDIT)
                ? record(vertx.deployVerticle(new AuditVerticle(opened.audit(),
                    config.get(Settings.AUDIT_RETENTION_DAYS))))
                : Future.<String>succeededFuture()))
        // After the store, since the default model is the one that embedded what the store holds.
        .compose(v -> config.get(Settings.EMBEDDER).equals("hash") ? Future.succeededFuture((String) null)
            : ModelChoice.resolve(config.get(Settings.EMBED_MODEL), storeClient))
        .compose(name -> vertx.executeBlocking(() -> loadModel(config, name)))
        .onSuccess(model -> modelId = model.id())
        .compose(model -> record(vertx.deployVerticle(new EmbeddingVerticle(model,
                config.get(Settings.EMBED_BATCH), config.get(Settings.EMBED_CACHE_SIZE)), worker))
            .compose(v -> {
              // Before the indexes scan the store: every event published from here on is replayed by the follower.
              replayFrom[0] = System.currentTimeMillis() - (kafka == null ? 0 : kafka.replaySeconds() * 1000L);
              return Future.succeededFuture();
            })
            .compose(v -> Future.all(
                record(vertx.deployVerticle(new VectorVerticle(storeClient, model.dimension(), TOMBSTONE_RETENTION_MS,
                    config.get(Settings.ANN_MIN_VECTORS), config.get(Settings.ANN_BUILD_THREADS),
                    config.get(Settings.ANN_SEARCH_BEAM)),
                    worker)),
                record(vertx.deployVerticle(new LexicalVerticle(storeClient, TOMBSTONE_RETENTION_MS,
                    config.get(Settings.BM25_K1).floatValue(), config.get(Settings.BM25_B).floatValue(),
                    config.get(Settings.LEXICAL_CONTEXT_WEIGHT).floatValue()), worker)),
                record(vertx.deployVerticle(new GraphVerticle(storeClient,
                    config.get(Settings.GRAPH_KEEP_DANGLING_LINKS)), worker))))
            .compose(v -> record(vertx.deployVerticle(new EventingVerticle(kafka))))
            .compose(v -> kafka == null ? Future.<String>succeededFuture()
                : record(vertx.deployVerticle(new FollowerVerticle(kafka, replayFrom[0], timeout, nodeId))))
            .compose(v -> {
              if (!withHttp) {
                return Future.<String>succeededFuture();
              }
              int instances = config.get(Settings.HTTP_INSTANCES);
              int n = instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
              return record(vertx.deployVerticle(() -> {
                HttpVerticle http = new HttpVerticle(config, auth, model.id(), config.get(Settings.AUDIT), cacheStats);
                httpVerticles.add(http);
                return http;
              }, new DeploymentOptions().setInstances(n)));
            }))
        .map(v -> this);
  }

  private Future<String> record(Future<String> deployment) {
    return deployment.onSuccess(deployments::add);
  }

  /** The counters of the read-through cache, or {@code null} when this server has none. */
  public CacheStats cacheStats() {
    return cacheStats;
  }

  /**
   * {@code store} behind the read-through cache of the mode: in process in development and test; in Redis in the
   * server modes, and none there without Redis, since a cache per node would serve rows another node has changed.
   */
  private MemoryStore cached(SomaConfig config, MemoryStore store) {
    if (!config.get(Settings.CACHE_ENABLED)) {
      return store;
    }
    long ttlMs = config.get(Settings.CACHE_TTL_SECONDS) * 1000L;
    Cache cache;
    if (serverMode(config)) {
      RedisConnection redis = RedisConnection.shared(vertx, config);
      if (redis == null) {
        return store;
      }
      cache = new RedisCache(redis, ttlMs);
    } else {
      cache = new CaffeineCache(Duration.ofMillis(ttlMs), config.get(Settings.CACHE_MAX_ENTRIES));
    }
    CachingMemoryStore caching = new CachingMemoryStore(vertx, store, cache);
    cacheStats = caching.stats();
    return caching;
  }

  /** Whether the mode keeps its canonical store in PostgreSQL. */
  private static boolean serverMode(SomaConfig config) {
    String mode = config.get(Settings.MODE);
    return mode.equals("evented_enterprise") || mode.equals("cloud_managed");
  }

  /** Fails fast, before anything is deployed, when a server mode has no usable POSTGRES_URL. */
  private static void checkStoreConfig(SomaConfig config) {
    if (!serverMode(config)) {
      return;
    }
    String url = config.get(Settings.POSTGRES_URL);
    if (url == null || url.isBlank()) {
      throw new ConfigException("Invalid configuration POSTGRES_URL: required when MEMORY_MODE="
          + config.get(Settings.MODE) + " (postgresql://user:password@host:port/database)");
    }
    try {
      PostgresMemoryStore.connectOptions(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid configuration POSTGRES_URL: " + e.getMessage());
    }
  }

  /** The canonical store and the audit log in the same database. */
  private record OpenedStore(MemoryStore store, AuditLog audit) {
  }

  private Future<OpenedStore> openStore(SomaConfig config) {
    if (!serverMode(config)) {
      return SqliteMemoryStore.open(vertx, sqliteOptions(config))
          .map(store -> new OpenedStore(store, store.auditLog()));
    }
    boolean redis = config.get(Settings.REDIS_URL) != null || config.get(Settings.REDIS_HOST) != null;
    KafkaSettings kafka = KafkaSettings.of(config);
    LOG.info("Mode {}: canonical store PostgreSQL; vectors and BM25 in process (fast core + Lucene); {}; {}",
        config.get(Settings.MODE), redis ? "memory cache" + (config.get(Settings.CACHE_ENABLED) ? "" : " (disabled)")
            + ", idempotency keys and rate limits in Redis (served without it while it is down)"
            : "no Redis configured: no memory cache, idempotency keys and rate limits in process",
        kafka != null ? "Kafka at " + kafka.bootstrapServers() + ": the outbox is relayed to " + kafka.topic()
            + " and this node's indexes follow it"
            : "no Kafka (KAFKA_BOOTSTRAP_SERVERS unset or EVENTING_ENABLED=false): events stay on the local event "
                + "bus, the outbox table keeps them unsent, and other nodes' writes reach this node's indexes only "
                + "at its next start");
    return PostgresMemoryStore.open(vertx, new PostgresOptions(config.get(Settings.POSTGRES_URL),
        config.get(Settings.PG_POOL_SIZE), 0, config.get(Settings.GRAPH_KEEP_DANGLING_LINKS),
        config.get(Settings.PG_CONNECT_TIMEOUT_MS), config.get(Settings.PG_QUERY_TIMEOUT_MS), nodeId))
        .map(store -> new OpenedStore(store, store.auditLog()));
  }

  private static SqliteOptions sqliteOptions(SomaConfig config) {
    String path = config.get(Settings.MODE).equals("test") ? ":memory:"
        : Path.of(config.get(Settings.DATA_DIR)).resolve("soma.db").toString();
    return new SqliteOptions(path, config.get(Settings.SQLITE_READ_THREADS), config.get(Settings.SQLITE_MAX_BATCH),
        config.get(Settings.GRAPH_KEEP_DANGLING_LINKS));
  }

  /** The hash embedder, or the bundled model {@code name} when the embedder is ONNX. */
  private static EmbeddingModel loadModel(SomaConfig config, String name) {
    int dimension = config.get(Settings.VECTOR_DIM);
    EmbeddingModel model = config.get(Settings.EMBEDDER).equals("hash")
        ? new HashEmbeddingModel(dimension)
        : OnnxEmbeddingModel.load(name);
    if (model.dimension() != dimension) {
      throw new ConfigException("Invalid configuration SOMA_VECTOR_DIM: " + dimension + " but the embedder "
          + model.id() + " produces " + model.dimension() + "-dimensional vectors");
    }
    LOG.info("Embedder {} ({} dimensions)", model.id(), model.dimension());
    return model;
  }
}
