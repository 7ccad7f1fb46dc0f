package org.somafractal.memory.embed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.SomaException;

/**
 * The {@link Embedder} that other verticles use: it sends the texts to the {@link EmbeddingVerticle} over the event
 * bus, so that model calls stay on the embedding worker and requests from everywhere share its batches and cache.
 * A missing or slow embedding service fails the future with {@code UNAVAILABLE}.
 *
 * <p>Thread-safe and stateless apart from its configuration; the returned futures complete on the caller's context.
 */
public final class EmbedderClient implements Embedder {
  private final Vertx vertx;
  private final int dimension;
  private final String modelId;
  /** Extra wait per text: several times the slowest bundled model's cost on a loaded 2-core machine. */
  static final long PER_TEXT_MS = 250;

  private final long timeoutMs;

  /**
   * @param vertx the Vert.x instance that runs the embedding verticle
   * @param dimension the dimension of the served model
   * @param modelId the id of the served model
   * @param timeoutMs how long to wait for a reply, plus {@link #PER_TEXT_MS} per text
   */
  public EmbedderClient(Vertx vertx, int dimension, String modelId, long timeoutMs) {
    this.vertx = vertx;
    this.dimension = dimension;
    this.modelId = modelId;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<List<float[]>> embed(List<String> texts) {
    return request(texts, Purpose.MEMORY);
  }

  @Override
  public Future<float[]> embedQuery(String query) {
    return request(Collections.singletonList(query), Purpose.QUERY).map(vectors -> vectors.get(0));
  }

  private Future<List<float[]>> request(List<String> texts, Purpose purpose) {
    if (texts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // List.of(..) throws on contains(null), so look element by element
    if (texts.stream().anyMatch(Objects::isNull)) {
      return Future.failedFuture(SomaException.invalid("cannot embed a null text"));
    }
    // The worker embeds one text after another, so a bulk of N texts legitimately takes N times longer: the wait
    // grows with the request instead of failing a large bulk store on a slow model.
    return Bus.request(vertx, Addresses.EMBED, new EmbedRequest(texts, purpose),
        timeoutMs + texts.size() * PER_TEXT_MS);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String modelId() {
    return modelId;
  }
}
