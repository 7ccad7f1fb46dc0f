package org.somafractal.memory.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.somafractal.memory.app.SomaServer;
import org.somafractal.memory.config.SomaConfig;

/**
 * A real server on a free loopback port in its own Vert.x instance, for tests outside the {@code api} package (the
 * CLI's): test mode (in memory), the hash embedder at 64 dimensions, one HTTP verticle.
 */
public final class LocalServer implements AutoCloseable {
  private final Vertx vertx;
  private final SomaServer server;

  private LocalServer(Vertx vertx, SomaServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Starts a server; {@code overrides} replace the test defaults. */
  public static LocalServer start(Map<String, String> overrides) {
    Map<String, String> raw = new HashMap<>();
    raw.put("MEMORY_MODE", "test");
    raw.put("SOMA_EMBEDDER", "hash");
    raw.put("SOMA_VECTOR_DIM", "64");
    raw.put("SOMA_HTTP_INSTANCES", "1");
    raw.put("SOMA_API_PORT", Integer.toString(freePort()));
    raw.putAll(overrides);
    Vertx vertx = Vertx.vertx();
    return new LocalServer(vertx, await(SomaServer.start(vertx, SomaConfig.from(raw))));
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A port nothing listens on (at the moment of the call). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a future, failing the test after a minute. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  @Override
  public void close() {
    await(server.stop());
    await(vertx.close());
  }
}
