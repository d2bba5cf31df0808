-- Automation (issue 7): round-robin turns, one "task due" notification per task and assignee,
-- the rules' audit list read newest first.

CREATE TABLE round_robin (
    -- The lead's branch id, or 0 for leads without a branch.
    pool_key BIGINT PRIMARY KEY,
    turn BIGINT NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX notifications_task_due ON notifications(task_id, user_id) WHERE kind = 'task_due';
CREATE INDEX audit_log_area ON audit_log(area, created_at DESC, id DESC);
CREATE INDEX automation_rules_trigger ON automation_rules(trigger_kind, stage_id) WHERE active;
