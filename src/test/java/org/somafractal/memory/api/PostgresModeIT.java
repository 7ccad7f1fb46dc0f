package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.store.postgres.PgTestDatabase;

/** The server in evented_enterprise mode on the local PostgreSQL: store, search, restart, everything still there. */
class PostgresModeIT {
  private static PgTestDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = PgTestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void storeSearchRestartRoundTripOverHttp() {
    Map<String, String> config = Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", db.url(),
        "SOMA_PG_POOL_SIZE", "4");
    try (TestServer first = TestServer.start(config)) {
      for (int i = 0; i < 20; i++) {
        TestServer.Resp stored = first.post("/memories", new JsonObject().put("coord", i + ",1")
            .put("payload", new JsonObject().put("content", "durable memory number " + i + " about lighthouse " + i)),
            "pg");
        assertThat(stored.status()).as("%s", stored).isEqualTo(200);
      }
      first.post("/memories", new JsonObject().put("coord", "0,1")
          .put("payload", new JsonObject().put("content", "rewritten zeppelin memory")), "pg");
      assertThat(first.delete("/memories/19,1", "pg").json().getBoolean("deleted")).isTrue();
      JsonArray hits = first.post("/memories/search", new JsonObject().put("query", "zeppelin").put("mode", "lexical"),
          "pg").json().getJsonArray("memories");
      assertThat(hits).hasSize(1);
    }
    assertThat(db.count("SELECT count(*) FROM memories WHERE tenant = 'pg'")).isEqualTo(19);
    assertThat(db.count("SELECT count(*) FROM outbox")).as("20 created, 1 updated, 1 deleted").isEqualTo(22);
    // The audit trail, stored on the way down: one entry per write and delete, never the payload.
    assertThat(db.count("SELECT count(*) FROM audit_log WHERE tenant = 'pg' AND route = 'POST /memories' "
        + "AND action = 'write' AND status = 200 AND credential = 'open'")).isEqualTo(21);
    assertThat(db.count("SELECT count(*) FROM audit_log WHERE route = 'DELETE /memories/{coord}' "
        + "AND target ->> 'coord' = '19.0,1.0' AND (target ->> 'deleted')::boolean")).isEqualTo(1);
    assertThat(db.count("SELECT count(*) FROM audit_log")).as("searches are not audited").isEqualTo(22);
    db.sql("SELECT row_to_json(a)::text AS row FROM audit_log a").forEach(row ->
        assertThat(row.getString(0)).doesNotContain("lighthouse").doesNotContain("zeppelin").doesNotContain("durable"));

    try (TestServer second = TestServer.start(config)) {
      JsonObject stats = second.get("/stats", "pg").json();
      assertThat(stats.getLong("total_memories")).isEqualTo(19L);
      assertThat(stats.getLong("vector_count")).isEqualTo(19L);
      assertThat(stats.getLong("lexical_count")).isEqualTo(19L);
      assertThat(second.get("/memories/19,1", "pg").status()).isEqualTo(404);
      assertThat(second.get("/memories/12,1", "pg").json().getJsonObject("memory").getJsonObject("payload")
          .getString("content")).isEqualTo("durable memory number 12 about lighthouse 12");
      JsonArray lexical = second.post("/memories/search", new JsonObject().put("query", "zeppelin")
          .put("mode", "lexical"), "pg").json().getJsonArray("memories");
      assertThat(lexical).hasSize(1);
      assertThat(lexical.getJsonObject(0).getString("coord")).isEqualTo("0.0,1.0");
      JsonArray byMeaning = second.post("/memories/search", new JsonObject()
          .put("query", "durable memory number 7 about lighthouse 7").put("mode", "vector").put("top_k", 1), "pg")
          .json().getJsonArray("memories");
      assertThat(byMeaning.getJsonObject(0).getString("coord")).isEqualTo("7.0,1.0");
      JsonArray range = second.get("/memories/range?min=0,0&max=3,5", "pg").json().getJsonArray("memories");
      assertThat(range).extracting(m -> ((JsonObject) m).getString("coord"))
          .containsExactly("0.0,1.0", "1.0,1.0", "2.0,1.0", "3.0,1.0");
    }
  }

  @Test
  void aServerModeWithoutPostgresUrlIsAConfigError() {
    assertThatThrownBy(() -> TestServer.start(Map.of("MEMORY_MODE", "cloud_managed")))
        .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("POSTGRES_URL");
    assertThatThrownBy(() -> TestServer.start(Map.of("MEMORY_MODE", "evented_enterprise", "POSTGRES_URL", "nope")))
        .rootCause().isInstanceOf(ConfigException.class).hasMessageContaining("POSTGRES_URL");
  }
}
