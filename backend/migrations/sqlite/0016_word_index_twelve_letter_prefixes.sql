-- The word index (migrations 0010, 0014) with prefix indexes up to twelve characters, from
-- eight (domain::search::LONGEST_INDEXED_PREFIX). A longer term was looked up by its first eight
-- characters and tested on each hit's row: «Александрова» read every «Александр» it met on its way
-- to a thousand hits, 5-29 ms at 200,000 leads, where the index alone answers in under one. The
-- index grows by about a sixth. The triggers of migration 0014 (delete, re-key) name the table
-- and go on working with the new one.
DROP TABLE leads_words;
CREATE VIRTUAL TABLE leads_words USING fts5(
    suffixes, content='', contentless_delete=1, detail=none, tokenize='ascii', prefix='3 4 5 6 7 8 9 10 11 12'
);
-- Every lead's words are written again at start-up by backend::search::rebuild_words, from the
-- search text each lead keeps, a batch of ids at a time past the one this row holds; the row goes
-- when it is done, and a start-up that stopped half way goes on from where it was.
CREATE TABLE word_index_rebuild (after_id INTEGER NOT NULL);
INSERT INTO word_index_rebuild (after_id) VALUES (0);
