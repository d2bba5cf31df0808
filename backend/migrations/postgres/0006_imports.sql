-- Imports (issue 9): each imported row's key, so the same row is never imported twice, and what
-- an import skipped.
ALTER TABLE leads ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX leads_import_key ON leads(import_key) WHERE import_key IS NOT NULL;
ALTER TABLE imports ADD COLUMN rows_already INTEGER NOT NULL DEFAULT 0;
