-- Every move rewrites the lead's row, and PostgreSQL writes a new entry for it in every index on
-- `leads` (a changed stage rules out a heap-only update). The search's two GIN indexes, about
-- 140 keys a lead, made that three times dearer: 32 writers moved 1,700 leads a second on a
-- million leads with them and 4,700 without (session 14). The search text, its word grams and
-- their indexes move to a table that only a change of a name, phone or e-mail writes
-- (backend::search::index_new_lead). `leads.search_text` stays: the start-up backfill looks for
-- leads whose text is empty, and leads_unindexed below finds them without reading the table.
CREATE TABLE lead_search (
    lead_id BIGINT PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    search_text TEXT NOT NULL,
    search_grams INTEGER[] NOT NULL
);
INSERT INTO lead_search (lead_id, created_at, search_text, search_grams)
SELECT id, created_at, search_text, search_grams FROM leads WHERE search_text <> '';
CREATE INDEX lead_search_trigrams ON lead_search USING gin (search_text gin_trgm_ops);
CREATE INDEX lead_search_grams ON lead_search USING gin (search_grams);
-- The search's newest-first walk (backend::search::quick) reads only this index.
CREATE INDEX lead_search_newest ON lead_search (created_at DESC, lead_id DESC) INCLUDE (search_text);
DROP INDEX leads_search;
DROP INDEX leads_grams;
DROP INDEX leads_newest;
ALTER TABLE leads DROP COLUMN search_grams;
CREATE INDEX leads_unindexed ON leads (id) WHERE search_text = '';
-- The creation time is copied for the newest-first walk. The application never changes it; a
-- hand-made change (or a test's) is carried over. A move does not name the column, so this
-- trigger never runs for one.
CREATE FUNCTION lead_search_follow_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lead_search SET created_at = NEW.created_at WHERE lead_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER leads_created_at_to_search AFTER UPDATE OF created_at ON leads
FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION lead_search_follow_created_at();
