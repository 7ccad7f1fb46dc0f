package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
  private static final JsonObject MEMORY = new JsonObject().put("coord", "1").put("payload",
      new JsonObject().put("content", "guarded"));

  @Test
  void staticTokenGuardsMemoryRoutes() {
    try (TestServer server = TestServer.start(Map.of("SOMA_API_TOKEN", "s3cret-token"))) {
      TestServer.Resp missing = server.call(HttpMethod.POST, "/memories", MEMORY, "t", null);
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.headers().get("WWW-Authenticate")).startsWith("Bearer");
      assertThat(missing.json().getString("detail")).isEqualTo("Missing bearer token");
      TestServer.Resp wrong = server.call(HttpMethod.POST, "/memories", MEMORY, "t", "s3cret-tokeN");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.json().getString("detail")).isEqualTo("Invalid API token");
      assertThat(server.call(HttpMethod.GET, "/stats", null, "t", "nope").status()).isEqualTo(401);
      assertThat(server.call(HttpMethod.GET, "/memories/1", null, "t", null).status()).isEqualTo(401);

      assertThat(server.call(HttpMethod.POST, "/memories", MEMORY, "t", "s3cret-token").status()).isEqualTo(200);
      var lowerCaseScheme = server.client.get("/memories/1").putHeader("Authorization", "bearer s3cret-token")
          .putHeader("X-Soma-Tenant", "t");
      assertThat(TestServer.await(lowerCaseScheme.send()).statusCode()).isEqualTo(200);
      assertThat(server.call(HttpMethod.GET, "/stats", null, "t", "s3cret-token").json().getLong("total_memories"))
          .isEqualTo(1L);
      assertThat(server.get("/healthz", null).status()).isEqualTo(200);
      assertThat(server.get("/readyz", null).status()).isEqualTo(200);
    }
  }

  @Test
  void tokenFileTakesPrecedence(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\n");
    try (TestServer server = TestServer.start(Map.of("SOMA_API_TOKEN", "from-env",
        "SOMA_API_TOKEN_FILE", file.toString()))) {
      assertThat(server.call(HttpMethod.GET, "/stats", null, "t", "from-env").status()).isEqualTo(401);
      assertThat(server.call(HttpMethod.GET, "/stats", null, "t", "from-file").status()).isEqualTo(200);
    }
  }
}
