//! `LeadFilter`: the one filter for board, list, export, call list and API. The URL query is its
//! serialisation, so a bookmark reproduces a view.

use crate::error::Invalid;
use crate::Id;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFilter {
    pub stages: Vec<Id>,
    pub branches: Vec<Id>,
    pub categories: Vec<Id>,
    pub responsible: Vec<Id>,
    pub channels: Vec<Id>,
    pub sources: Vec<Id>,
    pub tags: Vec<String>,
    pub desired_from: Option<NaiveDate>,
    pub desired_to: Option<NaiveDate>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub overdue: bool,
    pub postponed: bool,
    pub archived: bool,
    pub q: Option<String>,
}

/// A query parameter that could not be read; a page ignores it and says so, the API refuses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredParam {
    pub key: String,
    pub value: String,
    /// Why it could not be read.
    pub reason: Invalid,
}

impl IgnoredParam {
    pub fn new(key: &str, value: &str, reason: Invalid) -> IgnoredParam {
        IgnoredParam { key: key.into(), value: value.into(), reason }
    }
}

fn ids(out: &mut Vec<Id>, key: &str, value: &str, ignored: &mut Vec<IgnoredParam>) {
    for part in value.split(',').filter(|p| !p.is_empty()) {
        match part.trim().parse::<Id>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id)
                }
            }
            _ => ignored.push(IgnoredParam::new(key, part, Invalid::OutOfRange)),
        }
    }
}

fn date(slot: &mut Option<NaiveDate>, key: &str, value: &str, ignored: &mut Vec<IgnoredParam>) {
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => *slot = Some(d),
        Err(_) => ignored.push(IgnoredParam::new(key, value, Invalid::Date)),
    }
}

fn flag(slot: &mut bool, key: &str, value: &str, ignored: &mut Vec<IgnoredParam>) {
    match value {
        "1" | "true" => *slot = true,
        "0" | "false" => *slot = false,
        _ => ignored.push(IgnoredParam::new(key, value, Invalid::OutOfRange)),
    }
}

impl LeadFilter {
    /// What `q` searches for; none when it is absent or too short to search for (then it
    /// filters nothing).
    pub fn search(&self) -> Option<crate::search::SearchQuery> {
        self.q.as_deref().and_then(|q| crate::search::SearchQuery::parse(q).ok())
    }

    /// Up to how many leads this filter's total is counted exactly: a search's hits to
    /// [`crate::count::SEARCH_CAP`], anything else to [`crate::count::CAP`].
    pub fn count_cap(&self) -> i64 {
        self.cap_when_searched(crate::count::SEARCH_CAP)
    }

    /// As [`LeadFilter::count_cap`] for one board column: a search's hits to
    /// [`crate::count::COLUMN_SEARCH_CAP`].
    pub fn column_count_cap(&self) -> i64 {
        self.cap_when_searched(crate::count::COLUMN_SEARCH_CAP)
    }

    fn cap_when_searched(&self, searched: i64) -> i64 {
        if self.search().is_some() {
            searched
        } else {
            crate::count::CAP
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == LeadFilter::default()
    }

    /// Reads a URL query (without the `?`). Unknown keys and unreadable values are returned, never
    /// fatal.
    pub fn from_query(query: &str) -> (LeadFilter, Vec<IgnoredParam>) {
        let mut f = LeadFilter::default();
        let mut ignored = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let (key, value) = (key.as_ref(), value.trim());
            match key {
                "stage" => ids(&mut f.stages, key, value, &mut ignored),
                "branch" => ids(&mut f.branches, key, value, &mut ignored),
                "category" => ids(&mut f.categories, key, value, &mut ignored),
                "responsible" => ids(&mut f.responsible, key, value, &mut ignored),
                "channel" => ids(&mut f.channels, key, value, &mut ignored),
                "source" => ids(&mut f.sources, key, value, &mut ignored),
                "tag" => f.tags.extend(value.split(',').filter_map(crate::lead::normalise_tag)),
                "desired_from" => date(&mut f.desired_from, key, value, &mut ignored),
                "desired_to" => date(&mut f.desired_to, key, value, &mut ignored),
                "created_from" => date(&mut f.created_from, key, value, &mut ignored),
                "created_to" => date(&mut f.created_to, key, value, &mut ignored),
                "overdue" => flag(&mut f.overdue, key, value, &mut ignored),
                "postponed" => flag(&mut f.postponed, key, value, &mut ignored),
                "archived" => flag(&mut f.archived, key, value, &mut ignored),
                "q" if value.is_empty() => {}
                "q" => match crate::search::SearchQuery::parse(value) {
                    Ok(_) => f.q = Some(value.to_string()),
                    Err(_) => ignored.push(IgnoredParam::new(key, value, Invalid::SearchTooShort)),
                },
                // How a list shows the leads, not which: read by `list::ListView`.
                "sort" | "size" => {}
                _ => ignored.push(IgnoredParam::new(key, value, Invalid::UnknownParameter)),
            }
        }
        (f, ignored)
    }

