-- Search: each lead's folded names, e-mail and phone digits (domain::search::search_text), written
-- by the application and indexed by trigrams, so `LIKE '%term%'` uses the index. Rows that existed
-- before this migration are filled in by backend::search::backfill at start-up.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE leads ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- The list sorts by name: surname, first name, patronymic, folded.
ALTER TABLE leads ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
CREATE INDEX leads_search ON leads USING gin (search_text gin_trgm_ops);

-- The list's sort orders, each with the id as the keyset tie-break.
CREATE INDEX leads_list_created ON leads(archived, created_at DESC, id DESC);
CREATE INDEX leads_list_name ON leads(archived, sort_name COLLATE "C", id);
CREATE INDEX leads_list_desired ON leads(archived, desired_start, id);

-- Where each user stopped in a call list, per filter (the list's URL query): the last lead they
-- handled and its place in the list's order (domain::list::ListCursor as JSON).
CREATE TABLE call_list_progress (
    user_id BIGINT NOT NULL REFERENCES users(id),
    query TEXT NOT NULL,
    lead_id BIGINT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, query)
);
