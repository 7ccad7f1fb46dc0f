package org.somafractal.memory.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.somafractal.memory.bus.Addresses;
import org.somafractal.memory.bus.Bus;

/** The {@link AuditLog} seen from another verticle: each call is one request to {@link AuditVerticle}. */
public final class AuditClient implements AuditLog {
  private final Vertx vertx;
  private final long timeoutMs;

  public AuditClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    return Bus.request(vertx, Addresses.AUDIT, new AuditRequest.Append(List.copyOf(entries)), timeoutMs);
  }

  @Override
  public Future<AuditPage> query(AuditQuery query) {
    return Bus.request(vertx, Addresses.AUDIT, new AuditRequest.Query(query), timeoutMs);
  }

  @Override
  public Future<Long> purgeBefore(long at) {
    return Bus.request(vertx, Addresses.AUDIT, new AuditRequest.Purge(at), timeoutMs);
  }
}
