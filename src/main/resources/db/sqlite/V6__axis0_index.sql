-- A range query's index: the tenant, the first coordinate axis, then what the query checks without reading the row
-- (type, coordinate). It replaces the R*Tree over five axes (memory_box), whose insert cost as much as the row's own
-- (docs/benchmarks.md, "Durable stores"), for a query only the legacy /range routes make. axis0 is never above the
-- row's first coordinate: equal for rows written since this version, and for older rows the R*Tree's lower bound
-- (the coordinate clamped to the R*Tree's extent and rounded down to a float), which a query's lower bound, rounded
-- the same way, still admits.
ALTER TABLE memories ADD COLUMN axis0 REAL;
UPDATE memories SET axis0 = (SELECT b.min0 FROM memory_box b WHERE b.id = memories.rowid);
CREATE INDEX memories_tenant_axis0 ON memories (tenant, axis0, memory_type, coord);
DROP TABLE memory_box;