    /// The canonical query string (keys in a fixed order, empty parts left out).
    pub fn to_query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        let join = |v: &[Id]| v.iter().map(Id::to_string).collect::<Vec<_>>().join(",");
        for (key, v) in [
            ("stage", &self.stages),
            ("branch", &self.branches),
            ("category", &self.categories),
            ("responsible", &self.responsible),
            ("channel", &self.channels),
            ("source", &self.sources),
        ] {
            if !v.is_empty() {
                q.append_pair(key, &join(v));
            }
        }
        if !self.tags.is_empty() {
            q.append_pair("tag", &self.tags.join(","));
        }
        for (key, d) in [
            ("desired_from", self.desired_from),
            ("desired_to", self.desired_to),
            ("created_from", self.created_from),
            ("created_to", self.created_to),
        ] {
            if let Some(d) = d {
                q.append_pair(key, &d.format("%Y-%m-%d").to_string());
            }
        }
        for (key, on) in [("overdue", self.overdue), ("postponed", self.postponed), ("archived", self.archived)] {
            if on {
                q.append_pair(key, "1");
            }
        }
        if let Some(text) = &self.q {
            q.append_pair("q", text);
        }
        q.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_counted_to_the_smaller_cap() {
        assert_eq!(LeadFilter::default().count_cap(), crate::count::CAP);
        let searched = LeadFilter { q: Some("Иванов".into()), ..Default::default() };
        assert_eq!(searched.count_cap(), crate::count::SEARCH_CAP);
        let stage_and_search = LeadFilter { stages: vec![3], ..searched };
        assert_eq!(stage_and_search.count_cap(), crate::count::SEARCH_CAP);
        assert_eq!(stage_and_search.column_count_cap(), crate::count::COLUMN_SEARCH_CAP);
        let too_short = LeadFilter { q: Some("и".into()), ..Default::default() };
        assert_eq!(too_short.count_cap(), crate::count::CAP);
        assert_eq!(too_short.column_count_cap(), crate::count::CAP);
    }

    #[test]
    fn round_trips_through_the_url() {
        let f = LeadFilter {
            stages: vec![1, 2],
            branches: vec![3],
            tags: vec!["лето".into()],
            desired_from: NaiveDate::from_ymd_opt(2027, 2, 1),
            overdue: true,
            q: Some("Петров 987".into()),
            ..LeadFilter::default()
        };
        let q = f.to_query();
        let (back, ignored) = LeadFilter::from_query(&q);
        assert_eq!(back, f);
        assert!(ignored.is_empty());
        assert_eq!(LeadFilter::default().to_query(), "");
        assert!(LeadFilter::from_query("").0.is_empty());
    }

    #[test]
    fn bad_values_are_ignored_and_reported() {
        let (f, ignored) = LeadFilter::from_query("?stage=1,x,-3&desired_from=31.02.2027&overdue=maybe&colour=red&branch=4");
        assert_eq!(f.stages, vec![1]);
        assert_eq!(f.branches, vec![4]);
        assert_eq!(f.desired_from, None);
        assert!(!f.overdue);
        let read: Vec<_> = ignored.iter().map(|i| (i.key.as_str(), i.value.as_str(), i.reason)).collect();
        assert_eq!(
            read,
            vec![
                ("stage", "x", Invalid::OutOfRange),
                ("stage", "-3", Invalid::OutOfRange),
                ("desired_from", "31.02.2027", Invalid::Date),
                ("overdue", "maybe", Invalid::OutOfRange),
                ("colour", "red", Invalid::UnknownParameter),
            ]
        );
        let (f, ignored) = LeadFilter::from_query("q=ab&sort=name");
        assert_eq!(f.q, None);
        assert_eq!(ignored, vec![IgnoredParam::new("q", "ab", Invalid::SearchTooShort)]);
    }
}
