-- Name search on PostgreSQL: every piece of three to eight characters of every word with a letter
-- in it, from each lead's search text, hashed to 32 bits (domain::search::word_grams). A typed
-- word is one key of this GIN index (a longer one, its first and last eight characters), where
-- the trigram index intersects several long lists for a surname and a first name. Hashes can
-- collide, so the rows are tested for the terms too. SQL functions computing the pieces were far
-- too slow to index a million leads, so the application writes the column with the search text.
-- It lives on the lead (about 300 bytes) rather than in a table of its own, so a search reads
-- one row per hit, not two. Phone digits and terms spanning words stay with the trigram index.
ALTER TABLE leads ADD COLUMN search_grams INTEGER[] NOT NULL DEFAULT '{}';
CREATE INDEX leads_grams ON leads USING gin (search_grams);
-- Existing leads get theirs at start-up from backend::search::backfill, which an empty search
-- text asks for.
UPDATE leads SET search_text = '';
