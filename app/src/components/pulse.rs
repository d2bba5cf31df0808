//! The navigation's live figures: my active tasks, my unread notifications, and reminders when one
//! of my tasks falls due while the app is open. Polled once a minute and after my own changes;
//! reminders are timed in the browser from the server's clock, so they come on time between polls.

use crate::api::tasks::{load_pulse, mark_notifications_read, notifications};
use crate::components::format;
use crate::components::toast::Toasts;
use crate::i18n::*;
use chrono::{DateTime, Utc};
use domain::notification::{NotificationKind, NotificationView};
use domain::task::Pulse;
use domain::Id;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::collections::HashMap;
use std::time::Duration;

/// How often the open app asks for news (the issue allows at most once a minute).
const POLL: Duration = Duration::from_secs(60);

#[derive(Clone, Copy)]
pub struct PulseState {
    pub data: RwSignal<Option<Pulse>>,
    asks: RwSignal<u32>,
}

impl PulseState {
    pub fn provide() -> Self {
        let state = PulseState { data: RwSignal::new(None), asks: RwSignal::new(0) };
        provide_context(state);
        state
    }

    /// Asks again now: after a task was created, done or changed here.
    pub fn refresh(&self) {
        self.asks.update(|n| *n += 1);
    }
}

/// What refreshes the pulse after a change: take it while the component is created (context is
/// not reachable from inside a spawned task); a no-op on a page without one.
pub fn pulse_refresher() -> impl Fn() + Copy {
    let state = use_context::<PulseState>();
    move || {
        if let Some(state) = state {
            state.refresh();
        }
    }
}

/// Keeps [`PulseState`] fresh and shows reminders; renders nothing. Effects run only in the
/// browser, so the server renders the badges empty and hydration agrees.
#[component]
pub fn PulseWatcher() -> impl IntoView {
    let state = expect_context::<PulseState>();
    let toasts = expect_context::<Toasts>();
    // Reminders waiting for their time: task → the due time its timer was set for.
    let pending = StoredValue::new(HashMap::<Id, DateTime<Utc>>::new());
    Effect::new(move |_| {
        state.asks.track();
        spawn_local(async move {
            let Ok(p) = load_pulse().await else { return };
            // The page was left while the answer was on its way.
            if pending.is_disposed() {
                return;
            }
            pending.update_value(|pending| {
                // A task no longer falling due soon was done or moved: its reminder is off.
                pending.retain(|id, due| *due <= p.now || p.due_soon.iter().any(|d| d.task_id == *id && d.due_at == *due));
            });
            for due in &p.due_soon {
                if pending.with_value(|pending| pending.get(&due.task_id) == Some(&due.due_at)) {
                    continue;
                }
                pending.update_value(|pending| {
                    pending.insert(due.task_id, due.due_at);
                });
                let wait = (due.due_at - p.now).to_std().unwrap_or_default() + Duration::from_millis(300);
                let (task, at, title, lead) = (due.task_id, due.due_at, due.title.clone(), due.lead_id);
                set_timeout(
                    move || {
                        let still = pending.try_update_value(|pending| pending.get(&task) == Some(&at) && pending.remove(&task).is_some());
                        if still == Some(true) {
                            toasts.task_due(title, lead);
                            state.refresh();
                        }
                    },
                    wait,
                );
            }
            state.data.set(Some(p));
        });
    });
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || state.refresh(), POLL) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// "Tasks" in the navigation with the count of my overdue and today's tasks.
#[component]
pub fn TaskBadge() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<PulseState>();
    let count = move || state.data.with(|p| p.as_ref().map(|p| p.active_tasks));
    view! {
        <A href="/tasks" attr:class="nav-tasks" attr:data-testid="tasks-link">
            <span>{t!(i18n, nav.tasks)}</span>
            {move || {
                count()
                    .map(|n| {
                        view! {
                            <span
                                class="count"
                                class:zero=n == 0
                                data-testid="task-badge"
                                title=move || format!("{}: {n}", t_string!(i18n, nav.tasks_active))
                            >
                                {n}
                            </span>
                        }
                    })
            }}
        </A>
    }
}

fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, kind: NotificationKind) -> String {
    match kind {
        NotificationKind::TaskAssigned => t_string!(i18n, notify.task_assigned),
        NotificationKind::TaskDue => t_string!(i18n, notify.task_due),
        NotificationKind::LeadTransferred => t_string!(i18n, notify.lead_transferred),
        NotificationKind::LeadsHandedOver => t_string!(i18n, notify.leads_handed_over),
    }
    .to_string()
}

