package org.somafractal.memory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class MemoryFilterTest {
  private static final JsonObject META = new JsonObject()
      .put("user", "ana")
      .put("n", 3)
      .put("flag", true)
      .put("ctx", new JsonObject().put("project", "apollo").put("depth", new JsonObject().put("x", 1.5)))
      .put("tags", new JsonArray().add("red").add("blue"));
  private static final String[] TERMS = MetadataTerms.of(META);

  private static boolean matches(JsonObject filter) {
    return MemoryFilter.of(null, filter, Long.MIN_VALUE, Long.MAX_VALUE).matches(MemoryType.EPISODIC, 0, TERMS);
  }

  @Test
  void topLevelAndNestedEquality() {
    assertThat(matches(new JsonObject().put("user", "ana"))).isTrue();
    assertThat(matches(new JsonObject().put("user", "bob"))).isFalse();
    assertThat(matches(new JsonObject().put("ctx", new JsonObject().put("project", "apollo")))).isTrue();
    assertThat(matches(new JsonObject().put("ctx.project", "apollo"))).isTrue();
    assertThat(matches(new JsonObject().put("ctx.depth.x", 1.5))).isTrue();
    assertThat(matches(new JsonObject().put("ctx.project", "gemini"))).isFalse();
    assertThat(matches(new JsonObject().put("missing", "x"))).isFalse();
  }

  @Test
  void valuesAreTypedButNumbersCompareByValue() {
    assertThat(matches(new JsonObject().put("n", 3.0))).isTrue();
    assertThat(matches(new JsonObject().put("n", "3"))).isFalse();
    assertThat(matches(new JsonObject().put("flag", true))).isTrue();
    assertThat(matches(new JsonObject().put("flag", "true"))).isFalse();
  }

  @Test
  void arraysMatchAnyElementAndFilterArraysMeanAnyOf() {
    assertThat(matches(new JsonObject().put("tags", "blue"))).isTrue();
    assertThat(matches(new JsonObject().put("user", new JsonArray().add("bob").add("ana")))).isTrue();
    assertThat(matches(new JsonObject().put("user", new JsonArray().add("bob").add("eve")))).isFalse();
    assertThat(matches(new JsonObject().put("user", "ana").put("n", 4))).isFalse();
  }

  @Test
  void typesAndCreatedRange() {
    MemoryFilter f = MemoryFilter.of(EnumSet.of(MemoryType.SEMANTIC), null, 100, 200);
    assertThat(f.matches(MemoryType.SEMANTIC, 100, TERMS)).isTrue();
    assertThat(f.matches(MemoryType.SEMANTIC, 200, TERMS)).isTrue();
    assertThat(f.matches(MemoryType.SEMANTIC, 201, TERMS)).isFalse();
    assertThat(f.matches(MemoryType.EPISODIC, 150, TERMS)).isFalse();
    assertThat(MemoryFilter.of(null, new JsonObject(), Long.MIN_VALUE, Long.MAX_VALUE).isEmpty()).isTrue();
  }

  @Test
  void rejectsUnusableConditions() {
    assertThatThrownBy(() -> MemoryFilter.of(null, new JsonObject().put("a", new JsonArray()), Long.MIN_VALUE,
        Long.MAX_VALUE)).isInstanceOf(SomaException.class);
    assertThatThrownBy(() -> MemoryFilter.of(null, new JsonObject().put("a", new JsonObject()), Long.MIN_VALUE,
        Long.MAX_VALUE)).isInstanceOf(SomaException.class);
    assertThatThrownBy(() -> MemoryFilter.of(null, null, 5, 4)).isInstanceOf(SomaException.class);
    JsonObject deep = new JsonObject().put("v", 1);
    for (int i = 0; i < 10; i++) {
      deep = new JsonObject().put("k", deep);
    }
    JsonObject tooDeep = deep;
    assertThatThrownBy(() -> MemoryFilter.of(null, tooDeep, Long.MIN_VALUE, Long.MAX_VALUE))
        .isInstanceOf(SomaException.class);
  }
}
