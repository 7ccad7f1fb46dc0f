package org.somafractal.memory.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.store.crypto.RowCipher;

/**
 * The cost of the security features on store and search, measured in one run so the ratios hold on a noisy machine:
 * one server per configuration (open and plaintext; JWT HS256; JWT RS256; encryption at rest; JWT HS256 with
 * encryption; open without the audit trail), each in development mode on its own SQLite file, all in this JVM. Each
 * round sends every server the same stores ({@code POST /memories}, text embedded by the hash embedder so the model
 * does not drown the difference) and then the same hybrid searches, the servers taken in turn, so drift in the
 * machine's load spreads over all of them. Prints one JSON line per configuration and a Markdown table with p50, p99
 * and the p50 ratio to the open, plaintext server.
 *
 * <p>Options: {@code --n 2000} stores and {@code --searches 1000} searches per server per round, {@code --rounds 3},
 * {@code --concurrency 16}, {@code --dim 384}.
 */
public final class SecurityBench {
  private static final String TENANT = "bench";
  private static final int CHUNK = 100;

  private SecurityBench() {
  }

  /** One configuration under test: its settings and the bearer token its clients send (or none). */
  private record Setup(String name, Map<String, String> settings, String token) {
  }

  /** What the in-process measurements use: the verifiers of both tokens, and the server's cipher. */
  private record Keys(JWTAuth hs256, String hs256Token, JWTAuth rs256, String rs256Token, RowCipher cipher) {
  }

  /** The latencies of one configuration, over every round. */
  private static final class Samples {
    final List<long[]> stores = new ArrayList<>();
    final List<long[]> searches = new ArrayList<>();
    long failures;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = StoreBench.options(args);
    int n = Integer.parseInt(o.getOrDefault("n", "2000"));
    int searches = Integer.parseInt(o.getOrDefault("searches", "1000"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
    String dim = o.getOrDefault("dim", "384");

    Vertx vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("soma-security-bench");
    Keys[] keys = new Keys[1];
    List<Setup> setups = setups(vertx, dir, keys);
    Map<Setup, SomaServer> servers = new LinkedHashMap<>();
    Map<Setup, Samples> samples = new LinkedHashMap<>();
    for (Setup s : setups) {
      Map<String, String> raw = new HashMap<>(s.settings());
      raw.put("MEMORY_MODE", "development");
      raw.put("SOMA_DATA_DIR", dir.resolve(s.name()).toString());
      raw.put("SOMA_API_PORT", "0");
      raw.put("SOMA_EMBEDDER", "hash");
      raw.put("SOMA_VECTOR_DIM", dim);
      raw.put("SOMA_HTTP_INSTANCES", "1");
      servers.put(s, await(SomaServer.start(vertx, SomaConfig.from(raw))));
      samples.put(s, new Samples());
    }
    WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(concurrency));

    for (int round = 0; round < rounds + 1; round++) {
      boolean warmUp = round == 0;
      List<Buffer> storeBodies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = round * n + i;
        storeBodies.add(new JsonObject().put("coord", id + ".0," + (id % 97) + ".5")
            .put("payload", new JsonObject().put("content", "benchmark memory " + id + " about topic " + (id % 113)
                + " and the " + WORDS[id % WORDS.length] + " of " + WORDS[(id * 7) % WORDS.length]))
            .put("metadata", new JsonObject().put("source", "bench").put("n", id)).toBuffer());
      }
      List<Buffer> searchBodies = new ArrayList<>();
      for (int i = 0; i < searches; i++) {
        searchBodies.add(new JsonObject().put("query", "topic " + (i % 113) + " " + WORDS[i % WORDS.length])
            .put("top_k", 10).toBuffer());
      }
      phase(vertx, client, setups, servers, samples, "/memories", storeBodies, concurrency, warmUp, true);
      phase(vertx, client, setups, servers, samples, "/memories/search", searchBodies, concurrency, warmUp, false);
    }

