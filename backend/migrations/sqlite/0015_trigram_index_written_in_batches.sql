-- New leads' trigram rows are written by backend::search::index_new_leads, a batch at a time,
-- instead of by this trigger. FTS5 writes its pending entries out at every statement savepoint,
-- and every INSERT into leads inside a longer transaction opens one: with the trigger each
-- imported lead became a segment of its own, and merging those segments made a 100,000-row import
-- take minutes. The rows already indexed stay as they are; the update and delete triggers remain.
DROP TRIGGER leads_fts_insert;
