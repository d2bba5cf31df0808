//! What the board shows: columns of cards, read in one call.

use crate::stage::Stage;
use crate::Id;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Cards a column shows on first load; "show more" reads as many again.
pub const COLUMN_PAGE: i64 = 50;

/// A lead as a board card shows it, with names already resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCard {
    pub id: Id,
    pub name: String,
    pub phone: Option<String>,
    pub category: Option<String>,
    pub branch: Option<String>,
    pub desired_start: Option<NaiveDate>,
    pub responsible_initials: Option<String>,
    pub tags: Vec<String>,
    pub stage_changed_at: DateTime<Utc>,
    pub postponed_until: Option<DateTime<Utc>>,
    pub next_task_due: Option<DateTime<Utc>>,
    /// The same moment on the school's clock, as staff read it.
    pub next_task_due_local: Option<NaiveDateTime>,
    pub version: i64,
}

impl BoardCard {
    pub fn days_in_stage(&self, now: DateTime<Utc>) -> i64 {
        (now - self.stage_changed_at).num_days().max(0)
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_task_due.is_some_and(|due| due < now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: Stage,
    /// Leads in this stage that match the filter, not just the ones loaded (up to the cap).
    pub count: crate::count::Count,
    pub cards: Vec<BoardCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
    pub now: DateTime<Utc>,
}

/// Where a column's next page starts: just after this card in the column's order (last stage
/// change first, then id), so pages stay complete and disjoint while leads come and go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardCursor {
    pub stage_changed_at: DateTime<Utc>,
    pub id: Id,
}

impl BoardCard {
    pub fn cursor(&self) -> CardCursor {
        CardCursor { stage_changed_at: self.stage_changed_at, id: self.id }
    }
}
