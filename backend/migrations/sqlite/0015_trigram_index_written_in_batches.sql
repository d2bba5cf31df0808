-- New leads' trigram rows are written by backend::search::index_new_leads, a batch at a time,
-- instead of by an insert trigger. FTS5 writes its pending entries out at every statement
-- savepoint, and every INSERT into leads inside a longer transaction opens one: with the trigger
-- each imported lead became a segment of its own, and merging those segments made a 100,000-row
-- import take minutes. The rows already indexed stay as they are; the update and delete triggers
-- remain.
DROP TRIGGER leads_fts_insert;
-- A lead written by hand with an empty search text (which asks the start-up backfill to index it)
-- still gets its empty row, so that the update trigger's delete finds one. The application never
-- writes an empty search text, so this never fires for its leads.
CREATE TRIGGER leads_fts_insert_unindexed AFTER INSERT ON leads WHEN new.search_text = '' BEGIN
    INSERT INTO leads_fts (rowid, search_text) VALUES (new.id, '');
END;
