//! The funnel reports (deputy and above): what they are computed over, and their rows. The
//! backend computes them; the UI and the XLSX export lay them out as tables.
//!
//! Every report but "waiting for a group" covers the leads *created* in the date range (on the
//! school's clock), narrowed by branch, channel and responsible; duplicates are left out so a
//! person counts once. "Waiting" is the state now: leads in open stages and the seats of groups.

use crate::stage::StageKind;
use crate::Id;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest range a report covers.
pub const MAX_RANGE_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFilter {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub branch_id: Option<Id>,
    pub channel_id: Option<Id>,
    pub responsible_id: Option<Id>,
}

impl ReportFilter {
    /// The default: the last 90 days up to `today`.
    pub fn recent(today: NaiveDate) -> ReportFilter {
        ReportFilter { from: today - Duration::days(89), to: today, branch_id: None, channel_id: None, responsible_id: None }
    }

    /// Reads `from`, `to` (YYYY-MM-DD), `branch`, `channel`, `responsible` from a URL query;
    /// what is missing or unreadable keeps the default, a reversed range is swapped and a range
    /// longer than [`MAX_RANGE_DAYS`] is cut at its start.
    pub fn from_query(query: &str, today: NaiveDate) -> ReportFilter {
        let mut f = ReportFilter::recent(today);
        for (key, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
            let id = value.trim().parse::<Id>().ok().filter(|id| *id > 0);
            match key.as_ref() {
                "from" => f.from = date.unwrap_or(f.from),
                "to" => f.to = date.unwrap_or(f.to),
                "branch" => f.branch_id = id,
                "channel" => f.channel_id = id,
                "responsible" => f.responsible_id = id,
                _ => {}
            }
        }
        if f.from > f.to {
            std::mem::swap(&mut f.from, &mut f.to);
        }
        if (f.to - f.from).num_days() > MAX_RANGE_DAYS {
            f.from = f.to - Duration::days(MAX_RANGE_DAYS);
        }
        f
    }

    pub fn to_query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("from", &self.from.to_string());
        q.append_pair("to", &self.to.to_string());
        for (key, v) in [("branch", self.branch_id), ("channel", self.channel_id), ("responsible", self.responsible_id)] {
            if let Some(id) = v {
                q.append_pair(key, &id.to_string());
            }
        }
        q.finish()
    }
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelRow {
    pub stage_id: Id,
    pub stage: String,
    pub kind: StageKind,
    /// Leads that were in this stage at some time (created in it or moved into it).
    pub entered: u64,
    /// Leads in it now.
    pub now_in: u64,
    /// Leads lost straight from this stage (the stage they left for a lost one).
    pub dropped: u64,
}

/// Leads and wins of one channel, branch or other grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    /// `None` for leads without one (no branch).
    pub id: Option<Id>,
    pub name: String,
    pub leads: u64,
    pub won: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsibleRow {
    pub id: Option<Id>,
    pub name: String,
    pub leads: u64,
    pub won: u64,
    /// Mean days from creation to entering the won stage, over the won leads.
    pub avg_days_to_won: Option<f64>,
    /// Median hours from creation to the first contact (the first note, call, stage change or
    /// task done by a person), over the leads that had one.
    pub median_hours_to_first_contact: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonRow {
    pub stage: String,
    /// `None` for leads lost without a reason (stages that ask none).
    pub reason: Option<String>,
    pub leads: u64,
}

/// Leads waiting for a group of one category and branch starting in one month, beside the seats
/// left in the groups of that category and branch (or of no branch) starting that month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingRow {
    pub category_id: Option<Id>,
    pub category: Option<String>,
    pub branch_id: Option<Id>,
    pub branch: Option<String>,
    /// The first day of the desired start month; `None` for leads without a desired start.
    pub month: Option<NaiveDate>,
    pub leads: u64,
    pub seats_left: u64,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reports {
    pub filter: ReportFilter,
    pub total: u64,
    pub won: u64,
    pub lost: u64,
    pub funnel: Vec<FunnelRow>,
    pub channels: Vec<ShareRow>,
    pub responsibles: Vec<ResponsibleRow>,
    pub branches: Vec<ShareRow>,
    pub reasons: Vec<ReasonRow>,
    pub waiting: Vec<WaitingRow>,
}

/// `part` of `whole` in percent, one decimal; `None` when there is no whole.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// The first day of `date`'s month.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The report sections, in page order; their names are the `report=` of the XLSX export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Funnel,
    Channels,
    Responsibles,
    Branches,
    Reasons,
    Waiting,
}

impl ReportKind {
    pub const ALL: [ReportKind; 6] = [
        ReportKind::Funnel,
        ReportKind::Channels,
        ReportKind::Responsibles,
        ReportKind::Branches,
        ReportKind::Reasons,
        ReportKind::Waiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Funnel => "funnel",
            ReportKind::Channels => "channels",
            ReportKind::Responsibles => "responsibles",
            ReportKind::Branches => "branches",
            ReportKind::Reasons => "reasons",
            ReportKind::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_filter_reads_its_query_and_keeps_defaults() {
        let today = day(2026, 11, 30);
        let f = ReportFilter::from_query("from=2026-01-01&to=2026-03-31&branch=3&channel=x&responsible=0", today);
        assert_eq!((f.from, f.to, f.branch_id, f.channel_id, f.responsible_id), (day(2026, 1, 1), day(2026, 3, 31), Some(3), None, None));
        assert_eq!(ReportFilter::from_query(&f.to_query(), today), f);
        let reversed = ReportFilter::from_query("from=2026-05-01&to=2026-04-01", today);
        assert_eq!((reversed.from, reversed.to), (day(2026, 4, 1), day(2026, 5, 1)));
        assert_eq!(ReportFilter::from_query("from=nonsense", today), ReportFilter::recent(today));
        let long = ReportFilter::from_query("from=2000-01-01", today);
        assert_eq!((long.to - long.from).num_days(), MAX_RANGE_DAYS);
    }

    #[test]
    fn percent_and_median() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(0, 0), None);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
        assert_eq!(month_of(day(2026, 2, 17)), day(2026, 2, 1));
    }
}
