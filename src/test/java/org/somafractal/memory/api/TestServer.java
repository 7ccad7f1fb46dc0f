package org.somafractal.memory.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.app.SomaServer;
import org.somafractal.memory.config.SomaConfig;
import org.somafractal.memory.store.MemoryStore;

/**
 * A real server on a free loopback port, in its own Vert.x instance, with a blocking HTTP client for tests. Defaults:
 * test mode (in-memory store), the hash embedder at 64 dimensions, one HTTP verticle.
 */
final class TestServer implements AutoCloseable {
  static final int DIM = 64;

  final Vertx vertx;
  final SomaServer server;
  final WebClient client;
  final SomaConfig config;

  private TestServer(Vertx vertx, SomaServer server, SomaConfig config) {
    this.vertx = vertx;
    this.server = server;
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.port()), new PoolOptions().setHttp1MaxSize(32));
  }

  static TestServer start() {
    return start(Map.of());
  }

  static TestServer start(Map<String, String> overrides) {
    return start(overrides, UnaryOperator.identity());
  }

  /** A server whose canonical store is wrapped by {@code storeWrapper}, to put faults between the two. */
  static TestServer start(Map<String, String> overrides,
      UnaryOperator<MemoryStore> storeWrapper) {
    Map<String, String> raw = new HashMap<>();
    raw.put("MEMORY_MODE", "test");
    raw.put("SOMA_EMBEDDER", "hash");
    raw.put("SOMA_VECTOR_DIM", Integer.toString(DIM));
    raw.put("SOMA_HTTP_INSTANCES", "1");
    raw.put("SOMA_API_PORT", Integer.toString(freePort()));
    raw.putAll(overrides);
    SomaConfig config = SomaConfig.from(raw);
    Vertx vertx = Vertx.vertx();
    SomaServer server = await(SomaServer.start(vertx, config, storeWrapper));
    return new TestServer(vertx, server, config);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** A response: status, headers and the body parsed as JSON when it is JSON. */
  record Resp(int status, JsonObject json, String text, io.vertx.core.MultiMap headers) {
    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  Resp call(HttpMethod method, String uri, Object body, String tenant, String token) {
    return send(client.request(method, uri), body, tenant, token);
  }

  /** {@link #call} with one more request header. */
  Resp callWith(HttpMethod method, String uri, Object body, String tenant, String header, String value) {
    return send(client.request(method, uri).putHeader(header, value), body, tenant, null);
  }

  private Resp send(HttpRequest<Buffer> request, Object body, String tenant, String token) {
    if (tenant != null) {
      request.putHeader("X-Soma-Tenant", tenant);
    }
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    io.vertx.core.Future<HttpResponse<Buffer>> sent;
    if (body == null) {
      sent = request.send();
    } else {
      Buffer buffer = body instanceof JsonObject j ? j.toBuffer() : body instanceof Buffer b ? b : Buffer.buffer(body.toString());
      sent = request.putHeader("Content-Type", "application/json").sendBuffer(buffer);
    }
    HttpResponse<Buffer> response = await(sent);
    String text = response.bodyAsString();
    JsonObject json = null;
    String type = response.getHeader("Content-Type");
    if (text != null && text.startsWith("{") && (type == null || type.startsWith("application/json"))) {
      json = new JsonObject(text);
    }
    return new Resp(response.statusCode(), json, text, response.headers());
  }

  Resp post(String uri, Object body, String tenant) {
    return call(HttpMethod.POST, uri, body, tenant, null);
  }

  Resp get(String uri, String tenant) {
    return call(HttpMethod.GET, uri, null, tenant, null);
  }

  Resp delete(String uri, String tenant) {
    return call(HttpMethod.DELETE, uri, null, tenant, null);
  }

  @Override
  public void close() {
    await(server.stop());
    await(vertx.close());
  }
}
