-- A board filtered by a common word walks each shown column newest move first, testing each
-- lead's search text, and stops at the column's cap (backend::board::walk_sql). With the text in
-- the board's index (SQLite has no INCLUDE: it is the last key) the walk never reads the table.
-- Same keys before it, so the board's other reads use it as they used the old one, and a move
-- still writes one entry here, only a wider one.
DROP INDEX leads_board;
CREATE INDEX leads_board ON leads (stage_id, archived, stage_changed_at DESC, id DESC, search_text);
