-- Search: each lead's folded names, e-mail and phone digits (domain::search::search_text), written
-- by the application, indexed by an FTS5 trigram table kept in step by triggers. Rows that existed
-- before this migration are filled in by backend::search::backfill at start-up.
ALTER TABLE leads ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- The list sorts by name: surname, first name, patronymic, folded.
ALTER TABLE leads ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE leads_fts USING fts5(search_text, content='leads', content_rowid='id', tokenize='trigram');
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_fts(leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER leads_fts_update AFTER UPDATE OF search_text ON leads BEGIN
    INSERT INTO leads_fts(leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO leads_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;

-- The list's sort orders, each with the id as the keyset tie-break.
CREATE INDEX leads_list_created ON leads(archived, created_at DESC, id DESC);
CREATE INDEX leads_list_name ON leads(archived, sort_name, id);
CREATE INDEX leads_list_desired ON leads(archived, desired_start, id);

-- Where each user stopped in a call list, per filter (the list's URL query): the last lead they
-- handled and its place in the list's order (domain::list::ListCursor as JSON).
CREATE TABLE call_list_progress (
    user_id INTEGER NOT NULL REFERENCES users(id),
    query TEXT NOT NULL,
    lead_id INTEGER NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, query)
);
