package org.somafractal.memory.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.somafractal.memory.config.ConfigException;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.core.MemoryType;

/** The rules of the policy file: matching, deny wins, default deny, memory types, and start-up validation. */
class AccessPolicyTest {
  private static final Set<Scope> ALL = EnumSet.allOf(Scope.class);

  private static PolicyInput in(String tenant, String credential, String route, Scope required,
      Set<MemoryType> types) {
    return new PolicyInput(tenant, credential, ALL, route, required, types);
  }

  private static PolicyInput write(String tenant, MemoryType... types) {
    return in(tenant, "jwt:agent", "POST /memories", Scope.MEMORY_WRITE,
        types.length == 0 ? null : EnumSet.copyOf(Set.of(types)));
  }

  @Test
  void denyRulesMatchOnEveryConditionTheyGiveAndNameThemselves() {
    AccessPolicy p = AccessPolicy.parse("""
        {"rules": [
          {"id": "acme-read-only", "effect": "deny", "tenants": ["acme"],
           "scopes": ["memory:write", "memory:delete", "graph:write"]},
          {"id": "agent-7-no-export", "effect": "deny", "credentials": ["jwt:agent-7"],
           "routes": ["GET /memories/export", "POST /export_memories"]}]}""", "p.json");
    assertThat(p.denial(write("acme", MemoryType.EPISODIC))).isEqualTo("Forbidden by policy rule 'acme-read-only'");
    assertThat(p.denial(in("acme", "x", "GET /stats", Scope.MEMORY_READ, null))).isNull();
    assertThat(p.denial(write("beta", MemoryType.EPISODIC))).isNull();
    assertThat(p.denial(in("beta", "jwt:agent-7", "GET /memories/export", Scope.MEMORY_READ, null)))
        .isEqualTo("Forbidden by policy rule 'agent-7-no-export'");
    assertThat(p.denial(in("beta", "jwt:agent-8", "GET /memories/export", Scope.MEMORY_READ, null))).isNull();
    assertThat(p.needsMemoryTypes()).isFalse();
    assertThat(p.allowsAll()).isFalse();
  }

  @Test
  void aDenyOnMemoryTypesMatchesWhatTheRequestMayTouchAndUnknownMeansEveryType() {
    AccessPolicy p = AccessPolicy.parse("""
        {"rules": [{"id": "no-summaries", "effect": "deny", "scopes": ["memory:write"],
                    "memory_types": ["summary"]}]}""", "p.json");
    assertThat(p.needsMemoryTypes()).isTrue();
    assertThat(p.denial(write("t", MemoryType.SUMMARY))).contains("no-summaries");
    assertThat(p.denial(write("t", MemoryType.EPISODIC, MemoryType.SUMMARY))).contains("no-summaries");
    assertThat(p.denial(write("t", MemoryType.EPISODIC, MemoryType.SEMANTIC))).isNull();
    assertThat(p.denial(write("t"))).as("an import names no type: it may store summaries").contains("no-summaries");
    assertThat(p.denial(in("t", "c", "POST /memories/search", Scope.MEMORY_READ, null))).as("reads: other scope")
        .isNull();
  }

  @Test
  void withDefaultDenyOnlyWhatAnAllowRuleCoversPassesAndDenyStillWins() {
    AccessPolicy p = AccessPolicy.parse("""
        {"default": "deny", "rules": [
          {"id": "beta-episodic", "effect": "allow", "tenants": ["beta"], "memory_types": ["episodic"]},
          {"id": "beta-reads", "effect": "allow", "tenants": ["beta"], "scopes": ["memory:read"]},
          {"id": "beta-no-search", "effect": "deny", "tenants": ["beta"], "routes": ["POST /memories/search"]}]}""",
        "p.json");
    assertThat(p.denial(write("beta", MemoryType.EPISODIC))).isNull();
    assertThat(p.denial(write("beta", MemoryType.EPISODIC, MemoryType.SEMANTIC)))
        .isEqualTo("Forbidden by policy: no rule allows POST /memories for tenant 'beta'");
    assertThat(p.denial(in("beta", "c", "DELETE /memories/{coord}", Scope.MEMORY_DELETE, null)))
        .as("an allow on types needs the request's types known and covered").isNotNull();
    assertThat(p.denial(in("beta", "c", "GET /stats", Scope.MEMORY_READ, null))).isNull();
    assertThat(p.denial(in("beta", "c", "POST /memories/search", Scope.MEMORY_READ, EnumSet.of(MemoryType.EPISODIC))))
        .isEqualTo("Forbidden by policy rule 'beta-no-search'");
    assertThat(p.denial(write("gamma", MemoryType.EPISODIC))).contains("no rule allows");
  }

  @Test
  void anEmptyOrMissingPolicyAllowsEverything() {
    assertThat(AccessPolicy.parse("{}", "p.json").allowsAll()).isTrue();
    assertThat(AccessPolicy.load(SomaConfig.from(Map.of()))).isSameAs(AccessPolicy.ALLOW_ALL);
    assertThat(AccessPolicy.ALLOW_ALL.denial(write("t"))).isNull();
  }

  @Test
  void everyMistakeInTheFileIsOneStartUpErrorNamingTheKeyAndTheRule(@TempDir Path dir) throws Exception {
    Map<String, String> bad = Map.ofEntries(
        Map.entry("not json", "is not a JSON object"),
        Map.entry("[]", "is not a JSON object"),
        Map.entry("{\"rule\": []}", "unknown field 'rule'"),
        Map.entry("{\"default\": \"maybe\"}", "default must be"),
        Map.entry("{\"rules\": {}}", "rules must be an array"),
        Map.entry("{\"rules\": [3]}", "rule 0 is not an object"),
        Map.entry("{\"rules\": [{\"effect\": \"deny\"}]}", "rule 0: id must be"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"block\"}]}", "rule 0 ('r'): effect must be"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"tenant\": [\"a\"]}]}",
            "rule 0: unknown field 'tenant'"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"scopes\": [\"memory:wirte\"]}]}",
            "unknown scope 'memory:wirte'"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"routes\": [\"POST /memoriez\"]}]}",
            "'POST /memoriez' is not a guarded route"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"routes\": [\"GET /healthz\"]}]}",
            "'GET /healthz' is not a guarded route"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"memory_types\": [\"dream\"]}]}",
            "memory_types: memory_type must be one of"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"tenants\": []}]}",
            "tenants must be a non-empty array"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\", \"tenants\": [\"a b\"]}]}", "tenants: 'a b'"),
        Map.entry("{\"rules\": [{\"id\": \"r\", \"effect\": \"deny\"}, {\"id\": \"r\", \"effect\": \"allow\"}]}",
            "rule 1: id 'r' is used twice"));
    int i = 0;
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Path file = dir.resolve("policy-" + i++ + ".json");
      Files.writeString(file, e.getKey());
      assertThatThrownBy(() -> AccessPolicy.load(SomaConfig.from(Map.of("SOMA_POLICY_FILE", file.toString()))))
          .as(e.getKey()).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("Invalid configuration SOMA_POLICY_FILE: " + file)
          .hasMessageContaining(e.getValue());
    }
    assertThatThrownBy(() -> AccessPolicy.load(SomaConfig.from(Map.of("SOMA_POLICY_FILE",
        dir.resolve("missing.json").toString())))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SOMA_POLICY_FILE").hasMessageContaining("cannot be read");
  }
}
