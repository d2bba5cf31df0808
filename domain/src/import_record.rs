//! The record each import leaves behind: who imported which file when, and what came of it.

use crate::Id;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: Id,
    /// The importing user's display name (`None` once the user is gone).
    pub by: Option<String>,
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub file_hash: String,
    pub rows_total: i64,
    pub rows_imported: i64,
    /// Rows skipped as imported before.
    pub rows_already: i64,
    /// Started, on the school's clock.
    pub started_local: NaiveDateTime,
    pub finished: bool,
}

impl ImportRecord {
    /// The first 12 hex digits: enough to tell files apart on screen.
    pub fn short_hash(&self) -> &str {
        self.file_hash.get(..12).unwrap_or(&self.file_hash)
    }
}
