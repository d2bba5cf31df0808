//! Call-list mode: the leads of a filtered list one at a time, sized for one hand on a phone. A
//! big call button, then one tap for the outcome; the server remembers the place.

use crate::api::board::move_lead;
use crate::api::list::{call_list, call_no_answer, call_reached, filter_options, CallStep};
use crate::components::errors::ErrorMessage;
use crate::components::format;
use crate::components::hydration::HydrationMark;

use crate::components::toast::Toasts;
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::list::{CallListState, ListRow};
use domain::phone;
use domain::stage::Stage;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

/// The page's resources live outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn CallsPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| location.search.get().trim_start_matches('?').to_string());
    let initial = page_resource(move || query.get(), |q| call_list(q, CallStep::Current));
    let options = page_resource(|| (), |_| filter_options());
    view! {
        <SignedIn>
            <CallList initial options query />
        </SignedIn>
    }
}

#[component]
fn CallList(
    initial: PageResource<CallListState>,
    options: PageResource<crate::api::list::FilterChoices>,
    query: Memo<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="calls-page">
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match (initial.await, options.await) {
                        (Ok(state), Ok(options)) => {
                            view! {
                                <HydrationMark />
                                <Caller state query stages=options.stages />
                            }
                                .into_any()
                        }
                        (Err(AppError::Unauthorized), _) => view! { <Redirect path="/login" /> }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// What the screen asks after a call.
#[derive(Clone, PartialEq)]
enum Step {
    Outcome,
    Reached,
    /// Several unanswered calls: offer this stage.
    Propose(Stage),
}

#[component]
fn Caller(state: CallListState, query: Memo<String>, stages: Vec<Stage>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let state = RwSignal::new(state);
    let step = RwSignal::new(Step::Outcome);
    let busy = RwSignal::new(false);
    let stages = StoredValue::new(stages);
    // The last call logged as unanswered, and when its call-back task is due.
    let logged = RwSignal::new(None::<(String, chrono::NaiveDateTime)>);
    let go = move |s: CallStep| {
        // Also called when an answer arrives, by which time the page may have been left.
        let Some(query) = query.try_get_untracked() else { return };
        busy.set(true);
        spawn_local(async move {
            match call_list(query, s).await {
                Ok(next) => {
                    state.set(next);
                    step.set(Step::Outcome);
                }
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    let current = move || state.with(|s| s.current.clone());
    let lead_id = move || state.with_untracked(|s| s.current.as_ref().map(|c| c.id));
    let no_answer = move |_| {
        let Some(id) = lead_id() else { return };
        let name = state.with_untracked(|s| s.current.as_ref().map(|c| c.name.clone()).unwrap_or_default());
        busy.set(true);
        spawn_local(async move {
            match call_no_answer(id).await {
                Ok(outcome) => {
                    logged.set(Some((name, outcome.retry_due_local)));
                    match outcome.propose {
                        Some(stage) => {
                            step.set(Step::Propose(stage));
                            busy.set(false);
                        }
                        None => go(CallStep::Done(id)),
                    }
                }
                Err(e) => {
                    toasts.push(e);
                    busy.set(false);
                }
            }
        });
    };
    let move_to_proposed = move |stage: Stage| {
        let Some(row) = current() else { return };
        busy.set(true);
        spawn_local(async move {
            match move_lead(row.id, stage.id, None, row.version).await {
                Ok(_) => go(CallStep::Done(row.id)),
                Err(e) => {
                    toasts.push(e);
                    busy.set(false);
                }
            }
        });
    };
    let back = move || format!("/leads?{}", query.get());
    view! {
        <div class="calls-head">
            <A href=back attr:class="link-button">
                {t!(i18n, calls.back)}
            </A>
            <span class="calls-position" data-testid="call-position">
                {move || {
                    let (position, total) = state.with(|s| (s.position, s.total));
                    t!(i18n, calls.position, position = position, total = total)
                }}
            </span>
        </div>
        {move || {
            logged
                .get()
                .map(|(name, due)| {
                    view! {
                        <p class="notice" role="status" data-testid="call-logged">
                            {t!(i18n, calls.logged, name = move || name.clone(), due = move || format::date_time(due, i18n.get_locale()))}
                        </p>
                    }
                })
        }}
        {move || match current() {
            None => {
                view! {
                    <section class="call-card done" data-testid="call-done">
                        <h1>{t!(i18n, calls.finished)}</h1>
                        <button type="button" class="big" disabled=busy on:click=move |_| go(CallStep::Restart)>
                            {t!(i18n, calls.restart)}
                        </button>
                    </section>
                }
                    .into_any()
            }
            Some(row) => {
                let id = row.id;
                let unanswered = state.with_untracked(|s| s.unanswered);
                view! {
                    <section class="call-card" data-testid="call-card" data-lead-id=id>
                        <LeadSummary row=row.clone() unanswered />
                        {move || match step.get() {
                            Step::Outcome => {
                                view! {
                                    <div class="outcomes">
                                        <button type="button" class="big warn" disabled=busy on:click=no_answer data-testid="no-answer">
                                            {t!(i18n, calls.no_answer)}
                                        </button>
                                        <button type="button" class="big ok" disabled=busy on:click=move |_| step.set(Step::Reached) data-testid="reached">
                                            {t!(i18n, calls.reached)}
                                        </button>
                                        <button type="button" class="big secondary" disabled=busy on:click=move |_| go(CallStep::Done(id)) data-testid="skip">
                                            {t!(i18n, calls.skip)}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                            Step::Reached => view! { <ReachedForm row=row.clone() stages busy on_done=Callback::new(move |_| go(CallStep::Done(id))) /> }.into_any(),
                            Step::Propose(stage) => {
                                let name = stage.name.clone();
                                view! {
                                    <div class="propose" role="alertdialog" aria-live="polite" data-testid="propose-unreachable">
                                        <p>{t!(i18n, calls.propose, stage = move || name.clone())}</p>
                                        <button type="button" class="big warn" disabled=busy on:click=move |_| move_to_proposed(stage.clone())>
                                            {t!(i18n, calls.move_there)}
                                        </button>
                                        <button type="button" class="big secondary" disabled=busy on:click=move |_| go(CallStep::Done(id))>
                                            {t!(i18n, calls.keep)}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        }}
                    </section>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn LeadSummary(row: ListRow, unanswered: i64) -> impl IntoView {
    let i18n = use_i18n();
    let tel = row.phone.as_ref().map(|p| format!("tel:{p}"));
    let phone = row.phone.as_deref().map(phone::shown);
    let meta: Vec<String> = [row.category.clone(), row.branch.clone()].into_iter().flatten().collect();
    let desired = row.desired_start;
    let due = row.next_task_due_local;
    view! {
        <h1 class="call-name">
            <a href=format!("/leads/{}", row.id)>{row.name.clone()}</a>
        </h1>
        <p>
            <span class="stage-chip" style=format!("--stage-color: {}", row.stage_color)>{row.stage.clone()}</span>
            {(!meta.is_empty()).then(|| view! { <span class="muted">" · "{meta.join(" · ")}</span> })}
        </p>
        {desired.map(|d| view! { <p class="muted">{t!(i18n, board.desired_start, date = move || format::date(d, i18n.get_locale()))}</p> })}
        {due.map(|d| view! { <p class="muted">{t!(i18n, board.next_task, due = move || format::date_time(d, i18n.get_locale()))}</p> })}
        {(unanswered > 0).then(|| view! { <p class="badge warn">{t!(i18n, calls.unanswered, n = unanswered)}</p> })}
        {match (tel, phone) {
            (Some(href), Some(p)) => {
                view! {
                    <a class="call-button" href=href data-testid="call-button">
                        <svg viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z" />
                        </svg>
                        {p}
                    </a>
                }
                    .into_any()
            }
            _ => view! { <p class="muted">{t!(i18n, board.no_phone)}</p> }.into_any(),
        }}
    }
}

/// After reaching the person: a note and, if it changed, the stage (with a reason where the stage
/// asks for one).
#[component]
fn ReachedForm(row: ListRow, stages: StoredValue<Vec<Stage>>, busy: RwSignal<bool>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let note = RwSignal::new(String::new());
    let to_stage = RwSignal::new(None::<Id>);
    let reason = RwSignal::new(None::<Id>);
    let reasons = move || {
        to_stage.get().and_then(|id| {
            stages
                .with_value(|s| s.iter().find(|s| s.id == id).map(|s| s.reasons.iter().filter(|r| !r.retired).cloned().collect::<Vec<_>>()))
        })
    };
    let missing_reason = move || reasons().is_some_and(|r| !r.is_empty()) && reason.get().is_none();
    let (id, version, current_stage) = (row.id, row.version, row.stage_id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if missing_reason() {
            toasts.push(AppError::invalid("reason", domain::error::Invalid::ReasonRequired));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match call_reached(id, note.get_untracked(), to_stage.get_untracked(), reason.get_untracked(), version).await {
                Ok(()) => {
                    on_done.try_run(());
                }
                Err(e) => {
                    toasts.push(e);
                    busy.set(false);
                }
            }
        });
    };
    let others: Vec<(Id, String)> =
        stages.with_value(|s| s.iter().filter(|s| s.id != current_stage).map(|s| (s.id, s.name.clone())).collect());
    view! {
        <form class="reached-form" on:submit=save data-testid="reached-form">
            <label class="field">
                <span>{t!(i18n, calls.note)}</span>
                <textarea name="note" rows="3" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <label class="field">
                <span>{t!(i18n, calls.new_stage)}</span>
                <select
                    name="stage"
                    on:change=move |ev| {
                        to_stage.set(event_target_value(&ev).parse().ok());
                        reason.set(None);
                    }
                >
                    <option value="">{t!(i18n, calls.keep_stage)}</option>
                    {others.into_iter().map(|(sid, name)| view! { <option value=sid>{name}</option> }).collect_view()}
                </select>
            </label>
            {move || {
                reasons()
                    .filter(|r| !r.is_empty())
                    .map(|list| {
                        view! {
                            <label class="field">
                                <span>{t!(i18n, field.reason)}</span>
                                <select name="reason" required on:change=move |ev| reason.set(event_target_value(&ev).parse().ok())>
                                    <option value="">"—"</option>
                                    {list.into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
                                </select>
                            </label>
                        }
                    })
            }}
            <button type="submit" class="big ok" disabled=busy>
                {t!(i18n, calls.save)}
            </button>
        </form>
    }
}
