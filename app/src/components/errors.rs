//! `AppError` in the reader's language.

use crate::i18n::*;
use domain::error::Invalid;
use domain::AppError;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// A field's label, as forms and the timeline name it.
pub fn field_name(i18n: I18nContext<Locale>, field: &str) -> String {
    field_name_in(i18n.get_locale(), field)
}

/// [`field_name`] in a given language (the command line, exports).
pub fn field_name_in(locale: Locale, field: &str) -> String {
    match field {
        "login" => td_string!(locale, field.login),
        "password" => td_string!(locale, field.password),
        "name" => td_string!(locale, field.name),
        "school_name" => td_string!(locale, field.school_name),
        "owner_login" => td_string!(locale, field.owner_login),
        "owner_name" => td_string!(locale, field.owner_name),
        "owner_password" => td_string!(locale, field.owner_password),
        "first_name" => td_string!(locale, field.first_name),
        "stage_id" => td_string!(locale, field.stage_id),
        "phone" => td_string!(locale, field.phone),
        "extra_phone" => td_string!(locale, field.extra_phone),
        "email" => td_string!(locale, field.email),
        "birth_date" => td_string!(locale, field.birth_date),
        "desired_start" => td_string!(locale, field.desired_start),
        "company_name" => td_string!(locale, field.company_name),
        "reason" => td_string!(locale, field.reason),
        "note" => td_string!(locale, field.note),
        "patronymic" => td_string!(locale, field.patronymic),
        "surname" => td_string!(locale, field.surname),
        "gender" => td_string!(locale, field.gender),
        "branch_id" => td_string!(locale, lead.branch),
        "category_id" => td_string!(locale, lead.category),
        "gearbox" => td_string!(locale, field.gearbox),
        "channel_id" => td_string!(locale, lead.channel),
        "contact_source_id" => td_string!(locale, lead.contact_source),
        "client_type" => td_string!(locale, field.client_type),
        "tags" => td_string!(locale, lead.tags),
        "postponed_until" => td_string!(locale, field.postponed_until),
        "responsible_id" => td_string!(locale, lead.responsible),
        "duplicate_of" => td_string!(locale, lead.duplicate_of),
        "q" => td_string!(locale, field.q),
        "color" => td_string!(locale, field.color),
        "timezone" => td_string!(locale, field.timezone),
        "first_contact_minutes" => td_string!(locale, field.first_contact_minutes),
        "move_to" => td_string!(locale, settings.move_leads_to),
        "title" => td_string!(locale, tasks.task_title),
        "due_at" => td_string!(locale, tasks.due),
        "assignee_id" => td_string!(locale, tasks.assignee),
        "role" => td_string!(locale, field.role),
        "group_id" => td_string!(locale, groups.group),
        "contract_number" => td_string!(locale, groups.contract_number),
        "signed_on" => td_string!(locale, groups.signed_on),
        "price" => td_string!(locale, groups.price),
        "capacity" => td_string!(locale, groups.capacity),
        "start_date" => td_string!(locale, groups.start),
        _ => td_string!(locale, field.other),
    }
    .to_string()
}

/// Why a value was refused, as a short phrase.
pub fn reason_text(i18n: I18nContext<Locale>, reason: Invalid) -> String {
    reason_text_in(i18n.get_locale(), reason)
}

