//! The lead form, for a new lead and for editing: every field of the SPEC's lead; the stage only
//! when creating (afterwards it moves on the board) and never the responsible (transferred). The
//! server validates; its message appears under the field it names. A conflicting save shows the
//! fresh lead instead of overwriting it. A new lead whose phone is known shows that person's leads
//! first (seed 000: one lead per licence category).

use crate::api::board::PhoneMatch;
use crate::api::lead::{create_lead, save_lead, Created};
use crate::api::list::FilterChoices;
use crate::components::errors::{error_view, reason_text};
use crate::components::lead::{client_type_label, gearbox_label, gender_label};
use crate::components::phone_matches::PhoneMatches;
use crate::components::toast::Toasts;
use crate::i18n::*;
use domain::dictionary::DictionaryEntry;
use domain::lead::{ClientType, Gearbox, Gender, LeadDraft};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;

type GetText = fn(&LeadDraft) -> String;
type SetText = fn(&mut LeadDraft, String);

/// What the form saves into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTarget {
    Create,
    Edit { lead_id: Id, version: i64 },
}

/// `on_saved` gets the lead's id (a new lead's, or the original's when it was created as a duplicate).
#[component]
pub fn LeadForm(
    initial: LeadDraft,
    choices: FilterChoices,
    target: FormTarget,
    on_saved: Callback<Id>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = initial.clone();
    let draft = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toasts = expect_context::<Toasts>();
    let matches = RwSignal::new(Vec::<PhoneMatch>::new());
    let field_error = move |name: &'static str| {
        move || match error.get() {
            Some(AppError::Validation { field, reason }) if field == name => {
                Some(view! { <span class="field-error">{reason_text(i18n, reason)}</span> })
            }
            _ => None,
        }
    };
    let text = move |name: &'static str, label: String, kind: &'static str, get: GetText, set: SetText| {
        view! {
            <label class="field" class:invalid=move || matches!(error.get(), Some(AppError::Validation { ref field, .. }) if field == name)>
                <span>{label}</span>
                <input type=kind name=name prop:value=move || draft.with(get) on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev))) />
                {field_error(name)}
            </label>
        }
    };
    let date = move |name: &'static str,
                     label: String,
                     get: fn(&LeadDraft) -> Option<chrono::NaiveDate>,
                     set: fn(&mut LeadDraft, Option<chrono::NaiveDate>)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type="date"
                    name=name
                    prop:value=move || draft.with(get).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                    on:change=move |ev| draft.update(|d| set(d, chrono::NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d").ok()))
                />
                {field_error(name)}
            </label>
        }
    };
    let pick = move |name: &'static str, label: String, entries: Vec<(String, String)>, get: GetText, set: SetText| {
        let none = t_string!(i18n, lead.not_set).to_string();
        view! {
            <label class="field">
                <span>{label}</span>
                <select name=name on:change=move |ev| draft.update(|d| set(d, event_target_value(&ev)))>
                    <option value="" selected=move || draft.with(get).is_empty()>{none}</option>
                    {entries
                        .into_iter()
                        .map(|(value, text)| {
                            let v = value.clone();
                            view! { <option value=value selected=move || draft.with(get) == v>{text}</option> }
                        })
                        .collect_view()}
                </select>
                {field_error(name)}
            </label>
        }
    };
    let dict = |entries: &[DictionaryEntry], current: Option<Id>| -> Vec<(String, String)> {
        entries.iter().filter(|e| e.active || Some(e.id) == current).map(|e| (e.id.to_string(), e.name.clone())).collect()
    };
    let c = &choices;
    let branches = dict(&c.branches, current.branch_id);
    let categories = dict(&c.categories, current.category_id);
    let channels = dict(&c.channels, current.channel_id);
    let sources = dict(&c.sources, current.contact_source_id);
    let stages: Vec<(String, String)> = c.stages.iter().map(|s| (s.id.to_string(), s.name.clone())).collect();
    let tags: Vec<String> = c.tags.iter().map(|t| t.name.clone()).collect();
    let send = move |confirmed: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match target {
                FormTarget::Edit { lead_id, version } => match save_lead(lead_id, version, draft.get_untracked()).await {
                    Ok(_) => {
                        on_saved.try_run(lead_id);
                    }
                    Err(e @ AppError::Conflict { .. }) => {
                        // The card reloads with the other person's version; the toast says why.
                        toasts.push(e);
                        on_saved.try_run(lead_id);
                    }
                    Err(e) => error.set(Some(e)),
                },
                FormTarget::Create => match create_lead(draft.get_untracked(), confirmed).await {
                    Ok(Created::Lead(id) | Created::Duplicate { of: id }) => {
                        on_saved.try_run(id);
                    }
                    Ok(Created::Matches(found)) => matches.set(found),
                    Err(e) => error.set(Some(e)),
                },
            }
            busy.set(false);
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };
    view! {
        <form class="lead-form" on:submit=save data-testid="lead-form" novalidate>
            <div class="form-grid">
                {(target == FormTarget::Create)
                    .then(|| {
                        pick(
                            "stage_id",
                            t_string!(i18n, field.stage_id).into(),
                            stages.clone(),
                            |d| d.stage_id.map(|v| v.to_string()).unwrap_or_default(),
                            |d, v| d.stage_id = v.parse().ok(),
                        )
                    })}
                {text("surname", t_string!(i18n, field.surname).into(), "text", |d| d.surname.clone(), |d, v| d.surname = v)}
                {text("first_name", t_string!(i18n, field.first_name).into(), "text", |d| d.first_name.clone(), |d, v| d.first_name = v)}
                {text("patronymic", t_string!(i18n, field.patronymic).into(), "text", |d| d.patronymic.clone(), |d, v| d.patronymic = v)}
                {text("phone", t_string!(i18n, field.phone).into(), "tel", |d| d.phone.clone(), |d, v| d.phone = v)}
                {text("extra_phone", t_string!(i18n, field.extra_phone).into(), "tel", |d| d.extra_phone.clone(), |d, v| d.extra_phone = v)}
                {text("email", t_string!(i18n, field.email).into(), "email", |d| d.email.clone(), |d, v| d.email = v)}
                {pick(
                    "gender",
                    t_string!(i18n, field.gender).into(),
                    [Gender::Male, Gender::Female].map(|g| (g.as_str().into(), gender_label(i18n, g))).to_vec(),
                    |d| d.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
                    |d, v| d.gender = Gender::parse(&v),
                )}
                {date("birth_date", t_string!(i18n, field.birth_date).into(), |d| d.birth_date, |d, v| d.birth_date = v)}
                {date("desired_start", t_string!(i18n, field.desired_start).into(), |d| d.desired_start, |d, v| d.desired_start = v)}
                {pick("category_id", t_string!(i18n, lead.category).into(), categories, |d| d.category_id.map(|v| v.to_string()).unwrap_or_default(), |d, v| d.category_id = v.parse().ok())}
                {pick("branch_id", t_string!(i18n, lead.branch).into(), branches, |d| d.branch_id.map(|v| v.to_string()).unwrap_or_default(), |d, v| d.branch_id = v.parse().ok())}
                {pick(
                    "gearbox",
                    t_string!(i18n, field.gearbox).into(),
                    [Gearbox::Manual, Gearbox::Automatic, Gearbox::Either].map(|g| (g.as_str().into(), gearbox_label(i18n, g))).to_vec(),
                    |d| d.gearbox.map(|g| g.as_str().to_string()).unwrap_or_default(),
                    |d, v| d.gearbox = Gearbox::parse(&v),
                )}
                {pick("channel_id", t_string!(i18n, lead.channel).into(), channels, |d| d.channel_id.map(|v| v.to_string()).unwrap_or_default(), |d, v| d.channel_id = v.parse().ok())}
                {pick("contact_source_id", t_string!(i18n, lead.contact_source).into(), sources, |d| d.contact_source_id.map(|v| v.to_string()).unwrap_or_default(), |d, v| d.contact_source_id = v.parse().ok())}
                {pick(
                    "client_type",
                    t_string!(i18n, field.client_type).into(),
                    [ClientType::Person, ClientType::Company].map(|c| (c.as_str().into(), client_type_label(i18n, c))).to_vec(),
                    |d| d.client_type.as_str().to_string(),
                    |d, v| d.client_type = ClientType::parse(&v).unwrap_or_default(),
                )}
                <Show when=move || draft.with(|d| d.client_type == ClientType::Company)>
                    {text("company_name", t_string!(i18n, field.company_name).into(), "text", |d| d.company_name.clone(), |d, v| d.company_name = v)}
                </Show>
                <label class="field wide">
                    <span>{t!(i18n, lead.tags_hint)}</span>
                    <input
                        type="text"
                        name="tags"
                        list="tag-choices"
                        prop:value=move || draft.with(|d| d.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "))
                        on:change=move |ev| {
                            let typed = event_target_value(&ev);
                            draft.update(|d| d.tags = typed.split([',', ' ']).filter_map(domain::lead::normalise_tag).collect());
                        }
                    />
                    <datalist id="tag-choices">{tags.into_iter().map(|t| view! { <option value=format!("#{t}") /> }).collect_view()}</datalist>
                </label>
            </div>
            {move || {
                error
                    .get()
                    .filter(|e| !matches!(e, AppError::Validation { .. }))
                    .map(|e| view! { <p class="error" role="alert">{error_view(i18n, &e)}</p> })
            }}
            {move || {
                error
                    .get()
                    .filter(|e| matches!(e, AppError::Validation { .. }))
                    .map(|e| view! { <p class="error" role="alert" data-testid="form-error">{error_view(i18n, &e)}</p> })
            }}
            <PhoneMatches matches chosen_category=Signal::derive(move || draft.with(|d| d.category_id)) busy on_confirm=Callback::new(move |_| send(true)) />
            <div class="form-actions">
                <button type="submit" class="primary" disabled=busy data-testid="save-lead">
                    {t!(i18n, lead.save)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, lead.cancel)}
                </button>
            </div>
        </form>
    }
}
