//! The list (journal) of leads: the board's filter, sortable columns, keyset pages with a total,
//! a page size choice; stacked rows on a phone.

use crate::api::list::{load_list, ListAnswer};
use crate::components::errors::ErrorMessage;
use crate::components::filter_bar::{FilterBar, UrlFilter};
use crate::components::format;
use crate::components::hydration::HydrationMark;
use crate::components::search::{marked_if, searched};
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::list::{ListCursor, ListRow, ListView, SortKey, PAGE_SIZES};
use domain::phone;
use domain::search::SearchQuery;
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_location, use_navigate};

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn ListPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| location.search.get());
    let paging = RwSignal::new(Paging::default());
    // A new query starts at the first page.
    let source = move || {
        let q = query.get();
        let after = paging.with(|p| if p.query == q { p.after.clone() } else { None });
        (q, after)
    };
    let page = page_resource(source, |(q, after)| load_list(q, after));
    view! {
        <SignedIn>
            <LeadList page query paging />
        </SignedIn>
    }
}

/// Which page of which query is shown: going back pops the cursors walked so far.
#[derive(Clone, Default, PartialEq)]
struct Paging {
    query: String,
    after: Option<ListCursor>,
    before: Vec<Option<ListCursor>>,
}

#[component]
fn LeadList(page: PageResource<ListAnswer>, query: Memo<String>, paging: RwSignal<Paging>) -> impl IntoView {
    let i18n = use_i18n();
    let url = UrlFilter::from_url();
    let offset = move || paging.with(|p| if p.query == query.get() { p.before.len() } else { 0 });
    view! {
        <main class="list-page">
            <div class="page-tools">
                <h1>{t!(i18n, list.title)}</h1>
                <A href="/leads/new" attr:class="button secondary" attr:data-testid="new-lead">
                    {t!(i18n, lead.new_title)}
                </A>
                <A href=move || format!("/?{}", url.filter.get().to_query()) attr:class="button secondary">
                    {t!(i18n, list.to_board)}
                </A>
                <a href=move || format!("/export/leads.xlsx?{}", url.filter.get().to_query()) class="button secondary" download data-testid="export-xlsx">
                    {t!(i18n, list.export_xlsx)}
                </a>
                <a href=move || format!("/export/leads.csv?{}", url.filter.get().to_query()) class="button secondary" download data-testid="export-csv">
                    {t!(i18n, list.export_csv)}
                </a>
                <A href=move || format!("/calls?{}", query.get().trim_start_matches('?')) attr:class="button" attr:data-testid="start-calls">
                    {t!(i18n, calls.start)}
                </A>
            </div>
            <div class="page-tools">
                <FilterBar url />
            </div>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(answer) => {
                            let offset = offset() * answer.view.size as usize;
                            view! {
                                <HydrationMark />
                                <ListTable answer offset url paging query />
                            }
                                .into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn ListTable(answer: ListAnswer, offset: usize, url: UrlFilter, paging: RwSignal<Paging>, query: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let ListAnswer { page, view, ignored } = answer;
    let now = page.now;
    let shown = page.rows.len();
    let total = page.total;
    let ignored = (!ignored.is_empty()).then(|| {
        let params = ignored.iter().map(|p| format!("{}={}", p.key, p.value)).collect::<Vec<_>>().join(", ");
        view! { <p class="notice" role="status">{t!(i18n, board.ignored_params, params = move || params.clone())}</p> }
    });
    let header = move |key: SortKey, label: AnyView| {
        let sorted = view.sort.key == key;
        let aria = if !sorted {
            "none"
        } else if view.sort.desc {
            "descending"
        } else {
            "ascending"
        };
        let arrow = if !sorted {
            ""
        } else if view.sort.desc {
            " ↓"
        } else {
            " ↑"
        };
        view! {
            <th aria-sort=aria>
                <button type="button" class="sort" data-sort=key.as_str() on:click=move |_| url.set_view(ListView { sort: view.sort.clicked(key), ..view })>
                    {label}
                    {arrow}
                </button>
            </th>
        }
    };
    let next = page.next.clone();
    let go_next = move |_| {
        let q = query.get_untracked();
        paging.update(|p| {
            let before = if p.query == q { std::mem::take(&mut p.before) } else { Vec::new() };
            let current = if p.query == q { p.after.clone() } else { None };
            let mut before = before;
            before.push(current);
            *p = Paging { query: q, after: next.clone(), before };
        });
    };
    let go_back = move |_| {
        paging.update(|p| {
            p.after = p.before.pop().flatten();
        })
    };
    let has_prev = offset > 0;
    let has_next = page.next.is_some();
    let navigate = use_navigate();
    // The query these rows were read for (a newer one replaces the whole table).
    let searched = searched(&query.get_untracked());
    let rows =
        page.rows.into_iter().map(|r| view! { <Row row=r now searched=searched.clone() navigate=navigate.clone() /> }).collect_view();
    let (from, to) = (if shown == 0 { 0 } else { offset + 1 }, offset + shown);
    view! {
        {ignored}
        <div class="list-summary">
            <span data-testid="list-total">{t!(i18n, list.range, from = from, to = to, total = move || format::count(total, i18n.get_locale()))}</span>
            <label class="inline-field">
                <span>{t!(i18n, list.page_size)}</span>
                <select
                    name="size"
                    on:change=move |ev| {
                        if let Ok(size) = event_target_value(&ev).parse::<i64>() {
                            url.set_view(ListView { size, ..view });
                        }
                    }
                >
                    {PAGE_SIZES.iter().map(|n| view! { <option value=*n selected=*n == view.size>{*n}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <div class="table-wrap">
            <table class="leads-table" data-testid="leads-table">
                <thead>
                    <tr>
                        {header(SortKey::Name, t!(i18n, list.name).into_any())}
                        <th>{t!(i18n, lead.phone)}</th>
                        <th>{t!(i18n, lead.stage)}</th>
                        <th>{t!(i18n, lead.category)}</th>
                        <th>{t!(i18n, lead.branch)}</th>
                        <th>{t!(i18n, lead.responsible)}</th>
                        {header(SortKey::DesiredStart, t!(i18n, list.desired).into_any())}
                        {header(SortKey::Created, t!(i18n, list.created).into_any())}
                        {header(SortKey::StageChanged, t!(i18n, list.changed).into_any())}
                        <th>{t!(i18n, list.next_task)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Show when=move || { shown == 0 }>
            <p class="empty">{t!(i18n, list.empty)}</p>
        </Show>
        <nav class="pager" aria-label=move || t_string!(i18n, list.pages)>
            <button type="button" class="secondary" disabled=!has_prev on:click=go_back data-testid="prev-page">
                {t!(i18n, list.prev)}
            </button>
            <button type="button" class="secondary" disabled=!has_next on:click=go_next data-testid="next-page">
                {t!(i18n, list.next)}
            </button>
        </nav>
    }
}

#[component]
fn Row(
    row: ListRow,
    now: chrono::DateTime<chrono::Utc>,
    /// What the list is searched for: marked in the name and phone.
    searched: Option<SearchQuery>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/leads/{}", row.id);
    let open = {
        let href = href.clone();
        move |_| navigate(&href, Default::default())
    };
    let phone = row.phone.as_deref().map(phone::shown);
    let overdue = row.next_task_due.is_some_and(|d| d < now);
    let days = (now - row.stage_changed_at).num_days().max(0);
    let (desired, created, due) = (row.desired_start, row.created_at.date_naive(), row.next_task_due_local);
    // The phone is one element in its cell: on a phone screen the cell is a flex row, where the
    // marked and unmarked pieces would each be an item with a gap between.
    view! {
        <tr class="lead-row" class:archived=row.archived data-lead-id=row.id on:click=open>
            <td class="cell-name">
                <a href=href>{marked_if(&row.name, searched.as_ref())}</a>
            </td>
            <td class="cell-phone" data-label=move || t_string!(i18n, lead.phone)>
                {phone.map(|p| view! { <span>{marked_if(&p, searched.as_ref())}</span> })}
            </td>
            <td data-label=move || t_string!(i18n, lead.stage)>
                <span class="stage-chip" style=format!("--stage-color: {}", row.stage_color)>{row.stage.clone()}</span>
            </td>
            <td data-label=move || t_string!(i18n, lead.category)>{row.category.clone()}</td>
            <td data-label=move || t_string!(i18n, lead.branch)>{row.branch.clone()}</td>
            <td data-label=move || t_string!(i18n, lead.responsible)>{row.responsible.clone()}</td>
            <td data-label=move || t_string!(i18n, list.desired)>{move || desired.map(|d| format::date(d, i18n.get_locale()))}</td>
            <td data-label=move || t_string!(i18n, list.created)>{move || format::date(created, i18n.get_locale())}</td>
            <td data-label=move || t_string!(i18n, list.changed)>{t!(i18n, list.days, days)}</td>
            <td data-label=move || t_string!(i18n, list.next_task) class:overdue=overdue>
                {move || due.map(|d| format::date_time(d, i18n.get_locale()))}
            </td>
        </tr>
    }
}
