-- A tenant's rows in rowid order (an index entry carries the rowid after its columns), so export and bulk delete
-- page through one tenant with a range seek instead of scanning every tenant's rows.
CREATE INDEX memories_tenant_rowid ON memories (tenant);
