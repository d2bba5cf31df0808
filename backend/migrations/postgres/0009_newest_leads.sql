-- The header's search finds the newest leads holding a common word (a surname is one lead in
-- eighty) by reading leads newest first and testing each, which wants creation order across
-- live and archived leads alike; leads_list_created puts `archived` first.
CREATE INDEX leads_newest ON leads(created_at DESC, id DESC);
