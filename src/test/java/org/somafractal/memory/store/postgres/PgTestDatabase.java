package org.somafractal.memory.store.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh database {@code soma_it_<random>} on the local PostgreSQL (127.0.0.1:5432, user postgres), dropped on
 * close, with a small pool of its own for test SQL. When the server cannot be reached the calling test is skipped
 * (JUnit assumption), unless the environment variable {@code CI} is set: then it fails. A test class that wants one
 * database for all its tests registers {@link PerClass}.
 */
public final class PgTestDatabase implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5432;
  public static final String USER = "postgres";

  private final Vertx vertx;
  private final Pool admin;
  private final Pool pool;
  private final String name;

  private PgTestDatabase(Vertx vertx, Pool admin, Pool pool, String name) {
    this.vertx = vertx;
    this.admin = admin;
    this.pool = pool;
    this.name = name;
  }

  /** Creates the database, or skips (fails on CI) when PostgreSQL is unreachable. */
  public static PgTestDatabase create() {
    Vertx vertx = Vertx.vertx();
    Pool admin = pool(vertx, "postgres");
    try {
      await(admin.query("SELECT 1").execute());
    } catch (RuntimeException e) {
      await(admin.close());
      await(vertx.close());
      String message = "PostgreSQL is not reachable at " + HOST + ":" + PORT + " as " + USER + " (" + e.getMessage()
          + "); start it to run the PostgreSQL integration tests";
      if (System.getenv("CI") != null) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    String name = "soma_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    await(admin.query("CREATE DATABASE " + name).execute());
    return new PgTestDatabase(vertx, admin, pool(vertx, name), name);
  }

  private static Pool pool(Vertx vertx, String database) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(new PgConnectOptions().setHost(HOST).setPort(PORT).setUser(USER).setDatabase(database))
        .using(vertx).build();
  }

  /** The URI of the database, as POSTGRES_URL takes it. */
  public String url() {
    return "postgresql://" + USER + "@" + HOST + ":" + PORT + "/" + name;
  }

  public String name() {
    return name;
  }

  /** Runs SQL (simple protocol, several statements allowed) on the database; returns the last result. */
  public RowSet<Row> sql(String sql) {
    RowSet<Row> rows = await(pool.query(sql).execute());
    while (rows.next() != null) {
      rows = rows.next();
    }
    return rows;
  }

  /** Empties the memory store's tables (memories, links, outbox, event_log), once a first open has created them. */
  public void emptyStore() {
    sql("DO $$ BEGIN IF to_regclass('memories') IS NOT NULL THEN "
        + "TRUNCATE memories, links, outbox, event_log RESTART IDENTITY; END IF; END $$");
  }

  /** The first column of the first row of a query, as a long. */
  public long count(String sql) {
    return sql(sql).iterator().next().getLong(0);
  }

  @Override
  public void close() {
    await(pool.close());
    await(admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute());
    await(admin.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("PostgreSQL did not answer within 30 s", e);
    }
  }

  /**
   * One database for a whole test class, created before its first test and dropped after its last:
   * {@code @RegisterExtension static final PgTestDatabase.PerClass pg = new PgTestDatabase.PerClass();}
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private PgTestDatabase db;

    /** The class's database; only between its first and last test. */
    public PgTestDatabase db() {
      if (db == null) {
        throw new IllegalStateException("the database exists only while the test class runs");
      }
      return db;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      db = create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (db != null) {
        db.close();
        db = null;
      }
    }
  }
}
