package org.somafractal.memory.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.SomaException;

class TokenTableTest {
  @Test
  void tokenFileWithSha256AndPlainTokens(@TempDir Path dir) throws Exception {
    String digest = HexFormat.of().formatHex(TokenTable.sha256("reader-token"));
    Path file = Files.writeString(dir.resolve("tokens.json"), """
        [{"token_sha256": "%s", "tenant": "acme", "scopes": ["memory:read"], "id": "acme-reader"},
         {"token": "ops-token", "scopes": "admin", "id": "ops"}]
        """.formatted(digest.toUpperCase()));
    TokenTable table = TokenTable.load(SomaConfig.from(Map.of("SOMA_TOKENS_FILE", file.toString())));
    Principal reader = table.lookup("reader-token");
    assertThat(reader.id()).isEqualTo("acme-reader");
    assertThat(reader.tenant()).isEqualTo("acme");
    assertThat(reader.has(Scope.MEMORY_READ)).isTrue();
    assertThat(reader.has(Scope.MEMORY_WRITE)).isFalse();
    assertThat(table.lookup("ops-token").has(Scope.GRAPH_WRITE)).isTrue();
    assertThat(table.lookup(digest)).as("the digest itself is not a token").isNull();
    assertThat(table.lookup("reader-tokeN")).isNull();
  }

  @Test
  void staticTokenWithTenantAndScopes() {
    TokenTable table = TokenTable.load(SomaConfig.from(Map.of("SOMA_API_TOKEN", "s", "SOMA_API_TOKEN_TENANT", "t1",
        "SOMA_API_TOKEN_SCOPES", "memory:read")));
    Principal p = table.lookup("s");
    assertThat(p.tenant()).isEqualTo("t1");
    assertThat(p.tenantFor(null)).isEqualTo("t1");
    assertThat(p.tenantFor("t1")).isEqualTo("t1");
    assertThatThrownBy(() -> p.tenantFor("t2")).isInstanceOf(SomaException.class).hasMessageContaining("t2");
    Principal unbound = TokenTable.load(SomaConfig.from(Map.of("SOMA_API_TOKEN", "s"))).lookup("s");
    assertThat(unbound.tenantFor("any")).isEqualTo("any");
    assertThat(unbound.tenantFor(null)).isEqualTo(Tenants.DEFAULT);
  }

  @Test
  void badFilesStopStartUp(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "[{\"token\": \"x\", \"scopes\": [\"memory:rede\"]}]");
    assertThatThrownBy(() -> TokenTable.load(SomaConfig.from(Map.of("SOMA_TOKENS_FILE", bad.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("memory:rede");
    Path shortHash = Files.writeString(dir.resolve("short.json"), "[{\"token_sha256\": \"abc\", \"scopes\": \"admin\"}]");
    assertThatThrownBy(() -> TokenTable.load(SomaConfig.from(Map.of("SOMA_TOKENS_FILE", shortHash.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("64 hex");
    assertThatThrownBy(() -> TokenTable.load(SomaConfig.from(Map.of("SOMA_API_TOKEN", "s", "SOMA_API_TOKEN_SCOPES", "root"))))
        .isInstanceOf(ConfigException.class);
  }
}
