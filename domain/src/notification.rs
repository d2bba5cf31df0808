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
    /// A leaving colleague's leads and open tasks were handed over: one notification for all of
    /// them, not one a lead.
    LeadsHandedOver,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::TaskAssigned => "task_assigned",
            NotificationKind::TaskDue => "task_due",
            NotificationKind::LeadTransferred => "lead_transferred",
            NotificationKind::LeadsHandedOver => "leads_handed_over",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        [NotificationKind::TaskAssigned, NotificationKind::TaskDue, NotificationKind::LeadTransferred, NotificationKind::LeadsHandedOver]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: Id,
    pub user_id: Id,
    pub kind: NotificationKind,
    pub lead_id: Option<Id>,
    pub task_id: Option<Id>,
    /// A hand-over: who left, and how many leads and open tasks came with it.
    pub handed_over: Option<HandOver>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What a hand-over notification tells: whose work it was and how much of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOver {
    pub from_user_id: Id,
    pub from_name: String,
    pub leads: i64,
    pub tasks: i64,
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
