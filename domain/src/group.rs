//! Training groups and the contracts that enrol leads into them.

use crate::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Recruiting,
    Started,
    Finished,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingGroup {
    pub id: Id,
    pub name: String,
    pub category_id: Id,
    pub branch_id: Option<Id>,
    pub start_date: NaiveDate,
    pub capacity: i32,
    pub status: GroupStatus,
    /// Contracts not cancelled.
    pub seats_taken: i32,
}

impl TrainingGroup {
    pub fn seats_left(&self) -> i32 {
        (self.capacity - self.seats_taken).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: Id,
    pub lead_id: Id,
    pub group_id: Id,
    pub number: String,
    pub signed_on: NaiveDate,
    /// In kopecks, so sums are exact.
    pub price_kopecks: i64,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}
