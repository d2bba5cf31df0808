//! Per-user notifications.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    TaskAssigned,
    TaskDue,
    LeadTransferred,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::TaskAssigned => "task_assigned",
            NotificationKind::TaskDue => "task_due",
            NotificationKind::LeadTransferred => "lead_transferred",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        [NotificationKind::TaskAssigned, NotificationKind::TaskDue, NotificationKind::LeadTransferred].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: Id,
    pub user_id: Id,
    pub kind: NotificationKind,
    pub lead_id: Option<Id>,
    pub task_id: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notification with the names its text needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub notification: Notification,
    pub task_title: Option<String>,
    pub lead_name: Option<String>,
    /// When it was filed, on the school's clock.
    pub created_local: chrono::NaiveDateTime,
}