/// [`reason_text`] in a given language.
pub fn reason_text_in(locale: Locale, reason: Invalid) -> String {
    match reason {
        Invalid::Required => td_string!(locale, validation.required),
        Invalid::TooLong => td_string!(locale, validation.too_long),
        Invalid::Phone => td_string!(locale, validation.phone),
        Invalid::Email => td_string!(locale, validation.email),
        Invalid::Date => td_string!(locale, validation.date),
        Invalid::DateInFuture => td_string!(locale, validation.date_in_future),
        Invalid::DateTooOld => td_string!(locale, validation.date_too_old),
        Invalid::NotFound => td_string!(locale, validation.not_found),
        Invalid::Inactive => td_string!(locale, validation.inactive),
        Invalid::PasswordTooShort => td_string!(locale, validation.password_too_short),
        Invalid::LoginFormat => td_string!(locale, validation.login_format),
        Invalid::Taken => td_string!(locale, validation.taken),
        Invalid::Color => td_string!(locale, validation.color),
        Invalid::Timezone => td_string!(locale, validation.timezone),
        Invalid::CompanyNameRequired => td_string!(locale, validation.company_name_required),
        Invalid::ReasonRequired => td_string!(locale, validation.reason_required),
        Invalid::ReasonNotOfStage => td_string!(locale, validation.reason_not_of_stage),
        Invalid::OutOfRange => td_string!(locale, validation.out_of_range),
        Invalid::SearchTooShort => td_string!(locale, validation.search_too_short),
        Invalid::NotEmpty => td_string!(locale, validation.not_empty),
        Invalid::Protected => td_string!(locale, validation.protected),
        Invalid::GroupFull => td_string!(locale, validation.group_full),
        Invalid::AlreadyEnrolled => td_string!(locale, validation.already_enrolled),
        Invalid::GroupMismatch => td_string!(locale, validation.group_mismatch),
        Invalid::EnrolmentRequired => td_string!(locale, validation.enrolment_required),
        Invalid::Price => td_string!(locale, validation.price),
        Invalid::UnknownParameter => td_string!(locale, validation.unknown_parameter),
    }
    .to_string()
}

/// One sentence for any error, in the current language, as a view: [`error_text_in`]'s text,
/// following the language as it changes. The one sentence with a number in it keeps its whole
/// template (`error.rate_limited`), which only a view can interpolate.
pub fn error_view(i18n: I18nContext<Locale>, error: &AppError) -> AnyView {
    match error {
        AppError::RateLimited { retry_after_secs } => {
            let secs = *retry_after_secs;
            t!(i18n, error.rate_limited, secs).into_any()
        }
        other => {
            let other = other.clone();
            (move || error_text_in(i18n.get_locale(), &other)).into_any()
        }
    }
}

/// One sentence for any error as plain text in a given language (the command line; the page's
/// [`error_view`]). Plain strings only: leptos_i18n interpolates into views, not strings, without
/// an option `load_locales!` lacks.
pub fn error_text_in(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Validation { field, reason } => {
            format!("{}: {}", field_name_in(locale, field), reason_text_in(locale, *reason))
        }
        AppError::Conflict { .. } => td_string!(locale, error.conflict).to_string(),
        AppError::Unauthorized => td_string!(locale, error.unauthorized).to_string(),
        AppError::BadCredentials => td_string!(locale, error.bad_credentials).to_string(),
        AppError::Forbidden => td_string!(locale, error.forbidden).to_string(),
        AppError::NotFound => td_string!(locale, error.not_found).to_string(),
        AppError::RateLimited { retry_after_secs } => format!("{} {retry_after_secs}", td_string!(locale, error.too_many_attempts)),
        AppError::AlreadySetUp => td_string!(locale, error.already_set_up).to_string(),
        AppError::Internal => td_string!(locale, error.internal).to_string(),
        AppError::BadRequest => td_string!(locale, error.bad_request).to_string(),
        AppError::StorageUnavailable => td_string!(locale, error.storage_unavailable).to_string(),
        AppError::Transport(_) => td_string!(locale, error.transport).to_string(),
    }
}

/// An error box, announced to screen readers.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="error" role="alert">
            {move || error_view(i18n, &error)}
        </p>
    }
}

/// The message under one field of a form whose last answer is `error`: shown while that answer
/// is a validation error of `field`.
pub fn field_error(i18n: I18nContext<Locale>, error: RwSignal<Option<AppError>>, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || match error.get() {
        Some(AppError::Validation { field: f, reason }) if f == field => {
            Some(view! { <span class="field-error" role="alert">{reason_text(i18n, reason)}</span> }.into_any())
        }
        _ => None,
    }
}
