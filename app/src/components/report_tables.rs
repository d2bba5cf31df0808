//! The reports laid out as tables, in the reader's language: the one layout the page and the XLSX
//! export share, so a downloaded report has the page's columns and figures.

use crate::components::format;
use crate::i18n::*;
use domain::report::{percent, ReportKind, Reports};

/// A cell: text, a count, a percentage or a decimal (`None` shows as a dash).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Count(u64),
    Percent(Option<f64>),
    Decimal(Option<f64>),
}

impl Value {
    /// As the page shows it.
    pub fn shown(&self, locale: Locale) -> String {
        let decimal = |v: f64| {
            let text = format!("{v:.1}");
            if locale == Locale::ru {
                text.replace('.', ",")
            } else {
                text
            }
        };
        match self {
            Value::Text(t) => t.clone(),
            Value::Count(n) => n.to_string(),
            Value::Percent(Some(p)) => format!("{}\u{a0}%", decimal(*p)),
            Value::Decimal(Some(v)) => decimal(*v),
            Value::Percent(None) | Value::Decimal(None) => "—".to_string(),
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Value::Text(_))
    }
}

/// One report as a table; `chart` names the label and value columns its bar chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: ReportKind,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub chart: Option<(usize, usize)>,
}

pub fn title(kind: ReportKind, locale: Locale) -> String {
    match kind {
        ReportKind::Funnel => td_string!(locale, reports.funnel),
        ReportKind::Channels => td_string!(locale, reports.channels),
        ReportKind::Responsibles => td_string!(locale, reports.responsibles),
        ReportKind::Branches => td_string!(locale, reports.branches),
        ReportKind::Reasons => td_string!(locale, reports.reasons),
        ReportKind::Waiting => td_string!(locale, reports.waiting),
    }
    .to_string()
}

fn or(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// Every report of `r` as a table, in page order.
pub fn tables(r: &Reports, locale: Locale) -> Vec<Table> {
    ReportKind::ALL.into_iter().map(|kind| table(r, kind, locale)).collect()
}

pub fn table(r: &Reports, kind: ReportKind, locale: Locale) -> Table {
    let s = |text: &str| text.to_string();
    let leads = td_string!(locale, reports.leads).to_string();
    let won = td_string!(locale, reports.won).to_string();
    let conversion = td_string!(locale, reports.conversion).to_string();
    let share_headers = |first: String| vec![first, leads.clone(), won.clone(), conversion.clone()];
    let share_rows = |rows: &[domain::report::ShareRow], none: &str| {
        rows.iter()
            .map(|x| {
                vec![Value::Text(or(&x.name, none)), Value::Count(x.leads), Value::Count(x.won), Value::Percent(percent(x.won, x.leads))]
            })
            .collect::<Vec<_>>()
    };
    let (headers, rows, chart) = match kind {
        ReportKind::Funnel => (
            vec![
                td_string!(locale, reports.stage).to_string(),
                td_string!(locale, reports.entered).to_string(),
                td_string!(locale, reports.of_all).to_string(),
                td_string!(locale, reports.now_in).to_string(),
                td_string!(locale, reports.dropped).to_string(),
            ],
            r.funnel
                .iter()
                .map(|f| {
                    vec![
                        Value::Text(f.stage.clone()),
                        Value::Count(f.entered),
                        Value::Percent(percent(f.entered, r.total)),
                        Value::Count(f.now_in),
                        Value::Count(f.dropped),
                    ]
                })
                .collect(),
            Some((0, 1)),
        ),
        ReportKind::Channels => (share_headers(td_string!(locale, lead.channel).to_string()), share_rows(&r.channels, ""), Some((0, 1))),
        ReportKind::Branches => (
            share_headers(td_string!(locale, lead.branch).to_string()),
            share_rows(&r.branches, td_string!(locale, reports.no_branch)),
            Some((0, 1)),
        ),
        ReportKind::Responsibles => (
            vec![
                td_string!(locale, lead.responsible).to_string(),
                leads.clone(),
                won.clone(),
                conversion.clone(),
                td_string!(locale, reports.days_to_won).to_string(),
                td_string!(locale, reports.hours_to_contact).to_string(),
            ],
            r.responsibles
                .iter()
                .map(|p| {
                    vec![
                        Value::Text(or(&p.name, td_string!(locale, reports.nobody))),
                        Value::Count(p.leads),
                        Value::Count(p.won),
                        Value::Percent(percent(p.won, p.leads)),
                        Value::Decimal(p.avg_days_to_won),
                        Value::Decimal(p.median_hours_to_first_contact),
                    ]
                })
                .collect(),
            Some((0, 1)),
        ),
        ReportKind::Reasons => (
            vec![td_string!(locale, reports.stage).to_string(), td_string!(locale, reports.reason).to_string(), leads.clone()],
            r.reasons
                .iter()
                .map(|x| {
                    vec![
                        Value::Text(x.stage.clone()),
                        Value::Text(x.reason.clone().unwrap_or_else(|| s(td_string!(locale, reports.no_reason)))),
                        Value::Count(x.leads),
                    ]
                })
                .collect(),
            Some((1, 2)),
        ),
        ReportKind::Waiting => (
            vec![
                td_string!(locale, reports.month).to_string(),
                td_string!(locale, lead.category).to_string(),
                td_string!(locale, lead.branch).to_string(),
                td_string!(locale, reports.waiting_leads).to_string(),
                td_string!(locale, reports.seats_left).to_string(),
                td_string!(locale, reports.groups).to_string(),
            ],
            r.waiting
                .iter()
                .map(|w| {
                    vec![
                        Value::Text(w.month.map_or_else(|| s(td_string!(locale, reports.no_month)), |m| format::month(m, locale))),
                        Value::Text(w.category.clone().unwrap_or_else(|| s(td_string!(locale, reports.no_category)))),
                        Value::Text(w.branch.clone().unwrap_or_else(|| s(td_string!(locale, reports.no_branch)))),
                        Value::Count(w.leads),
                        Value::Count(w.seats_left),
                        Value::Text(w.groups.join(", ")),
                    ]
                })
                .collect(),
            None,
        ),
    };
    Table { kind, title: title(kind, locale), headers, rows, chart }
}
