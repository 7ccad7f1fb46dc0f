-- The Kafka relay of the outbox (events/OutboxRelay) and the event log of `soma consumer`.

-- Each outbox row is one event; its event_id is fixed when the row is written, so a row published twice (at least
-- once delivery) carries the same event_id both times and consumers can drop the copy.
ALTER TABLE outbox ADD COLUMN event_id uuid NOT NULL DEFAULT gen_random_uuid();
-- A link event names the memory at the link's source, which an unlink of a dangling link (kept after its memory was
-- deleted, SOMA_GRAPH_KEEP_DANGLING_LINKS) no longer has.
ALTER TABLE outbox ALTER COLUMN memory_id DROP NOT NULL;
-- Why the relay sent the row to the dead-letter topic instead of memory.events; NULL for a row published normally.
ALTER TABLE outbox ADD COLUMN error text;
-- The retention purge deletes sent rows by age.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Every event `soma consumer` has processed, once per event_id however often Kafka delivers it.
CREATE TABLE event_log (
  event_id    uuid    PRIMARY KEY,
  tenant      text    NOT NULL,
  memory_id   uuid,
  type        text    NOT NULL,
  seq         bigint,
  event_at    bigint  NOT NULL,
  received_at bigint  NOT NULL,
  topic       text    NOT NULL,
  part        integer NOT NULL,
  "offset"    bigint  NOT NULL,
  event       jsonb   NOT NULL
);

-- A memory's history, newest last.
CREATE INDEX event_log_memory ON event_log (tenant, memory_id, event_at);
