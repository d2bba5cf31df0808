//! The school's dictionaries: branches (training classes), licence categories, sales channels,
//! contact sources and tags. All share one shape.

use crate::Id;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DictionaryKind {
    Branch,
    Category,
    Channel,
    ContactSource,
    Tag,
}

/// One entry of a dictionary. For categories `name` is the code ("B", "C1E").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictionaryEntry {
    pub id: Id,
    pub name: String,
    pub position: i32,
    /// Disabled entries keep old leads readable but are not offered for new ones.
    pub active: bool,
}

/// Every dictionary at once, as forms and filters need them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dictionaries {
    pub branches: Vec<DictionaryEntry>,
    pub categories: Vec<DictionaryEntry>,
    pub channels: Vec<DictionaryEntry>,
    pub contact_sources: Vec<DictionaryEntry>,
    pub tags: Vec<DictionaryEntry>,
}

impl Dictionaries {
    pub fn name_of(entries: &[DictionaryEntry], id: Option<Id>) -> Option<&str> {
        let id = id?;
        entries.iter().find(|e| e.id == id).map(|e| e.name.as_str())
    }
}
