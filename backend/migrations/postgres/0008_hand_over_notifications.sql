-- A user switched off hands their leads and open tasks to a colleague: the colleague gets one
-- notification saying whose and how many, not one a lead.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('task_assigned', 'task_due', 'lead_transferred', 'leads_handed_over'));
ALTER TABLE notifications ADD COLUMN from_user_id BIGINT REFERENCES users(id);
ALTER TABLE notifications ADD COLUMN lead_count BIGINT;
ALTER TABLE notifications ADD COLUMN task_count BIGINT;
ALTER TABLE notifications ADD CONSTRAINT notifications_hand_over_check
    CHECK ((kind = 'leads_handed_over') = (from_user_id IS NOT NULL AND lead_count IS NOT NULL AND task_count IS NOT NULL));
