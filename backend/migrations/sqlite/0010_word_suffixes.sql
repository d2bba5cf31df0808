-- Name search on SQLite: every word's suffixes of three letters or more, from each lead's search
-- text (domain::search::word_suffixes). A term inside a word is the start of one of its
-- suffixes, so each term is one prefix query answered from a prefix index, where the trigram
-- table intersects several large lists (a surname and a first name: ~2 ms against ~25 ms at a
-- million leads). SQL cannot split words, so the application writes the rows
-- (backend::search::index_words) beside the lead; only deletion is a trigger. The trigram table
-- stays for terms that span words ("ivan.p@mail", "петров-водкин").
CREATE VIRTUAL TABLE leads_words USING fts5(
    suffixes, content='', contentless_delete=1, detail=none, tokenize='ascii', prefix='3 4 5 6 7 8'
);
CREATE TRIGGER leads_words_delete AFTER DELETE ON leads BEGIN
    DELETE FROM leads_words WHERE rowid = old.id;
END;
-- Existing leads get theirs at start-up from backend::search::backfill, which an empty search
-- text asks for.
UPDATE leads SET search_text = '';