    report(samples, n, searches, rounds, concurrency);
    micro(keys[0]);
    for (SomaServer server : servers.values()) {
      await(server.stop());
    }
    await(vertx.close());
  }

  /**
   * Sends {@code bodies} to every server, {@value #CHUNK} requests at a time, the servers taken in a rotating order
   * chunk after chunk, so a change in the machine's load hits every configuration alike.
   */
  private static void phase(Vertx vertx, WebClient client, List<Setup> setups, Map<Setup, SomaServer> servers,
      Map<Setup, Samples> samples, String path, List<Buffer> bodies, int concurrency, boolean warmUp, boolean stores) {
    for (int from = 0, chunk = 0; from < bodies.size(); from += CHUNK, chunk++) {
      List<Buffer> part = bodies.subList(from, Math.min(bodies.size(), from + CHUNK));
      for (int k = 0; k < setups.size(); k++) {
        Setup s = setups.get((chunk + k) % setups.size());
        long[] t = drive(vertx, client, servers.get(s).port(), path, s.token(), part, concurrency, samples.get(s));
        if (!warmUp) {
          (stores ? samples.get(s).stores : samples.get(s).searches).add(t);
        }
      }
    }
  }

  private static final String[] WORDS = {"harbour", "ledger", "lighthouse", "meadow", "invoice", "glacier",
      "orchard", "compass", "lantern", "quarry", "tide", "summit"};

