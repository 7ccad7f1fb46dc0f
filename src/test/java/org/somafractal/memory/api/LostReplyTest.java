package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.StoredMemory;
import org.somafractal.memory.store.ForwardingMemoryStore;
import org.somafractal.memory.store.MemoryStore;

/**
 * A write whose reply is lost after it committed (what a database that goes away right after COMMIT does): the
 * client gets a 503 with Retry-After, and once the store answers again the indexes follow what was committed, so
 * the memory is searchable (or, for a delete, gone from the indexes) although the service never saw the write
 * succeed.
 */
class LostReplyTest {

  /** The real store, answering the next {@code lose} writes with UNAVAILABLE after they committed. */
  static final class LosingStore extends ForwardingMemoryStore {
    final AtomicInteger lose = new AtomicInteger();

    LosingStore(MemoryStore inner) {
      super(inner);
    }

    private <T> Future<T> maybeLost(Future<T> committed) {
      return committed.compose(r -> lose.getAndUpdate(n -> Math.max(0, n - 1)) > 0
          ? Future.failedFuture(SomaException.unavailable("The memory store is unavailable")) : Future.succeededFuture(r));
    }

    @Override
    public Future<List<StoredMemory>> upsert(List<MemoryDraft> drafts) {
      return maybeLost(inner.upsert(drafts));
    }

    @Override
    public Future<List<Removal>> delete(String tenant, List<String> keys) {
      return maybeLost(inner.delete(tenant, keys));
    }
  }

  @Test
  void theIndexesFollowWhatWasCommittedWhenTheReplyWasLost() throws InterruptedException {
    LosingStore[] store = new LosingStore[1];
    try (TestServer server = TestServer.start(Map.of(), s -> store[0] = new LosingStore(s))) {
      String t = "lost";
      assertThat(server.post("/memories", IdempotencyApiTest.memory("1,1", "an ordinary kept memory"), t).status())
          .isEqualTo(200);
      store[0].lose.set(1);
      TestServer.Resp lost = server.post("/memories", IdempotencyApiTest.memory("2,2", "quixotic lighthouse"), t);
      assertThat(lost.status()).as("%s", lost).isEqualTo(503);
      assertThat(lost.headers().get("Retry-After")).isNotNull();

      assertThat(server.get("/memories/2,2", t).status()).as("it committed after all").isEqualTo(200);
      assertThat(eventually(() -> found(server, t, "quixotic lighthouse").contains("2.0,2.0")))
          .as("searchable once the store answered again").isTrue();
      assertThat(counts(server, t)).containsExactly(2L, 2L, 2L);

      store[0].lose.set(1);
      assertThat(server.delete("/memories/2,2", t).status()).isEqualTo(503);
      assertThat(server.get("/memories/2,2", t).status()).as("deleted after all").isEqualTo(404);
      assertThat(eventually(() -> counts(server, t).equals(List.of(1L, 1L, 1L))))
          .as("gone from both indexes: %s", counts(server, t)).isTrue();
      assertThat(found(server, t, "quixotic lighthouse")).doesNotContain("2.0,2.0");
    }
  }

  /** total_memories, vector_count, lexical_count. */
  private static List<Long> counts(TestServer server, String tenant) {
    JsonObject stats = server.get("/stats", tenant).json();
    return List.of(stats.getLong("total_memories"), stats.getLong("vector_count"), stats.getLong("lexical_count"));
  }

  /** The coordinates a lexical search for {@code words} finds. */
  private static List<String> found(TestServer server, String tenant, String words) {
    return server.post("/memories/search", new JsonObject().put("query", words).put("mode", "lexical"), tenant)
        .json().getJsonArray("memories").stream().map(m -> ((JsonObject) m).getString("coord")).toList();
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
