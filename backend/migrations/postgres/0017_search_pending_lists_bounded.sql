-- A GIN index keeps new entries in a pending list until VACUUM or a full list merges them into
-- the index, and every search reads the whole list through. At the default limit (4 MB), with
-- autovacuum coming only after 200,000 new leads on a million, a school in use searched through
-- lists of up to 4 MB: while a week's 5,000 leads arrived on a million, a phone-digit search took
-- p50 6.2–6.6 / p95 9.3–9.5 ms against 3.5–3.7 / 4.6–4.8 on the vacuumed school; with 1 MB,
-- 4.6–4.8 / 5.9–6.1 ms. Writing each lead's entries straight into the index instead (fastupdate
-- off) made 20,000 leads written 500 at a time take 12 s against 2, which an import would pay;
-- at 1 MB they took 2.6–2.9 s (bench/RESULTS.md, session 30).
ALTER INDEX lead_search_grams SET (gin_pending_list_limit = 1024);
ALTER INDEX lead_search_trigrams SET (gin_pending_list_limit = 1024);
