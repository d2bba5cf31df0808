//! The school (owner): name, time zone, what sales staff see, the default first-contact time and
//! whether calls from unknown numbers create leads.

use super::{form_error, Sender};
use crate::api::settings::{SettingsChange, SettingsView};
use crate::components::timezone::TimezoneInput;
use crate::i18n::*;
use domain::config::SchoolForm;
use domain::settings::LeadVisibility;
use domain::AppError;
use leptos::prelude::*;

#[component]
pub fn School(view: SettingsView, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let current = view.school.unwrap_or_default();
    let name = RwSignal::new(current.name.clone());
    let timezone = RwSignal::new(current.timezone.clone());
    let visibility = RwSignal::new(current.lead_visibility);
    let minutes = RwSignal::new(current.first_contact_minutes.to_string());
    let calls = RwSignal::new(current.calls_create_leads);
    let error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(first_contact_minutes) = minutes.get_untracked().trim().parse::<i32>() else {
            error.set(Some(AppError::invalid("first_contact_minutes", domain::error::Invalid::OutOfRange)));
            return;
        };
        let form = SchoolForm {
            name: name.get_untracked(),
            timezone: timezone.get_untracked(),
            lead_visibility: visibility.get_untracked(),
            first_contact_minutes,
            calls_create_leads: calls.get_untracked(),
        };
        sender.send(SettingsChange::School(form), error);
    };
    view! {
        <section class="settings-block" data-testid="school-settings">
            <form class="form-grid" novalidate on:submit=submit>
                <label class="field wide">
                    <span>{t!(i18n, field.school_name)}</span>
                    <input type="text" name="school-name" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{t!(i18n, field.timezone)}</span>
                    <TimezoneInput value=timezone placeholder=Signal::derive(move || t_string!(i18n, school.timezone_hint).to_string()) />
                </label>
                <label class="field">
                    <span>{t!(i18n, school.visibility)}</span>
                    <select name="visibility" on:change=move |ev| visibility.set(LeadVisibility::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="all" selected=move || visibility.get() == LeadVisibility::All>{t!(i18n, school.visibility_all)}</option>
                        <option value="own" selected=move || visibility.get() == LeadVisibility::Own>{t!(i18n, school.visibility_own)}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, school.first_contact)}</span>
                    <input type="number" min="1" name="first-contact" inputmode="numeric" prop:value=minutes on:input=move |ev| minutes.set(event_target_value(&ev)) />
                </label>
                <label class="check field wide">
                    <input type="checkbox" name="calls-create-leads" prop:checked=calls on:change=move |ev| calls.set(event_target_checked(&ev)) />
                    {t!(i18n, school.calls_create_leads)}
                </label>
                <div class="form-actions field wide">
                    <button type="submit" class="primary" data-testid="save-school">{t!(i18n, settings.save)}</button>
                </div>
                <div class="field wide">{form_error(error)}</div>
            </form>
        </section>
    }
}
