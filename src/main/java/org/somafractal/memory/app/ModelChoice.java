package org.somafractal.memory.app;

import io.vertx.core.Future;
import java.util.List;
import org.somafractal.memory.embed.OnnxEmbeddingModel;
import org.somafractal.memory.store.MemoryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which bundled model a server embeds with. {@code SOMA_EMBED_MODEL=auto} (the default) keeps the model that embedded
 * the memories already stored, and takes {@link OnnxEmbeddingModel#DEFAULT_NAME} for a store that has none: vectors
 * of two models are not comparable, so a server upgraded across a change of the default model would otherwise stop
 * finding its old memories by text, silently. A model named explicitly is loaded as named, with a warning when the
 * store's memories were embedded by another one.
 *
 * <p>The store's model is that of the oldest memory the server embedded itself (client vectors say nothing about it),
 * looked for among the first {@value #PAGES} × {@value #PAGE} memories in row order, so that a store of client vectors
 * costs a bounded read at start.
 */
final class ModelChoice {
  /** The setting's value that defers to the store. */
  static final String AUTO = "auto";
  static final int PAGE = 1_000;
  static final int PAGES = 20;
  private static final String PREFIX = "onnx:";
  private static final Logger LOG = LoggerFactory.getLogger(ModelChoice.class);

  private ModelChoice() {
  }

  /**
   * The name of the bundled model to load.
   *
   * @param configured {@value #AUTO} or a bundled model's name
   * @param store the canonical store, ready to scan
   */
  static Future<String> resolve(String configured, MemoryStore store) {
    return storedModel(store, 0, 0).map(stored -> {
      if (AUTO.equals(configured)) {
        String chosen = stored != null ? stored : OnnxEmbeddingModel.DEFAULT_NAME;
        LOG.info("SOMA_EMBED_MODEL=auto: {}", stored != null
            ? "embedding with " + stored + ", the model of the memories already stored"
            : "no memory embedded by the server yet, embedding with " + chosen);
        return chosen;
      }
      if (stored != null && !stored.equals(configured)) {
        LOG.warn("SOMA_EMBED_MODEL={} but the stored memories were embedded with {}: searches by text compare "
            + "vectors of two models and will miss those memories; set SOMA_EMBED_MODEL={} (or auto) to keep "
            + "finding them, or re-embed each tenant (bin/soma export without --embeddings, then bin/soma import "
            + "--replace)",
            configured, stored, stored);
      }
      return configured;
    });
  }

  /** The bundled model that embedded the oldest server-embedded memory from position {@code after}, or null. */
  private static Future<String> storedModel(MemoryStore store, long after, int pages) {
    if (pages == PAGES) {
      return Future.succeededFuture(null);
    }
    return store.scan(after, PAGE).compose(page -> {
      String found = firstBundled(page.memories().stream().map(m -> m.modelId()).toList());
      if (found != null || page.done()) {
        return Future.succeededFuture(found);
      }
      return storedModel(store, page.next(), pages + 1);
    });
  }

  /** The first id of a bundled ONNX model among {@code modelIds}, without its {@code onnx:} prefix, or null. */
  static String firstBundled(List<String> modelIds) {
    List<String> names = OnnxEmbeddingModel.names();
    for (String id : modelIds) {
      if (id != null && id.startsWith(PREFIX) && names.contains(id.substring(PREFIX.length()))) {
        return id.substring(PREFIX.length());
      }
    }
    return null;
  }
}
