-- The audit trail: one row per audited request (every write, delete, import, export and admin request), written by
-- the audit verticle in batches. target is a JSON object of coordinates, ids and counts; it never holds a payload,
-- text or metadata. AUTOINCREMENT keeps ids increasing after a purge, so they serve as the paging cursor.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  tenant     TEXT    NOT NULL,
  credential TEXT    NOT NULL,
  route      TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  status     INTEGER NOT NULL,
  target     TEXT    NOT NULL
);

-- One tenant's entries newest first (an index entry carries the rowid, which is id), and the retention purge by time.
CREATE INDEX audit_log_tenant ON audit_log (tenant);
CREATE INDEX audit_log_at ON audit_log (at);
