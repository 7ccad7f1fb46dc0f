package org.somafractal.memory.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.config.SomaConfig;

/**
 * Retrieval quality on LoCoMo (Maharana et al., ACL 2024) without an LLM: every conversation turn becomes an episodic
 * memory of its own tenant, with its {@code dia_id} in the metadata; every question is a search; a question scores
 * turn-level {@code recall@k = |evidence ∩ dia_ids(top k)| / |evidence|} and the reciprocal rank of its first
 * evidence turn. Reported per raw category (1–4, and 5, the adversarial one, separately), for each search mode and
 * bundled model, with search latency and ingest time. It starts its own server in-process (test mode) and talks to it
 * over HTTP, so the whole path is measured.
 *
 * <p>Options: {@code --data ../shared/data/locomo10.json
 * --models e5-small-v2-q,all-minilm-l6-v2-q,bge-small-en-v15-q
 * --modes vector,lexical,hybrid}; any {@code --SOMA_KEY value} sets that server setting (e.g.
 * {@code --SOMA_FUSION weighted --SOMA_HYBRID_ALPHA 0.3}). The data set is read where it lies; it is never copied into the project.
 */
public final class LocomoBench {
  private static final int TOP = 10;
  private static final int[] KS = {1, 5, 10};

  private LocomoBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = StoreBench.options(args);
    Path data = Path.of(o.getOrDefault("data", "../shared/data/locomo10.json"));
    List<String> models = List.of(
        o.getOrDefault("models", "e5-small-v2-q,all-minilm-l6-v2-q,bge-small-en-v15-q").split(","));
    List<String> modes = List.of(o.getOrDefault("modes", "vector,lexical,hybrid").split(","));
    JsonArray conversations = new JsonArray(Files.readString(data));
    System.out.printf("LoCoMo: %d conversations from %s%n", conversations.size(), data);
    Map<String, String> settings = new java.util.HashMap<>();
    o.forEach((key, value) -> {
      if (key.matches("[A-Z][A-Z0-9_]*")) {
        settings.put(key, value);
      }
    });
    for (String model : models) {
      run(conversations, model.trim(), modes, settings);
    }
  }

  private static void run(JsonArray conversations, String model, List<String> modes, Map<String, String> settings)
      throws IOException {
    int port = freePort();
    Map<String, String> raw = new java.util.HashMap<>(settings);
    raw.putAll(Map.of("MEMORY_MODE", "test", "SOMA_EMBEDDER", "onnx", "SOMA_EMBED_MODEL", model,
        "SOMA_API_PORT", Integer.toString(port), "SOMA_HTTP_INSTANCES", "1"));
    SomaConfig config = SomaConfig.from(raw);
    Vertx vertx = Vertx.vertx();
    SomaServer server = join(SomaServer.start(vertx, config));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(4));
    try {
      long t0 = System.nanoTime();
      int turns = 0;
      for (Object c : conversations) {
        turns += ingest(client, (JsonObject) c);
      }
      double ingestSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%nmodel %s: ingested %d turns in %.1f s (%.0f turns/s)%n", model, turns, ingestSeconds,
          turns / ingestSeconds);
      for (String mode : modes) {
        evaluate(client, conversations, model, mode.trim());
      }
    } finally {
      join(server.stop());
      join(vertx.close());
    }
  }

  private static int ingest(WebClient client, JsonObject conversation) {
    String tenant = tenant(conversation);
    JsonObject conv = conversation.getJsonObject("conversation");
    JsonArray items = new JsonArray();
    for (int session = 1; conv.containsKey("session_" + session); session++) {
      JsonArray turns = conv.getJsonArray("session_" + session);
      String time = conv.getString("session_" + session + "_date_time", "");
      for (int i = 0; i < turns.size(); i++) {
        JsonObject turn = turns.getJsonObject(i);
        String text = turn.getString("speaker") + ": " + turn.getString("text", "");
        if (turn.getString("blip_caption") != null) {
          text += " [shares a photo: " + turn.getString("blip_caption") + "]";
        }
        items.add(new JsonObject()
            .put("coord", new JsonArray().add(session).add(i))
            .put("payload", new JsonObject().put("content", text).put("speaker", turn.getString("speaker")))
            .put("metadata", new JsonObject().put("dia_id", turn.getString("dia_id")).put("session", session)
                .put("session_time", time)));
      }
    }
    for (int from = 0; from < items.size(); from += 100) {
      JsonArray chunk = new JsonArray(items.getList().subList(from, Math.min(items.size(), from + 100)));
      HttpResponse<Buffer> r = join(client.post("/memories/bulk").putHeader("X-Soma-Tenant", tenant)
          .sendJsonObject(new JsonObject().put("items", chunk)));
      if (r.statusCode() != 200) {
        throw new IllegalStateException("ingest failed: " + r.statusCode() + " " + r.bodyAsString());
      }
    }
    return items.size();
  }

  private static void evaluate(WebClient client, JsonArray conversations, String model, String mode) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    List<Long> latencies = new ArrayList<>();
    for (Object c : conversations) {
      JsonObject conversation = (JsonObject) c;
      String tenant = tenant(conversation);
      for (Object q : conversation.getJsonArray("qa")) {
        JsonObject qa = (JsonObject) q;
        Set<String> evidence = evidence(qa.getValue("evidence"));
        if (evidence.isEmpty()) {
          continue;
        }
        long t = System.nanoTime();
        HttpResponse<Buffer> r = join(client.post("/memories/search").putHeader("X-Soma-Tenant", tenant)
            .sendJsonObject(new JsonObject().put("query", qa.getString("question")).put("top_k", TOP).put("mode", mode)));
        latencies.add(System.nanoTime() - t);
        List<String> ranked = new ArrayList<>();
        for (Object m : r.bodyAsJsonObject().getJsonArray("memories")) {
          ranked.add(((JsonObject) m).getJsonObject("metadata").getString("dia_id"));
        }
        int category = qa.getInteger("category");
        double[] scores = score(ranked, evidence);
        add(sums, Integer.toString(category), scores);
        if (category != 5) {
          add(sums, "1-4", scores);
        }
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("%n| model | mode | category | questions | recall@1 | recall@5 | recall@10 | MRR |%n");
    System.out.printf("|---|---|---|---|---|---|---|---|%n");
    for (String key : List.of("1", "2", "3", "4", "1-4", "5")) {
      double[] s = sums.get(key);
      if (s != null) {
        System.out.printf("| %s | %s | %s | %d | %.3f | %.3f | %.3f | %.3f |%n", model, mode, key, (long) s[4],
            s[0] / s[4], s[1] / s[4], s[2] / s[4], s[3] / s[4]);
      }
    }
    System.out.printf("search latency over %d queries: p50 %.1f ms, p95 %.1f ms%n", sorted.length,
        sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6);
  }

  /** recall@1, recall@5, recall@10 and the reciprocal rank of the first evidence turn in the top 10. */
  static double[] score(List<String> ranked, Set<String> evidence) {
    double[] s = new double[4];
    for (int k = 0; k < KS.length; k++) {
      Set<String> top = new HashSet<>(ranked.subList(0, Math.min(KS[k], ranked.size())));
      top.retainAll(evidence);
      s[k] = (double) top.size() / evidence.size();
    }
    for (int i = 0; i < ranked.size(); i++) {
      if (evidence.contains(ranked.get(i))) {
        s[3] = 1.0 / (i + 1);
        break;
      }
    }
    return s;
  }

  private static void add(Map<String, double[]> sums, String key, double[] scores) {
    double[] s = sums.computeIfAbsent(key, k -> new double[5]);
    for (int i = 0; i < 4; i++) {
      s[i] += scores[i];
    }
    s[4]++;
  }

  /** Evidence ids; a few entries hold several ids separated by ';' or ','. */
  static Set<String> evidence(Object value) {
    Set<String> ids = new HashSet<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof String s) {
          Arrays.stream(s.split("[;,]")).map(String::trim).filter(x -> !x.isEmpty()).forEach(ids::add);
        }
      }
    }
    return ids;
  }

  private static String tenant(JsonObject conversation) {
    return "locomo-" + conversation.getString("sample_id", "x").replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static <T> T join(io.vertx.core.Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
