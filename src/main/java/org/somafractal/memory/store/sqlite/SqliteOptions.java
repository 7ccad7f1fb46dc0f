package org.somafractal.memory.store.sqlite;

/**
 * Settings of a {@link SqliteMemoryStore}.
 *
 * @param path the database file, or {@code null} / {@value #IN_MEMORY} for a private in-memory database (tests only:
 *     nothing survives {@code close()})
 * @param readThreads reader threads, each with its own connection; values below 1 mean {@value #DEFAULT_READ_THREADS};
 *     ignored in-memory, where the single connection serves reads between write transactions
 * @param maxBatch the most write operations committed in one transaction; values below 1 mean
 *     {@value #DEFAULT_MAX_BATCH}
 * @param keepDanglingLinks whether deleting a memory leaves the links from and to its coordinate in place; by default
 *     they are deleted in the same transaction
 */
public record SqliteOptions(String path, int readThreads, int maxBatch, boolean keepDanglingLinks) {
  /** The path that selects the in-memory mode. */
  public static final String IN_MEMORY = ":memory:";
  /** Readers used when none are configured: enough to overlap reads with the writer on a small machine. */
  public static final int DEFAULT_READ_THREADS = 2;
  /** The group-commit bound used when none is configured; caps the latency one commit adds to its first write. */
  public static final int DEFAULT_MAX_BATCH = 512;

  public SqliteOptions {
    readThreads = readThreads < 1 ? DEFAULT_READ_THREADS : readThreads;
    maxBatch = maxBatch < 1 ? DEFAULT_MAX_BATCH : maxBatch;
  }

  /** Options that delete a memory's links with it. */
  public SqliteOptions(String path, int readThreads, int maxBatch) {
    this(path, readThreads, maxBatch, false);
  }

  /** A file database with default thread and batch settings. */
  public static SqliteOptions file(String path) {
    return new SqliteOptions(path, DEFAULT_READ_THREADS, DEFAULT_MAX_BATCH);
  }

  /** An in-memory database with default settings. */
  public static SqliteOptions inMemory() {
    return new SqliteOptions(IN_MEMORY, DEFAULT_READ_THREADS, DEFAULT_MAX_BATCH);
  }

  /** Whether this selects the in-memory mode. */
  public boolean inMemoryMode() {
    return path == null || path.isBlank() || IN_MEMORY.equals(path);
  }
}
