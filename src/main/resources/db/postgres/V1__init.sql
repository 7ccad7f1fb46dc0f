-- The GiST-indexable box type that serves range queries over coordinates.
CREATE EXTENSION IF NOT EXISTS cube;

-- One write order for upserts and deletes, shared by every node on this database: each write takes nextval, so
-- derived indexes can drop an update older than what they already hold. Never reset, so a delete of the newest row
-- never lets a later write reuse its number.
CREATE SEQUENCE memory_seq;

-- Canonical memory rows. pos is the scan position (SQLite's rowid): kept when a memory is updated in place, never
-- reused after a delete, so paging by pos never skips a row that stayed. coord_key uses the "C" collation so range
-- pages order keys byte by byte, as Java's String order and SQLite do, whatever the database's locale.
CREATE TABLE memories (
  pos              bigserial NOT NULL UNIQUE,
  id               uuid      PRIMARY KEY,
  tenant           text      NOT NULL,
  coord_key        text      COLLATE "C" NOT NULL,
  coord            float8[]  NOT NULL,
  coord_cube       cube      NOT NULL,
  payload          jsonb     NOT NULL,
  memory_type      smallint  NOT NULL,
  importance       float8    NOT NULL,
  metadata         jsonb     NOT NULL,
  text             text      NOT NULL,
  embedding        bytea,
  model_id         text,
  created_at       bigint    NOT NULL,
  updated_at       bigint    NOT NULL,
  last_accessed_at bigint    NOT NULL,
  access_count     bigint    NOT NULL,
  seq              bigint    NOT NULL,
  UNIQUE (tenant, coord_key)
);

-- The box index: coord_cube holds the first five axes (padded, see PostgresCodec) and range queries test it for
-- overlap with the query box.
CREATE INDEX memories_box ON memories USING gist (coord_cube);
-- A tenant's rows in pos order: export and bulk delete page through one tenant with a range seek.
CREATE INDEX memories_tenant_pos ON memories (tenant, pos);
-- Per-tenant counts by type.
CREATE INDEX memories_tenant_type ON memories (tenant, memory_type);

-- Directed, typed links between coordinate keys of one tenant, as in the SQLite store. The unique index serves
-- lookups by source; links_to serves lookups by target, which a cascading memory delete needs.
CREATE TABLE links (
  tenant     text   NOT NULL,
  from_key   text   NOT NULL,
  to_key     text   NOT NULL,
  link_type  text   NOT NULL,
  strength   float8 NOT NULL,
  metadata   jsonb  NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (tenant, from_key, to_key, link_type)
);

CREATE INDEX links_to ON links (tenant, to_key);

-- Change events written in the same transaction as the memory write they describe, one row per created, updated or
-- deleted memory; a relay publishes the unsent rows (sent_at null) in id order and marks them sent.
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  tenant     text      NOT NULL,
  memory_id  uuid      NOT NULL,
  event      jsonb     NOT NULL,
  created_at bigint    NOT NULL,
  sent_at    bigint
);

CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
