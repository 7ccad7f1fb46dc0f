package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.testing.ScratchPostgres;

/**
 * PostgreSQL going away under load and coming back, on a PostgreSQL of the test's own (initdb in a temporary
 * directory, a free port; the machine's own server is never touched): the requests it affects answer 503 with
 * Retry-After, readiness turns false while liveness stays up, the node recovers by itself once PostgreSQL is back,
 * no acknowledged write is lost, and the indexes hold exactly what was committed.
 */
class PostgresFaultIT {
  private static final String TENANT = "faults";

  @Test
  void anOutageIsA503WithRetryAfterAndTheNodeRecoversWithNothingAcknowledgedLost() throws Exception {
    try (ScratchPostgres pg = ScratchPostgres.start();
        TestServer node = TestServer.start(Map.of("MEMORY_MODE", "evented_enterprise",
            "POSTGRES_URL", pg.url("postgres"), "SOMA_PG_POOL_SIZE", "4", "SOMA_PG_CONNECT_TIMEOUT_MS", "2000",
            "SOMA_PG_QUERY_TIMEOUT_MS", "5000", "SOMA_HEALTH_TIMEOUT_MS", "1000"))) {
      FaultLoad load = new FaultLoad(List.of(node), TENANT, 4, 800, 15);
      load.start();
      assertThat(FaultLoad.await(() -> load.count(200) >= 60, 30)).as("stores before the outage").isTrue();

      pg.crash();
      assertThat(FaultLoad.await(() -> node.get("/readyz", null).status() == 503, 10)).as("not ready").isTrue();
      assertThat(node.get("/readyz", null).json().getBoolean("ready")).isFalse();
      assertThat(node.get("/healthz", null).status()).as("still alive").isEqualTo(200);
      TestServer.Resp health = node.get("/health", null);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("status")).isEqualTo("unhealthy");
      assertThat(FaultLoad.await(() -> load.count(503) >= 30, 20)).as("requests refused during the outage").isTrue();

      pg.restart();
      assertThat(FaultLoad.await(() -> node.get("/readyz", null).status() == 200, 30))
          .as("ready again by itself: %s", pg.log()).isTrue();
      long recovered = System.nanoTime();
      long acksBefore = load.count(200);
      assertThat(FaultLoad.await(() -> load.count(200) >= acksBefore + 60, 30)).as("stores after the outage")
          .isTrue();
      List<FaultLoad.Outcome> outcomes = load.finish();

      assertThat(outcomes).as("only successes and 503s").allSatisfy(o ->
          assertThat(o.status()).as("%s", o).isIn(200, 503));
      assertThat(outcomes).filteredOn(o -> o.status() == 503).allSatisfy(o ->
          assertThat(o.retryAfter()).as("%s", o).isNotNull());
      assertThat(outcomes).filteredOn(o -> o.startedNanos() > recovered).as("after the recovery")
          .isNotEmpty().allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));

      // What the store holds now, coordinate by coordinate, against what was acknowledged.
      Map<String, String> stored = new HashMap<>();
      for (String line : node.get("/memories/export", TENANT).text().split("\n")) {
        if (!line.isBlank()) {
          JsonObject m = new JsonObject(line);
          stored.put(m.getString("coord"), m.getJsonObject("payload").getString("content"));
        }
      }
      Set<String> unknown = new HashSet<>();
      Map<String, String> acknowledged = new HashMap<>();
      for (FaultLoad.Outcome o : outcomes) {
        if (o.op().equals("store") && o.status() == 200) {
          acknowledged.put(o.coord(), o.word());
        } else if (o.op().equals("delete") && o.status() == 200) {
          acknowledged.remove(o.coord());
          unknown.remove(o.coord());
        } else {
          unknown.add(o.coord());
        }
      }
      acknowledged.keySet().removeAll(unknown);
      assertThat(acknowledged).as("acknowledged stores").hasSizeGreaterThan(30);
      acknowledged.forEach((coord, word) -> assertThat(stored.get(canonical(coord))).as("acknowledged %s", coord)
          .isEqualTo("fault memory " + word));
      for (FaultLoad.Outcome o : outcomes) {
        if (o.op().equals("delete") && o.status() == 200) {
          assertThat(stored).as("acknowledged delete of %s", o.coord()).doesNotContainKey(canonical(o.coord()));
        }
      }

      // The indexes hold exactly what was committed, whatever the outcome the client saw.
      assertThat(FaultLoad.await(() -> counts(node).equals(List.of((long) stored.size(), (long) stored.size(),
          (long) stored.size())), 20)).as("index counts %s, store %d", counts(node), stored.size()).isTrue();
      for (FaultLoad.Outcome o : outcomes) {
        if (o.op().equals("store")) {
          List<String> found = node.post("/memories/search", new JsonObject().put("query", o.word())
              .put("mode", "lexical"), TENANT).json().getJsonArray("memories").stream()
              .map(m -> ((JsonObject) m).getString("coord")).toList();
          assertThat(found.contains(canonical(o.coord()))).as("%s searchable iff stored: %s", o, found)
              .isEqualTo(stored.containsKey(canonical(o.coord())));
        }
      }
    }
  }

  /** total_memories, vector_count, lexical_count. */
  static List<Long> counts(TestServer node) {
    JsonObject stats = node.get("/stats", TENANT).json();
    return List.of(stats.getLong("total_memories"), stats.getLong("vector_count"), stats.getLong("lexical_count"));
  }

  static String canonical(String coord) {
    String[] parts = coord.split(",");
    return Double.parseDouble(parts[0]) + "," + Double.parseDouble(parts[1]);
  }
}
