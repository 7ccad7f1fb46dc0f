package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Idempotency-Key header in test mode, where the keys live in process. */
class IdempotencyApiTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static TestServer.Resp post(TestServer server, String uri, JsonObject body, String tenant, String key) {
    return server.callWith(HttpMethod.POST, uri, body, tenant, IdempotentRoute.HEADER, key);
  }

  static JsonObject memory(String coord, String content) {
    return new JsonObject().put("coord", coord).put("payload", new JsonObject().put("content", content));
  }

  @Test
  void aRetryReplaysTheFirstAnswerAndStoresNothingTwice() {
    JsonObject body = memory("1,2", "the first write");
    TestServer.Resp first = post(server, "/memories", body, "idem-a", "key-1");
    assertThat(first.status()).as("%s", first).isEqualTo(200);
    TestServer.Resp retry = post(server, "/memories", body, "idem-a", "key-1");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.text()).isEqualTo(first.text());
    assertThat(retry.headers().get("Idempotency-Replayed")).isEqualTo("true");
    assertThat(server.get("/stats", "idem-a").json().getLong("total_memories")).isEqualTo(1L);
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflict() {
    assertThat(post(server, "/memories", memory("1,2", "one"), "idem-b", "key-1").status()).isEqualTo(200);
    TestServer.Resp other = post(server, "/memories", memory("1,3", "two"), "idem-b", "key-1");
    assertThat(other.status()).as("%s", other).isEqualTo(409);
    assertThat(other.json().getString("code")).isEqualTo("idempotency_key_reused");
    assertThat(server.get("/stats", "idem-b").json().getLong("total_memories")).isEqualTo(1L);
  }

  @Test
  void keysAreScopedByTenantAndRouteAndFailedRequestsKeepNoAnswer() {
    JsonObject body = memory("5,5", "scoped");
    assertThat(post(server, "/memories", body, "idem-c", "k").status()).isEqualTo(200);
    assertThat(post(server, "/memories", body, "idem-d", "k").headers().get("Idempotency-Replayed")).isNull();
    assertThat(server.get("/stats", "idem-d").json().getLong("total_memories")).isEqualTo(1L);

    JsonObject bulk = new JsonObject().put("items", new JsonArray().add(memory("6,6", "a")).add(memory("7,7", "b")));
    TestServer.Resp stored = post(server, "/memories/bulk", bulk, "idem-c", "k");
    assertThat(stored.status()).as("another route, another scope: %s", stored).isEqualTo(200);
    assertThat(post(server, "/memories/bulk", bulk, "idem-c", "k").text()).isEqualTo(stored.text());
    assertThat(server.get("/stats", "idem-c").json().getLong("total_memories")).isEqualTo(3L);

    JsonObject invalid = new JsonObject().put("coord", "not a coordinate");
    assertThat(post(server, "/memories", invalid, "idem-e", "bad").status()).isBetween(400, 499);
    assertThat(post(server, "/memories", memory("1,1", "fixed"), "idem-e", "bad").status())
        .as("a failed request keeps no answer: its key is free again")
        .isEqualTo(200);
  }
}
