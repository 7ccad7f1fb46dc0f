package org.somafractal.memory.config;

import java.util.List;

/**
 * Every configuration key of the server, declared once. The README's configuration table lists exactly these (a test
 * keeps the two in step), and {@code conf/soma.properties} may set any of them; environment variables and
 * {@code -D} system properties of the same name override the file.
 */
public final class Settings {
  public static final ConfigKey<String> MODE = ConfigKey.oneOf("MEMORY_MODE", "development",
      List.of("development", "test", "evented_enterprise", "cloud_managed"),
      "Wiring: development = SQLite under SOMA_DATA_DIR; test = everything in memory; evented_enterprise and "
          + "cloud_managed = PostgreSQL at POSTGRES_URL (required) as the canonical store, indexes in process, and Redis "
          + "(REDIS_URL or REDIS_HOST, optional) for the cache of memories, idempotency keys and rate limits shared by "
          + "all nodes, and Kafka (KAFKA_BOOTSTRAP_SERVERS, optional) for the memory.events stream every node's indexes "
          + "follow.");
  public static final ConfigKey<String> API_HOST = ConfigKey.text("SOMA_API_HOST", "127.0.0.1",
      "Interface the HTTP server binds to. Use 0.0.0.0 to accept connections from other hosts.");
  public static final ConfigKey<Integer> API_PORT = ConfigKey.integer("SOMA_API_PORT", 9595, 0, 65535,
      "HTTP port (0 = any free port).");
  public static final ConfigKey<Integer> HTTP_INSTANCES = ConfigKey.integer("SOMA_HTTP_INSTANCES", 0, 0, 256,
      "HTTP verticle instances; 0 = one per core.");
  public static final ConfigKey<String> API_TOKEN = ConfigKey.secret("SOMA_API_TOKEN",
      "Static bearer token required on every memory route. Unset (and no token file) = open, development only.");
  public static final ConfigKey<String> API_TOKEN_FILE = ConfigKey.text("SOMA_API_TOKEN_FILE", null,
      "File whose first line is the bearer token (takes precedence over SOMA_API_TOKEN).");
  public static final ConfigKey<String> API_TOKEN_TENANT = ConfigKey.text("SOMA_API_TOKEN_TENANT", null,
      "Tenant the static token is bound to. Unset = the X-Soma-Tenant / X-Soma-Namespace header picks it.");
  public static final ConfigKey<List<String>> API_TOKEN_SCOPES = ConfigKey.list("SOMA_API_TOKEN_SCOPES",
      List.of("memory:read", "memory:write", "memory:delete", "graph:write", "admin"),
      "Scopes of the static token (memory:read, memory:write, memory:delete, graph:write, admin).");
  public static final ConfigKey<String> TOKENS_FILE = ConfigKey.text("SOMA_TOKENS_FILE", null,
      "JSON array of static tokens, each {\"token_sha256\" or \"token\", \"tenant\", \"scopes\", \"id\"}.");
  public static final ConfigKey<String> JWT_SECRET = ConfigKey.secret("SOMA_JWT_SECRET",
      "HS256 secret of accepted JWTs (at least 32 bytes).");
  public static final ConfigKey<String> JWT_PUBLIC_KEY_FILE = ConfigKey.text("SOMA_JWT_PUBLIC_KEY_FILE", null,
      "PEM public key of accepted JWTs: an RSA key accepts RS256, an EC P-256 key ES256.");
  public static final ConfigKey<String> JWT_JWKS_URL = ConfigKey.text("SOMA_JWT_JWKS_URL", null,
      "JWKS URL whose keys sign accepted JWTs; cached, fetched again on an unknown kid or when the cache is old.");
  public static final ConfigKey<Integer> JWT_JWKS_TIMEOUT_MS = ConfigKey.integer("SOMA_JWT_JWKS_TIMEOUT_MS", 5000, 100,
      60_000, "Timeout of one JWKS fetch.");
  public static final ConfigKey<Integer> JWT_JWKS_CACHE_SECONDS = ConfigKey.integer("SOMA_JWT_JWKS_CACHE_SECONDS",
      600, 1, 86_400, "How long fetched JWKS keys are used before they are fetched again.");
  public static final ConfigKey<Integer> JWT_JWKS_MIN_REFRESH_SECONDS = ConfigKey.integer(
      "SOMA_JWT_JWKS_MIN_REFRESH_SECONDS", 10, 0, 3600,
      "Least time between two fetches caused by unknown kids, so forged kids cannot flood the JWKS server.");
  public static final ConfigKey<String> JWT_ISSUER = ConfigKey.text("SOMA_JWT_ISSUER", null,
      "Required iss claim of JWTs (unset = not checked).");
  public static final ConfigKey<String> JWT_AUDIENCE = ConfigKey.text("SOMA_JWT_AUDIENCE", null,
      "Required aud claim of JWTs, a string or one entry of an array (unset = not checked).");
  public static final ConfigKey<Integer> JWT_LEEWAY_SECONDS = ConfigKey.integer("SOMA_JWT_LEEWAY_SECONDS", 30, 0, 3600,
      "Clock skew allowed when checking a JWT's exp and nbf.");
  public static final ConfigKey<String> JWT_TENANT_CLAIM = ConfigKey.text("SOMA_JWT_TENANT_CLAIM", "tenant",
      "JWT claim naming the tenant; required unless the token has the admin scope.");
  public static final ConfigKey<String> POLICY_FILE = ConfigKey.text("SOMA_POLICY_FILE", null,
      "JSON file of per-route allow and deny rules by tenant, credential, scope, route and memory type, checked "
          + "after the scope and before the handler; deny wins (see the README's Security section). Unset = none.");
  public static final ConfigKey<String> OPA_URL = ConfigKey.text("SOMA_OPA_URL", null,
      "OPA decision URL (e.g. http://127.0.0.1:8181/v1/data/soma/allow), asked after the scope and the policy file "
          + "allowed a request; it must answer {\"result\": true} or {\"result\": {\"allow\": true}}. Unset = not asked.");
  public static final ConfigKey<Integer> OPA_TIMEOUT_MS = ConfigKey.integer("SOMA_OPA_TIMEOUT_MS", 1000, 10, 60_000,
      "Timeout of one OPA decision; a timeout or error refuses the request with 503 unless SOMA_OPA_FAIL_OPEN.");
  public static final ConfigKey<Boolean> OPA_FAIL_OPEN = ConfigKey.bool("SOMA_OPA_FAIL_OPEN", false,
      "Allow requests when OPA cannot be asked (timeout, error, bad answer) instead of refusing them (fail closed).");
  public static final ConfigKey<String> DATA_DIR = ConfigKey.text("SOMA_DATA_DIR", "./data",
      "Directory of the SQLite database in development mode.");
  public static final ConfigKey<Integer> VECTOR_DIM = ConfigKey.integer("SOMA_VECTOR_DIM", 384, 8, 4096,
      "Embedding dimension; must equal the embedder's, checked at start. Client vectors must have it too.");
  public static final ConfigKey<Integer> ANN_MIN_VECTORS = ConfigKey.integer("SOMA_ANN_MIN_VECTORS", 200_000, 0,
      Integer.MAX_VALUE, "Vectors from which a tenant also gets an approximate graph (JVector, built in the background; "
          + "searches scan exactly until it has caught up, and whenever a filter is selective); 0 = never, always exact.");
  public static final ConfigKey<Integer> ANN_BUILD_THREADS = ConfigKey.integer("SOMA_ANN_BUILD_THREADS", 1, 1, 256,
      "Threads that insert a batch of vectors (a new graph's existing ones, or a large write batch) into a graph.");
  public static final ConfigKey<Integer> ANN_SEARCH_BEAM = ConfigKey.integer("SOMA_ANN_SEARCH_BEAM", 160, 10, 10_000,
      "Candidates a graph search keeps (at least 2 x top_k): larger finds more of the true neighbours, slower "
          + "(docs/benchmarks.md: over 1,000,000 clustered vectors recall@10 0.94 with 128 in 0.8 ms, 0.966 with 160 "
          + "in 0.8-0.9 ms).");
  public static final ConfigKey<String> EMBEDDER = ConfigKey.oneOf("SOMA_EMBEDDER", "onnx", List.of("onnx", "hash"),
      "onnx = the bundled sentence-embedding model, in process; hash = deterministic feature hashing (tests).");
  public static final ConfigKey<String> EMBED_MODEL = ConfigKey.oneOf("SOMA_EMBED_MODEL", "auto",
      List.of("auto", "e5-small-v2-q", "all-minilm-l6-v2-q", "bge-small-en-v15-q"),
      "Bundled ONNX model used when SOMA_EMBEDDER=onnx. auto = the model that embedded the memories already stored, "
          + "else e5-small-v2-q (best on LoCoMo, docs/benchmarks.md); vectors of two models do not compare.");
  public static final ConfigKey<Integer> EMBED_CACHE_SIZE = ConfigKey.integer("SOMA_EMBED_CACHE_SIZE", 10_000, 0,
      10_000_000, "Texts whose embedding is kept in the LRU cache (0 = no cache).");
  public static final ConfigKey<Integer> EMBED_BATCH = ConfigKey.integer("SOMA_EMBED_BATCH", 64, 1, 1024,
      "Most texts embedded in one model call when requests arrive together.");
  public static final ConfigKey<List<String>> TEXT_FIELDS = ConfigKey.list("SOMA_TEXT_FIELDS",
      List.of("content", "text", "fact", "summary", "task", "description", "message", "title", "question", "answer"),
      "Payload fields whose text is embedded and indexed, in order; when none is present, all string values are.");
  public static final ConfigKey<Integer> MAX_REQUEST_BODY_MB = ConfigKey.integer("SOMA_MAX_REQUEST_BODY_MB", 5, 1,
      1024, "Largest request body in MiB; larger bodies get 413 before they are read.");
  public static final ConfigKey<Integer> MAX_IMPORT_MB = ConfigKey.integer("SOMA_MAX_IMPORT_MB", 1024, 1, 1_048_576,
      "Largest NDJSON body of POST /memories/import in MiB. The body is streamed, never held whole; past the limit "
          + "the import stops with 413 and the batches already stored stay.");
  public static final ConfigKey<Integer> DEFAULT_TOP_K = ConfigKey.integer("SOMA_DEFAULT_TOP_K", 5, 1, 10_000,
      "top_k of a search that gives none.");
  public static final ConfigKey<Integer> MAX_TOP_K = ConfigKey.integer("SOMA_MAX_TOP_K", 1000, 1, 100_000,
      "Largest top_k + offset a search may ask for; more is a 422.");
  public static final ConfigKey<Integer> MAX_BATCH = ConfigKey.integer("SOMA_MAX_BATCH", 1000, 1, 100_000,
      "Most items in one bulk store, or queries in one batch search.");
  public static final ConfigKey<String> FUSION = ConfigKey.oneOf("SOMA_FUSION", "weighted",
      List.of("rrf", "weighted"), "How hybrid search fuses its vector and lexical candidates: a weighted sum (the "
          + "default: it measured best on LoCoMo, docs/benchmarks.md), or reciprocal rank fusion.");
  public static final ConfigKey<Integer> RRF_K = ConfigKey.integer("SOMA_RRF_K", 60, 1, 10_000,
      "The k of reciprocal rank fusion: score = sum of 1 / (k + rank).");
  public static final ConfigKey<Double> HYBRID_ALPHA = ConfigKey.decimal("SOMA_HYBRID_ALPHA", 0.3, 0, 1,
      "Weighted fusion: alpha x cosine + (1 - alpha) x BM25 / best BM25 of the query, the cosine scaled from 0 at "
          + "the 40th vector candidate (or the last) to 1 at the best (each model has its own cosine range).");
  public static final ConfigKey<Double> BM25_K1 = ConfigKey.decimal("SOMA_BM25_K1", 0.9, 0, 10,
      "BM25 term-frequency saturation of the lexical index (Lucene's default is 1.2; 0.9 with b = 0.4 is Anserini's "
          + "passage setting, which measured best on LoCoMo's short turns).");
  public static final ConfigKey<Double> BM25_B = ConfigKey.decimal("SOMA_BM25_B", 0.4, 0, 1,
      "BM25 length normalisation of the lexical index: 0 = none, 1 = full (Lucene's default 0.75 suits long "
          + "documents; agents' memories are mostly a sentence or two).");
  public static final ConfigKey<Double> LEXICAL_CONTEXT_WEIGHT = ConfigKey.decimal("SOMA_LEXICAL_CONTEXT_WEIGHT",
      0.25, 0, 1, "How much a word in a memory's sequence neighbours (the previous and next turn) counts for the "
          + "lexical index against the same word in the memory itself (BM25F); 0 = the memory's own text only.");
  public static final ConfigKey<Double> SEQUENCE_WEIGHT = ConfigKey.decimal("SOMA_SEQUENCE_WEIGHT", 0.25, 0, 1,
      "Share of a search candidate's relevance lent to its sequence neighbours (the memories at its coordinate with "
          + "the last axis -1 and +1: a conversation's previous and next turn); in vector mode only the relevance "
          + "above the last vector candidate's cosine is lent; 0 = off. A search may set sequence_weight.");
  public static final ConfigKey<Integer> CANDIDATE_MULTIPLIER = ConfigKey.integer("SOMA_CANDIDATE_MULTIPLIER", 4, 1,
      100, "Each index contributes (top_k + offset) x this many candidates before fusion and re-weighting.");
  public static final ConfigKey<Double> IMPORTANCE_WEIGHT = ConfigKey.decimal("SOMA_IMPORTANCE_WEIGHT", 0.3, 0, 1,
      "How much importance moves a score: weight = 1 - w + w x normalised importance (0 = ignore importance).");
  public static final ConfigKey<Double> DECAY_HALF_LIFE_HOURS = ConfigKey.decimal("SOMA_DECAY_HALF_LIFE_HOURS", 0, 0,
      1_000_000, "Half-life of the decay weight on time since last access, stretched by access count (0 = off).");
  public static final ConfigKey<Double> DECAY_FLOOR = ConfigKey.decimal("SOMA_DECAY_FLOOR", 0.1, 0, 1,
      "Lowest decay weight, so old memories fade but never vanish from ranking.");
  public static final ConfigKey<Integer> BUS_TIMEOUT_MS = ConfigKey.integer("SOMA_BUS_TIMEOUT_MS", 30_000, 100,
      600_000, "Timeout of every call between verticles; a timeout answers 503.");
  public static final ConfigKey<Integer> HEALTH_TIMEOUT_MS = ConfigKey.integer("SOMA_HEALTH_TIMEOUT_MS", 2000, 100,
      60_000, "Timeout of each backend check of GET /health and GET /readyz; a check that takes longer counts as "
          + "down.");
  public static final ConfigKey<Integer> SQLITE_READ_THREADS = ConfigKey.integer("SOMA_SQLITE_READ_THREADS", 2, 1,
      64, "Reader threads (and connections) of the SQLite store.");
  public static final ConfigKey<Integer> SQLITE_MAX_BATCH = ConfigKey.integer("SOMA_SQLITE_MAX_BATCH", 512, 1,
      100_000, "Most writes group-committed in one SQLite transaction.");
  public static final ConfigKey<String> POSTGRES_URL = ConfigKey.secret("POSTGRES_URL",
      "PostgreSQL of the server modes, as postgresql://user:password@host:port/database. Required in "
          + "evented_enterprise and cloud_managed; unused otherwise.");
  public static final ConfigKey<Integer> PG_POOL_SIZE = ConfigKey.integer("SOMA_PG_POOL_SIZE", 8, 1, 256,
      "Connections in the PostgreSQL pool (reads run concurrently on them; writes are group-committed on one).");
  public static final ConfigKey<Integer> PG_CONNECT_TIMEOUT_MS = ConfigKey.integer("SOMA_PG_CONNECT_TIMEOUT_MS",
      10_000, 100, 600_000, "Timeout of opening a PostgreSQL connection, or of waiting for a free one in the pool.");
  public static final ConfigKey<Integer> PG_QUERY_TIMEOUT_MS = ConfigKey.integer("SOMA_PG_QUERY_TIMEOUT_MS", 30_000,
      100, 600_000, "Timeout of one PostgreSQL read or write transaction (also its statement_timeout); past it the "
          + "request answers 503 with Retry-After.");
  public static final ConfigKey<String> REDIS_URL = ConfigKey.secret("REDIS_URL",
      "Redis of the server modes, as redis://[:password@]host:port[/db]: the cache of memories, idempotency keys "
          + "and rate-limit buckets shared by all nodes. Unset (and no REDIS_HOST) = no cache, keys and buckets in "
          + "process; ignored in development and test.");
  public static final ConfigKey<String> REDIS_HOST = ConfigKey.text("REDIS_HOST", null,
      "Redis host, when REDIS_URL is unset (REDIS_URL takes precedence).");
  public static final ConfigKey<Integer> REDIS_PORT = ConfigKey.integer("REDIS_PORT", 6379, 1, 65535,
      "Redis port used with REDIS_HOST.");
  public static final ConfigKey<Integer> REDIS_TIMEOUT_MS = ConfigKey.integer("SOMA_REDIS_TIMEOUT_MS", 500, 10,
      60_000, "Timeout of every Redis call; on a timeout or error the request is served in process instead.");
  public static final ConfigKey<String> REDIS_KEY_PREFIX = ConfigKey.text("SOMA_REDIS_KEY_PREFIX", "soma:",
      "Prefix of every Redis key this server writes, so several deployments can share one Redis.");
  public static final ConfigKey<Integer> IDEMPOTENCY_TTL_SECONDS = ConfigKey.integer("SOMA_IDEMPOTENCY_TTL_SECONDS",
      86_400, 1, 30 * 86_400, "How long the first answer to an Idempotency-Key is kept and replayed to retries.");
  public static final ConfigKey<Boolean> CACHE_ENABLED = ConfigKey.bool("SOMA_CACHE_ENABLED", true,
      "Read-through cache of memories by coordinate and id: in process in development and test, in Redis in the "
          + "server modes when Redis is configured (without Redis they have none: a per-node cache would go stale "
          + "when another node writes).");
  public static final ConfigKey<Integer> CACHE_TTL_SECONDS = ConfigKey.integer("SOMA_CACHE_TTL_SECONDS", 300, 1,
      86_400, "How long a memory stays in the cache after it was read; writes and deletes drop it at once.");
  public static final ConfigKey<Integer> CACHE_MAX_ENTRIES = ConfigKey.integer("SOMA_CACHE_MAX_ENTRIES", 100_000, 1,
      10_000_000, "Most memories the in-process cache holds (least used go first); Redis is bounded by its own "
          + "maxmemory.");
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.text("KAFKA_BOOTSTRAP_SERVERS", null,
      "Kafka of the server modes, host:port[,host:port...]: the outbox relay publishes every change there and each "
          + "node's indexes follow the topic, so several nodes serve the same memories. Unset = no Kafka: events stay "
          + "on the local event bus (the outbox table keeps them); ignored in development and test.");
  public static final ConfigKey<Boolean> EVENTING_ENABLED = ConfigKey.bool("EVENTING_ENABLED", true,
      "Whether the server modes use the Kafka at KAFKA_BOOTSTRAP_SERVERS (false = as if it were unset).");
  public static final ConfigKey<String> KAFKA_TOPIC = ConfigKey.text("SOMA_KAFKA_TOPIC", "memory.events",
      "Topic of the memory events (schemas/memory-event-v1.json), keyed by tenant and memory id.");
  public static final ConfigKey<String> KAFKA_DLQ_TOPIC = ConfigKey.text("SOMA_KAFKA_DLQ_TOPIC", "memory.events.dlq",
      "Dead-letter topic: outbox rows that fail the event schema, and events soma consumer cannot process.");
  public static final ConfigKey<Boolean> EVENT_EMBEDDINGS = ConfigKey.bool("SOMA_EVENT_EMBEDDINGS", true,
      "Whether memory events carry the embedding (384 numbers by default; the nodes' own indexes do not need it, "
          + "other consumers may): false makes events smaller and the relay faster.");
  public static final ConfigKey<Integer> KAFKA_TIMEOUT_MS = ConfigKey.integer("SOMA_KAFKA_TIMEOUT_MS", 10_000, 100,
      600_000, "Timeout of every Kafka call (publish, poll, metadata); a relay batch that times out stays in the "
          + "outbox and is published again.");
  public static final ConfigKey<Integer> OUTBOX_BATCH = ConfigKey.integer("SOMA_OUTBOX_BATCH", 500, 1, 10_000,
      "Most outbox rows the relay publishes in one transaction.");
  public static final ConfigKey<Integer> OUTBOX_POLL_MS = ConfigKey.integer("SOMA_OUTBOX_POLL_MS", 250, 10, 60_000,
      "How often the relay looks for unsent outbox rows; it also runs at once after each write of its own node.");
  public static final ConfigKey<Integer> OUTBOX_RETENTION_SECONDS = ConfigKey.integer("SOMA_OUTBOX_RETENTION_SECONDS",
      3600, 0, 30 * 86_400, "How long published outbox rows are kept before they are deleted (unsent rows are never "
          + "deleted).");
  public static final ConfigKey<Integer> FOLLOW_REPLAY_SECONDS = ConfigKey.integer("SOMA_FOLLOW_REPLAY_SECONDS", 60,
      0, 86_400, "A starting node replays the events published since this long before its index rebuild began, so "
          + "no write is missed between the rebuild and the topic (covers clock skew between nodes).");
  public static final ConfigKey<String> CONSUMER_GROUP = ConfigKey.text("SOMA_CONSUMER_GROUP", "soma-consumer",
      "Kafka consumer group of soma consumer (its committed offsets are where a restarted consumer resumes).");
  public static final ConfigKey<Integer> CONSUMER_METRICS_PORT = ConfigKey.integer("SOMA_CONSUMER_METRICS_PORT", 9597,
      0, 65535, "Port of soma consumer's GET /metrics and GET /healthz (on SOMA_API_HOST; 0 = any free port).");
  public static final ConfigKey<String> MASTER_KEY = ConfigKey.secret("SOMA_MASTER_KEY",
      "Master key of encryption at rest: 32 random bytes, base64. Needed when SOMA_ENCRYPT_TENANTS is set.");
  public static final ConfigKey<String> MASTER_KEY_FILE = ConfigKey.text("SOMA_MASTER_KEY_FILE", null,
      "File whose first line is the base64 master key (takes precedence over SOMA_MASTER_KEY).");
  public static final ConfigKey<Integer> MASTER_KEY_VERSION = ConfigKey.integer("SOMA_MASTER_KEY_VERSION", 1, 1,
      1_000_000, "Version of SOMA_MASTER_KEY; new values are sealed under it and carry it. Raise it when rotating.");
  public static final ConfigKey<String> MASTER_KEY_PREVIOUS = ConfigKey.secret("SOMA_MASTER_KEY_PREVIOUS",
      "Older master keys that still open rows sealed under them, as version:base64 pairs separated by commas.");
  public static final ConfigKey<List<String>> ENCRYPT_TENANTS = ConfigKey.list("SOMA_ENCRYPT_TENANTS", null,
      "Tenants whose payload, text and metadata are encrypted at rest (AES-256-GCM), or * for all; unset = none.");
  public static final ConfigKey<Boolean> GRAPH_KEEP_DANGLING_LINKS = ConfigKey.bool("SOMA_GRAPH_KEEP_DANGLING_LINKS",
      false, "Keep the graph links from and to a memory when it is deleted (default: they are deleted with it).");
  public static final ConfigKey<Double> RATE_LIMIT_PER_SECOND = ConfigKey.decimal("SOMA_RATE_LIMIT_PER_SECOND", 0, 0,
      1_000_000, "Requests per second each tenant may make (token-bucket refill rate); 0 = no limit. Over it: 429 "
          + "with Retry-After. Health, readiness and documentation routes are never limited.");
  public static final ConfigKey<Double> RATE_LIMIT_BURST = ConfigKey.decimal("SOMA_RATE_LIMIT_BURST", 0, 0,
      10_000_000, "Requests a tenant may make at once after being idle (bucket size); 0 = twice the rate.");
  public static final ConfigKey<Double> CREDENTIAL_RATE_LIMIT_PER_SECOND = ConfigKey.decimal(
      "SOMA_CREDENTIAL_RATE_LIMIT_PER_SECOND", 0, 0, 1_000_000,
      "Requests per second each credential (bearer token, or anonymous without one) may make; 0 = no limit.");
  public static final ConfigKey<Double> CREDENTIAL_RATE_LIMIT_BURST = ConfigKey.decimal(
      "SOMA_CREDENTIAL_RATE_LIMIT_BURST", 0, 0, 10_000_000,
      "Bucket size of each credential; 0 = twice SOMA_CREDENTIAL_RATE_LIMIT_PER_SECOND.");
  public static final ConfigKey<Long> QUOTA_MAX_MEMORIES = ConfigKey.longInteger("SOMA_QUOTA_MAX_MEMORIES", 0, 0,
      Long.MAX_VALUE, "Most memories a tenant may store (0 = unlimited); a write past it is a 403 and stores nothing.");
  public static final ConfigKey<Long> QUOTA_MAX_BYTES = ConfigKey.longInteger("SOMA_QUOTA_MAX_BYTES", 0, 0,
      Long.MAX_VALUE, "Most bytes a tenant may store, counted as UTF-8 payload + text + metadata (0 = unlimited).");
  public static final ConfigKey<Long> QUOTA_MAX_LINKS = ConfigKey.longInteger("SOMA_QUOTA_MAX_LINKS", 0, 0,
      Long.MAX_VALUE, "Most graph links a tenant may store (0 = unlimited).");
  public static final ConfigKey<String> QUOTAS_FILE = ConfigKey.text("SOMA_QUOTAS_FILE", null,
      "JSON file of per-tenant quotas, {\"tenant\": {\"max_memories\": n, \"max_bytes\": n, \"max_links\": n}}; "
          + "a field left out takes the SOMA_QUOTA_* default.");
  public static final ConfigKey<Integer> MAX_JSON_DEPTH = ConfigKey.integer("SOMA_MAX_JSON_DEPTH", 32, 1, 1000,
      "Deepest nesting of objects and arrays in a JSON body (or import line); deeper is a 400.");
  public static final ConfigKey<Integer> MAX_STRING_CHARS = ConfigKey.integer("SOMA_MAX_STRING_CHARS", 1_000_000, 1,
      10_000_000, "Longest single string (value or field name) in a JSON body (or import line); longer is a 400.");
  public static final ConfigKey<String> ADMISSION = ConfigKey.oneOf("SOMA_ADMISSION", "fixed",
      List.of("fixed", "adaptive"), "Load shedding: fixed = at most SOMA_MAX_IN_FLIGHT requests served at once; "
          + "adaptive = the bound follows their latency (lower when they queue), between SOMA_MIN_IN_FLIGHT and "
          + "SOMA_MAX_IN_FLIGHT. A request over the bound answers 503 with Retry-After at once, before its body is "
          + "read; probes are never refused.");
  public static final ConfigKey<Integer> MIN_IN_FLIGHT = ConfigKey.integer("SOMA_MIN_IN_FLIGHT", 16, 1, 1_000_000,
      "Adaptive load shedding never bounds the requests served at once below this.");
  /**
   * 64: at the two-core machine's saturation (1,300–3,400 searches/s) 256 in flight queued admitted searches for
   * 300 ms at p99, 64 for 60–90 ms, with as many answered (docs/benchmarks.md).
   */
  public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("SOMA_MAX_IN_FLIGHT", 64, 1, 1_000_000,
      "Most requests served at once by the whole server (size it as throughput x the latency accepted; bounds "
          + "memory: in flight x SOMA_MAX_REQUEST_BODY_MB).");
  public static final ConfigKey<List<String>> CORS_ORIGINS = ConfigKey.list("SOMA_CORS_ORIGINS", null,
      "Origins browsers may call the API from, e.g. https://app.example.com; unset = no CORS headers at all.");
  public static final ConfigKey<Boolean> AUDIT = ConfigKey.bool("SOMA_AUDIT", true,
      "Record every write, delete, import, export and admin request (who, tenant, route, target, time, status; never "
          + "the payload) in the canonical store's audit_log table, readable at GET /admin/audit.");
  public static final ConfigKey<Integer> AUDIT_RETENTION_DAYS = ConfigKey.integer("SOMA_AUDIT_RETENTION_DAYS", 90, 0,
      36_500, "Audit entries older than this many days are deleted, at start and every hour (0 = kept forever).");

