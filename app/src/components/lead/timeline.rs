//! The lead's timeline, newest first: notes (add; edit or delete your own) and the system entries
//! that make it the lead's audit log, filterable by kind (seed 003), older pages on demand.

use super::{client_type_label, gearbox_label, gender_label};
use crate::api::lead::{lead_timeline, save_note, TimelineItem};
use crate::api::list::FilterChoices;
use crate::components::errors::field_name;
use crate::components::format;
use crate::components::toast::Toasts;
use crate::i18n::*;
use chrono::NaiveDate;
use domain::lead::{ClientType, Gearbox, Gender};
use domain::phone::Phone;
use domain::timeline::TimelineEvent;
use domain::Id;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

/// The kind filter's choices and the stored kinds each one shows.
pub const KIND_GROUPS: [(&str, &[&str]); 6] = [
    ("all", &[]),
    ("notes", &["note"]),
    ("stages", &["stage_changed"]),
    ("fields", &["field_changed", "transferred", "postponed", "archived", "restored", "marked_duplicate", "duplicate_found"]),
    ("tasks", &["task_created", "task_changed", "task_done", "task_reopened"]),
    ("calls", &["call"]),
];

fn group_label(i18n: I18nContext<Locale>, group: &str) -> String {
    match group {
        "notes" => t_string!(i18n, timeline.notes),
        "stages" => t_string!(i18n, timeline.stages),
        "fields" => t_string!(i18n, timeline.fields),
        "tasks" => t_string!(i18n, timeline.tasks),
        "calls" => t_string!(i18n, timeline.calls),
        _ => t_string!(i18n, timeline.all),
    }
    .to_string()
}

/// What happened, in words, with names looked up in `choices` and times on the school's clock.
fn describe(i18n: I18nContext<Locale>, item: &TimelineItem, choices: &FilterChoices) -> String {
    let event = &item.entry.event;
    let stage =
        |id: Option<Id>| id.and_then(|id| choices.stages.iter().find(|s| s.id == id)).map(|s| s.name.clone()).unwrap_or_else(|| "—".into());
    let reason = |id: Option<Id>| {
        id.and_then(|id| choices.stages.iter().flat_map(|s| s.reasons.iter()).find(|r| r.id == id)).map(|r| r.name.clone())
    };
    let user =
        |id: Option<Id>| id.and_then(|id| choices.users.iter().find(|u| u.id == id)).map(|u| u.name.clone()).unwrap_or_else(|| "—".into());
    match event {
        TimelineEvent::Note { text } => text.clone(),
        TimelineEvent::StageChanged { from, to, reason: r } => {
            let moved = format!("{}: {} → {}", t_string!(i18n, timeline.stage_changed), stage(*from), stage(Some(*to)));
            match reason(*r) {
                Some(r) => format!("{moved} ({}: {r})", t_string!(i18n, field.reason)),
                None => moved,
            }
        }
        TimelineEvent::FieldChanged { field, old, new } => {
            let shown = |v: &Option<String>| v.as_deref().map_or_else(|| "—".into(), |v| field_value(i18n, field, v));
            format!("{}: {} → {}", field_name(i18n, field), shown(old), shown(new))
        }
        TimelineEvent::Created => t_string!(i18n, timeline.created).to_string(),
        TimelineEvent::Transferred { from, to } => format!("{}: {} → {}", t_string!(i18n, timeline.transferred), user(*from), user(*to)),
        TimelineEvent::Postponed { until: Some(_) } => match item.until_local {
            Some(at) => format!("{} {}", t_string!(i18n, timeline.postponed_until), format::date_time(at, i18n.get_locale_untracked())),
            None => t_string!(i18n, timeline.postponed).to_string(),
        },
        TimelineEvent::Postponed { until: None } => t_string!(i18n, timeline.unpostponed).to_string(),
        TimelineEvent::Archived => t_string!(i18n, timeline.archived).to_string(),
        TimelineEvent::Restored => t_string!(i18n, timeline.restored).to_string(),
        // The other lead follows as a link (`linked_lead`).
        TimelineEvent::MarkedDuplicate { .. } => t_string!(i18n, timeline.duplicate).to_string(),
        TimelineEvent::DuplicateFound { .. } => t_string!(i18n, timeline.duplicate_found).to_string(),
        TimelineEvent::TaskCreated { title, .. } => format!("{}: {title}", t_string!(i18n, timeline.task_created)),
        TimelineEvent::TaskChanged { title, .. } => format!("{}: {title}", t_string!(i18n, timeline.task_changed)),
        TimelineEvent::TaskDone { title, .. } => format!("{}: {title}", t_string!(i18n, timeline.task_done)),
        TimelineEvent::TaskReopened { title, .. } => format!("{}: {title}", t_string!(i18n, timeline.task_reopened)),
        TimelineEvent::Call { outcome, direction, duration_secs, .. } => match (outcome.as_deref(), direction.as_str()) {
            (Some("no_answer"), _) => t_string!(i18n, timeline.call_no_answer).to_string(),
            (Some("reached"), _) => t_string!(i18n, timeline.call_reached).to_string(),
            // Telephony's calls (the API): which way and how long.
            (_, "incoming") => format!("{}, {}", t_string!(i18n, timeline.call_incoming), format::duration(*duration_secs)),
            (_, "outgoing") => format!("{}, {}", t_string!(i18n, timeline.call_outgoing), format::duration(*duration_secs)),
            _ => t_string!(i18n, timeline.call).to_string(),
        },
        TimelineEvent::Enrolled { number, group_name, .. } if !group_name.is_empty() => {
            format!("{}: {group_name} · {} {number}", t_string!(i18n, timeline.enrolled), t_string!(i18n, groups.contract_short))
        }
        TimelineEvent::Enrolled { .. } => t_string!(i18n, timeline.enrolled).to_string(),
        TimelineEvent::EnrolmentCancelled { reason, .. } => format!("{}: {reason}", t_string!(i18n, timeline.enrolment_cancelled)),
        TimelineEvent::Imported { .. } => t_string!(i18n, timeline.imported).to_string(),
    }
}

