-- The board and lists filtered by branch, category, responsible or channel read each column
-- through one of these, newest stage change first, like the unfiltered `leads_board`.
CREATE INDEX leads_branch_board ON leads(branch_id, stage_id, archived, stage_changed_at DESC, id DESC);
CREATE INDEX leads_category_board ON leads(category_id, stage_id, archived, stage_changed_at DESC, id DESC);
CREATE INDEX leads_responsible_board ON leads(responsible_id, stage_id, archived, stage_changed_at DESC, id DESC);
CREATE INDEX leads_channel_board ON leads(channel_id, stage_id, archived, stage_changed_at DESC, id DESC);
