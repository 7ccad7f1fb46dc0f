package org.somafractal.memory.store.postgres;

/**
 * Settings of a {@link PostgresMemoryStore}.
 *
 * @param url a {@code postgresql://user:password@host:port/database} URI; a secret, never logged
 * @param poolSize connections in the pool; values below 1 mean {@value #DEFAULT_POOL_SIZE}
 * @param maxBatch the most write operations committed in one transaction; values below 1 mean
 *     {@value #DEFAULT_MAX_BATCH}
 * @param keepDanglingLinks whether deleting a memory leaves the links from and to its coordinate in place
 * @param connectTimeoutMs how long opening a connection, or waiting for a free one, may take; values below 1 mean
 *     {@value #DEFAULT_CONNECT_TIMEOUT_MS}
 * @param queryTimeoutMs how long one call (a read, or a write batch) may take before it fails with UNAVAILABLE; also
 *     the server-side {@code statement_timeout}; values below 1 mean {@value #DEFAULT_QUERY_TIMEOUT_MS}
 * @param origin the id of this node, written into every outbox row so that its follower can skip the events of its
 *     own writes (already indexed when they were acknowledged); {@code null} when there is none
 */
public record PostgresOptions(String url, int poolSize, int maxBatch, boolean keepDanglingLinks, int connectTimeoutMs,
    int queryTimeoutMs, String origin) {
  public static final int DEFAULT_POOL_SIZE = 8;
  /** The group-commit bound used when none is configured, as in the SQLite store. */
  public static final int DEFAULT_MAX_BATCH = 512;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_QUERY_TIMEOUT_MS = 30_000;

  public PostgresOptions {
    poolSize = poolSize < 1 ? DEFAULT_POOL_SIZE : poolSize;
    maxBatch = maxBatch < 1 ? DEFAULT_MAX_BATCH : maxBatch;
    connectTimeoutMs = connectTimeoutMs < 1 ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
    queryTimeoutMs = queryTimeoutMs < 1 ? DEFAULT_QUERY_TIMEOUT_MS : queryTimeoutMs;
  }

  /** Defaults for everything but the URI. */
  public static PostgresOptions of(String url) {
    return new PostgresOptions(url, 0, 0, false, 0, 0, null);
  }

  /** A copy with another link policy. */
  public PostgresOptions withKeepDanglingLinks(boolean keep) {
    return new PostgresOptions(url, poolSize, maxBatch, keep, connectTimeoutMs, queryTimeoutMs, origin);
  }

  /** Never prints the URI, which may hold a password. */
  @Override
  public String toString() {
    return "PostgresOptions[poolSize=" + poolSize + ", maxBatch=" + maxBatch + ", keepDanglingLinks="
        + keepDanglingLinks + ", connectTimeoutMs=" + connectTimeoutMs + ", queryTimeoutMs=" + queryTimeoutMs
        + ", origin=" + origin + "]";
  }
}
