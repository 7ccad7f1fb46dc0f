package org.somafractal.memory.api;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A bounded load for the fault tests: a few threads storing new memories (each with a word of its own) and deleting
 * some they stored, through one or more nodes, at a steady pace, recording every answer, until told to stop or
 * until {@code maxRequests} have been sent.
 */
final class FaultLoad {
  /** One answered request: what was asked, when, and the status and Retry-After header it got. */
  record Outcome(String op, String coord, String word, long startedNanos, int status, String retryAfter) {
  }

  private final List<TestServer> nodes;
  private final String tenant;
  private final int threads;
  private final int maxRequests;
  private final long pauseMs;
  private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger sent = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();

  FaultLoad(List<TestServer> nodes, String tenant, int threads, int maxRequests, long pauseMs) {
    this.nodes = nodes;
    this.tenant = tenant;
    this.threads = threads;
    this.maxRequests = maxRequests;
    this.pauseMs = pauseMs;
  }

  /** The word stored with memory {@code i} of thread {@code t}: one token, found by no other memory. */
  static String word(int t, int i) {
    return "zq" + t + "x" + i;
  }

  void start() {
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> run(thread), "fault-load-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  private void run(int t) {
    List<String> mine = new ArrayList<>();
    for (int i = 0; !stop.get() && sent.incrementAndGet() <= maxRequests; i++) {
      TestServer node = nodes.get((t + i) % nodes.size());
      long started = System.nanoTime();
      TestServer.Resp r;
      if (i % 5 == 4 && !mine.isEmpty()) {
        String coord = mine.remove(ThreadLocalRandom.current().nextInt(mine.size()));
        r = safely(() -> node.delete("/memories/" + coord, tenant));
        outcomes.add(new Outcome("delete", coord, null, started, r.status(), r.headers() == null ? null
            : r.headers().get("Retry-After")));
      } else {
        String coord = t + "," + i;
        String word = word(t, i);
        r = safely(() -> node.post("/memories", new JsonObject().put("coord", coord)
            .put("payload", new JsonObject().put("content", "fault memory " + word)), tenant));
        outcomes.add(new Outcome("store", coord, word, started, r.status(), r.headers() == null ? null
            : r.headers().get("Retry-After")));
        if (r.status() == 200) {
          mine.add(coord);
        }
      }
      pause(pauseMs);
    }
  }

  private static TestServer.Resp safely(java.util.function.Supplier<TestServer.Resp> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return new TestServer.Resp(-1, null, String.valueOf(e.getMessage()), null);
    }
  }

  /** Waits up to {@code seconds} for {@code condition}; whether it held. */
  static boolean await(BooleanSupplier condition, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      pause(50);
    }
    return condition.getAsBoolean();
  }

  long count(int status) {
    synchronized (outcomes) {
      return outcomes.stream().filter(o -> o.status() == status).count();
    }
  }

  /** Stops the workers and waits for them; returns every outcome. */
  List<Outcome> finish() throws InterruptedException {
    stop.set(true);
    for (Thread w : workers) {
      w.join(60_000);
    }
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
