package org.somafractal.memory.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.lexical.LuceneLexicalEngine;

class SomaConfigTest {

  @Test
  void defaultsApplyWhenNothingIsSet() {
    SomaConfig config = SomaConfig.from(Map.of());
    assertThat(config.get(Settings.API_PORT)).isEqualTo(9595);
    assertThat(config.get(Settings.MODE)).isEqualTo("development");
    assertThat(config.get(Settings.MAX_REQUEST_BODY_MB)).isEqualTo(5);
    assertThat(config.get(Settings.API_TOKEN)).isNull();
  }

  @Test
  void theLexicalEngineDefaultsAreTheSettingsDefaults() {
    assertThat(Settings.BM25_K1.defaultValue().floatValue()).isEqualTo(LuceneLexicalEngine.DEFAULT_K1);
    assertThat(Settings.BM25_B.defaultValue().floatValue()).isEqualTo(LuceneLexicalEngine.DEFAULT_B);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> SomaConfig.from(Map.of("SOMA_API_PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SOMA_API_PORT").hasMessageContaining("70000");
    assertThatThrownBy(() -> SomaConfig.from(Map.of("SOMA_VECTOR_DIM", "abc")))
        .hasMessageContaining("SOMA_VECTOR_DIM");
    assertThatThrownBy(() -> SomaConfig.from(Map.of("MEMORY_MODE", "prod")))
        .hasMessageContaining("MEMORY_MODE");
    assertThatThrownBy(() -> SomaConfig.from(Map.of("SOMA_HYBRID_ALPHA", "NaN")))
        .hasMessageContaining("SOMA_HYBRID_ALPHA");
  }

  @Test
  void overridesAreValidatedToo() {
    SomaConfig config = SomaConfig.from(Map.of()).with(Map.of("SOMA_API_PORT", "0", "MEMORY_MODE", "TEST"));
    assertThat(config.get(Settings.API_PORT)).isZero();
    assertThat(config.get(Settings.MODE)).isEqualTo("test");
  }

  @Test
  void theShippedFileOnlyUsesDeclaredKeysWithValidValues() throws IOException {
    Properties file = new Properties();
    try (var in = Files.newInputStream(Path.of(SomaConfig.DEFAULT_FILE))) {
      file.load(in);
    }
    for (String name : file.stringPropertyNames()) {
      assertThat(Settings.ALL).extracting(ConfigKey::name).contains(name);
    }
    Map<String, String> raw = new java.util.HashMap<>();
    file.forEach((k, v) -> raw.put((String) k, (String) v));
    assertThat(SomaConfig.from(raw).get(Settings.API_PORT)).isEqualTo(9595);
  }

  @Test
  void theReadmeDocumentsEveryKey() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).as("README.md holds the output of `bin/soma config`").contains(Settings.markdownTable());
  }
}
