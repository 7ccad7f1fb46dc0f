package org.somafractal.memory.store.postgres;

import java.util.List;

/**
 * Every SQL statement of the PostgreSQL store, in one place. The schema itself lives in {@code db/postgres/V*.sql}.
 * Statements with parameters run as prepared statements (cached per connection).
 */
final class PostgresQueries {
  /** The ordered migration scripts under {@code db/postgres/}; the number after {@code V} is the schema version. */
  static final List<String> MIGRATIONS = List.of("V1__init.sql", "V2__key_version.sql", "V3__audit.sql",
      "V4__eventing.sql");

  /**
   * The key of the transaction-scoped advisory lock that serialises migrations when several nodes start at once
   * (an arbitrary constant: "SOMAMIGR" in ASCII).
   */
  static final long MIGRATION_LOCK = 0x534F4D414D494752L;

  static final String AUDIT_INSERT = "INSERT INTO audit_log (at, tenant, credential, route, action, status, target) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7)";
  private static final String AUDIT_COLUMNS = "SELECT id, at, tenant, credential, route, action, status, target "
      + "FROM audit_log ";
  /** Parameters: since, until, before (id), limit. */
  static final String AUDIT_PAGE = AUDIT_COLUMNS + "WHERE at >= $1 AND at < $2 AND id < $3 ORDER BY id DESC LIMIT $4";
  /** Parameters: tenant, since, until, before (id), limit. */
  static final String AUDIT_TENANT_PAGE = AUDIT_COLUMNS + "WHERE tenant = $1 AND at >= $2 AND at < $3 AND id < $4 "
      + "ORDER BY id DESC LIMIT $5";
  /** Deletes at most this many old entries per statement, so a large purge never holds a connection long. */
  static final int AUDIT_PURGE_CHUNK = 5_000;
  static final String AUDIT_PURGE = "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 LIMIT "
      + AUDIT_PURGE_CHUNK + ")";

