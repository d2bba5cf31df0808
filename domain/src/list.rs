//! The list (journal) of leads: its sort orders, keyset cursor, page sizes and rows. The call list
//! walks the same order one lead at a time.

use crate::error::Invalid;
use crate::filter::IgnoredParam;
use crate::Id;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Created,
    Name,
    DesiredStart,
    StageChanged,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [SortKey::Created, SortKey::Name, SortKey::DesiredStart, SortKey::StageChanged];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Name => "name",
            SortKey::DesiredStart => "desired",
            SortKey::StageChanged => "changed",
        }
    }

    /// The direction a fresh click sorts in: newest first for moments, A to Z for names.
    pub fn natural_desc(self) -> bool {
        matches!(self, SortKey::Created | SortKey::StageChanged)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSort {
    pub key: SortKey,
    pub desc: bool,
}

impl Default for ListSort {
    fn default() -> Self {
        ListSort { key: SortKey::Created, desc: true }
    }
}

impl ListSort {
    /// `name` or `-created`: a leading minus sorts descending.
    pub fn parse(value: &str) -> Option<ListSort> {
        let (desc, name) = match value.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        SortKey::ALL.into_iter().find(|k| k.as_str() == name).map(|key| ListSort { key, desc })
    }

    pub fn to_param(self) -> String {
        format!("{}{}", if self.desc { "-" } else { "" }, self.key.as_str())
    }

    /// What clicking the column `key` gives: the other direction of the current key, or a new key
    /// in its natural direction.
    pub fn clicked(self, key: SortKey) -> ListSort {
        if self.key == key {
            ListSort { key, desc: !self.desc }
        } else {
            ListSort { key, desc: key.natural_desc() }
        }
    }
}

pub const PAGE_SIZES: [i64; 3] = [25, 50, 100];
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// The view part of a list URL (`sort`, `size`), next to the filter's part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    pub sort: ListSort,
    pub size: i64,
}

impl Default for ListView {
    fn default() -> Self {
        ListView { sort: ListSort::default(), size: DEFAULT_PAGE_SIZE }
    }
}

impl ListView {
    /// Reads `sort` and `size` from a URL query; unreadable values are reported and left default.
    pub fn from_query(query: &str) -> (ListView, Vec<IgnoredParam>) {
        let mut view = ListView::default();
        let mut ignored = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            match key.as_ref() {
                "sort" => match ListSort::parse(value.trim()) {
                    Some(s) => view.sort = s,
                    None => ignored.push(IgnoredParam::new(&key, &value, Invalid::OutOfRange)),
                },
                "size" => match value.trim().parse::<i64>() {
                    Ok(n) if PAGE_SIZES.contains(&n) => view.size = n,
                    _ => ignored.push(IgnoredParam::new(&key, &value, Invalid::OutOfRange)),
                },
                _ => {}
            }
        }
        (view, ignored)
    }

    /// The URL query of `filter` shown this way: the filter's canonical part, then `sort` and
    /// `size` when they differ from the default.
    pub fn query(&self, filter: &crate::filter::LeadFilter) -> String {
        let mut q = url::form_urlencoded::Serializer::new(filter.to_query());
        for (k, v) in self.pairs() {
            q.append_pair(k, &v);
        }
        q.finish()
    }

    /// The non-default parts as query pairs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.sort != ListSort::default() {
            pairs.push(("sort", self.sort.to_param()));
        }
        if self.size != DEFAULT_PAGE_SIZE {
            pairs.push(("size", self.size.to_string()));
        }
        pairs
    }
}

/// A lead's value in the sort order. A missing desired start sorts after every date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortValue {
    Time(DateTime<Utc>),
    Text(String),
    Date(NaiveDate),
}

/// Where a page starts: just after this lead in the list's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCursor {
    pub value: SortValue,
    pub id: Id,
}

/// A lead as a list row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: Id,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub stage_id: Id,
    pub stage: String,
    pub stage_color: String,
    pub category: Option<String>,
    pub branch: Option<String>,
    pub channel: Option<String>,
    pub responsible: Option<String>,
    pub responsible_id: Option<Id>,
    pub desired_start: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub stage_changed_at: DateTime<Utc>,
    pub next_task_due: Option<DateTime<Utc>>,
    /// The same moment on the school's clock.
    pub next_task_due_local: Option<NaiveDateTime>,
    pub archived: bool,
    pub version: i64,
    /// Where the next page starts when this is the last row shown.
    pub cursor: ListCursor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub rows: Vec<ListRow>,
    /// Every lead matching the filter, not just this page (up to the cap).
    pub total: crate::count::Count,
    /// The cursor of the next page, when there is one.
    pub next: Option<ListCursor>,
    pub now: DateTime<Utc>,
}

/// Where a call list stands: the lead to call now, "7 of 42".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallListState {
    pub current: Option<ListRow>,
    /// 1-based position of the current lead in the list.
    pub position: i64,
    pub total: i64,
    /// Unanswered calls to the current lead since it was last reached.
    pub unanswered: i64,
}

/// Unanswered attempts after which the call list proposes the "unreachable" stage.
pub const UNANSWERED_BEFORE_UNREACHABLE: i64 = 3;
/// When the retry task of an unanswered call falls due.
pub const RETRY_AFTER_MINUTES: i64 = 120;
/// The preset stage proposed after repeated unanswered calls (seed 001).
pub const UNREACHABLE_STAGE: &str = "Не доступен";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_read_and_write_the_url() {
        assert_eq!(ListSort::parse("-created"), Some(ListSort { key: SortKey::Created, desc: true }));
        assert_eq!(ListSort::parse("name"), Some(ListSort { key: SortKey::Name, desc: false }));
        assert_eq!(ListSort::parse("colour"), None);
        for key in SortKey::ALL {
            for desc in [false, true] {
                let s = ListSort { key, desc };
                assert_eq!(ListSort::parse(&s.to_param()), Some(s));
            }
        }
    }

    #[test]
    fn clicking_a_column_toggles_or_starts_in_its_natural_direction() {
        let s = ListSort::default();
        assert_eq!(s.clicked(SortKey::Created), ListSort { key: SortKey::Created, desc: false });
        assert_eq!(s.clicked(SortKey::Name), ListSort { key: SortKey::Name, desc: false });
    }

    #[test]
    fn view_params_are_checked() {
        let (v, ignored) = ListView::from_query("sort=name&size=100&stage=3");
        assert_eq!(v, ListView { sort: ListSort { key: SortKey::Name, desc: false }, size: 100 });
        assert!(ignored.is_empty());
        let (v, ignored) = ListView::from_query("sort=up&size=7");
        assert_eq!(v, ListView::default());
        assert_eq!(ignored.len(), 2);
        assert!(ListView::default().pairs().is_empty());
        let filter = crate::filter::LeadFilter { stages: vec![2], ..Default::default() };
        assert_eq!(v.query(&filter), "stage=2");
        let named = ListView { sort: ListSort { key: SortKey::Name, desc: true }, size: 25 };
        assert_eq!(named.query(&filter), "stage=2&sort=-name&size=25");
    }
}