  private static List<Setup> setups(Vertx vertx, Path dir, Keys[] keys) throws Exception {
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    String masterKey = Base64.getEncoder().encodeToString(master);
    String secret = "a-benchmark-secret-of-at-least-32-bytes";
    JsonObject claims = new JsonObject().put("sub", "bench").put("tenant", TENANT)
        .put("scope", "memory:read memory:write").put("exp", System.currentTimeMillis() / 1000 + 86_400);
    String hs256 = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret))).generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    String rs256 = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()))))
        .generateToken(claims, new JWTOptions().setAlgorithm("RS256"));
    Path publicKey = dir.resolve("rs256.pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", rsa.getPublic().getEncoded()));

    keys[0] = new Keys(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret))), hs256, JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(Files.readString(publicKey)))), rs256,
        new RowCipher(Map.of(1, master), 1, Set.of("*")));
    Map<String, String> encrypted = Map.of("SOMA_ENCRYPT_TENANTS", "*", "SOMA_MASTER_KEY", masterKey);
    Map<String, String> jwtAndEncrypted = new HashMap<>(encrypted);
    jwtAndEncrypted.put("SOMA_JWT_SECRET", secret);
    return List.of(
        new Setup("open", Map.of(), null),
        new Setup("jwt-hs256", Map.of("SOMA_JWT_SECRET", secret), hs256),
        new Setup("jwt-rs256", Map.of("SOMA_JWT_PUBLIC_KEY_FILE", publicKey.toString()), rs256),
        new Setup("encrypted", encrypted, null),
        new Setup("jwt-hs256+encrypted", jwtAndEncrypted, hs256),
        new Setup("open, audit off", Map.of("SOMA_AUDIT", "false"), null));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** Sends every body with {@code concurrency} requests in flight; returns the latencies in nanoseconds. */
  private static long[] drive(Vertx vertx, WebClient client, int port, String path, String token, List<Buffer> bodies,
      int concurrency, Samples samples) {
    long[] latencies = new long[bodies.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(concurrency);
    AtomicLong failures = new AtomicLong();
    Promise<Void> done = Promise.promise();
    for (int c = 0; c < concurrency; c++) {
      vertx.runOnContext(v -> loop(client, port, path, token, bodies, latencies, next, running, failures, done));
    }
    await(done.future());
    samples.failures += failures.get();
    return latencies;
  }

  private static void loop(WebClient client, int port, String path, String token, List<Buffer> bodies,
      long[] latencies, AtomicInteger next, AtomicInteger running, AtomicLong failures, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= bodies.size()) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    HttpRequest<Buffer> request = client.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json");
    if (token == null) {
      request.putHeader("X-Soma-Tenant", TENANT);
    } else {
      request.putHeader("Authorization", "Bearer " + token);
    }
    long t = System.nanoTime();
    request.sendBuffer(bodies.get(i)).onComplete(ar -> {
      latencies[i] = System.nanoTime() - t;
      if (ar.failed() || ar.result().statusCode() != 200) {
        failures.incrementAndGet();
      }
      loop(client, port, path, token, bodies, latencies, next, running, failures, done);
    });
  }

  private static void report(Map<Setup, Samples> samples, int n, int searches, int rounds, int concurrency) {
    double baseStore = 0;
    double baseSearch = 0;
    StringBuilder table = new StringBuilder("| configuration | store p50 ms | store p99 ms | store p50 ratio | "
        + "search p50 ms | search p99 ms | search p50 ratio | failures |\n|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<Setup, Samples> e : samples.entrySet()) {
      long[] stores = merged(e.getValue().stores);
      long[] found = merged(e.getValue().searches);
      double storeP50 = percentile(stores, 0.50);
      double searchP50 = percentile(found, 0.50);
      if (baseStore == 0) {
        baseStore = storeP50;
        baseSearch = searchP50;
      }
      System.out.printf("{\"bench\":\"security\",\"configuration\":\"%s\",\"stores\":%d,\"searches\":%d,"
              + "\"concurrency\":%d,\"store_p50_ms\":%.2f,\"store_p99_ms\":%.2f,\"search_p50_ms\":%.2f,"
              + "\"search_p99_ms\":%.2f,\"failures\":%d}%n", e.getKey().name(), stores.length, found.length,
          concurrency, storeP50, percentile(stores, 0.99), searchP50, percentile(found, 0.99),
          e.getValue().failures);
      table.append(String.format("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n", e.getKey().name(),
          storeP50, percentile(stores, 0.99), storeP50 / baseStore, searchP50, percentile(found, 0.99),
          searchP50 / baseSearch, e.getValue().failures));
    }
    System.out.printf("%n%d rounds of %d stores and %d searches per configuration (after one warm-up round), "
        + "%d in flight:%n%n%s", rounds, n, searches, concurrency, table);
  }

  /**
   * The pieces alone, single-threaded, after a warm-up: one JWT verification by vertx-auth-jwt (what each request of
   * a JWT server pays), and sealing plus opening one row of the benchmark's shape (what a store and a hydrated search
   * result of an encrypted tenant pay).
   */
  private static void micro(Keys k) {
    int n = 20_000;
    MemoryDraft draft = new MemoryDraft(TENANT, Coordinate.parse("12.0,3.5"), new JsonObject().put("content",
        "benchmark memory 12 about topic 12 and the tide of harbour"), MemoryType.EPISODIC, 1,
        new JsonObject().put("source", "bench").put("n", 12), "benchmark memory 12 about topic 12 and the tide of harbour",
        null, "hash");
    for (int pass = 0; pass < 2; pass++) {
      double hs = perOp(n, () -> await(k.hs256().authenticate(new TokenCredentials(k.hs256Token()))));
      double rs = perOp(n, () -> await(k.rs256().authenticate(new TokenCredentials(k.rs256Token()))));
      double seal = perOp(n, () -> k.cipher().seal(draft));
      MemoryDraft sealed = k.cipher().seal(draft);
      Memory row = new Memory("id", TENANT, sealed.coordinate(), sealed.payload(), sealed.type(), sealed.importance(),
          sealed.metadata(), sealed.text(), null, "hash", 0, 0, 0, 0, 1);
      double open = perOp(n, () -> k.cipher().open(row));
      if (pass == 1) {
        System.out.printf("%nIn process, single thread, mean of %d: JWT HS256 verification %.1f µs, RS256 %.1f µs; "
            + "sealing one row (payload, metadata, text) %.1f µs, opening it %.1f µs.%n", n, hs, rs, seal, open);
      }
    }
  }

  private static double perOp(int n, Runnable op) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  private static long[] merged(List<long[]> parts) {
    long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] / 1e6;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
