//! Stages: name, colour, kind, shown on the board, enrolment; order by drag and drop or the Up and
//! Down buttons (keyboard); delete, moving the stage's leads first; reasons per stage.

use super::{dropped, form_error, moved, Sender};
use crate::api::settings::{SettingsChange, SettingsView};
use crate::i18n::*;
use domain::config::{StageChange, StageDraft};
use domain::stage::{Reason, Stage, StageKind};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

fn kind_name(i18n: I18nContext<Locale>, kind: StageKind) -> String {
    match kind {
        StageKind::Open => t_string!(i18n, settings.kind_open),
        StageKind::Won => t_string!(i18n, settings.kind_won),
        StageKind::Lost => t_string!(i18n, settings.kind_lost),
    }
    .to_string()
}

fn send_stage(sender: Sender, change: StageChange, error: RwSignal<Option<AppError>>) {
    sender.send(SettingsChange::Stage(change), error);
}

#[component]
pub fn Stages(view: SettingsView, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let ids: Vec<Id> = view.stages.iter().map(|s| s.id).collect();
    let order = StoredValue::new(ids);
    let dragging = RwSignal::new(None::<Id>);
    let list_error = RwSignal::new(None::<AppError>);
    let reorder = move |new: Option<Vec<Id>>| {
        if let Some(ids) = new {
            send_stage(sender, StageChange::Reorder(ids), list_error);
        }
    };
    let others = StoredValue::new(view.stages.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>());
    let new_draft =
        StageDraft { name: String::new(), color: "#64748b".into(), kind: StageKind::Open, shown_on_board: true, enrolment: false };
    view! {
        <section class="settings-block" data-testid="stages-settings">
            <p class="muted">{t!(i18n, settings.order_hint)}</p>
            {form_error(list_error)}
            <ol class="stage-rows">
                {view
                    .stages
                    .iter()
                    .cloned()
                    .map(|stage| {
                        let id = stage.id;
                        let stage_name = stage.name.clone();
                        let leads = view.stage_leads.iter().find(|(s, _)| *s == id).map_or(0, |(_, n)| *n);
                        view! {
                            <li
                                class="stage-row"
                                data-testid="stage-row"
                                data-stage-id=id
                                data-name=stage_name
                                draggable="true"
                                class:drag-over=move || dragging.get().is_some_and(|d| d != id)
                                on:dragstart=move |_| dragging.set(Some(id))
                                on:dragend=move |_| dragging.set(None)
                                on:dragover=move |ev| ev.prevent_default()
                                on:drop=move |ev| {
                                    ev.prevent_default();
                                    if let Some(from) = dragging.get_untracked() {
                                        reorder(order.with_value(|o| dropped(o, from, id)));
                                    }
                                    dragging.set(None);
                                }
                            >
                                <div class="order-buttons">
                                    <button
                                        type="button"
                                        class="icon-button"
                                        data-testid="stage-up"
                                        aria-label=move || t_string!(i18n, settings.up)
                                        on:click=move |_| reorder(order.with_value(|o| moved(o, id, -1)))
                                    >
                                        "▲"
                                    </button>
                                    <button
                                        type="button"
                                        class="icon-button"
                                        data-testid="stage-down"
                                        aria-label=move || t_string!(i18n, settings.down)
                                        on:click=move |_| reorder(order.with_value(|o| moved(o, id, 1)))
                                    >
                                        "▼"
                                    </button>
                                </div>
                                <StageFields stage=stage.clone() leads others=others.get_value() sender />
                                <Reasons stage sender />
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <h2>{t!(i18n, settings.add_stage)}</h2>
            <NewStage draft=new_draft sender />
        </section>
    }
}

/// One stage's fields, saved together; delete (with the leads' destination) below them.
#[component]
fn StageFields(stage: Stage, leads: i64, others: Vec<(Id, String)>, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let id = stage.id;
    let name = RwSignal::new(stage.name.clone());
    let color = RwSignal::new(stage.color.clone());
    let kind = RwSignal::new(stage.kind);
    let shown = RwSignal::new(stage.shown_on_board);
    let enrolment = RwSignal::new(stage.enrolment);
    let error = RwSignal::new(None::<AppError>);
    let deleting = RwSignal::new(false);
    let move_to = RwSignal::new(None::<Id>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = StageDraft {
            name: name.get_untracked(),
            color: color.get_untracked(),
            kind: kind.get_untracked(),
            shown_on_board: shown.get_untracked(),
            enrolment: enrolment.get_untracked(),
        };
        send_stage(sender, StageChange::Update { id, draft }, error);
    };
    let kinds = [StageKind::Open, StageKind::Won, StageKind::Lost];
    let targets: Vec<(Id, String)> = others.into_iter().filter(|(o, _)| *o != id).collect();
    view! {
        <form class="stage-fields" on:submit=save novalidate>
            <input type="color" name="stage-color" aria-label=move || t_string!(i18n, settings.color) prop:value=color on:input=move |ev| color.set(event_target_value(&ev)) />
            <input type="text" name="stage-name" maxlength="80" aria-label=move || t_string!(i18n, settings.name) prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <select name="stage-kind" aria-label=move || t_string!(i18n, settings.kind) on:change=move |ev| kind.set(StageKind::parse(&event_target_value(&ev)).unwrap_or(StageKind::Open))>
                {kinds.into_iter().map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{move || kind_name(i18n, k)}</option> }).collect_view()}
            </select>
            <label class="check">
                <input type="checkbox" name="stage-shown" prop:checked=shown on:change=move |ev| shown.set(event_target_checked(&ev)) />
                {t!(i18n, settings.shown)}
            </label>
            <Show when=move || kind.get() == StageKind::Won>
                <label class="check">
                    <input type="checkbox" name="stage-enrolment" prop:checked=enrolment on:change=move |ev| enrolment.set(event_target_checked(&ev)) />
                    {t!(i18n, settings.enrolment)}
                </label>
            </Show>
            <span class="muted">{t!(i18n, settings.leads)} ": " {leads}</span>
            <button type="submit" class="secondary" data-testid="save-stage">{t!(i18n, settings.save)}</button>
            <button type="button" class="link-button danger" on:click=move |_| deleting.set(true) data-testid="delete-stage">
                {t!(i18n, settings.delete)}
            </button>
            {form_error(error)}
        </form>
        <Show when=move || deleting.get()>
            <div class="delete-stage">
                {(leads > 0)
                    .then(|| {
                        view! {
                            <label class="field">
                                <span>{t!(i18n, settings.move_leads_to)}</span>
                                <select name="move-to" on:change=move |ev| move_to.set(event_target_value(&ev).parse().ok())>
                                    <option value="">"—"</option>
                                    {targets.iter().map(|(o, n)| view! { <option value=*o>{n.clone()}</option> }).collect_view()}
                                </select>
                            </label>
                        }
                    })}
                <button
                    type="button"
                    class="danger-button"
                    data-testid="confirm-delete-stage"
                    on:click=move |_| send_stage(sender, StageChange::Delete { id, move_to: move_to.get_untracked() }, error)
                >
                    {t!(i18n, settings.delete)}
                </button>
                <button type="button" class="link-button" on:click=move |_| deleting.set(false)>
                    {t!(i18n, settings.cancel)}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn NewStage(draft: StageDraft, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(draft.color.clone());
    let kind = RwSignal::new(StageKind::Open);
    let error = RwSignal::new(None::<AppError>);
    let kinds = [StageKind::Open, StageKind::Won, StageKind::Lost];
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = StageDraft {
            name: name.get_untracked(),
            color: color.get_untracked(),
            kind: kind.get_untracked(),
            shown_on_board: true,
            enrolment: false,
        };
        send_stage(sender, StageChange::Create(draft), error);
    };
    view! {
        <form class="stage-fields" on:submit=add novalidate data-testid="new-stage">
            <input type="color" name="new-stage-color" aria-label=move || t_string!(i18n, settings.color) prop:value=color on:input=move |ev| color.set(event_target_value(&ev)) />
            <input type="text" name="new-stage-name" maxlength="80" placeholder=move || t_string!(i18n, settings.name) prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <select name="new-stage-kind" aria-label=move || t_string!(i18n, settings.kind) on:change=move |ev| kind.set(StageKind::parse(&event_target_value(&ev)).unwrap_or(StageKind::Open))>
                {kinds.into_iter().map(|k| view! { <option value=k.as_str()>{move || kind_name(i18n, k)}</option> }).collect_view()}
            </select>
            <button type="submit" class="primary" data-testid="add-stage">{t!(i18n, settings.add_stage)}</button>
            {form_error(error)}
        </form>
    }
}

/// A stage's reasons: rename, reorder, retire or restore, add.
#[component]
fn Reasons(stage: Stage, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let stage_id = stage.id;
    let ids = StoredValue::new(stage.reasons.iter().map(|r| r.id).collect::<Vec<_>>());
    let error = RwSignal::new(None::<AppError>);
    let new_name = RwSignal::new(String::new());
    let count = stage.reasons.len();
    let row = move |reason: Reason| {
        let id = reason.id;
        let name = RwSignal::new(reason.name.clone());
        let retired = reason.retired;
        view! {
            <li class="reason-row" class:retired=retired data-testid="reason-row">
                <form
                    class="inline-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        send_stage(sender, StageChange::RenameReason { id, name: name.get_untracked() }, error);
                    }
                >
                    <input type="text" name="reason-name" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <button type="submit" class="link-button">{t!(i18n, settings.save)}</button>
                </form>
                {retired.then(|| view! { <span class="badge">{t!(i18n, settings.retired)}</span> })}
                <button type="button" class="icon-button" aria-label=move || t_string!(i18n, settings.up) on:click=move |_| {
                    if let Some(ids) = ids.with_value(|o| moved(o, id, -1)) {
                        send_stage(sender, StageChange::ReorderReasons { stage_id, ids }, error);
                    }
                }>"▲"</button>
                <button type="button" class="icon-button" aria-label=move || t_string!(i18n, settings.down) on:click=move |_| {
                    if let Some(ids) = ids.with_value(|o| moved(o, id, 1)) {
                        send_stage(sender, StageChange::ReorderReasons { stage_id, ids }, error);
                    }
                }>"▼"</button>
                <button type="button" class="link-button" data-testid="retire-reason" on:click=move |_| send_stage(sender, StageChange::RetireReason { id, retired: !retired }, error)>
                    {if retired { t!(i18n, settings.unretire).into_any() } else { t!(i18n, settings.retire).into_any() }}
                </button>
            </li>
        }
    };
    view! {
        <details class="reasons-block">
            <summary>
                {t!(i18n, settings.reasons)} " (" {count} ")"
            </summary>
            {(count == 0).then(|| view! { <p class="muted">{t!(i18n, settings.no_reasons)}</p> })}
            <ul class="reason-rows">{stage.reasons.into_iter().map(row).collect_view()}</ul>
            <form
                class="inline-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    send_stage(sender, StageChange::AddReason { stage_id, name: new_name.get_untracked() }, error);
                }
            >
                <input type="text" name="new-reason" maxlength="80" placeholder=move || t_string!(i18n, settings.add_reason) prop:value=new_name on:input=move |ev| new_name.set(event_target_value(&ev)) />
                <button type="submit" class="secondary">{t!(i18n, settings.add_reason)}</button>
            </form>
            {form_error(error)}
        </details>
    }
}
