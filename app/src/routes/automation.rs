//! Automation settings (deputy and above): the "when a lead is created" rule, the stage rules and
//! the log of changes to them. The server refuses anyone else, whatever the page shows.

use crate::api::automation::{automation_settings, change_rule, AutomationView, RuleChange};
use crate::components::errors::{reason_text, ErrorMessage};
use crate::components::format;
use crate::components::hydration::HydrationMark;
use crate::components::tasks::kind_name;
use crate::components::toast::Toasts;
use crate::i18n::*;
use crate::routes::settings::{SettingsTabs, Tab};
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::automation::{Assign, Delay, DelayUnit, RuleAuditAction, RuleConfig, TaskTemplate};
use domain::stage::Stage;
use domain::task::TaskKind;
use domain::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::components::Redirect;

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn AutomationRoute() -> impl IntoView {
    let reloads = RwSignal::new(0_u32);
    let page = page_resource(move || reloads.get(), |_| automation_settings());
    view! {
        <SignedIn>
            <main class="page settings-page">
                <AutomationScreen page reloads />
            </main>
        </SignedIn>
    }
}

#[component]
fn AutomationScreen(page: PageResource<AutomationView>, reloads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => view! { <HydrationMark /> <Automation view reloads /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(e) => view! { <HydrationMark /> <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn unit_name(i18n: I18nContext<Locale>, unit: DelayUnit) -> String {
    match unit {
        DelayUnit::Minutes => t_string!(i18n, rules.minutes),
        DelayUnit::Hours => t_string!(i18n, rules.hours),
        DelayUnit::Days => t_string!(i18n, rules.days),
    }
    .to_string()
}

fn unit_of(value: &str) -> DelayUnit {
    match value {
        "hours" => DelayUnit::Hours,
        "days" => DelayUnit::Days,
        _ => DelayUnit::Minutes,
    }
}

fn unit_value(unit: DelayUnit) -> &'static str {
    match unit {
        DelayUnit::Minutes => "minutes",
        DelayUnit::Hours => "hours",
        DelayUnit::Days => "days",
    }
}

/// A task template's fields: title, kind, "due in N units".
#[derive(Clone, Copy)]
struct TemplateFields {
    title: RwSignal<String>,
    kind: RwSignal<TaskKind>,
    amount: RwSignal<String>,
    unit: RwSignal<DelayUnit>,
}

impl TemplateFields {
    fn new(t: Option<&TaskTemplate>, default_minutes: i64) -> Self {
        TemplateFields {
            title: RwSignal::new(t.map(|t| t.title.clone()).unwrap_or_default()),
            kind: RwSignal::new(t.map_or(TaskKind::Call, |t| t.kind)),
            amount: RwSignal::new(t.map_or(default_minutes, |t| i64::from(t.delay.amount)).to_string()),
            unit: RwSignal::new(t.map_or(DelayUnit::Minutes, |t| t.delay.unit)),
        }
    }

    /// The template, or the field that is wrong.
    fn template(&self) -> Result<TaskTemplate, AppError> {
        let amount = self
            .amount
            .get_untracked()
            .trim()
            .parse::<u32>()
            .map_err(|_| AppError::invalid("delay", domain::error::Invalid::OutOfRange))?;
        let template = TaskTemplate {
            title: self.title.get_untracked(),
            kind: self.kind.get_untracked(),
            delay: Delay { amount, unit: self.unit.get_untracked() },
        };
        template.validate()
    }

    fn view(self, i18n: I18nContext<Locale>, error: RwSignal<Option<AppError>>, prefix: &'static str) -> impl IntoView {
        let field_error = move |name: &'static str| {
            move || match error.get() {
                Some(AppError::Validation { field, reason }) if field == name => {
                    Some(view! { <span class="field-error">{reason_text(i18n, reason)}</span> })
                }
                _ => None,
            }
        };
        let kinds = [TaskKind::Call, TaskKind::Meeting, TaskKind::Other];
        let units = [DelayUnit::Minutes, DelayUnit::Hours, DelayUnit::Days];
        view! {
            <label class="field wide">
                <span>{t!(i18n, rules.task_title)}</span>
                <input
                    type="text"
                    name=format!("{prefix}-title")
                    maxlength="200"
                    prop:value=self.title
                    on:input=move |ev| self.title.set(event_target_value(&ev))
                />
                {field_error("title")}
            </label>
            <label class="field">
                <span>{t!(i18n, tasks.kind)}</span>
                <select name=format!("{prefix}-kind") on:change=move |ev| self.kind.set(TaskKind::parse(&event_target_value(&ev)).unwrap_or(TaskKind::Other))>
                    {kinds
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str() selected=move || self.kind.get() == k>{move || kind_name(i18n, k)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="field narrow">
                <span>{t!(i18n, rules.delay)}</span>
                <input
                    type="number"
                    min="0"
                    inputmode="numeric"
                    name=format!("{prefix}-amount")
                    prop:value=self.amount
                    on:input=move |ev| self.amount.set(event_target_value(&ev))
                />
                {field_error("delay")}
            </label>
            <label class="field narrow">
                <span class="visually-hidden">{t!(i18n, rules.delay)}</span>
                <select name=format!("{prefix}-unit") on:change=move |ev| self.unit.set(unit_of(&event_target_value(&ev)))>
                    {units
                        .into_iter()
                        .map(|u| view! { <option value=unit_value(u) selected=move || self.unit.get() == u>{move || unit_name(i18n, u)}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    }
}

fn describe(i18n: I18nContext<Locale>, config: &RuleConfig, stages: &[Stage]) -> String {
    match config {
        RuleConfig::LeadCreated { .. } => t_string!(i18n, rules.rule_created).to_string(),
        RuleConfig::StageEntered { stage_id, task } => {
            let stage = stages.iter().find(|s| s.id == *stage_id).map(|s| s.name.clone()).unwrap_or_default();
            let delay = format!("{} {}", task.delay.amount, unit_name(i18n, task.delay.unit));
            format!("«{stage}» → «{}» {} {delay}", task.title, t_string!(i18n, rules.due_in))
        }
    }
}

#[component]
fn Automation(view: AutomationView, reloads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let created_error = RwSignal::new(None::<AppError>);
    let stage_error = RwSignal::new(None::<AppError>);
    let send = move |change: RuleChange, error: Option<RwSignal<Option<AppError>>>| {
        spawn_local(async move {
            match change_rule(change).await {
                Ok(()) => {
                    if let Some(error) = error {
                        error.set(None);
                    }
                    reloads.update(|n| *n += 1);
                }
                Err(e @ AppError::Validation { .. }) if error.is_some() => error.into_iter().for_each(|s| s.set(Some(e.clone()))),
                Err(e) => toasts.push(e),
            }
        })
    };
    let stages = StoredValue::new(view.stages.clone());
    let people = view.people.clone();

    // "When a lead is created".
    let created = view.rules.iter().find(|r| matches!(r.config, RuleConfig::LeadCreated { .. })).cloned();
    let (assign, first_contact) = match created.as_ref().map(|r| &r.config) {
        Some(RuleConfig::LeadCreated { assign, first_contact }) => (*assign, first_contact.clone()),
        _ => (Assign::Creator, None),
    };
    let assign_kind = RwSignal::new(match assign {
        Assign::Creator => "creator",
        Assign::RoundRobin => "round_robin",
        Assign::User { .. } => "user",
    });
    let fixed_user = RwSignal::new(match assign {
        Assign::User { user_id } => Some(user_id),
        _ => None,
    });
    let with_task = RwSignal::new(first_contact.is_some());
    let first = TemplateFields::new(first_contact.as_ref(), view.first_contact_minutes);
    if first_contact.is_none() {
        first.title.set(t_string!(i18n, rules.first_contact).to_string());
    }
    let save_created = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let assign = match assign_kind.get_untracked() {
            "round_robin" => Assign::RoundRobin,
            "user" => match fixed_user.get_untracked() {
                Some(user_id) => Assign::User { user_id },
                None => return created_error.set(Some(AppError::invalid("user_id", domain::error::Invalid::Required))),
            },
            _ => Assign::Creator,
        };
        let first_contact = if with_task.get_untracked() {
            match first.template() {
                Ok(t) => Some(t),
                Err(e) => return created_error.set(Some(e)),
            }
        } else {
            None
        };
        send(RuleChange::Save(created.as_ref().map(|r| r.id), RuleConfig::LeadCreated { assign, first_contact }), Some(created_error));
    };
    let created_rule = view.rules.iter().find(|r| matches!(r.config, RuleConfig::LeadCreated { .. })).map(|r| (r.id, r.active));

    // "When a lead enters a stage".
    let stage_rules: Vec<_> = view.rules.iter().filter(|r| matches!(r.config, RuleConfig::StageEntered { .. })).cloned().collect();
    let new_stage = RwSignal::new(view.stages.first().map(|s| s.id));
    let new_task = TemplateFields::new(None, 60);
    new_task.unit.set(DelayUnit::Hours);
    new_task.amount.set("1".into());
    let add_stage_rule = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(stage_id) = new_stage.get_untracked() else { return };
        match new_task.template() {
            Ok(task) => send(RuleChange::Save(None, RuleConfig::StageEntered { stage_id, task }), Some(stage_error)),
            Err(e) => stage_error.set(Some(e)),
        }
    };
    let user_error = move || match created_error.get() {
        Some(AppError::Validation { field, reason }) if field == "user_id" => {
            Some(view! { <span class="field-error">{reason_text(i18n, reason)}</span> })
        }
        _ => None,
    };
    let audit = view.audit.clone();
    let all_people = view.people.clone();
    view! {
        <h1>{t!(i18n, settings.title)}</h1>
        <SettingsTabs current=Tab::Automation role=view.my_role />
        <h2>{t!(i18n, rules.title)}</h2>
        <p class="muted">{t!(i18n, rules.intro)}</p>
        <section class="rule-block" data-testid="rule-created">
            <h2>{t!(i18n, rules.on_created)}</h2>
            <form on:submit=save_created novalidate class="rule-form">
                <label class="field">
                    <span>{t!(i18n, rules.assign)}</span>
                    <select name="assign" on:change=move |ev| assign_kind.set(match event_target_value(&ev).as_str() {
                        "round_robin" => "round_robin",
                        "user" => "user",
                        _ => "creator",
                    })>
                        <option value="creator" selected=move || assign_kind.get() == "creator">{t!(i18n, rules.assign_creator)}</option>
                        <option value="round_robin" selected=move || assign_kind.get() == "round_robin">{t!(i18n, rules.assign_round_robin)}</option>
                        <option value="user" selected=move || assign_kind.get() == "user">{t!(i18n, rules.assign_user)}</option>
                    </select>
                </label>
                <Show when=move || assign_kind.get() == "user">
                    <label class="field">
                        <span>{t!(i18n, rules.assign_user)}</span>
                        <select name="assign-user" on:change=move |ev| fixed_user.set(event_target_value(&ev).parse().ok())>
                            <option value="">"—"</option>
                            {people
                                .iter()
                                .filter(|p| p.active)
                                .map(|p| {
                                    let id = p.id;
                                    view! { <option value=id selected=move || fixed_user.get() == Some(id)>{p.name.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                        {user_error}
                    </label>
                </Show>
                <label class="check">
                    <input type="checkbox" name="first-contact" prop:checked=with_task on:change=move |ev| with_task.set(event_target_checked(&ev)) />
                    {t!(i18n, rules.first_contact)}
                </label>
                <Show when=move || with_task.get()>
                    <div class="template-fields">{first.view(i18n, created_error, "first")}</div>
                </Show>
                <p class="muted">{t!(i18n, rules.assignee_note)}</p>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="save-created-rule">{t!(i18n, rules.save)}</button>
                    {created_rule.map(|(id, active)| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=active on:change=move |ev| send(RuleChange::SetActive(id, event_target_checked(&ev)), None) />
                            {t!(i18n, rules.active)}
                        </label>
                    })}
                </div>
            </form>
        </section>
        <section class="rule-block" data-testid="rule-stages">
            <h2>{t!(i18n, rules.on_stage)}</h2>
            {if stage_rules.is_empty() {
                view! { <p class="muted">{t!(i18n, rules.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="rules">
                        {stage_rules
                            .into_iter()
                            .map(|r| {
                                let (id, active) = (r.id, r.active);
                                let text = describe(i18n, &r.config, &stages.read_value());
                                view! {
                                    <li data-testid="stage-rule">
                                        <span>{text}</span>
                                        <label class="check">
                                            <input type="checkbox" prop:checked=active on:change=move |ev| send(RuleChange::SetActive(id, event_target_checked(&ev)), None) />
                                            {t!(i18n, rules.active)}
                                        </label>
                                        <button type="button" class="link-button danger" on:click=move |_| send(RuleChange::Delete(id), None)>
                                            {t!(i18n, rules.delete)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <form on:submit=add_stage_rule novalidate class="rule-form">
                <label class="field">
                    <span>{t!(i18n, rules.stage)}</span>
                    <select name="rule-stage" on:change=move |ev| new_stage.set(event_target_value(&ev).parse().ok())>
                        {stages.get_value().into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                    </select>
                </label>
                {new_task.view(i18n, stage_error, "stage")}
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="add-stage-rule">{t!(i18n, rules.add)}</button>
                </div>
            </form>
        </section>
        <section class="rule-block" data-testid="rule-audit">
            <h2>{t!(i18n, rules.audit)}</h2>
            {if audit.is_empty() {
                view! { <p class="muted">{t!(i18n, rules.audit_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="audit">
                        {audit
                            .into_iter()
                            .map(|(a, at)| {
                                let who = a.user_id.and_then(|u| all_people.iter().find(|p| p.id == u)).map(|p| p.name.clone()).unwrap_or_default();
                                let config = a.after.clone().or(a.before.clone());
                                let what = config.map(|c| describe(i18n, &c, &stages.read_value())).unwrap_or_default();
                                let action = a.action;
                                view! {
                                    <li>
                                        <time class="muted">{move || format::date_time(at, i18n.get_locale())}</time>
                                        " · " {who} " · " {what} " — " {move || action_name(i18n, action)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

fn action_name(i18n: I18nContext<Locale>, action: RuleAuditAction) -> String {
    match action {
        RuleAuditAction::Created => t_string!(i18n, rules.created),
        RuleAuditAction::Changed => t_string!(i18n, rules.changed),
        RuleAuditAction::Enabled => t_string!(i18n, rules.enabled),
        RuleAuditAction::Disabled => t_string!(i18n, rules.disabled),
        RuleAuditAction::Deleted => t_string!(i18n, rules.deleted),
    }
    .to_string()
}
