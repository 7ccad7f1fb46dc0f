package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.core.SomaException;

/**
 * Encryption at rest with the SQLite store: an encrypted tenant's payload, text and metadata never reach the database
 * file or its WAL in plaintext, yet reads, search and filters answer plaintext, also after a restart (the indexes are
 * rebuilt from decrypted rows); a tenant not listed stays plaintext; a wrong master key fails the start clearly.
 */
class EncryptionAtRestTest {
  private static final String SECRET_PAYLOAD = "zanzibarquokka payload secret";
  private static final String SECRET_META = "meta-secret-7f3c9a";

  private static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static Map<String, String> config(Path dir, String key) {
    Map<String, String> config = new HashMap<>();
    config.put("MEMORY_MODE", "development");
    config.put("SOMA_DATA_DIR", dir.toString());
    config.put("SOMA_ENCRYPT_TENANTS", "vault");
    config.put("SOMA_MASTER_KEY", key);
    return config;
  }

  private static JsonObject body(String content, String label) {
    return new JsonObject().put("coord", "1,2").put("payload", new JsonObject().put("content", content))
        .put("metadata", new JsonObject().put("ctx", new JsonObject().put("label", label)));
  }

  private static String rawFiles(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String name : new String[] {"soma.db", "soma.db-wal"}) {
      Path file = dir.resolve(name);
      if (Files.exists(file)) {
        sb.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  @Test
  void noPlaintextOnDiskButPlaintextThroughTheApi(@TempDir Path dir) throws IOException {
    String key = newKey();
    Map<String, String> config = config(dir, key);
    try (TestServer server = TestServer.start(config)) {
      assertThat(server.post("/memories", body(SECRET_PAYLOAD, SECRET_META), "vault").status()).isEqualTo(200);
      assertThat(server.post("/memories", body("plainwombat open payload", "open-label"), "open").status())
          .isEqualTo(200);

      assertThat(Files.exists(dir.resolve("soma.db-wal"))).as("the write is in the WAL while the server runs").isTrue();
      String raw = rawFiles(dir);
      assertThat(raw).doesNotContain("zanzibarquokka").doesNotContain(SECRET_META);
      assertThat(raw).as("a tenant not listed stays plaintext").contains("plainwombat");
      assertThat(raw).contains("soma:enc:v1:");

      assertPlaintextServed(server);
      JsonObject forged = new JsonObject().put("coord", "3,4")
          .put("payload", new JsonObject().put("$soma_enc", "soma:enc:v1:AAAA"));
      assertThat(server.post("/memories", forged, "open").status())
          .as("a plaintext row that would read back as sealed would break every restart").isEqualTo(422);
    }
    assertThat(rawFiles(dir)).doesNotContain("zanzibarquokka").doesNotContain(SECRET_META);

    try (TestServer restarted = TestServer.start(config)) {
      assertPlaintextServed(restarted);
    }
    assertThat(keyVersions(dir)).containsExactly("open:null", "vault:1");

    Map<String, String> rotated = config(dir, newKey());
    rotated.put("SOMA_MASTER_KEY_VERSION", "2");
    rotated.put("SOMA_MASTER_KEY_PREVIOUS", "1:" + key);
    try (TestServer server = TestServer.start(rotated)) {
      assertPlaintextServed(server);
      assertThat(server.post("/memories", body("rotated zanzibarquokka", "new-label").put("coord", "5,6"), "vault")
          .status()).isEqualTo(200);
    }
    assertThat(keyVersions(dir)).as("old rows keep version 1 until rewritten").containsExactly("open:null",
        "vault:1", "vault:2");
    assertThat(rawFiles(dir)).doesNotContain("zanzibarquokka");

    rotated.remove("SOMA_MASTER_KEY_PREVIOUS");
    assertThatThrownBy(() -> TestServer.start(rotated)).rootCause().hasMessageContaining("master key version 1")
        .hasMessageContaining("SOMA_MASTER_KEY_PREVIOUS");

    Map<String, String> wrongKey = config(dir, newKey());
    assertThatThrownBy(() -> TestServer.start(wrongKey))
        .hasRootCauseInstanceOf(SomaException.class)
        .rootCause().hasMessageContaining("Cannot decrypt").hasMessageContaining("wrong SOMA_MASTER_KEY");

    Map<String, String> noKey = new HashMap<>(config);
    noKey.remove("SOMA_MASTER_KEY");
    noKey.remove("SOMA_ENCRYPT_TENANTS");
    assertThatThrownBy(() -> TestServer.start(noKey))
        .rootCause().hasMessageContaining("Cannot decrypt").hasMessageContaining("master key version 1");
  }

  private static List<String> keyVersions(Path dir) {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("soma.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT tenant, key_version FROM memories ORDER BY tenant, key_version")) {
      while (rs.next()) {
        out.add(rs.getString(1) + ":" + rs.getObject(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static void assertPlaintextServed(TestServer server) {
    JsonObject memory = server.get("/memories/1,2", "vault").json().getJsonObject("memory");
    assertThat(memory.getJsonObject("payload").getString("content")).isEqualTo(SECRET_PAYLOAD);
    assertThat(memory.getJsonObject("metadata").getJsonObject("ctx").getString("label")).isEqualTo(SECRET_META);
    for (String mode : new String[] {"lexical", "vector", "hybrid"}) {
      JsonArray hits = server.post("/memories/search", new JsonObject().put("query", "zanzibarquokka payload")
          .put("mode", mode).put("filters", new JsonObject().put("ctx.label", SECRET_META)), "vault")
          .json().getJsonArray("memories");
      assertThat(hits).as(mode).hasSize(1);
      assertThat(hits.getJsonObject(0).getJsonObject("payload").getString("content")).isEqualTo(SECRET_PAYLOAD);
    }
    assertThat(server.get("/memories/1,2", "open").json().getJsonObject("memory").getJsonObject("payload")
        .getString("content")).isEqualTo("plainwombat open payload");
  }

  @Test
  void aMissingOrMalformedKeyIsAConfigurationError(@TempDir Path dir) {
    Map<String, String> config = config(dir, "");
    config.remove("SOMA_MASTER_KEY");
    assertThatThrownBy(() -> TestServer.start(config)).rootCause().hasMessageContaining("SOMA_MASTER_KEY")
        .hasMessageContaining("required");
    Map<String, String> shortKey = config(dir, Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> TestServer.start(shortKey)).rootCause().hasMessageContaining("must be 32 bytes");
  }
}
