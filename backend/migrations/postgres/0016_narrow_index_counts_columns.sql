-- The board counts each shown column to its cap (backend::board::column_counts) by an index-only
-- scan. Through leads_board, which includes every lead's search text (migration 0014), it reads
-- many times the pages of an index of the keys alone. A move writes one narrow entry more.
CREATE INDEX leads_stage_count ON leads (stage_id, archived);
