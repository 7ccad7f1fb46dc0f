package org.somafractal.memory.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;

/**
 * Serves {@code Addresses.AUDIT} from one {@link AuditLog} adapter, off the requests' critical path: the HTTP
 * verticles send each finished request's entry and go on; this verticle gathers entries for
 * {@value #FLUSH_MS} ms (or {@value #FLUSH_AT} entries) and stores them in one append, so auditing costs one small
 * write per interval rather than one per request. A query or purge first stores what is pending, so an admin reads
 * every entry sent before the query. Entries that cannot be stored (the store is down) are kept and retried, up to
 * {@value #MAX_PENDING}; past that the oldest are dropped and counted in the log. Undeploying stores everything
 * pending before the store closes (the server undeploys HTTP first, this verticle next, the store last), so a clean
 * shutdown loses no entry. It also deletes entries older than the retention, at start and every hour. Runs on an
 * event loop; the adapter never blocks it.
 */
public final class AuditVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
  static final long FLUSH_MS = 100;
  static final int FLUSH_AT = 512;
  static final int MAX_PENDING = 100_000;
  private static final long RETRY_MS = 1_000;
  private static final long PURGE_EVERY_MS = TimeUnit.HOURS.toMillis(1);

  private final AuditLog log;
  private final long retentionMs;
  private final List<AuditEntry> pending = new ArrayList<>();
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private Future<Void> flushing = Future.succeededFuture();
  private long timer = -1;
  private long purgeTimer = -1;
  private long dropped;

  /**
   * @param log the store's audit log
   * @param retentionDays entries older than this many days are deleted; 0 keeps them forever
   */
  public AuditVerticle(AuditLog log, int retentionDays) {
    this.log = log;
    this.retentionMs = TimeUnit.DAYS.toMillis(retentionDays);
  }

  @Override
  public Future<?> start() {
    if (retentionMs > 0) {
      purge();
      purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, id -> purge());
    }
    return Bus.serve(vertx, Addresses.AUDIT, body -> handle((AuditRequest) body)).completion();
  }

  private Future<?> handle(AuditRequest request) {
    return switch (request) {
      case AuditRequest.Append r -> append(r.entries());
      case AuditRequest.Query r -> flush().transform(ignored -> log.query(r.query()));
      case AuditRequest.Purge r -> flush().transform(ignored -> log.purgeBefore(r.before()));
    };
  }

  private Future<Void> append(List<AuditEntry> entries) {
    pending.addAll(entries);
    if (pending.size() > MAX_PENDING) {
      int excess = pending.size() - MAX_PENDING;
      pending.subList(0, excess).clear();
      dropped += excess;
      LOG.error("{} audit entries dropped so far: the store has not accepted them for too long", dropped);
    }
    Promise<Void> stored = Promise.promise();
    waiting.add(stored);
    if (pending.size() >= FLUSH_AT) {
      flush();
    } else {
      schedule(FLUSH_MS);
    }
    return stored.future();
  }

  private void schedule(long delayMs) {
    if (timer == -1) {
      timer = vertx.setTimer(delayMs, id -> {
        timer = -1;
        flush();
      });
    }
  }

  /** Stores everything pending, after any append already running; completes when that is done (or failed). */
  private Future<Void> flush() {
    flushing = flushing.transform(ignored -> writePending());
    return flushing;
  }

  private Future<Void> writePending() {
    if (pending.isEmpty()) {
      List<Promise<Void>> done = List.copyOf(waiting);
      waiting.clear();
      done.forEach(Promise::tryComplete);
      return Future.succeededFuture();
    }
    List<AuditEntry> batch = List.copyOf(pending);
    List<Promise<Void>> promises = List.copyOf(waiting);
    pending.clear();
    waiting.clear();
    return log.append(batch).transform(ar -> {
      if (ar.succeeded()) {
        promises.forEach(Promise::tryComplete);
        return Future.succeededFuture();
      }
      // Kept in order, before anything that arrived meanwhile, and tried again later.
      pending.addAll(0, batch);
      promises.forEach(p -> p.tryFail(ar.cause()));
      LOG.warn("{} audit entries could not be stored yet ({}); retrying", batch.size(), ar.cause().getMessage());
      schedule(RETRY_MS);
      return Future.failedFuture(ar.cause());
    });
  }

  private void purge() {
    long before = System.currentTimeMillis() - retentionMs;
    flush().transform(ignored -> log.purgeBefore(before)).onComplete(ar -> {
      if (ar.succeeded() && ar.result() > 0) {
        LOG.info("Deleted {} audit entries older than SOMA_AUDIT_RETENTION_DAYS", ar.result());
      } else if (ar.failed()) {
        LOG.warn("Deleting old audit entries failed ({}); retrying within the hour", ar.cause().getMessage());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (purgeTimer != -1) {
      vertx.cancelTimer(purgeTimer);
    }
    return flush().recover(e -> {
      LOG.error("{} audit entries were not stored before shutdown: {}", pending.size(), e.getMessage());
      return Future.succeededFuture();
    });
  }
}
