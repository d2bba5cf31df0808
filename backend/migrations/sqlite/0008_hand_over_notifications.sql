-- A user switched off hands their leads and open tasks to a colleague: the colleague gets one
-- notification saying whose and how many, not one a lead. SQLite cannot change a CHECK in place,
-- so the table is rebuilt (nothing refers to it) with the new kind and its three columns.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('task_assigned', 'task_due', 'lead_transferred', 'leads_handed_over')),
    lead_id INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    task_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    read_at TEXT,
    from_user_id INTEGER REFERENCES users(id),
    lead_count INTEGER,
    task_count INTEGER,
    CHECK ((kind = 'leads_handed_over') = (from_user_id IS NOT NULL AND lead_count IS NOT NULL AND task_count IS NOT NULL))
);
INSERT INTO notifications_new (id, user_id, kind, lead_id, task_id, created_at, read_at)
    SELECT id, user_id, kind, lead_id, task_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications(user_id, read_at, created_at DESC);
CREATE UNIQUE INDEX notifications_task_due ON notifications(task_id, user_id) WHERE kind = 'task_due';
