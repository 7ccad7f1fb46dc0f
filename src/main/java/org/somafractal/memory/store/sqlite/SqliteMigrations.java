package org.somafractal.memory.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.somafractal.memory.core.SomaException;

/**
 * Brings a database to the newest schema: applies each script of {@link SqliteQueries#MIGRATIONS} whose version is
 * above the recorded one, each in its own transaction together with its {@code schema_version} row, so a crash
 * mid-migration leaves the previous version intact.
 */
final class SqliteMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteMigrations.class);
  private static final String FOLDER = "/db/sqlite/";

  private SqliteMigrations() {
  }

  /** Runs on the opening thread, before any other connection exists. */
  static void apply(Connection connection) throws SQLException, IOException {
    apply(connection, SqliteQueries.MIGRATIONS);
  }

  /** Applies {@code scripts}, a prefix of {@link SqliteQueries#MIGRATIONS}; tests build older schemas with it. */
  static void apply(Connection connection, List<String> scripts) throws SQLException, IOException {
    try (Statement st = connection.createStatement()) {
      st.executeUpdate(SqliteQueries.CREATE_SCHEMA_VERSION);
      int current;
      try (ResultSet rs = st.executeQuery(SqliteQueries.CURRENT_VERSION)) {
        current = rs.next() ? rs.getInt(1) : 0;
      }
      int newest = version(scripts.getLast());
      if (current > newest) {
        // A newer build wrote this file; running older code against it could corrupt it.
        throw SomaException.unavailable("Database schema version " + current + " is newer than this server ("
            + newest + ")");
      }
      for (String script : scripts) {
        int version = version(script);
        if (version <= current) {
          continue;
        }
        String sql = load(script);
        st.execute(SqliteQueries.BEGIN);
        try {
          st.executeUpdate(sql);
          try (PreparedStatement ps = connection.prepareStatement(SqliteQueries.RECORD_VERSION)) {
            ps.setInt(1, version);
            ps.setString(2, script);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
          }
          st.execute(SqliteQueries.COMMIT);
        } catch (SQLException | RuntimeException e) {
          st.execute(SqliteQueries.ROLLBACK);
          throw e;
        }
        LOG.info("Applied SQLite migration {}", script);
      }
    }
  }

  static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static String load(String script) throws IOException {
    try (InputStream in = SqliteMigrations.class.getResourceAsStream(FOLDER + script)) {
      if (in == null) {
        throw new IOException("Missing migration resource " + FOLDER + script);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
