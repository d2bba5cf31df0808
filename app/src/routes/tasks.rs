//! "My tasks": open tasks grouped into overdue, today and later on the school's clock, a form for a
//! task of one's own (with or without a lead), and for deputy and above anyone's tasks (`?user=`).

use crate::api::tasks::{my_tasks, TasksPage};
use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::components::tasks::{default_due, TaskForm, TaskList};
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::task::TaskItem;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn TasksRoute() -> impl IntoView {
    let query = use_query_map();
    let whose = Memo::new(move |_| query.with(|q| q.get("user").and_then(|v| v.parse::<Id>().ok())));
    let reloads = RwSignal::new(0_u32);
    let page = page_resource(move || (whose.get(), reloads.get()), |(whose, _)| my_tasks(whose));
    view! {
        <SignedIn>
            <TasksScreen page reloads />
        </SignedIn>
    }
}

#[component]
fn TasksScreen(page: PageResource<TasksPage>, reloads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page tasks-page">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <HydrationMark /> <Tasks page=p reloads /> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <HydrationMark /> <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Tasks(page: TasksPage, reloads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let reload = Callback::new(move |_| reloads.update(|n| *n += 1));
    let mine = page.whose == page.me;
    let name = page.people.iter().find(|p| p.id == page.whose).map(|p| p.name.clone()).unwrap_or_default();
    let can_pick = page.people.len() > 1;
    let TasksPage { groups, whose, me, people, now, now_local } = page;
    let form_people = people.clone();
    let pick_people = people.clone();
    let group = move |title: AnyView, items: Vec<TaskItem>, testid: &'static str| {
        view! {
            <section class="task-group" data-testid=testid>
                <h2>{title} " " <span class="count">{items.len()}</span></h2>
                {if items.is_empty() {
                    view! { <p class="muted">{t!(i18n, tasks.none)}</p> }.into_any()
                } else {
                    view! { <TaskList items now people=people.clone() me show_lead=true on_change=reload /> }.into_any()
                }}
            </section>
        }
    };
    view! {
        <div class="page-tools">
            <h1>
                {if mine { t!(i18n, tasks.title).into_any() } else { t!(i18n, tasks.title_of, name = name.clone()).into_any() }}
            </h1>
            {can_pick
                .then(|| {
                    view! {
                        <label class="field inline">
                            <span>{t!(i18n, tasks.whose)}</span>
                            <select
                                name="whose"
                                data-testid="whose-tasks"
                                on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    navigate(&format!("/tasks?user={id}"), Default::default());
                                }
                            >
                                {pick_people
                                    .into_iter()
                                    .map(|p| view! { <option value=p.id selected=p.id == whose>{p.name}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
        </div>
        <details class="new-task" open=mine>
            <summary>{t!(i18n, tasks.new)}</summary>
            <TaskForm lead_id=None people=form_people me editing=None default_due=default_due(now_local) on_saved=reload />
        </details>
        {group(t!(i18n, tasks.overdue).into_any(), groups.overdue, "tasks-overdue")}
        {group(t!(i18n, tasks.today).into_any(), groups.today, "tasks-today")}
        {group(t!(i18n, tasks.upcoming).into_any(), groups.upcoming, "tasks-upcoming")}
    }
}
