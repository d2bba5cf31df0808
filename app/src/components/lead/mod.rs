//! The lead card: its fields (read, or the edit form), the person's other leads, the actions
//! (transfer, postpone, archive/restore) and the timeline.

pub mod contracts;
pub mod form;
pub mod timeline;

use crate::api::lead::{lead_action, LeadChange, LeadView, TimelineItem};
use crate::api::list::Person;
use crate::components::format;
use crate::components::tasks::{default_due, TaskForm, TaskList};
use crate::components::toast::Toasts;
use crate::i18n::*;
use contracts::LeadContracts;
use domain::lead::{ClientType, Gearbox, Gender};
use domain::phone::Phone;
use domain::Id;
use form::{FormTarget, LeadForm};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use timeline::Timeline;

#[component]
pub fn LeadCard(
    view: LeadView,
    timeline: Vec<TimelineItem>,
    group: RwSignal<&'static str>,
    refresh: RwSignal<u32>,
    /// Called with the colleague's name when a transfer leaves the lead out of the reader's sight
    /// (where sales staff see only their own): the page says so in place of the card, the drawer
    /// closes with a message on the board.
    gone: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let reload = Callback::new(move |_| {
        editing.set(false);
        refresh.update(|n| *n += 1);
    });
    let l = view.lead.clone();
    let details_of = view.clone();
    let details = move || details(i18n, &details_of);
    let others = view.others.clone();
    let tel = l.phone.as_ref().map(|p| format!("tel:{}", p.as_str()));
    let form_view = StoredValue::new(view.clone());
    view! {
        <article class="lead-card" data-lead-id=l.id data-version=l.version data-testid="lead-card">
            <header class="lead-head">
                <h1>{l.full_name()}</h1>
                <div class="lead-badges">
                    {l.archived.then(|| view! { <span class="badge" data-testid="archived-badge">{t!(i18n, search.archived)}</span> })}
                    {view
                        .postponed_until_local
                        .map(|p| view! { <span class="badge">{t!(i18n, lead.postponed_until, at = move || format::date_time(p, i18n.get_locale()))}</span> })}
                </div>
                {tel.map(|href| view! { <a class="button secondary" href=href>{t!(i18n, lead.call)}</a> })}
                <Show when=move || view.can_edit && !editing.get()>
                    <button type="button" class="primary" on:click=move |_| editing.set(true) data-testid="edit-lead">
                        {t!(i18n, lead.edit)}
                    </button>
                </Show>
            </header>
            <Show when=move || editing.get() fallback=details>
                <LeadForm
                    initial=domain::lead::LeadDraft::from_lead(&form_view.read_value().lead)
                    choices=form_view.read_value().choices.clone()
                    target=FormTarget::Edit { lead_id: form_view.read_value().lead.id, version: form_view.read_value().lead.version }
                    on_saved=Callback::new(move |_| reload.run(()))
                    on_cancel=Callback::new(move |_| editing.set(false))
                />
            </Show>
            {(!others.is_empty())
                .then(|| {
                    view! {
                        <section class="others" data-testid="person-leads">
                            <h2>{t!(i18n, lead.others)}</h2>
                            <ul>
                                {others
                                    .into_iter()
                                    .map(|o| {
                                        view! {
                                            <li>
                                                <A href=format!("/leads/{}", o.id)>{o.name}</A>
                                                " · "
                                                {o.category.unwrap_or_default()}
                                                " · "
                                                <span class="muted">{o.stage}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })}
        </article>
        <LeadContracts lead_id=l.id contracts=view.contracts.clone() can_edit=view.can_edit reload />
        <LeadTasks view=form_view.get_value() reload />
        {view.can_edit.then(|| view! { <LeadActions view=form_view.get_value() reload gone /> })}
        <Timeline lead_id=l.id me=view.me can_edit=view.can_edit choices=view.choices.clone() first=timeline group refresh />
    }
}

/// The lead's tasks, and a form for a new one where the reader may edit the lead.
#[component]
fn LeadTasks(view: LeadView, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let people: Vec<Person> = view.choices.users.iter().filter(|u| u.active).cloned().collect();
    let adding = RwSignal::new(false);
    let (lead_id, me, now_local) = (view.lead.id, view.me, view.now_local);
    let form_people = people.clone();
    view! {
        <section class="lead-tasks" data-testid="lead-tasks">
            <header class="section-head">
                <h2>{t!(i18n, tasks.section)}</h2>
                {view
                    .can_edit
                    .then(|| {
                        view! {
                            <button type="button" class="secondary" on:click=move |_| adding.update(|a| *a = !*a) data-testid="add-task">
                                {t!(i18n, tasks.add)}
                            </button>
                        }
                    })}
            </header>
            <Show when=move || adding.get()>
                <TaskForm
                    lead_id=Some(lead_id)
                    people=form_people.clone()
                    me
                    editing=None
                    default_due=default_due(now_local)
                    on_saved=Callback::new(move |_| {
                        adding.set(false);
                        reload.run(());
                    })
                    on_cancel=Callback::new(move |_| adding.set(false))
                />
            </Show>
            {if view.tasks.is_empty() {
                view! { <p class="muted">{t!(i18n, tasks.none)}</p> }.into_any()
            } else {
                view! { <TaskList items=view.tasks.clone() now=view.now people me show_lead=false on_change=reload /> }.into_any()
            }}
        </section>
    }
}

/// The lead's fields as a definition list, empty ones left out.
fn details(i18n: leptos_i18n::I18nContext<Locale>, view: &LeadView) -> impl IntoView {
    let l = &view.lead;
    let phone = |p: &Option<Phone>| p.as_ref().map(Phone::display);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format::date(d, i18n.get_locale_untracked()));
    let rows: Vec<(AnyView, Option<String>)> = vec![
        (t!(i18n, lead.stage).into_any(), Some(view.stage.clone())),
        (t!(i18n, lead.reason).into_any(), view.reason.clone()),
        (t!(i18n, lead.phone).into_any(), phone(&l.phone)),
        (t!(i18n, lead.extra_phone).into_any(), phone(&l.extra_phone)),
        (t!(i18n, lead.email).into_any(), l.email.clone()),
        (t!(i18n, lead.category).into_any(), view.category.clone()),
        (t!(i18n, lead.branch).into_any(), view.branch.clone()),
        (t!(i18n, field.gearbox).into_any(), l.gearbox.map(|g| gearbox_label(i18n, g))),
        (t!(i18n, lead.desired_start).into_any(), date(l.desired_start)),
        (t!(i18n, field.birth_date).into_any(), date(l.birth_date)),
        (t!(i18n, field.gender).into_any(), l.gender.map(|g| gender_label(i18n, g))),
        (t!(i18n, lead.channel).into_any(), view.channel.clone()),
        (t!(i18n, lead.contact_source).into_any(), view.contact_source.clone()),
        (t!(i18n, field.company_name).into_any(), l.company_name.clone()),
        (t!(i18n, lead.responsible).into_any(), view.responsible.clone()),
        (t!(i18n, lead.registrar).into_any(), view.registrar.clone()),
        (
            t!(i18n, lead.tags).into_any(),
            (!l.tags.is_empty()).then(|| l.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")),
        ),
        (t!(i18n, lead.created).into_any(), date(Some(view.created_local.date()))),
    ];
    view! {
        <dl data-testid="lead-details">
            {rows
                .into_iter()
                .filter_map(|(label, value)| value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> }))
                .collect_view()}
        </dl>
    }
}

/// A gender in words, as the form offers it and the card and its history show it.
pub(crate) fn gender_label(i18n: leptos_i18n::I18nContext<Locale>, gender: Gender) -> String {
    match gender {
        Gender::Male => t_string!(i18n, lead.male),
        Gender::Female => t_string!(i18n, lead.female),
    }
    .to_string()
}

/// A gearbox in words (see [`gender_label`]).
pub(crate) fn gearbox_label(i18n: leptos_i18n::I18nContext<Locale>, gearbox: Gearbox) -> String {
    match gearbox {
        Gearbox::Manual => t_string!(i18n, lead.manual),
        Gearbox::Automatic => t_string!(i18n, lead.automatic),
        Gearbox::Either => t_string!(i18n, lead.either),
    }
    .to_string()
}

/// A client type in words (see [`gender_label`]).
pub(crate) fn client_type_label(i18n: leptos_i18n::I18nContext<Locale>, client_type: ClientType) -> String {
    match client_type {
        ClientType::Person => t_string!(i18n, lead.person),
        ClientType::Company => t_string!(i18n, lead.company),
    }
    .to_string()
}

/// A picked id as a select's value ("" for none). Each field shows what its signal holds: after a
/// reload the card is drawn over the same elements, whose inputs would otherwise keep what was
/// picked before while the new card's signals start empty.
fn chosen(id: Option<Id>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

/// Move, transfer, postpone, mark as a duplicate, archive or restore, each with the version the
/// card shows.
#[component]
fn LeadActions(view: LeadView, reload: Callback<()>, gone: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let busy = RwSignal::new(false);
    let (lead_id, version, archived) = (view.lead.id, view.lead.version, view.lead.archived);
    // Who the lead may be handed to: active users other than its responsible.
    let targets: StoredValue<Vec<(Id, String)>> = StoredValue::new(
        view.choices.users.iter().filter(|u| u.active && Some(u.id) != view.lead.responsible_id).map(|u| (u.id, u.name.clone())).collect(),
    );
    let run = move |change: LeadChange| {
        busy.set(true);
        let handed_to = match change {
            LeadChange::Transfer(to) => targets.with_value(|t| t.iter().find(|(id, _)| *id == to).map(|(_, name)| name.clone())),
            _ => None,
        };
        spawn_local(async move {
            match lead_action(lead_id, version, change).await {
                Ok(Some(_)) => {
                    busy.set(false);
                    reload.try_run(());
                }
                // Handed to a colleague where sales staff see only their own leads: the card has
                // nothing left to show this reader and goes at once, its buttons still busy (a
                // signal set now would wake a button that is gone by the time it reads it).
                Ok(None) => {
                    gone.try_run(handed_to.unwrap_or_default());
                }
                Err(e) => {
                    busy.set(false);
                    let conflict = matches!(e, domain::AppError::Conflict { .. });
                    toasts.push(e);
                    if conflict {
                        reload.try_run(());
                    }
                }
            }
        });
    };
    let transfer_to = RwSignal::new(None::<Id>);
    // The postponement in force, to move it; empty when there is none.
    let postpone_at = RwSignal::new(view.postponed_until_local.map(|p| p.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default());
    let postponed = view.postponed_until_local.is_some();
    let move_to = RwSignal::new(None::<Id>);
    let move_reason = RwSignal::new(None::<Id>);
    let stages = StoredValue::new(view.choices.stages.clone());
    let current_stage = view.lead.stage_id;
    let reasons = move || {
        move_to.get().and_then(|id| {
            stages
                .with_value(|s| s.iter().find(|s| s.id == id).map(|s| s.reasons.iter().filter(|r| !r.retired).cloned().collect::<Vec<_>>()))
        })
    };
    let duplicate_of = RwSignal::new(String::new());
    // The person's other leads are the likely originals: offered as the field's suggestions.
    let candidates_id = format!("duplicate-candidates-{lead_id}");
    let candidates = view.others.clone();
    view! {
        <section class="lead-actions" aria-label=move || t_string!(i18n, lead.actions)>
            <form
                class="action-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(to) = move_to.get_untracked() {
                        if reasons().is_some_and(|r| !r.is_empty()) && move_reason.get_untracked().is_none() {
                            toasts.push(domain::AppError::invalid("reason", domain::error::Invalid::ReasonRequired));
                        } else {
                            run(LeadChange::Move { to, reason: move_reason.get_untracked() });
                        }
                    }
                }
            >
                <label class="field">
                    <span>{t!(i18n, lead.move_to)}</span>
                    <select
                        name="move-to"
                        prop:value=move || chosen(move_to.get())
                        on:change=move |ev| {
                            move_to.set(event_target_value(&ev).parse().ok());
                            move_reason.set(None);
                        }
                    >
                        <option value="">"—"</option>
                        {stages
                            .get_value()
                            .into_iter()
                            // The enrolment stage is entered by enrolling (the contracts section).
                            .filter(|s| s.id != current_stage && !s.enrolment)
                            .map(|s| view! { <option value=s.id>{s.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                {move || {
                    reasons()
                        .filter(|r| !r.is_empty())
                        .map(|list| {
                            view! {
                                <label class="field">
                                    <span>{t!(i18n, field.reason)}</span>
                                    <select
                                        name="move-reason"
                                        prop:value=move || chosen(move_reason.get())
                                        on:change=move |ev| move_reason.set(event_target_value(&ev).parse().ok())
                                    >
                                        <option value="">"—"</option>
                                        {list.into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
                                    </select>
                                </label>
                            }
                        })
                }}
                <button type="submit" class="secondary" disabled=move || busy.get() || move_to.get().is_none() data-testid="move-lead">
                    {t!(i18n, lead.move_submit)}
                </button>
            </form>
            <form
                class="action-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(to) = transfer_to.get_untracked() {
                        run(LeadChange::Transfer(to));
                    }
                }
            >
                <label class="field">
                    <span>{t!(i18n, lead.transfer_to)}</span>
                    <select
                        name="transfer"
                        prop:value=move || chosen(transfer_to.get())
                        on:change=move |ev| transfer_to.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="">"—"</option>
                        {targets.get_value().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="secondary" disabled=move || busy.get() || transfer_to.get().is_none() data-testid="transfer">
                    {t!(i18n, lead.transfer)}
                </button>
            </form>
            <form
                class="action-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    match chrono::NaiveDateTime::parse_from_str(&postpone_at.get_untracked(), "%Y-%m-%dT%H:%M") {
                        Ok(at) => run(LeadChange::Postpone(Some(at))),
                        Err(_) => toasts.push(domain::AppError::invalid("postponed_until", domain::error::Invalid::Date)),
                    }
                }
            >
                <label class="field">
                    <span>{t!(i18n, field.postponed_until)}</span>
                    <input
                        type="datetime-local"
                        name="postpone"
                        prop:value=postpone_at
                        on:input=move |ev| postpone_at.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="secondary" disabled=busy data-testid="postpone">
                    {t!(i18n, lead.postpone)}
                </button>
                {postponed
                    .then(|| {
                        view! {
                            <button type="button" class="link-button" disabled=busy on:click=move |_| run(LeadChange::Postpone(None))>
                                {t!(i18n, lead.unpostpone)}
                            </button>
                        }
                    })}
            </form>
            <form
                class="action-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    match duplicate_of.get_untracked().trim().trim_start_matches('#').parse::<Id>() {
                        Ok(of) => run(LeadChange::MarkDuplicate(of)),
                        Err(_) => toasts.push(domain::AppError::invalid("duplicate_of", domain::error::Invalid::NotFound)),
                    }
                }
            >
                <label class="field">
                    <span>{t!(i18n, lead.duplicate_of)}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        name="duplicate-of"
                        placeholder="#123"
                        list=candidates_id.clone()
                        prop:value=duplicate_of
                        on:input=move |ev| duplicate_of.set(event_target_value(&ev))
                    />
                    <datalist id=candidates_id>
                        {candidates
                            .into_iter()
                            .map(|o| {
                                let label = [Some(o.name), o.category, Some(o.stage)].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                view! { <option value=format!("#{}", o.id) label=label></option> }
                            })
                            .collect_view()}
                    </datalist>
                </label>
                <button type="submit" class="secondary" disabled=busy data-testid="mark-duplicate">
                    {t!(i18n, lead.mark_duplicate)}
                </button>
            </form>
            <div class="action-row">
                {if archived {
                    view! {
                        <button type="button" class="secondary" disabled=busy on:click=move |_| run(LeadChange::Restore) data-testid="restore">
                            {t!(i18n, lead.restore)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="secondary" disabled=busy on:click=move |_| run(LeadChange::Archive) data-testid="archive">
                            {t!(i18n, lead.archive)}
                        </button>
                    }
                        .into_any()
                }}
            </div>
        </section>
    }
}