/// The other lead an entry names: the original of a duplicate, or the duplicate of an original.
fn linked_lead(event: &TimelineEvent) -> Option<Id> {
    match event {
        TimelineEvent::MarkedDuplicate { of } => Some(*of),
        TimelineEvent::DuplicateFound { duplicate } => Some(*duplicate),
        _ => None,
    }
}

/// A call's recording, as a link. The API takes only http(s) addresses; one that is not (written
/// by hand into the database, say) is not made a link, so no `javascript:` address can run here.
fn recording_link(event: &TimelineEvent) -> Option<String> {
    match event {
        TimelineEvent::Call { recording_url: Some(url), .. } if url.starts_with("https://") || url.starts_with("http://") => {
            Some(url.clone())
        }
        _ => None,
    }
}

/// A changed field's stored value as the card shows it: dates and phones formatted, choices in
/// words. Dictionary fields are stored by name already (`backend::edits`), as they read then.
fn field_value(i18n: I18nContext<Locale>, field: &str, value: &str) -> String {
    let shown = match field {
        "gender" => Gender::parse(value).map(|g| gender_label(i18n, g)),
        "gearbox" => Gearbox::parse(value).map(|g| gearbox_label(i18n, g)),
        "client_type" => ClientType::parse(value).map(|c| client_type_label(i18n, c)),
        "birth_date" | "desired_start" => {
            NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().map(|d| format::date(d, i18n.get_locale_untracked()))
        }
        "phone" | "extra_phone" => Phone::parse(value).ok().map(|p| p.display()),
        _ => None,
    };
    shown.unwrap_or_else(|| value.to_owned())
}

