-- The header's search answers a word that PostgreSQL's statistics call common (in five thousand
-- leads or more) without counting it through the word index (backend::search_stats). By default
-- ANALYZE keeps the thousand most common word grams, which on a million leads ends at 1.6 % of
-- them: the surnames of one lead in a hundred were left out and counted, each bitmap of 12,000
-- leads costing more than the search it feeds. Ten times the statistics keep ten thousand grams
-- (ANALYZE samples 300,000 rows instead of 30,000: seconds, when autovacuum runs it).
ALTER TABLE lead_search ALTER COLUMN search_grams SET STATISTICS 1000;
-- Autovacuum analyses the table again only after a tenth of it changed (months, for a school
-- whose leads are seldom edited): take the new statistics now. Not in a new school: statistics
-- of an empty table would tell the planner it stays empty until autovacuum's first look.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM lead_search) THEN
        ANALYZE lead_search;
    END IF;
END
$$;
