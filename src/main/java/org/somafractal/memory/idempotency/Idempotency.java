package org.somafractal.memory.idempotency;

import io.vertx.core.Future;

/**
 * The idempotency-key port: remembers the answer to the first request made with a key, so a retry with the same key
 * gets that answer instead of doing the work again. Keys arrive already scoped (tenant, route, client key). The
 * in-process implementation is {@link InProcessIdempotency}; {@code redis.RedisIdempotency} shares keys between nodes.
 * Implementations are thread-safe and never return a failed future: a store they cannot reach is replaced by the
 * in-process one.
 */
public interface Idempotency {

  /**
   * Claims {@code key} for a request whose body hashes to {@code bodyHash}, unless it is already claimed.
   *
   * @return {@link Claim.Started} when the caller must do the work and then {@link #complete} or {@link #release};
   *     otherwise what a retry is to answer
   */
  Future<Claim> begin(String key, String bodyHash);

  /** Keeps the answer of a claimed key for the configured time, for retries to replay. */
  Future<Void> complete(String key, String bodyHash, int status, String body);

  /** Drops a claim whose work failed, so a retry may do the work. */
  Future<Void> release(String key);

  /** What {@link #begin} found. */
  sealed interface Claim {
    /** The key was free and is now claimed by the caller. */
    record Started() implements Claim {
    }

    /** A request with the same key and body was answered: answer the same again. */
    record Replay(int status, String body) implements Claim {
    }

    /** The key was used with another body. */
    record Conflict() implements Claim {
    }

    /** A request with the same key is still being worked on. */
    record InFlight() implements Claim {
    }
  }
}