/// The first page comes from the page's resource (`first`), keyed by the kind filter and a
/// refresh counter; older pages are appended here.
#[component]
pub fn Timeline(
    lead_id: Id,
    me: Id,
    can_edit: bool,
    choices: FilterChoices,
    first: Vec<TimelineItem>,
    group: RwSignal<&'static str>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let choices = StoredValue::new(choices);
    let more_possible = first.len() as i64 >= 30;
    let items = RwSignal::new(first);
    let has_more = RwSignal::new(more_possible);
    let draft = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let editing = RwSignal::new(None::<(Id, String)>);
    let kinds = move || {
        KIND_GROUPS
            .iter()
            .find(|(g, _)| *g == group.get_untracked())
            .map(|(_, k)| k.iter().map(|k| k.to_string()).collect())
            .unwrap_or_default()
    };
    let note_call = move |entry: Option<Id>, text: Option<String>| {
        busy.set(true);
        spawn_local(async move {
            match save_note(lead_id, entry, text).await {
                Ok(()) => {
                    draft.set(String::new());
                    editing.set(None);
                    refresh.update(|n| *n += 1);
                }
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    let load_more = move |_| {
        let Some(last) = items.with_untracked(|v| v.last().map(|i| (i.entry.created_at, i.entry.id))) else { return };
        busy.set(true);
        spawn_local(async move {
            match lead_timeline(lead_id, kinds(), Some(last)).await {
                Ok(page) => {
                    has_more.set(page.len() >= 30);
                    items.update(|v| v.extend(page));
                }
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="timeline" data-testid="timeline" aria-label=move || t_string!(i18n, timeline.title)>
            <h2>{t!(i18n, timeline.title)}</h2>
            <Show when=move || can_edit>
                <form
                    class="note-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        note_call(None, Some(draft.get_untracked()));
                    }
                >
                    <textarea
                        name="note"
                        rows="2"
                        aria-label=move || t_string!(i18n, timeline.new_note)
                        placeholder=move || t_string!(i18n, timeline.new_note)
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    ></textarea>
                    <button type="submit" class="secondary" disabled=move || busy.get() || draft.with(|d| d.trim().is_empty()) data-testid="add-note">
                        {t!(i18n, timeline.add_note)}
                    </button>
                </form>
            </Show>
            <div class="kind-filter" role="radiogroup" aria-label=move || t_string!(i18n, timeline.filter)>
                {KIND_GROUPS
                    .iter()
                    .map(|(g, _)| {
                        let g: &'static str = g;
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="chip-button"
                                aria-checked=move || (group.get() == g).to_string()
                                data-kind=g
                                on:click=move |_| group.set(g)
                            >
                                {move || group_label(i18n, g)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <ol class="entries">
                <For each=move || items.get() key=|i| (i.entry.id, i.entry.edited_at) let:item>
                    {
                        let id = item.entry.id;
                        let is_note = item.entry.event.is_note();
                        let mine = is_note && item.entry.author_id == Some(me);
                        let text = describe(i18n, &item, &choices.read_value());
                        let note_text = text.clone();
                        let at = item.at_local;
                        let author = item.author.clone().unwrap_or_else(|| t_string!(i18n, timeline.system).to_string());
                        let edited = item.entry.edited_at.is_some();
                        let recording = recording_link(&item.entry.event);
                        let linked = linked_lead(&item.entry.event);
                        view! {
                            <li class="entry" class:note=is_note data-kind=item.entry.event.kind() data-entry-id=id>
                                <p class="entry-meta">
                                    <span>{author}</span>
                                    " · "
                                    <time>{move || format::date_time(at, i18n.get_locale())}</time>
                                    {edited.then(|| view! { <span class="muted">" · "{t!(i18n, timeline.edited)}</span> })}
                                </p>
                                {move || match editing.get() {
                                    Some((eid, current)) if eid == id => {
                                        view! {
                                            <form
                                                class="note-form"
                                                on:submit=move |ev| {
                                                    ev.prevent_default();
                                                    let text = editing.get_untracked().map(|(_, t)| t);
                                                    note_call(Some(id), text);
                                                }
                                            >
                                                <textarea
                                                    name="edit-note"
                                                    rows="2"
                                                    prop:value=current
                                                    on:input=move |ev| editing.set(Some((id, event_target_value(&ev))))
                                                ></textarea>
                                                <button type="submit" class="secondary" disabled=busy>{t!(i18n, lead.save)}</button>
                                                <button type="button" class="link-button" on:click=move |_| editing.set(None)>{t!(i18n, lead.cancel)}</button>
                                            </form>
                                        }
                                            .into_any()
                                    }
                                    _ => {
                                        view! {
                                            <p class="entry-text">
                                                {text.clone()}
                                                {linked.map(|id| view! { " " <A href=format!("/leads/{id}")>{format!("#{id}")}</A> })}
                                            </p>
                                        }
                                            .into_any()
                                    }
                                }}
                                {recording
                                    .map(|href| {
                                        view! {
                                            <a class="recording" href=href target="_blank" rel="noopener noreferrer">
                                                {t!(i18n, timeline.recording)}
                                            </a>
                                        }
                                    })}
                                <Show when=move || mine && editing.with(|e| e.is_none())>
                                    <div class="entry-actions">
                                        {
                                            let t = note_text.clone();
                                            view! {
                                                <button type="button" class="link-button" on:click=move |_| editing.set(Some((id, t.clone())))>
                                                    {t!(i18n, timeline.edit)}
                                                </button>
                                            }
                                        }
                                        <button type="button" class="link-button danger" disabled=busy on:click=move |_| {
                                            let sure = window().confirm_with_message(t_string!(i18n, timeline.confirm_delete)).unwrap_or(false);
                                            if sure {
                                                note_call(Some(id), None);
                                            }
                                        }>
                                            {t!(i18n, timeline.delete)}
                                        </button>
                                    </div>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ol>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, timeline.empty)}</p>
            </Show>
            <Show when=move || has_more.get()>
                <button type="button" class="secondary" disabled=busy on:click=load_more>{t!(i18n, timeline.more)}</button>
            </Show>
        </section>
    }
}
