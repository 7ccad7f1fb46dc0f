package org.somafractal.memory.store.sqlite;

import java.util.List;

/** Every SQL statement of the SQLite store, in one place. The schema itself lives in {@code db/sqlite/V*.sql}. */
final class SqliteQueries {
  /** The ordered migration scripts under {@code db/sqlite/}; the number after {@code V} is the schema version. */
  static final List<String> MIGRATIONS = List.of("V1__init.sql", "V2__tenant_scan.sql", "V3__links.sql",
      "V4__key_version.sql", "V5__audit.sql", "V6__axis0_index.sql");

  static final String CREATE_SCHEMA_VERSION = """
      CREATE TABLE IF NOT EXISTS schema_version (
        version    INTEGER PRIMARY KEY,
        script     TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
      )""";
  static final String CURRENT_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version";
  static final String RECORD_VERSION = "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)";

  static final String BEGIN = "BEGIN IMMEDIATE";
  static final String COMMIT = "COMMIT";
  static final String ROLLBACK = "ROLLBACK";
  static final String SAVEPOINT = "SAVEPOINT op";
  static final String RELEASE = "RELEASE op";
  static final String ROLLBACK_TO = "ROLLBACK TO op";

  static final String AUDIT_INSERT = "INSERT INTO audit_log (at, tenant, credential, route, action, status, target) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String AUDIT_COLUMNS = "SELECT id, at, tenant, credential, route, action, status, target "
      + "FROM audit_log ";
  /** Parameters: since, until, before (id), limit. */
  static final String AUDIT_PAGE = AUDIT_COLUMNS + "WHERE at >= ? AND at < ? AND id < ? ORDER BY id DESC LIMIT ?";
  /** Parameters: tenant, since, until, before (id), limit. */
  static final String AUDIT_TENANT_PAGE = AUDIT_COLUMNS + "WHERE tenant = ? AND at >= ? AND at < ? AND id < ? "
      + "ORDER BY id DESC LIMIT ?";
  /** Deletes at most this many old entries per write transaction, so a large purge never holds the writer long. */
  static final int AUDIT_PURGE_CHUNK = 5_000;
  static final String AUDIT_PURGE = "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? LIMIT "
      + AUDIT_PURGE_CHUNK + ")";

  static final String LAST_SEQ = "SELECT value FROM meta WHERE key = 'last_seq'";
  static final String SET_LAST_SEQ = "UPDATE meta SET value = ? WHERE key = 'last_seq'";

  private static final String COLUMNS = "m.rowid, m.id, m.tenant, m.coord, m.payload, m.memory_type, m.importance, "
      + "m.metadata, m.text, m.embedding, m.model_id, m.created_at, m.updated_at, m.last_accessed_at, "
      + "m.access_count, m.seq";

  static final String FIND_SLOT = "SELECT rowid, id, created_at, last_accessed_at, access_count FROM memories "
      + "WHERE tenant = ? AND coord_key = ?";
  static final String INSERT = "INSERT INTO memories (id, tenant, coord_key, coord, dims, payload, memory_type, "
      + "importance, metadata, text, embedding, model_id, created_at, updated_at, last_accessed_at, access_count, seq, "
      + "axis0) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
  static final String UPDATE = "UPDATE memories SET payload = ?, memory_type = ?, importance = ?, metadata = ?, "
      + "text = ?, embedding = ?, model_id = ?, updated_at = ?, seq = ? WHERE rowid = ?";
  static final String FIND_FOR_DELETE = "SELECT rowid, id FROM memories WHERE tenant = ? AND coord_key = ?";
  static final String DELETE = "DELETE FROM memories WHERE rowid = ?";
  static final String TOUCH = "UPDATE memories SET last_accessed_at = max(last_accessed_at, ?), "
      + "access_count = access_count + 1 WHERE tenant = ? AND id = ?";

  static final String GET = "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = ? AND m.coord_key = ?";

  /** Ids are bound in chunks of at most this many, well under SQLite's parameter limit. */
  static final int IDS_PER_QUERY = 500;

  /**
   * Rows by id within a tenant. The unary {@code +} keeps the planner off the (tenant, coord_key) index, which would
   * read every row of the tenant; the unique index on id finds each row directly.
   */
  static String getByIds(int count) {
    return "SELECT " + COLUMNS + " FROM memories m WHERE +m.tenant = ? AND m.id IN ("
        + "?, ".repeat(count - 1) + "?)";
  }

  /** Rows at these coordinate keys within a tenant, through the (tenant, coord_key) index. */
  static String getByKeys(int count) {
    return "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = ? AND m.coord_key IN ("
        + "?, ".repeat(count - 1) + "?)";
  }

  /**
   * The candidates of a box query, read from the (tenant, axis0, type, coordinate) index alone: the rows of the tenant
   * whose first axis lies within the bounds, of one type or any. Parameters: tenant, axis0's lower then upper bound,
   * type twice ({@code null} = any).
   */
  static final String RANGE_CANDIDATES = "SELECT rowid, coord FROM memories INDEXED BY memories_tenant_axis0 "
      + "WHERE tenant = ? AND axis0 BETWEEN ? AND ? AND (? IS NULL OR memory_type = ?)";

  /** Rows by rowid, as the last step of a box query. */
  static String getByRowids(int count) {
    return "SELECT " + COLUMNS + " FROM memories m WHERE m.rowid IN (" + "?, ".repeat(count - 1) + "?)";
  }

  static final String MEMORY_EXISTS = "SELECT 1 FROM memories WHERE tenant = ? AND coord_key = ?";
  static final String PUT_LINK = "INSERT INTO links (tenant, from_key, to_key, link_type, strength, metadata, "
      + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      + "ON CONFLICT (tenant, from_key, to_key, link_type) DO UPDATE SET strength = excluded.strength, "
      + "metadata = excluded.metadata, updated_at = excluded.updated_at RETURNING created_at";
  /** Parameters: tenant, from, to, then the type twice ({@code null} = every type). */
  static final String DELETE_LINKS = "DELETE FROM links WHERE tenant = ? AND from_key = ? AND to_key = ? "
      + "AND (? IS NULL OR link_type = ?)";
  static final String DELETE_LINKS_FROM = "DELETE FROM links WHERE tenant = ? AND from_key = ?";
  static final String DELETE_LINKS_TO = "DELETE FROM links WHERE tenant = ? AND to_key = ?";
  static final String LINKS = "SELECT tenant, from_key, to_key, link_type, strength, metadata, created_at, updated_at "
      + "FROM links WHERE tenant = ?";

  static final String STATS = "SELECT memory_type, count(*) FROM memories WHERE tenant = ? GROUP BY memory_type";
  static final String SCAN = "SELECT " + COLUMNS + " FROM memories m WHERE m.rowid > ? ORDER BY m.rowid LIMIT ?";
  /**
   * One tenant's rows after a position. INDEXED BY pins the (tenant) index, whose entries are ordered by rowid within
   * a tenant: the page is a range seek with no sort, whatever the planner would guess for the other tenant indexes.
   */
  static final String SCAN_TENANT = "SELECT " + COLUMNS + " FROM memories m INDEXED BY memories_tenant_rowid "
      + "WHERE m.tenant = ? AND m.rowid > ? ORDER BY m.rowid LIMIT ?";
  static final String PING = "SELECT 1";

  private SqliteQueries() {
  }
}
