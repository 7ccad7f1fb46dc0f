package org.somafractal.memory.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;
import org.somafractal.memory.core.Memory;

/** Streams the whole canonical store page by page, for the indexes that rebuild themselves from it at start. */
public final class StoreScanner {
  private static final int PAGE = 2000;

  private StoreScanner() {
  }

  /** Feeds every memory to {@code sink}, one page at a time; completes with the number of memories. */
  public static Future<Long> forEach(MemoryStore store, Consumer<List<Memory>> sink) {
    return next(store, sink, 0L, 0L);
  }

  private static Future<Long> next(MemoryStore store, Consumer<List<Memory>> sink, long after, long seen) {
    return store.scan(after, PAGE).compose(page -> {
      sink.accept(page.memories());
      long total = seen + page.memories().size();
      return page.done() ? Future.succeededFuture(total) : next(store, sink, page.next(), total);
    });
  }
}
