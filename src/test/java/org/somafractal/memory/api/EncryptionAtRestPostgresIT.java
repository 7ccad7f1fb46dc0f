package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.somafractal.memory.store.postgres.PgTestDatabase;

/**
 * Encryption at rest in evented_enterprise mode: the raw PostgreSQL columns of an encrypted tenant hold no plaintext
 * (and neither does the outbox), the API answers plaintext before and after a restart, a tenant not listed stays
 * plaintext, and a wrong master key fails the start.
 */
class EncryptionAtRestPostgresIT {
  @RegisterExtension
  static final PgTestDatabase.PerClass pg = new PgTestDatabase.PerClass();

  private static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static Map<String, String> config(String key) {
    Map<String, String> config = new HashMap<>();
    config.put("MEMORY_MODE", "evented_enterprise");
    config.put("POSTGRES_URL", pg.db().url());
    config.put("SOMA_PG_POOL_SIZE", "2");
    config.put("SOMA_ENCRYPT_TENANTS", "vault");
    config.put("SOMA_MASTER_KEY", key);
    return config;
  }

  private static JsonObject body(String content, String label) {
    return new JsonObject().put("coord", "1,2").put("payload", new JsonObject().put("content", content))
        .put("metadata", new JsonObject().put("label", label));
  }

  private static String rawColumns(String tenant) {
    StringBuilder sb = new StringBuilder();
    for (Row r : pg.db().sql("SELECT payload::text, text, metadata::text FROM memories WHERE tenant = '" + tenant + "'")) {
      sb.append(r.getString(0)).append(r.getString(1)).append(r.getString(2));
    }
    for (Row r : pg.db().sql("SELECT event::text FROM outbox")) {
      sb.append(r.getString(0));
    }
    return sb.toString();
  }

  @Test
  void rawColumnsHoldNoPlaintext() {
    Map<String, String> config = config(newKey());
    try (TestServer server = TestServer.start(config)) {
      assertThat(server.post("/memories", body("zanzibarquokka secret", "pg-meta-secret"), "vault").status())
          .isEqualTo(200);
      assertThat(server.post("/memories", body("plainwombat open", "open-label"), "open").status()).isEqualTo(200);
      assertServed(server);
    }
    String vault = rawColumns("vault");
    assertThat(vault).doesNotContain("zanzibarquokka").doesNotContain("pg-meta-secret").contains("soma:enc:v1:");
    assertThat(rawColumns("open")).contains("plainwombat").contains("open-label");
    List<String> versions = new ArrayList<>();
    for (Row r : pg.db().sql("SELECT tenant, key_version FROM memories ORDER BY tenant")) {
      versions.add(r.getString(0) + ":" + r.getInteger(1));
    }
    assertThat(versions).containsExactly("open:null", "vault:1");

    try (TestServer restarted = TestServer.start(config)) {
      assertServed(restarted);
    }
    assertThatThrownBy(() -> TestServer.start(config(newKey()))).rootCause()
        .hasMessageContaining("Cannot decrypt").hasMessageContaining("wrong SOMA_MASTER_KEY");
  }

  private static void assertServed(TestServer server) {
    JsonObject memory = server.get("/memories/1,2", "vault").json().getJsonObject("memory");
    assertThat(memory.getJsonObject("payload").getString("content")).isEqualTo("zanzibarquokka secret");
    assertThat(memory.getJsonObject("metadata").getString("label")).isEqualTo("pg-meta-secret");
    JsonArray hits = server.post("/memories/search", new JsonObject().put("query", "zanzibarquokka")
        .put("mode", "hybrid").put("filters", new JsonObject().put("label", "pg-meta-secret")), "vault")
        .json().getJsonArray("memories");
    assertThat(hits).hasSize(1);
    assertThat(hits.getJsonObject(0).getJsonObject("payload").getString("content")).isEqualTo("zanzibarquokka secret");
  }
}
