package org.somafractal.memory.consumer;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.somafractal.memory.metrics.Metrics;

/** The HTTP side of {@code soma consumer}: {@code GET /metrics} (Prometheus) and {@code GET /healthz}, nothing else. */
public final class MetricsVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private int actualPort;

  public MetricsVerticle(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(Metrics.scrape(vertx));
    router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "ok").encode()));
    return vertx.createHttpServer().requestHandler(router).listen(port, host)
        .onSuccess(server -> actualPort = server.actualPort());
  }

  /** The port the server listens on. */
  public int actualPort() {
    return actualPort;
  }
}
