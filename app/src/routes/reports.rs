//! The reports (deputy and above): a filter (date range, branch, channel, responsible) kept in the
//! URL, the summary, and each report as a chart beside its table with its own XLSX download.

use crate::api::groups::{load_reports, ReportsPage};
use crate::components::chart::BarChart;
use crate::components::page::loaded;
use crate::components::report_tables::{tables, Table, Value};
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::page_resource;
use domain::report::ReportFilter;
use domain::Id;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn ReportsRoute() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| location.search.get());
    let page = page_resource(move || query.get(), load_reports);
    view! {
        <SignedIn>
            <main class="page reports-page">
                {loaded(page, move |p| view! { <ReportsView page=p /> }.into_any())}
            </main>
        </SignedIn>
    }
}

#[component]
fn ReportsView(page: ReportsPage) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let r = page.reports;
    let query = r.filter.to_query();
    let laid_out = tables(&r, locale);
    view! {
        <h1>{t!(i18n, reports.title)}</h1>
        <ReportFilterForm filter=r.filter.clone() choices=page.choices />
        <p class="report-summary" data-testid="report-summary">
            {t!(i18n, reports.summary)} ": " <strong>{r.total}</strong> " · " {t!(i18n, reports.won)} ": " <strong>{r.won}</strong> " · "
            {t!(i18n, reports.lost)} ": " <strong>{r.lost}</strong> " · "
            <a href=format!("/reports/export.xlsx?{query}") download data-testid="report-xlsx-all">
                {t!(i18n, reports.xlsx_all)}
            </a>
        </p>
        {laid_out.into_iter().map(|table| view! { <ReportSection table query=query.clone() /> }).collect_view()}
    }
}

#[component]
fn ReportSection(table: Table, query: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let kind = table.kind.as_str();
    let bars: Option<Vec<(String, f64)>> = table.chart.map(|(label, value)| {
        table
            .rows
            .iter()
            .map(|row| {
                let text = row[label].shown(locale);
                let n = match &row[value] {
                    Value::Count(n) => *n as f64,
                    Value::Percent(v) | Value::Decimal(v) => v.unwrap_or(0.0),
                    Value::Text(_) => 0.0,
                };
                (text, n)
            })
            .collect()
    });
    let empty = table.rows.is_empty();
    view! {
        <section class="report" data-testid=format!("report-{kind}")>
            <header class="section-head">
                <h2>{table.title.clone()}</h2>
                <a class="download" href=format!("/reports/export.xlsx?{query}&report={kind}") download>
                    {t!(i18n, reports.xlsx)}
                </a>
            </header>
            {if empty {
                view! { <p class="muted">{t!(i18n, reports.empty)}</p> }.into_any()
            } else {
                view! {
                    <div class="report-body">
                        {bars.map(|bars| view! { <BarChart title=table.title.clone() bars /> })}
                        <div class="scroll-x">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        {table
                                            .headers
                                            .iter()
                                            .enumerate()
                                            .map(|(i, h)| {
                                                let numeric = table.rows.first().is_some_and(|r| r[i].is_number());
                                                view! { <th class:num=numeric>{h.clone()}</th> }
                                            })
                                            .collect_view()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {table
                                        .rows
                                        .iter()
                                        .map(|row| {
                                            view! {
                                                <tr>
                                                    {row.iter().map(|v| view! { <td class:num=v.is_number()>{v.shown(locale)}</td> }).collect_view()}
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The filter as a GET form: submitting it changes the URL, which reloads the reports.
#[component]
fn ReportFilterForm(filter: ReportFilter, choices: crate::api::list::FilterChoices) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let from = RwSignal::new(filter.from.to_string());
    let to = RwSignal::new(filter.to.to_string());
    let branch = RwSignal::new(filter.branch_id);
    let channel = RwSignal::new(filter.channel_id);
    let responsible = RwSignal::new(filter.responsible_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |s: String| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        let (Some(from), Some(to)) = (parse(from.get_untracked()), parse(to.get_untracked())) else { return };
        let f = ReportFilter {
            from,
            to,
            branch_id: branch.get_untracked(),
            channel_id: channel.get_untracked(),
            responsible_id: responsible.get_untracked(),
        };
        navigate(&format!("/reports?{}", f.to_query()), Default::default());
    };
    let select = move |label: AnyView, name: &'static str, slot: RwSignal<Option<Id>>, options: Vec<(Id, String)>| {
        view! {
            <label class="field">
                <span>{label}</span>
                <select name=name on:change=move |ev| slot.set(event_target_value(&ev).parse::<Id>().ok())>
                    <option value="" selected=move || slot.get().is_none()>{t!(i18n, reports.all)}</option>
                    {options
                        .into_iter()
                        .map(|(id, text)| view! { <option value=id selected=move || slot.get() == Some(id)>{text}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    };
    let entries = |e: &[domain::dictionary::DictionaryEntry]| e.iter().map(|x| (x.id, x.name.clone())).collect::<Vec<_>>();
    view! {
        <form class="report-filter form-grid" on:submit=submit data-testid="report-filter">
            <label class="field">
                <span>{t!(i18n, reports.from)}</span>
                <input type="date" name="from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, reports.to)}</span>
                <input type="date" name="to" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
            </label>
            {select(t!(i18n, lead.branch).into_any(), "branch", branch, entries(&choices.branches))}
            {select(t!(i18n, lead.channel).into_any(), "channel", channel, entries(&choices.channels))}
            {select(t!(i18n, lead.responsible).into_any(), "responsible", responsible, choices.users.iter().map(|u| (u.id, u.name.clone())).collect())}
            <div class="form-actions">
                <button type="submit" class="primary">
                    {t!(i18n, reports.apply)}
                </button>
            </div>
        </form>
    }
}
