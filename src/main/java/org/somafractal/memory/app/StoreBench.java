package org.somafractal.memory.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Drives {@code POST /memories} (or {@code /memories/bulk}) of a running server with a fixed number of requests in
 * flight and prints stores per second and latency percentiles. With {@code --vectors} each memory carries a random
 * client vector (a JSON array of numbers, or with {@code --vector-encoding base64} the base64 of its little-endian
 * float32 bytes); without, the server embeds the text itself.
 *
 * <p>Options: {@code --url http://127.0.0.1:9595 --n 20000 --concurrency 64 --dim 384 --tenant bench --bulk 1
 * --vectors true --vector-encoding json --token T}.
 */
public final class StoreBench {
  private StoreBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    URI url = URI.create(o.getOrDefault("url", "http://127.0.0.1:9595"));
    int n = Integer.parseInt(o.getOrDefault("n", "20000"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "64"));
    int dim = Integer.parseInt(o.getOrDefault("dim", "384"));
    int bulk = Integer.parseInt(o.getOrDefault("bulk", "1"));
    boolean vectors = Boolean.parseBoolean(o.getOrDefault("vectors", "true"));
    boolean base64 = switch (o.getOrDefault("vector-encoding", "json")) {
      case "json" -> false;
      case "base64" -> true;
      default -> throw new IllegalArgumentException("--vector-encoding is json or base64");
    };
    String tenant = o.getOrDefault("tenant", "bench");
    String token = o.get("token");

    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(url.getHost())
        .setDefaultPort(url.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    int requests = (n + bulk - 1) / bulk;
    Random random = new Random(42);
    Buffer[] bodies = new Buffer[requests];
    for (int r = 0; r < requests; r++) {
      JsonArray items = new JsonArray();
      for (int i = r * bulk; i < Math.min(n, (r + 1) * bulk); i++) {
        items.add(item(i, dim, vectors, base64, random));
      }
      bodies[r] = bulk == 1 ? items.getJsonObject(0).toBuffer() : new JsonObject().put("items", items).toBuffer();
    }
    String path = bulk == 1 ? "/memories" : "/memories/bulk";
    Load.Result result = Load.run(vertx, requests, concurrency, r -> {
      HttpRequest<Buffer> request = client.post(path).putHeader("Content-Type", "application/json")
          .putHeader("X-Soma-Tenant", tenant);
      if (token != null) {
        request.putHeader("Authorization", "Bearer " + token);
      }
      return request.sendBuffer(bodies[r]).compose(response -> response.statusCode() == 200
          ? Future.succeededFuture(true)
          : Future.failedFuture("HTTP " + response.statusCode() + ": " + response.bodyAsString()));
    });
    System.out.printf("{\"bench\":\"store\",\"memories\":%d,\"requests\":%d,\"bulk\":%d,\"client_vectors\":%s,"
            + "\"concurrency\":%d,\"seconds\":%.2f,\"stores_per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"failures\":%d}%n",
        n, requests, bulk, vectors, concurrency, result.seconds(), result.perSecond(n), result.ms(0.5),
        result.ms(0.99), result.failures());
    vertx.close();
    if (result.failures() > 0) {
      System.err.printf("%d of %d requests to %s failed; the first: %s%n", result.failures(), requests, url,
          result.firstFailure());
      System.exit(1);
    }
  }

  /** One memory of the benchmark's corpus: a coordinate, a text with a topic, and optionally a random vector. */
  static JsonObject item(int i, int dim, boolean vectors, boolean base64, Random random) {
    JsonObject item = new JsonObject()
        .put("coord", i + ".0," + (i % 97) + ".5")
        .put("payload", new JsonObject().put("content", "benchmark memory number " + i + " about topic " + (i % 113)))
        .put("memory_type", "episodic")
        .put("importance", 1 + (i % 5));
    if (vectors) {
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = random.nextFloat() - 0.5f;
      }
      if (base64) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(v);
        item.put("vector", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        JsonArray array = new JsonArray();
        for (float x : v) {
          array.add(x);
        }
        item.put("vector", array);
      }
    }
    return item;
  }

  /** {@code --name value} pairs as a map from name to value; anything else is an IllegalArgumentException. */
  public static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }
}
