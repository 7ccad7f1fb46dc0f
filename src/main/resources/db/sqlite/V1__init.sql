-- Canonical memory rows. AUTOINCREMENT keeps rowids from being reused after a delete, so a scan position
-- never skips a row inserted later.
CREATE TABLE memories (
  rowid            INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT    NOT NULL UNIQUE,
  tenant           TEXT    NOT NULL,
  coord_key        TEXT    NOT NULL,
  coord            BLOB    NOT NULL,
  dims             INTEGER NOT NULL,
  payload          TEXT    NOT NULL,
  memory_type      INTEGER NOT NULL,
  importance       REAL    NOT NULL,
  metadata         TEXT    NOT NULL,
  text             TEXT    NOT NULL,
  embedding        BLOB,
  model_id         TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  last_accessed_at INTEGER NOT NULL,
  access_count     INTEGER NOT NULL,
  seq              INTEGER NOT NULL,
  UNIQUE (tenant, coord_key)
);

-- Spatial index over the first five coordinate axes; rowids match memories.rowid.
CREATE VIRTUAL TABLE memory_box USING rtree(
  id,
  min0, max0,
  min1, max1,
  min2, max2,
  min3, max3,
  min4, max4
);

-- Small key/value state; last_seq survives deletes of the newest row, so a seq is never handed out twice.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES ('last_seq', 0);

-- Per-tenant counts by type read this index alone.
CREATE INDEX memories_tenant_type ON memories (tenant, memory_type);