  static final String LOCK_MIGRATIONS = "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")";
  static final String CREATE_SCHEMA_VERSION = """
      CREATE TABLE IF NOT EXISTS schema_version (
        version    integer PRIMARY KEY,
        script     text    NOT NULL,
        applied_at bigint  NOT NULL
      )""";
  static final String CURRENT_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version";
  static final String RECORD_VERSION = "INSERT INTO schema_version (version, script, applied_at) VALUES ($1, $2, $3)";

  static final String SAVEPOINT = "SAVEPOINT op";
  static final String RELEASE = "RELEASE SAVEPOINT op";
  static final String ROLLBACK_TO = "ROLLBACK TO SAVEPOINT op";

  /** The columns {@code PostgresCodec.memory} decodes, in order; the first is the scan position. */
  private static final String COLUMNS = "m.pos, m.id, m.tenant, m.coord, m.payload, m.memory_type, m.importance, "
      + "m.metadata, m.text, m.embedding, m.model_id, m.created_at, m.updated_at, m.last_accessed_at, "
      + "m.access_count, m.seq";

  /**
   * Inserts or updates in place one memory and writes its outbox row, in one statement. On conflict the id, pos,
   * created_at and access statistics stay; {@code xmax = 0} tells a fresh insert from an update. An update takes its
   * seq once it holds the row's lock, so of two nodes updating one memory the one that commits last has the higher
   * seq (a seq taken in VALUES would be drawn before the wait). The outbox row carries what the event needs (see
   * {@code events.MemoryEvents}): the stored payload and metadata (sealed for a tenant encrypted at rest), importance,
   * model and embedding, and the node that wrote it. Parameters: id, tenant, key, coord, cube lower and upper corners,
   * payload, type, importance, metadata, text, embedding, model id, now, origin node.
   */
  static final String UPSERT = """
      WITH up AS (
        INSERT INTO memories AS m (id, tenant, coord_key, coord, coord_cube, payload, memory_type, importance, metadata,
          text, embedding, model_id, created_at, updated_at, last_accessed_at, access_count, seq)
        VALUES ($1, $2, $3, $4, cube($5::float8[], $6::float8[]), $7, $8, $9, $10, $11, $12, $13, $14, $14, $14, 0,
          nextval('memory_seq'))
        ON CONFLICT (tenant, coord_key) DO UPDATE SET payload = excluded.payload, memory_type = excluded.memory_type,
          importance = excluded.importance, metadata = excluded.metadata, text = excluded.text,
          embedding = excluded.embedding, model_id = excluded.model_id, updated_at = excluded.updated_at,
          seq = nextval('memory_seq')
        RETURNING m.id, m.tenant, m.coord_key, m.memory_type, m.created_at, m.last_accessed_at, m.access_count, m.seq,
          (m.xmax = 0) AS created, m.payload, m.metadata, m.importance, m.model_id, m.embedding
      ), event AS (
        INSERT INTO outbox (tenant, memory_id, event, created_at)
        SELECT tenant, id, jsonb_build_object('type', CASE WHEN created THEN 'created' ELSE 'updated' END,
          'tenant', tenant, 'id', id, 'coord', coord_key, 'memory_type', memory_type, 'seq', seq, 'at', $14::bigint,
          'payload', payload, 'metadata', metadata, 'importance', importance, 'model_id', model_id,
          'embedding', encode(embedding, 'base64'), 'origin', $15::text),
          $14
        FROM up
      )
      SELECT id, created_at, last_accessed_at, access_count, seq, created FROM up""";

  private static final String DELETE_HEAD = """
      WITH del AS (
        DELETE FROM memories WHERE tenant = $1 AND coord_key = $2
        RETURNING id, tenant, coord_key, nextval('memory_seq') AS seq
      ), event AS (
        INSERT INTO outbox (tenant, memory_id, event, created_at)
        SELECT tenant, id, jsonb_build_object('type', 'deleted', 'tenant', tenant, 'id', id, 'coord', coord_key,
          'seq', seq, 'at', $3::bigint, 'origin', $4::text), $3
        FROM del
      )""";

  /**
   * Deletes one memory and writes its outbox row; a seq is taken only when a row goes. Parameters: tenant, key, now,
   * origin node.
   * Leaves the links from and to the key in place.
   */
  static final String DELETE_KEEP_LINKS = DELETE_HEAD + "\nSELECT id, seq FROM del";

  /** {@link #DELETE_KEEP_LINKS} that also deletes the links from and to the key when a memory was deleted. */
  static final String DELETE_WITH_LINKS = DELETE_HEAD + """
      , gone AS (
        DELETE FROM links l WHERE l.tenant = $1 AND (l.from_key = $2 OR l.to_key = $2) AND EXISTS (SELECT 1 FROM del)
      )
      SELECT id, seq FROM del""";

  /** Parameters: time, tenant, id. One statement per id, so an id listed twice counts twice, as in SQLite. */
  static final String TOUCH = "UPDATE memories SET last_accessed_at = greatest(last_accessed_at, $1), "
      + "access_count = access_count + 1 WHERE tenant = $2 AND id = $3";

  static final String GET = "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = $1 AND m.coord_key = $2";
  static final String GET_BY_IDS = "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = $1 AND m.id = ANY($2)";
  static final String GET_BY_KEYS = "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = $1 AND m.coord_key = ANY($2)";

  /**
   * Candidates of a box query, one page after a key: the GiST index finds the cubes that overlap the query box (see
   * {@code PostgresCodec.queryLower}), the exact comparison happens in Java. Parameters: the box's lower and upper
   * corners, tenant, type ({@code null} = any), the key to continue after, limit.
   */
  static final String RANGE = "SELECT " + COLUMNS + " FROM memories m "
      + "WHERE m.coord_cube && cube($1::float8[], $2::float8[]) AND m.tenant = $3 "
      + "AND ($4::smallint IS NULL OR m.memory_type = $4) AND m.coord_key > $5 ORDER BY m.coord_key LIMIT $6";

  static final String STATS = "SELECT memory_type, count(*) FROM memories WHERE tenant = $1 GROUP BY memory_type";
  static final String SCAN = "SELECT " + COLUMNS + " FROM memories m WHERE m.pos > $1 ORDER BY m.pos LIMIT $2";
  static final String SCAN_TENANT = "SELECT " + COLUMNS + " FROM memories m WHERE m.tenant = $1 AND m.pos > $2 "
      + "ORDER BY m.pos LIMIT $3";

  /**
   * Inserts or updates a link only when a memory of the tenant lies at its source, and writes its {@code linked}
   * outbox row, in one statement; no row back means there is no such memory. Parameters: tenant, from, to, type,
   * strength, metadata, now, origin node.
   */
  static final String PUT_LINK = """
      WITH source AS (
        SELECT id FROM memories WHERE tenant = $1 AND coord_key = $2
      ), up AS (
        INSERT INTO links (tenant, from_key, to_key, link_type, strength, metadata, created_at, updated_at)
        SELECT $1::text, $2::text, $3::text, $4::text, $5::float8, $6::jsonb, $7::bigint, $7::bigint
        WHERE EXISTS (SELECT 1 FROM source)
        ON CONFLICT (tenant, from_key, to_key, link_type) DO UPDATE SET strength = excluded.strength,
          metadata = excluded.metadata, updated_at = excluded.updated_at
        RETURNING tenant, from_key, to_key, link_type, strength, metadata, created_at
      ), event AS (
        INSERT INTO outbox (tenant, memory_id, event, created_at)
        SELECT up.tenant, source.id, jsonb_build_object('type', 'linked', 'tenant', up.tenant, 'id', source.id,
          'from', up.from_key, 'to', up.to_key, 'link_type', up.link_type, 'strength', up.strength,
          'metadata', up.metadata, 'created_at', up.created_at, 'at', $7::bigint, 'origin', $8::text), $7
        FROM up, source
      )
      SELECT created_at FROM up""";
  /**
   * Deletes the links between two keys and writes one {@code unlinked} outbox row per deleted link; answers their
   * number. Parameters: tenant, from, to, type ({@code null} = every type), now, origin node.
   */
  static final String DELETE_LINKS = """
      WITH gone AS (
        DELETE FROM links WHERE tenant = $1 AND from_key = $2 AND to_key = $3 AND ($4::text IS NULL OR link_type = $4)
        RETURNING tenant, from_key, to_key, link_type
      ), event AS (
        INSERT INTO outbox (tenant, memory_id, event, created_at)
        SELECT g.tenant, m.id, jsonb_build_object('type', 'unlinked', 'tenant', g.tenant, 'id', m.id,
          'from', g.from_key, 'to', g.to_key, 'link_type', g.link_type, 'at', $5::bigint, 'origin', $6::text), $5
        FROM gone g LEFT JOIN memories m ON m.tenant = g.tenant AND m.coord_key = g.from_key
      )
      SELECT count(*) FROM gone""";
  static final String LINKS = "SELECT tenant, from_key, to_key, link_type, strength, metadata, created_at, updated_at "
      + "FROM links WHERE tenant = $1";

  static final String OUTBOX_SIZE = "SELECT count(*) FROM outbox";
  static final String PING = "SELECT 1";

  private PostgresQueries() {
  }
}
