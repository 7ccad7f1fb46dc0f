package org.somafractal.memory.embed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;
import org.somafractal.memory.core.SomaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link Addresses#EMBED}: owns one {@link EmbeddingModel} and embeds the texts of {@link EmbedRequest}s,
 * replying with one {@code float[]} per text. Deploy it as a WORKER verticle: model calls block for milliseconds to
 * seconds, and the worker context runs this verticle's tasks one at a time, in order, so the model is never called
 * concurrently.
 *
 * <p>Micro-batching: a request is not embedded when it arrives but queued, and one flush task is scheduled on the
 * context. Requests already queued on the context are handled before that task runs, so requests arriving together,
 * or while the model is busy, share one {@code embedAll} call of at most {@code maxBatch} distinct texts. A text that
 * occurs several times in a batch is embedded once.
 *
 * <p>A text is embedded behind its purpose's {@linkplain EmbeddingModel#prefix prefix} (none for symmetric models).
 * An LRU cache maps the prefixed text to its vector, so repeated texts (typically queries) skip the model. Texts
 * longer than {@value #MAX_CACHED_CHARS} characters are not cached, which bounds the cache's memory.
 *
 * <p>When the model fails, the requests of that batch, and only those, fail with {@code UNAVAILABLE}. Vectors in a
 * reply may be shared with other replies of the same batch: receivers must treat them as read-only.
 *
 * <p>Thread-safety: all state is confined to the verticle's context.
 */
public final class EmbeddingVerticle extends VerticleBase {
  /** Texts per model call unless configured. */
  public static final int DEFAULT_MAX_BATCH = 64;
  /** Cached vectors unless configured. */
  public static final long DEFAULT_CACHE_SIZE = 10_000;
  /** The longest text that is cached. */
  public static final int MAX_CACHED_CHARS = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingVerticle.class);

  private final EmbeddingModel model;
  private final int maxBatch;
  private final Cache<String, float[]> cache;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private boolean flushScheduled;
  private MessageConsumer<Object> consumer;

  /** A request waiting for the model; {@code vectors} holds what the cache already answered. */
  private record Pending(List<String> texts, float[][] vectors, Promise<List<float[]>> promise) {
  }

  /** With {@value #DEFAULT_MAX_BATCH} texts per model call and {@value #DEFAULT_CACHE_SIZE} cached vectors. */
  public EmbeddingVerticle(EmbeddingModel model) {
    this(model, DEFAULT_MAX_BATCH, DEFAULT_CACHE_SIZE);
  }

  /**
   * @param model the model; this verticle is its only caller from now on
   * @param maxBatch the most distinct texts per model call, at least 1
   * @param cacheSize the most cached vectors; 0 disables the cache
   */
  public EmbeddingVerticle(EmbeddingModel model, int maxBatch, long cacheSize) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must not be negative, was " + cacheSize);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    // maintenance runs on the calling thread: the context thread is the only caller, so it never contends
    this.cache = cacheSize == 0 ? null : Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
  }

  @Override
  public Future<?> start() {
    Bus.registerCodec(vertx);
    consumer = Bus.serve(vertx, Addresses.EMBED, this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    failAll(List.copyOf(pending), SomaException.unavailable("the embedding service stopped"));
    pending.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private Future<List<float[]>> handle(Object body) {
    if (!(body instanceof EmbedRequest request)) {
      return Future.failedFuture(SomaException.malformed("expected an EmbedRequest"));
    }
    List<String> texts = inputs(request.texts(), model.prefix(request.purpose()));
    float[][] vectors = new float[texts.size()][];
    if (fillFromCache(texts, vectors)) {
      return Future.succeededFuture(List.of(vectors));
    }
    Promise<List<float[]>> promise = Promise.promise();
    pending.add(new Pending(texts, vectors, promise));
    scheduleFlush();
    return promise.future();
  }

  /**
   * The texts as the model embeds them, each non-blank one behind the purpose's prefix: the cache and the batches key
   * on these, so a query and a memory of the same words never share a vector when the model tells them apart.
   */
  private static List<String> inputs(List<String> texts, String prefix) {
    if (prefix.isEmpty()) {
      return texts;
    }
    List<String> inputs = new ArrayList<>(texts.size());
    for (String text : texts) {
      inputs.add(text.isBlank() ? text : prefix + text);
    }
    return inputs;
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /** Embeds the texts of the oldest requests that together need at most {@code maxBatch} model inputs. */
  private void flush() {
    flushScheduled = false;
    try {
      List<Pending> group = new ArrayList<>();
      Map<String, float[]> batch = new LinkedHashMap<>();
      while (!pending.isEmpty()) {
        Pending next = pending.peek();
        // an earlier flush may have embedded this request's texts since it was queued
        fillFromCache(next.texts(), next.vectors());
        Set<String> needed = missing(next, batch);
        if (!group.isEmpty() && batch.size() + needed.size() > maxBatch) {
          break;
        }
        pending.poll();
        group.add(next);
        needed.forEach(text -> batch.put(text, null));
      }
      embed(group, batch);
    } finally {
      // scheduled after the model call, so that requests which arrived meanwhile join the next batch
      if (!pending.isEmpty()) {
        scheduleFlush();
      }
    }
  }

  private void embed(List<Pending> group, Map<String, float[]> batch) {
    try {
      List<String> texts = new ArrayList<>(batch.keySet());
      // one request alone may carry more than maxBatch texts
      for (int from = 0; from < texts.size(); from += maxBatch) {
        List<String> chunk = texts.subList(from, Math.min(texts.size(), from + maxBatch));
        List<float[]> vectors = model.embedAll(chunk);
        check(chunk, vectors);
        for (int i = 0; i < chunk.size(); i++) {
          batch.put(chunk.get(i), vectors.get(i));
          cachePut(chunk.get(i), vectors.get(i));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Embedding model {} failed on a batch of {} texts", model.id(), batch.size(), e);
      failAll(group, SomaException.unavailable("the embedding model failed"));
      return;
    }
    for (Pending request : group) {
      float[][] vectors = request.vectors();
      for (int i = 0; i < vectors.length; i++) {
        if (vectors[i] == null) {
          vectors[i] = batch.get(request.texts().get(i));
        }
      }
      request.promise().complete(List.of(vectors));
    }
  }

  private void check(List<String> texts, List<float[]> vectors) {
    if (vectors == null || vectors.size() != texts.size()) {
      throw new IllegalStateException("model " + model.id() + " returned "
          + (vectors == null ? "null" : vectors.size() + " vectors") + " for " + texts.size() + " texts");
    }
    for (float[] vector : vectors) {
      if (vector == null || vector.length != model.dimension()) {
        throw new IllegalStateException("model " + model.id() + " returned a vector of length "
            + (vector == null ? "null" : vector.length) + ", expected " + model.dimension());
      }
    }
  }

  /** Fills the null slots of {@code vectors} from the cache; true when none is left. */
  private boolean fillFromCache(List<String> texts, float[][] vectors) {
    boolean complete = true;
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i] == null) {
        float[] cached = cache == null ? null : cache.getIfPresent(texts.get(i));
        // a copy, so that a receiver that mutates its reply cannot corrupt later replies
        vectors[i] = cached == null ? null : cached.clone();
        complete &= vectors[i] != null;
      }
    }
    return complete;
  }

  private static Set<String> missing(Pending request, Map<String, float[]> batch) {
    Set<String> needed = new LinkedHashSet<>();
    float[][] vectors = request.vectors();
    for (int i = 0; i < vectors.length; i++) {
      String text = request.texts().get(i);
      if (vectors[i] == null && !batch.containsKey(text)) {
        needed.add(text);
      }
    }
    return needed;
  }

  private void cachePut(String text, float[] vector) {
    if (cache != null && text.length() <= MAX_CACHED_CHARS) {
      cache.put(text, Arrays.copyOf(vector, vector.length));
    }
  }

  private static void failAll(List<Pending> requests, SomaException failure) {
    for (Pending request : requests) {
      request.promise().tryFail(failure);
    }
  }
}
