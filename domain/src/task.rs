//! Tasks: calls, meetings and other things someone has to do by a time.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Call,
    Meeting,
    Other,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Call => "call",
            TaskKind::Meeting => "meeting",
            TaskKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<TaskKind> {
        match s {
            "call" => Some(TaskKind::Call),
            "meeting" => Some(TaskKind::Meeting),
            "other" => Some(TaskKind::Other),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: Id,
    pub title: String,
    pub kind: TaskKind,
    pub due_at: DateTime<Utc>,
    pub assignee_id: Id,
    pub author_id: Option<Id>,
    pub lead_id: Option<Id>,
    pub done_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Task {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.done_at.is_none() && self.due_at < now
    }
}
