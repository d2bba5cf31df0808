-- The word index (migration 0010) keyed by each lead's creation second and then its id, so that
-- reading it backwards reads the hits newest first: the header's search takes its newest eight
-- and its count from the index alone (backend::search::word_index_hits), where it looked up
-- every hit's creation time in `leads` (a thousand scattered rows for a common pair, 3-7 ms at a
-- million leads). The key is backend::search::word_key: the second counted from 2000 (kept
-- within 1932-2068) times 2^32, plus the id (below 2^32), so the id is the key's low half.
DROP TRIGGER leads_words_delete;
DROP TABLE leads_words;
CREATE VIRTUAL TABLE leads_words USING fts5(
    suffixes, content='', contentless_delete=1, detail=none, tokenize='ascii', prefix='3 4 5 6 7 8'
);
CREATE TRIGGER leads_words_delete AFTER DELETE ON leads BEGIN
    DELETE FROM leads_words
    WHERE rowid = (max(min(unixepoch(old.created_at) - 946684800, 2147483647), -2147483648) * 4294967296 + old.id);
END;
-- The application never changes a creation time. Should someone do it by hand, the lead's old
-- key goes, and an empty search text asks the start-up backfill (backend::search::backfill) to
-- index it again under the new one: never a key that points at nothing.
CREATE TRIGGER leads_words_rekey AFTER UPDATE OF created_at ON leads
WHEN old.created_at IS NOT new.created_at BEGIN
    DELETE FROM leads_words
    WHERE rowid = (max(min(unixepoch(old.created_at) - 946684800, 2147483647), -2147483648) * 4294967296 + old.id);
    UPDATE leads SET search_text = '' WHERE id = new.id;
END;
-- The words cannot be read back from a contentless index: every lead is indexed again at
-- start-up, as after migration 0010.
UPDATE leads SET search_text = '';
