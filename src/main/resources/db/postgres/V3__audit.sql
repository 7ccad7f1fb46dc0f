-- The audit trail: one row per audited request (every write, delete, import, export and admin request), written by
-- the audit verticle in batches. target is a JSON object of coordinates, ids and counts; it never holds a payload,
-- text or metadata. id is the paging cursor.
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         bigint    NOT NULL,
  tenant     text      NOT NULL,
  credential text      NOT NULL,
  route      text      NOT NULL,
  action     text      NOT NULL,
  status     integer   NOT NULL,
  target     jsonb     NOT NULL
);

-- One tenant's entries newest first, and the retention purge by time.
CREATE INDEX audit_log_tenant_id ON audit_log (tenant, id);
CREATE INDEX audit_log_at ON audit_log (at);
