//! The filter bar shared by the board and the list. The URL query is the filter's only home: every
//! change navigates to the new query, so a bookmark, reload or back button shows the same view.

use crate::api::list::{filter_options, FilterChoices};
use crate::i18n::*;
use domain::filter::LeadFilter;
use domain::list::ListView;
use domain::Id;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// The filter and view of the current URL, and a way to change the filter.
#[derive(Clone, Copy)]
pub struct UrlFilter {
    pub filter: Memo<LeadFilter>,
    pub view: Memo<ListView>,
    path: StoredValue<String>,
}

impl UrlFilter {
    /// Reads the current route's URL (call inside a component).
    pub fn from_url() -> Self {
        let location = use_location();
        let search = location.search;
        UrlFilter {
            filter: Memo::new(move |_| LeadFilter::from_query(&search.get()).0),
            view: Memo::new(move |_| ListView::from_query(&search.get()).0),
            path: StoredValue::new(location.pathname.get_untracked()),
        }
    }

    /// Navigates to `filter` with the current sort and page size.
    pub fn set(&self, filter: LeadFilter) {
        let query = self.view.get_untracked().query(&filter);
        self.go(&query);
    }

    pub fn update(&self, change: impl FnOnce(&mut LeadFilter)) {
        let mut f = self.filter.get_untracked();
        change(&mut f);
        self.set(f);
    }

    pub fn set_view(&self, view: ListView) {
        let query = view.query(&self.filter.get_untracked());
        self.go(&query);
    }

    fn go(&self, query: &str) {
        let path = self.path.get_value();
        let url = if query.is_empty() { path } else { format!("{path}?{query}") };
        use_navigate()(&url, NavigateOptions { scroll: false, ..NavigateOptions::default() });
    }
}

/// How many kinds of condition are set (the search text counts as one).
pub fn active_count(f: &LeadFilter) -> usize {
    let lists = [&f.stages, &f.branches, &f.categories, &f.responsible, &f.channels, &f.sources].iter().filter(|v| !v.is_empty()).count();
    let dates = [f.desired_from, f.desired_to, f.created_from, f.created_to].iter().filter(|d| d.is_some()).count();
    lists + dates + [!f.tags.is_empty(), f.overdue, f.postponed, f.archived, f.q.is_some()].iter().filter(|b| **b).count()
}

fn parse_id(value: &str) -> Vec<Id> {
    value.parse::<Id>().ok().into_iter().collect()
}

fn parse_date(value: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

#[component]
pub fn FilterBar(url: UrlFilter) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let active = Memo::new(move |_| active_count(&url.filter.get()));
    let count = move || active.get();
    view! {
        <div class="filter-bar" class:active=move || { active.get() > 0 }>
            <button
                type="button"
                class="secondary filter-toggle"
                aria-expanded=move || open.get().to_string()
                data-testid="filter-toggle"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {t!(i18n, filter.title)}
                <Show when=move || { count() > 0 }>
                    <span class="badge" data-testid="filter-count">{count}</span>
                </Show>
            </button>
            {move || {
                url.filter
                    .with(|f| f.q.clone())
                    .map(|q| {
                        view! {
                            <span class="chip" data-testid="search-chip">
                                {t!(i18n, filter.searched, q = move || q.clone())}
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label=move || t_string!(i18n, filter.clear_search)
                                    on:click=move |_| url.update(|f| f.q = None)
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    })
            }}
            <Show when=move || { count() > 0 }>
                <span class="filter-note" role="status">{t!(i18n, filter.active)}</span>
                <button type="button" class="link-button" data-testid="filter-reset" on:click=move |_| url.set(LeadFilter::default())>
                    {t!(i18n, filter.reset)}
                </button>
            </Show>
        </div>
        <Show when=move || open.get()>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(filter_panel(url))}
            </Suspense>
        </Show>
    }
}

