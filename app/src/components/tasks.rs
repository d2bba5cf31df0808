//! Tasks as the lead card and "My tasks" show them: a list with done / reopen and inline editing,
//! and the form that creates or changes one. The server validates; its message appears under the
//! field it names, and a conflicting change reloads the list.

use crate::api::list::Person;
use crate::api::tasks::{save_task, set_task_done};
use crate::components::errors::reason_text;
use crate::components::format;
use crate::components::pulse::pulse_refresher;
use crate::components::toast::Toasts;
use crate::i18n::*;
use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use domain::task::{parse_due_local, TaskDraft, TaskItem, TaskKind};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

pub fn kind_name(i18n: leptos_i18n::I18nContext<Locale>, kind: TaskKind) -> String {
    match kind {
        TaskKind::Call => t_string!(i18n, tasks.call),
        TaskKind::Meeting => t_string!(i18n, tasks.meeting),
        TaskKind::Other => t_string!(i18n, tasks.other),
    }
    .to_string()
}

/// An hour from now on the school's clock, to the minute: the form's first suggestion.
pub fn default_due(now_local: NaiveDateTime) -> NaiveDateTime {
    let next = now_local + chrono::Duration::hours(1);
    next.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(next)
}

/// Creates a task (on `lead_id`, or standalone) or, with `editing`, changes that one.
#[component]
pub fn TaskForm(
    lead_id: Option<Id>,
    people: Vec<Person>,
    me: Id,
    editing: Option<TaskItem>,
    default_due: NaiveDateTime,
    on_saved: Callback<()>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let refresh_pulse = pulse_refresher();
    let (task_id, version) = editing.as_ref().map_or((None, 0), |e| (Some(e.task.id), e.task.version));
    let title = RwSignal::new(editing.as_ref().map(|e| e.task.title.clone()).unwrap_or_default());
    let kind = RwSignal::new(editing.as_ref().map_or(TaskKind::Call, |e| e.task.kind));
    let due = RwSignal::new(editing.as_ref().map_or(default_due, |e| e.due_local).format("%Y-%m-%dT%H:%M").to_string());
    let assignee = RwSignal::new(editing.as_ref().map_or(me, |e| e.task.assignee_id));
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let field_error = move |name: &'static str| {
        move || match error.get() {
            Some(AppError::Validation { field, reason }) if field == name => {
                Some(view! { <span class="field-error">{reason_text(i18n, reason)}</span> })
            }
            _ => None,
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(due_local) = parse_due_local(&due.get_untracked()) else {
            error.set(Some(AppError::invalid("due_at", domain::error::Invalid::Date)));
            return;
        };
        let draft = TaskDraft {
            title: title.get_untracked(),
            kind: kind.get_untracked(),
            due_local,
            assignee_id: Some(assignee.get_untracked()),
            lead_id,
        };
        busy.set(true);
        spawn_local(async move {
            match save_task(task_id, version, draft).await {
                Ok(_) => {
                    error.set(None);
                    if task_id.is_none() {
                        title.set(String::new());
                    }
                    refresh_pulse();
                    on_saved.try_run(());
                }
                Err(e @ AppError::Validation { .. }) => error.set(Some(e)),
                Err(e) => {
                    let conflict = matches!(e, AppError::Conflict { .. });
                    toasts.push(e);
                    if conflict {
                        on_saved.try_run(());
                    }
                }
            }
            busy.set(false);
        });
    };
    let kinds = [TaskKind::Call, TaskKind::Meeting, TaskKind::Other];
    view! {
        <form class="task-form" novalidate on:submit=submit data-testid="task-form">
            <label class="field wide">
                <span>{t!(i18n, tasks.task_title)}</span>
                <input type="text" name="task-title" maxlength="200" prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
                {field_error("title")}
            </label>
            <label class="field">
                <span>{t!(i18n, tasks.kind)}</span>
                <select name="task-kind" on:change=move |ev| kind.set(TaskKind::parse(&event_target_value(&ev)).unwrap_or(TaskKind::Other))>
                    {kinds
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{move || kind_name(i18n, k)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, tasks.due)}</span>
                <input type="datetime-local" name="task-due" prop:value=due on:input=move |ev| due.set(event_target_value(&ev)) />
                {field_error("due_at")}
            </label>
            <label class="field">
                <span>{t!(i18n, tasks.assignee)}</span>
                <select name="task-assignee" on:change=move |ev| assignee.set(event_target_value(&ev).parse().unwrap_or(me))>
                    {people
                        .into_iter()
                        .filter(|p| p.active)
                        .map(|p| {
                            let id = p.id;
                            view! { <option value=id selected=move || assignee.get() == id>{p.name}</option> }
                        })
                        .collect_view()}
                </select>
                {field_error("assignee_id")}
            </label>
            {field_error("lead_id")}
            <div class="form-actions">
                <button type="submit" class="primary" disabled=busy data-testid="save-task">
                    {t!(i18n, tasks.save)}
                </button>
                {on_cancel
                    .map(|cancel| {
                        view! {
                            <button type="button" class="link-button" on:click=move |_| cancel.run(())>
                                {t!(i18n, tasks.cancel)}
                            </button>
                        }
                    })}
            </div>
        </form>
    }
}

