package org.somafractal.memory.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.graph.GraphIndex;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Ranked;
import org.somafractal.memory.core.SearchMode;
import org.somafractal.memory.core.StoredMemory;

class SomaMemoryTest {
  private static Vertx vertx;
  private static SomaMemory memory;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    memory = await(SomaMemory.start(vertx, Map.of("SOMA_EMBEDDER", "hash", "SOMA_VECTOR_DIM", "64")));
  }

  @AfterAll
  static void stop() {
    await(memory.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static NewMemory text(String content) {
    return NewMemory.of(new JsonObject().put("content", content));
  }

  @Test
  void storeGetSearchDelete() {
    SomaMemory m = memory.forTenant("lib-roundtrip");
    StoredMemory stored = await(m.store(text("orchard apples and pears").at("1,2,3").type(MemoryType.SEMANTIC)
        .importance(2).metadata(new JsonObject().put("source", "lib"))));
    assertThat(stored.created()).isTrue();
    assertThat(stored.memory().key()).isEqualTo("1.0,2.0,3.0");
    await(m.store(text("submarine sonar in the deep ocean").at("4,5,6")));

    Memory got = await(m.get("1.0,2,3")).orElseThrow();
    assertThat(got.id()).isEqualTo(stored.memory().id());
    assertThat(got.payload().getString("content")).isEqualTo("orchard apples and pears");
    assertThat(got.type()).isEqualTo(MemoryType.SEMANTIC);
    assertThat(got.importance()).isEqualTo(2.0);
    assertThat(got.metadata().getString("source")).isEqualTo("lib");

    List<Ranked> hits = await(m.search("sonar ocean", 1));
    assertThat(hits).extracting(r -> r.memory().key()).containsExactly("4.0,5.0,6.0");
    List<Ranked> filtered = await(m.search(Search.of("apples").mode(SearchMode.LEXICAL)
        .types(Set.of(MemoryType.EPISODIC))));
    assertThat(filtered).isEmpty();

    assertThat(await(m.delete("1,2,3"))).isTrue();
    assertThat(await(m.delete("1,2,3"))).isFalse();
    assertThat(await(m.get("1,2,3"))).isEmpty();
    assertThat(await(m.search(Search.of("orchard apples").mode(SearchMode.LEXICAL)))).isEmpty();
  }

  @Test
  void storeAgainAtACoordinateUpdatesInPlace() {
    SomaMemory m = memory.forTenant("lib-upsert");
    StoredMemory first = await(m.store(text("first version").at("7,7")));
    StoredMemory second = await(m.store(text("second version").at("7.0,7.0")));
    assertThat(second.created()).isFalse();
    assertThat(second.memory().id()).isEqualTo(first.memory().id());
    assertThat(await(m.get("7,7")).orElseThrow().payload().getString("content")).isEqualTo("second version");
  }

  @Test
  void tenantViewsAreIsolated() {
    SomaMemory a = memory.forTenant("lib-a");
    SomaMemory b = memory.forTenant("lib-b");
    await(a.store(text("a secret about lighthouses").at("9,9")));

    assertThat(a.tenant()).isEqualTo("lib-a");
    assertThat(await(b.get("9,9"))).isEmpty();
    assertThat(await(b.search("secret lighthouses", 5))).isEmpty();
    assertThat(await(b.delete("9,9"))).isFalse();
    assertThat(await(a.get("9,9"))).isPresent();
    assertThat(await(a.search("secret lighthouses", 5))).hasSize(1);
  }

  @Test
  void badInputFailsTheFuture() {
    assertThat(memory.get("not,a,coordinate").failed()).isTrue();
    assertThat(memory.store(text("x").at("1,,2")).failed()).isTrue();
    assertThat(memory.search(Search.of("x").topK(5000)).cause()).hasMessageContaining("SOMA_MAX_TOP_K");
    assertThatThrownBy(() -> memory.forTenant("no spaces")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durableWhenGivenADataDir(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Vertx own = Vertx.vertx();
    try {
      Map<String, String> settings = Map.of("SOMA_EMBEDDER", "hash", "SOMA_VECTOR_DIM", "64",
          "SOMA_DATA_DIR", dir.toString());
      SomaMemory first = await(SomaMemory.start(own, settings));
      await(first.store(text("kept across restarts").at("3,3")));
      await(first.close());
      assertThat(first.get("3,3").failed()).isTrue();

      SomaMemory second = await(SomaMemory.start(own, settings));
      assertThat(await(second.get("3,3")).orElseThrow().payload().getString("content"))
          .isEqualTo("kept across restarts");
      await(second.close());
    } finally {
      await(own.close());
    }
  }

  @Test
  void linksNeighboursAndPaths() {
    SomaMemory m = memory.forTenant("lib-graph");
    for (String c : new String[] {"1", "2", "3"}) {
      await(m.store(text("node " + c).at(c)));
    }
    await(m.link("1", "2", "next", 1.0));
    await(m.link("2", "3", "next", 1.0));
    await(m.link("1", "3", "shortcut", 0.1));
    assertThat(await(m.neighbors("1", 2, GraphIndex.Direction.OUT, 10)))
        .extracting(GraphIndex.Neighbor::key).containsExactlyInAnyOrder("2.0", "3.0");
    assertThat(await(m.path("1", "3", 10, GraphIndex.PathMetric.HOPS)).linkTypes()).containsExactly("shortcut");
    assertThat(await(m.path("1", "3", 10, GraphIndex.PathMetric.WEIGHT)).linkTypes()).containsExactly("next", "next");
    assertThat(await(memory.forTenant("lib-other").neighbors("1", 1, GraphIndex.Direction.BOTH, 10))).isEmpty();
  }
}
