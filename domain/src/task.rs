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

/// A task as a form or the API gives it; the due time is on the school's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub title: String,
    pub kind: TaskKind,
    pub due_local: chrono::NaiveDateTime,
    /// `None`: the author.
    pub assignee_id: Option<Id>,
    pub lead_id: Option<Id>,
}

pub const MAX_TITLE_LEN: usize = 200;

impl TaskDraft {
    /// The trimmed title, or why it is refused.
    pub fn title(&self) -> Result<String, crate::AppError> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(crate::AppError::invalid("title", crate::error::Invalid::Required));
        }
        if title.chars().count() > MAX_TITLE_LEN {
            return Err(crate::AppError::invalid("title", crate::error::Invalid::TooLong));
        }
        Ok(title.to_string())
    }
}

/// A task as lists show it: with its due time on the school's clock and the names it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskItem {
    pub task: Task,
    pub due_local: chrono::NaiveDateTime,
    pub lead_name: Option<String>,
    pub assignee_name: String,
}

/// "My tasks": open tasks by when they fall due on the school's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskGroups {
    pub overdue: Vec<TaskItem>,
    pub today: Vec<TaskItem>,
    pub upcoming: Vec<TaskItem>,
}

/// One of my open tasks falling due soon, so the open app can remind me at its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueSoon {
    pub task_id: Id,
    pub title: String,
    pub lead_id: Option<Id>,
    pub due_at: DateTime<Utc>,
}

/// What the navigation shows and polls: my active tasks (overdue and due today), my unread
/// notifications, and my tasks falling due before the next poll.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pulse {
    pub active_tasks: i64,
    pub unread_notifications: i64,
    pub due_soon: Vec<DueSoon>,
    pub now: DateTime<Utc>,
}

/// How far ahead a pulse lists tasks falling due; the app polls more often than this.
pub const DUE_SOON_MINUTES: i64 = 5;

/// Parses a due time as a `datetime-local` input gives it, with or without seconds.
pub fn parse_due_local(s: &str) -> Option<chrono::NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
}

impl TaskGroups {
    /// The navigation badge: what needs doing now (overdue and due today).
    pub fn active(&self) -> usize {
        self.overdue.len() + self.today.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_required_and_bounded() {
        let draft = |title: &str| TaskDraft {
            title: title.into(),
            kind: TaskKind::Call,
            due_local: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(10, 0, 0).unwrap(),
            assignee_id: None,
            lead_id: None,
        };
        assert_eq!(draft("  Позвонить ").title().unwrap(), "Позвонить");
        assert!(draft("   ").title().is_err());
        assert!(draft(&"я".repeat(201)).title().is_err());
        assert_eq!(parse_due_local("2026-12-01T10:05"), Some(draft("x").due_local + chrono::Duration::minutes(5)));
        assert_eq!(parse_due_local("2026-12-01T10:00:07"), Some(draft("x").due_local + chrono::Duration::seconds(7)));
        assert_eq!(parse_due_local("завтра"), None);
        for kind in [TaskKind::Call, TaskKind::Meeting, TaskKind::Other] {
            assert_eq!(TaskKind::parse(kind.as_str()), Some(kind));
        }
    }
}