/// Tasks with their due time (overdue ones marked), lead, assignee, a done/reopen button and an
/// inline edit form; `on_change` reloads whatever holds the list.
#[component]
pub fn TaskList(
    items: Vec<TaskItem>,
    now: DateTime<Utc>,
    people: Vec<Person>,
    me: Id,
    show_lead: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let refresh_pulse = pulse_refresher();
    let editing = RwSignal::new(None::<Id>);
    let people = StoredValue::new(people);
    let toggle = move |task_id: Id, version: i64, done: bool| {
        spawn_local(async move {
            match set_task_done(task_id, version, done).await {
                Ok(_) => {}
                Err(e) => toasts.push(e),
            }
            refresh_pulse();
            on_change.try_run(());
        });
    };
    view! {
        <ul class="tasks">
            {items
                .into_iter()
                .map(|item| {
                    let t = item.task.clone();
                    let (id, version, done) = (t.id, t.version, t.done_at.is_some());
                    let overdue = t.is_overdue(now);
                    let due = item.due_local;
                    let edit_item = StoredValue::new(item.clone());
                    view! {
                        <li class="task" class:overdue=overdue class:done=done data-testid="task" data-task-id=id>
                            <Show
                                when=move || editing.get() == Some(id)
                                fallback=move || {
                                    let item = edit_item.get_value();
                                    view! {
                                        <button
                                            type="button"
                                            class="task-check"
                                            aria-pressed=done.to_string()
                                            title=move || if done { t_string!(i18n, tasks.reopen) } else { t_string!(i18n, tasks.mark_done) }
                                            aria-label=move || if done { t_string!(i18n, tasks.reopen) } else { t_string!(i18n, tasks.mark_done) }
                                            data-testid="task-done"
                                            on:click=move |_| toggle(id, version, !done)
                                        >
                                            {if done { "✓" } else { "" }}
                                        </button>
                                        <div class="task-body">
                                            <span class="task-title">{item.task.title.clone()}</span>
                                            <span class="task-meta">
                                                <span class="kind">{move || kind_name(i18n, item.task.kind)}</span>
                                                <time class:danger=overdue>{move || format::date_time(due, i18n.get_locale())}</time>
                                                {overdue.then(|| view! { <span class="badge danger">{t!(i18n, board.overdue)}</span> })}
                                                {show_lead
                                                    .then(|| {
                                                        item.task
                                                            .lead_id
                                                            .map(|lead| {
                                                                view! { <A href=format!("/leads/{lead}")>{item.lead_name.clone().unwrap_or_default()}</A> }
                                                            })
                                                    })}
                                                {(item.task.assignee_id != me).then(|| view! { <span class="muted">{item.assignee_name.clone()}</span> })}
                                            </span>
                                        </div>
                                        {(!done)
                                            .then(|| {
                                                view! {
                                                    <button type="button" class="link-button" on:click=move |_| editing.set(Some(id))>
                                                        {t!(i18n, tasks.edit)}
                                                    </button>
                                                }
                                            })}
                                    }
                                }
                            >
                                <TaskForm
                                    lead_id=edit_item.read_value().task.lead_id
                                    people=people.get_value()
                                    me
                                    editing=Some(edit_item.get_value())
                                    default_due=due
                                    on_saved=Callback::new(move |_| {
                                        editing.set(None);
                                        on_change.run(());
                                    })
                                    on_cancel=Callback::new(move |_| editing.set(None))
                                />
                            </Show>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
