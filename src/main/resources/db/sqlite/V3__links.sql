-- Directed, typed links between coordinate keys of one tenant. The unique index also serves lookups by source
-- (tenant, from_key); links_to serves lookups by target, which a cascading memory delete needs.
CREATE TABLE links (
  tenant     TEXT    NOT NULL,
  from_key   TEXT    NOT NULL,
  to_key     TEXT    NOT NULL,
  link_type  TEXT    NOT NULL,
  strength   REAL    NOT NULL,
  metadata   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant, from_key, to_key, link_type)
);

CREATE INDEX links_to ON links (tenant, to_key);