  /** All keys, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(MODE, API_HOST, API_PORT, HTTP_INSTANCES, API_TOKEN,
      API_TOKEN_FILE, API_TOKEN_TENANT, API_TOKEN_SCOPES, TOKENS_FILE, JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWT_JWKS_URL,
      JWT_JWKS_TIMEOUT_MS, JWT_JWKS_CACHE_SECONDS, JWT_JWKS_MIN_REFRESH_SECONDS, JWT_ISSUER, JWT_AUDIENCE,
      JWT_LEEWAY_SECONDS, JWT_TENANT_CLAIM, POLICY_FILE, OPA_URL, OPA_TIMEOUT_MS, OPA_FAIL_OPEN, DATA_DIR,
      VECTOR_DIM, ANN_MIN_VECTORS, ANN_BUILD_THREADS, ANN_SEARCH_BEAM, EMBEDDER, EMBED_MODEL, EMBED_CACHE_SIZE, EMBED_BATCH, TEXT_FIELDS,
      MAX_REQUEST_BODY_MB, MAX_IMPORT_MB, DEFAULT_TOP_K, MAX_TOP_K, MAX_BATCH, FUSION, RRF_K, HYBRID_ALPHA,
      BM25_K1, BM25_B, LEXICAL_CONTEXT_WEIGHT, SEQUENCE_WEIGHT, CANDIDATE_MULTIPLIER, IMPORTANCE_WEIGHT, DECAY_HALF_LIFE_HOURS, DECAY_FLOOR, BUS_TIMEOUT_MS,
      HEALTH_TIMEOUT_MS, SQLITE_READ_THREADS, SQLITE_MAX_BATCH, POSTGRES_URL, PG_POOL_SIZE, PG_CONNECT_TIMEOUT_MS,
      PG_QUERY_TIMEOUT_MS, REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_TIMEOUT_MS, REDIS_KEY_PREFIX, IDEMPOTENCY_TTL_SECONDS,
      CACHE_ENABLED, CACHE_TTL_SECONDS, CACHE_MAX_ENTRIES, KAFKA_BOOTSTRAP_SERVERS, EVENTING_ENABLED, KAFKA_TOPIC,
      KAFKA_DLQ_TOPIC, EVENT_EMBEDDINGS, KAFKA_TIMEOUT_MS, OUTBOX_BATCH, OUTBOX_POLL_MS, OUTBOX_RETENTION_SECONDS,
      FOLLOW_REPLAY_SECONDS,
      CONSUMER_GROUP, CONSUMER_METRICS_PORT, MASTER_KEY, MASTER_KEY_FILE, MASTER_KEY_VERSION,
      MASTER_KEY_PREVIOUS, ENCRYPT_TENANTS, GRAPH_KEEP_DANGLING_LINKS, RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST,
      CREDENTIAL_RATE_LIMIT_PER_SECOND, CREDENTIAL_RATE_LIMIT_BURST, QUOTA_MAX_MEMORIES, QUOTA_MAX_BYTES, QUOTA_MAX_LINKS,
      QUOTAS_FILE, MAX_JSON_DEPTH, MAX_STRING_CHARS, ADMISSION, MIN_IN_FLIGHT, MAX_IN_FLIGHT, CORS_ORIGINS, AUDIT, AUDIT_RETENTION_DAYS);

  /** Names the file may use besides the keys: where the file itself is. */
  public static final String CONFIG_FILE = "SOMA_CONFIG_FILE";

  /** The configuration reference as a Markdown table, generated from the declarations above. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> key : ALL) {
      Object def = key.defaultValue();
      String shown = def == null ? "(unset)" : def instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : def.toString();
      sb.append("| `").append(key.name()).append("` | ").append(key.type().replace("|", "\\|")).append(" | `")
          .append(shown).append("` | ").append(key.doc().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  private Settings() {
  }
}
