-- A searched board or list reads each of the search's hits from `leads` for what its conditions
-- and its order need: the stage, whether archived, who is responsible, the time of the move. A
-- common surname is twelve thousand hits on a million leads, each on a page of its own in a
-- 336 MB table; this index answers them from 56 MB, without the table (session 16, PostgreSQL:
-- the searched board's p50 183 → 145 ms). A move writes a new entry here as it does in every
-- index on `leads` (a changed stage rules out a heap-only update anyway).
CREATE INDEX leads_hits ON leads (id) INCLUDE (stage_id, stage_changed_at, archived, responsible_id);