/// What a notification is about: the task and the lead, or whose work was handed over and how
/// much of it.
fn subject(i18n: leptos_i18n::I18nContext<Locale>, n: &NotificationView) -> AnyView {
    match n.notification.handed_over.clone() {
        Some(h) => {
            let (from, leads, tasks) = (h.from_name, h.leads, h.tasks);
            view! { {t!(i18n, notify.handed_over_what, from = from.clone(), leads = leads, tasks = tasks)} }.into_any()
        }
        None => [n.task_title.clone(), n.lead_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ").into_any(),
    }
}

/// Where a notification leads: its lead, the leads now mine after a hand-over, or my tasks.
fn notification_href(n: &NotificationView) -> String {
    match (n.notification.lead_id, &n.notification.handed_over) {
        (Some(lead), _) => format!("/leads/{lead}"),
        (None, Some(_)) => {
            let mine = domain::filter::LeadFilter { responsible: vec![n.notification.user_id], ..Default::default() };
            format!("/leads?{}", mine.to_query())
        }
        (None, None) => "/tasks".to_string(),
    }
}

/// The bell: my unread count, and a panel listing my notifications.
#[component]
pub fn NotificationsBell() -> AnyView {
    let i18n = use_i18n();
    let state = expect_context::<PulseState>();
    let open = RwSignal::new(false);
    let items = RwSignal::new(None::<Vec<NotificationView>>);
    let load = move || {
        spawn_local(async move {
            if let Ok(list) = notifications().await {
                items.set(Some(list));
            }
        })
    };
    let unread = move || state.data.with(|p| p.as_ref().map_or(0, |p| p.unread_notifications));
    let mark = move |ids: Option<Vec<Id>>| {
        spawn_local(async move {
            if mark_notifications_read(ids).await.is_ok() {
                state.refresh();
                if let Ok(list) = notifications().await {
                    items.set(Some(list));
                }
            }
        })
    };
    view! {
        <div class="bell">
            <button
                type="button"
                class="link-button bell-button"
                data-testid="notifications-button"
                aria-expanded=move || open.get().to_string()
                aria-label=move || t_string!(i18n, nav.notifications)
                on:click=move |_| {
                    let now_open = !open.get_untracked();
                    open.set(now_open);
                    if now_open {
                        load();
                    }
                }
            >
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6zm-2.5 15.5a2.5 2.5 0 0 0 5 0z" />
                </svg>
                {move || (unread() > 0).then(|| view! { <span class="count" data-testid="unread-badge">{unread()}</span> })}
            </button>
            <Show when=move || open.get()>
                // A tap anywhere else closes the panel (on a phone it covers the navigation).
                <div class="bell-backdrop" on:click=move |_| open.set(false)></div>
                <section
                    class="notifications"
                    data-testid="notifications-panel"
                    aria-label=move || t_string!(i18n, notify.title)
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <header>
                        <h2>{t!(i18n, notify.title)}</h2>
                        <button type="button" class="link-button" on:click=move |_| mark(None) data-testid="mark-all-read">
                            {t!(i18n, notify.mark_all)}
                        </button>
                        <button
                            type="button"
                            class="link-button"
                            data-testid="close-notifications"
                            aria-label=move || t_string!(i18n, notify.close)
                            on:click=move |_| open.set(false)
                        >
                            "×"
                        </button>
                    </header>
                    {move || match items.get() {
                        None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
                        Some(list) if list.is_empty() => view! { <p class="muted">{t!(i18n, notify.empty)}</p> }.into_any(),
                        Some(list) => {
                            view! {
                                <ul>
                                    {list
                                        .into_iter()
                                        .map(|n| {
                                            let id = n.notification.id;
                                            let unread = n.notification.read_at.is_none();
                                            let what = subject(i18n, &n);
                                            let at = n.created_local;
                                            let href = notification_href(&n);
                                            let kind = n.notification.kind;
                                            view! {
                                                <li class:unread=unread data-testid="notification">
                                                    <A
                                                        href=href
                                                        on:click=move |_| {
                                                            open.set(false);
                                                            if unread {
                                                                mark(Some(vec![id]));
                                                            }
                                                        }
                                                    >
                                                        <strong>{move || kind_text(i18n, kind)}</strong>
                                                        <span>{what}</span>
                                                    </A>
                                                    <time class="muted">{move || format::date_time(at, i18n.get_locale())}</time>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }}
                </section>
            </Show>
        </div>
    }
    .into_any()
}
