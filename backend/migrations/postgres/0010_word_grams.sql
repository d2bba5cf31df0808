-- Name search on PostgreSQL: every piece of three to eight characters of every word with a letter
-- in it, from each lead's search text, hashed to 32 bits (domain::search::word_grams). A typed
-- word is one key of this GIN index (a longer one, its first and last eight characters), where
-- the trigram index intersects several long lists for a surname and a first name. Hashes can
-- collide, so the rows are tested for the terms too. SQL functions computing the pieces were far
-- too slow to index a million leads, so the application writes the rows
-- (backend::search::index_new_lead) beside the lead; a separate table keeps the leads' own rows
-- small for the board. Phone digits and terms spanning words stay with the trigram index.
CREATE TABLE lead_grams (
    lead_id BIGINT PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    grams INTEGER[] NOT NULL
);
CREATE INDEX lead_grams_gin ON lead_grams USING gin (grams);
-- Existing leads get theirs at start-up from backend::search::backfill, which an empty search
-- text asks for.
UPDATE leads SET search_text = '';
