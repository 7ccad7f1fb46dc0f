package org.somafractal.memory.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed-loop load for the benchmarks: {@code requests} calls with {@code concurrency} in flight, each timed. A call
 * answers whether it succeeded; a failed future counts as a failure too, and the first failure's message is kept so a
 * run against a missing or refusing server says why.
 */
final class Load {
  /**
   * What a run measured; {@code latencies} are in nanoseconds, sorted; {@code firstFailure} describes the first failed
   * call ({@code null} when none failed).
   */
  record Result(int requests, double seconds, long[] latencies, long failures, String firstFailure) {
    double perSecond(int items) {
      return items / seconds;
    }

    /** The latency at quantile {@code q} (0..1), in milliseconds. */
    double ms(double q) {
      int i = (int) Math.min(latencies.length - 1, Math.max(0, Math.ceil(latencies.length * q) - 1));
      return latencies[i] / 1e6;
    }
  }

  private Load() {
  }

  static Result run(Vertx vertx, int requests, int concurrency, IntFunction<Future<Boolean>> call) {
    long[] latencies = new long[requests];
    AtomicInteger next = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicInteger running = new AtomicInteger(concurrency);
    Promise<Void> done = Promise.promise();
    long t0 = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      vertx.runOnContext(v -> loop(call, latencies, next, failures, firstFailure, running, done));
    }
    done.future().toCompletionStage().toCompletableFuture().join();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] sorted = Arrays.copyOf(latencies, requests);
    Arrays.sort(sorted);
    return new Result(requests, seconds, sorted, failures.get(), firstFailure.get());
  }

  private static void loop(IntFunction<Future<Boolean>> call, long[] latencies, AtomicInteger next,
      AtomicLong failures, AtomicReference<String> firstFailure, AtomicInteger running, Promise<Void> done) {
    int r = next.getAndIncrement();
    if (r >= latencies.length) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    long t = System.nanoTime();
    Future<Boolean> sent;
    try {
      sent = call.apply(r);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(ar -> {
      latencies[r] = System.nanoTime() - t;
      if (ar.failed() || !ar.result()) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, ar.failed() ? String.valueOf(ar.cause().getMessage()) : "call " + r
            + " answered a failure");
      }
      loop(call, latencies, next, failures, firstFailure, running, done);
    });
  }
}
