package org.somafractal.memory.store.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.SomaException;

/**
 * Brings a database to the newest schema: in one transaction holding a transaction-scoped advisory lock, so that
 * several nodes starting at once apply each script exactly once (the others wait, then find it recorded), it applies
 * every script of {@link PostgresQueries#MIGRATIONS} above the recorded version together with its
 * {@code schema_version} row. A failure rolls everything back.
 */
final class PostgresMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresMigrations.class);
  private static final String FOLDER = "/db/postgres/";

  private PostgresMigrations() {
  }

  /** A script and its SQL. */
  private record Script(int version, String name, String sql) {
  }

  /** Completes with the schema version the database has afterwards. */
  static Future<Integer> apply(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(PostgresMigrations::load, false)
        .compose(scripts -> pool.withTransaction(c -> c.query(PostgresQueries.LOCK_MIGRATIONS).execute()
            .compose(r -> c.query(PostgresQueries.CREATE_SCHEMA_VERSION).execute())
            .compose(r -> c.query(PostgresQueries.CURRENT_VERSION).execute())
            .compose(rows -> {
              int current = rows.iterator().next().getInteger(0);
              int newest = scripts.getLast().version();
              if (current > newest) {
                // A newer build migrated this database; running older code against it could corrupt it.
                return Future.failedFuture(SomaException.unavailable("Database schema version " + current
                    + " is newer than this server (" + newest + ")"));
              }
              return next(c, scripts, 0, current);
            })));
  }

  private static Future<Integer> next(SqlConnection c, List<Script> scripts, int index, int current) {
    if (index == scripts.size()) {
      return Future.succeededFuture(current);
    }
    Script script = scripts.get(index);
    if (script.version() <= current) {
      return next(c, scripts, index + 1, current);
    }
    // The simple-query protocol runs a whole multi-statement script in one round trip.
    return c.query(script.sql()).execute()
        .compose(r -> c.preparedQuery(PostgresQueries.RECORD_VERSION)
            .execute(Tuple.of(script.version(), script.name(), System.currentTimeMillis())))
        .compose(r -> {
          LOG.info("Applied PostgreSQL migration {}", script.name());
          return next(c, scripts, index + 1, script.version());
        });
  }

  static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static List<Script> load() {
    List<Script> out = new ArrayList<>();
    for (String name : PostgresQueries.MIGRATIONS) {
      try (InputStream in = PostgresMigrations.class.getResourceAsStream(FOLDER + name)) {
        if (in == null) {
          throw new IOException("Missing migration resource " + FOLDER + name);
        }
        out.add(new Script(version(name), name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