/// The panel with its choices. Closed, it costs nothing: its code is split off with
/// `cargo leptos build --split` and its choices are fetched, in the browser, when it first opens.
#[lazy]
async fn filter_panel(url: UrlFilter) -> AnyView {
    let i18n = use_i18n();
    let options = LocalResource::new(filter_options);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                // Drawn again when the URL changes (reset, back), so the controls show it.
                url.filter.track();
                Suspend::new(async move {
                    match options.await {
                        Ok(o) => view! { <FilterPanel url options=o /> }.into_any(),
                        Err(e) => view! { <crate::components::errors::ErrorMessage error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// A labelled `<select>` of one dictionary; "all" clears the condition.
fn pick_one(
    label: String,
    name: &'static str,
    entries: Vec<(Id, String)>,
    current: Option<Id>,
    all: String,
    on_pick: impl Fn(Vec<Id>) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <select name=name on:change=move |ev| on_pick(parse_id(&event_target_value(&ev)))>
                <option value="" selected=current.is_none()>{all}</option>
                {entries.into_iter().map(|(id, n)| view! { <option value=id selected=current == Some(id)>{n}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn FilterPanel(url: UrlFilter, options: FilterChoices) -> impl IntoView {
    let i18n = use_i18n();
    let f = url.filter.get_untracked();
    let all = move || t_string!(i18n, filter.all).to_string();
    let entries = |v: &[domain::dictionary::DictionaryEntry]| v.iter().map(|e| (e.id, e.name.clone())).collect::<Vec<_>>();
    let users: Vec<(Id, String)> = options.users.iter().map(|u| (u.id, u.name.clone())).collect();
    let date_input =
        move |label: String, name: &'static str, value: Option<chrono::NaiveDate>, set: fn(&mut LeadFilter, Option<chrono::NaiveDate>)| {
            view! {
                <label class="field">
                    <span>{label}</span>
                    <input
                        type="date"
                        name=name
                        value=value.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                        on:change=move |ev| {
                            let d = parse_date(&event_target_value(&ev));
                            url.update(|f| set(f, d));
                        }
                    />
                </label>
            }
        };
    let flag = move |label: String, name: &'static str, on: bool, set: fn(&mut LeadFilter, bool)| {
        view! {
            <label class="check">
                <input type="checkbox" name=name checked=on on:change=move |ev| url.update(|f| set(f, event_target_checked(&ev))) />
                <span>{label}</span>
            </label>
        }
    };
    let chosen_stages = f.stages.clone();
    view! {
        <section class="filter-panel" data-testid="filter-panel" aria-label=move || t_string!(i18n, filter.title)>
            <fieldset class="stage-checks">
                <legend>{t!(i18n, filter.stages)}</legend>
                {options
                    .stages
                    .iter()
                    .map(|s| {
                        let id = s.id;
                        view! {
                            <label class="check" style=format!("--stage-color: {}", s.color)>
                                <input
                                    type="checkbox"
                                    name="stage"
                                    value=id
                                    checked=chosen_stages.contains(&id)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        url.update(|f| {
                                            f.stages.retain(|s| *s != id);
                                            if on {
                                                f.stages.push(id);
                                            }
                                        });
                                    }
                                />
                                <span>{s.name.clone()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="filter-fields">
                {pick_one(t_string!(i18n, lead.branch).to_string(), "branch", entries(&options.branches), f.branches.first().copied(), all(), move |v| url.update(|f| f.branches = v))}
                {pick_one(t_string!(i18n, lead.category).to_string(), "category", entries(&options.categories), f.categories.first().copied(), all(), move |v| url.update(|f| f.categories = v))}
                {pick_one(t_string!(i18n, lead.responsible).to_string(), "responsible", users, f.responsible.first().copied(), all(), move |v| url.update(|f| f.responsible = v))}
                {pick_one(t_string!(i18n, lead.channel).to_string(), "channel", entries(&options.channels), f.channels.first().copied(), all(), move |v| url.update(|f| f.channels = v))}
                {pick_one(t_string!(i18n, lead.contact_source).to_string(), "source", entries(&options.sources), f.sources.first().copied(), all(), move |v| url.update(|f| f.sources = v))}
                <label class="field">
                    <span>{t!(i18n, filter.tag)}</span>
                    <select
                        name="tag"
                        on:change=move |ev| {
                            let tag = event_target_value(&ev);
                            url.update(|f| f.tags = domain::lead::normalise_tag(&tag).into_iter().collect());
                        }
                    >
                        <option value="" selected=f.tags.is_empty()>{all()}</option>
                        {options
                            .tags
                            .iter()
                            .map(|t| view! { <option value=t.name.clone() selected=f.tags.contains(&t.name)>{format!("#{}", t.name)}</option> })
                            .collect_view()}
                    </select>
                </label>
                {date_input(t_string!(i18n, filter.desired_from).to_string(), "desired_from", f.desired_from, |f, d| f.desired_from = d)}
                {date_input(t_string!(i18n, filter.desired_to).to_string(), "desired_to", f.desired_to, |f, d| f.desired_to = d)}
                {date_input(t_string!(i18n, filter.created_from).to_string(), "created_from", f.created_from, |f, d| f.created_from = d)}
                {date_input(t_string!(i18n, filter.created_to).to_string(), "created_to", f.created_to, |f, d| f.created_to = d)}
            </div>
            <div class="filter-flags">
                {flag(t_string!(i18n, filter.overdue).to_string(), "overdue", f.overdue, |f, on| f.overdue = on)}
                {flag(t_string!(i18n, filter.postponed).to_string(), "postponed", f.postponed, |f, on| f.postponed = on)}
                {flag(t_string!(i18n, filter.archived).to_string(), "archived", f.archived, |f, on| f.archived = on)}
            </div>
        </section>
    }
}
