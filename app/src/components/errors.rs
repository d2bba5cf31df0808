//! `AppError` in the reader's language.

use crate::i18n::*;
use domain::error::Invalid;
use domain::AppError;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// A field's label, as forms and the timeline name it.
pub fn field_name(i18n: I18nContext<Locale>, field: &str) -> String {
    match field {
        "login" => t_string!(i18n, field.login),
        "password" => t_string!(i18n, field.password),
        "name" => t_string!(i18n, field.name),
        "school_name" => t_string!(i18n, field.school_name),
        "owner_login" => t_string!(i18n, field.owner_login),
        "owner_name" => t_string!(i18n, field.owner_name),
        "owner_password" => t_string!(i18n, field.owner_password),
        "first_name" => t_string!(i18n, field.first_name),
        "stage_id" => t_string!(i18n, field.stage_id),
        "phone" => t_string!(i18n, field.phone),
        "extra_phone" => t_string!(i18n, field.extra_phone),
        "email" => t_string!(i18n, field.email),
        "birth_date" => t_string!(i18n, field.birth_date),
        "desired_start" => t_string!(i18n, field.desired_start),
        "company_name" => t_string!(i18n, field.company_name),
        "reason" => t_string!(i18n, field.reason),
        "note" => t_string!(i18n, field.note),
        "patronymic" => t_string!(i18n, field.patronymic),
        "surname" => t_string!(i18n, field.surname),
        "gender" => t_string!(i18n, field.gender),
        "branch_id" => t_string!(i18n, lead.branch),
        "category_id" => t_string!(i18n, lead.category),
        "gearbox" => t_string!(i18n, field.gearbox),
        "channel_id" => t_string!(i18n, lead.channel),
        "contact_source_id" => t_string!(i18n, lead.contact_source),
        "client_type" => t_string!(i18n, field.client_type),
        "tags" => t_string!(i18n, lead.tags),
        "postponed_until" => t_string!(i18n, field.postponed_until),
        "responsible_id" => t_string!(i18n, lead.responsible),
        "duplicate_of" => t_string!(i18n, lead.duplicate_of),
        "q" => t_string!(i18n, field.q),
        "color" => t_string!(i18n, field.color),
        "timezone" => t_string!(i18n, field.timezone),
        "first_contact_minutes" => t_string!(i18n, field.first_contact_minutes),
        "move_to" => t_string!(i18n, settings.move_leads_to),
        "title" => t_string!(i18n, tasks.task_title),
        "due_at" => t_string!(i18n, tasks.due),
        "assignee_id" => t_string!(i18n, tasks.assignee),
        "role" => t_string!(i18n, field.role),
        "group_id" => t_string!(i18n, groups.group),
        "contract_number" => t_string!(i18n, groups.contract_number),
        "signed_on" => t_string!(i18n, groups.signed_on),
        "price" => t_string!(i18n, groups.price),
        "capacity" => t_string!(i18n, groups.capacity),
        "start_date" => t_string!(i18n, groups.start),
        _ => t_string!(i18n, field.other),
    }
    .to_string()
}

/// Why a value was refused, as a short phrase.
pub fn reason_text(i18n: I18nContext<Locale>, reason: Invalid) -> String {
    match reason {
        Invalid::Required => t_string!(i18n, validation.required),
        Invalid::TooLong => t_string!(i18n, validation.too_long),
        Invalid::Phone => t_string!(i18n, validation.phone),
        Invalid::Email => t_string!(i18n, validation.email),
        Invalid::Date => t_string!(i18n, validation.date),
        Invalid::DateInFuture => t_string!(i18n, validation.date_in_future),
        Invalid::DateTooOld => t_string!(i18n, validation.date_too_old),
        Invalid::NotFound => t_string!(i18n, validation.not_found),
        Invalid::Inactive => t_string!(i18n, validation.inactive),
        Invalid::PasswordTooShort => t_string!(i18n, validation.password_too_short),
        Invalid::LoginFormat => t_string!(i18n, validation.login_format),
        Invalid::Taken => t_string!(i18n, validation.taken),
        Invalid::Color => t_string!(i18n, validation.color),
        Invalid::Timezone => t_string!(i18n, validation.timezone),
        Invalid::CompanyNameRequired => t_string!(i18n, validation.company_name_required),
        Invalid::ReasonRequired => t_string!(i18n, validation.reason_required),
        Invalid::ReasonNotOfStage => t_string!(i18n, validation.reason_not_of_stage),
        Invalid::OutOfRange => t_string!(i18n, validation.out_of_range),
        Invalid::SearchTooShort => t_string!(i18n, validation.search_too_short),
        Invalid::NotEmpty => t_string!(i18n, validation.not_empty),
        Invalid::Protected => t_string!(i18n, validation.protected),
        Invalid::GroupFull => t_string!(i18n, validation.group_full),
        Invalid::AlreadyEnrolled => t_string!(i18n, validation.already_enrolled),
        Invalid::GroupMismatch => t_string!(i18n, validation.group_mismatch),
        Invalid::EnrolmentRequired => t_string!(i18n, validation.enrolment_required),
        Invalid::Price => t_string!(i18n, validation.price),
    }
    .to_string()
}

/// One sentence for any error, in the current language, as a view.
pub fn error_view(i18n: I18nContext<Locale>, error: &AppError) -> AnyView {
    match error {
        AppError::Validation { field, reason } => {
            let (field, reason) = (field_name(i18n, field), reason_text(i18n, *reason));
            t!(i18n, error.validation, field, reason).into_any()
        }
        AppError::Conflict { .. } => t!(i18n, error.conflict).into_any(),
        AppError::Unauthorized => t!(i18n, error.unauthorized).into_any(),
        AppError::BadCredentials => t!(i18n, error.bad_credentials).into_any(),
        AppError::Forbidden => t!(i18n, error.forbidden).into_any(),
        AppError::NotFound => t!(i18n, error.not_found).into_any(),
        AppError::RateLimited { retry_after_secs } => {
            let secs = *retry_after_secs;
            t!(i18n, error.rate_limited, secs).into_any()
        }
        AppError::AlreadySetUp => t!(i18n, error.already_set_up).into_any(),
        AppError::Internal => t!(i18n, error.internal).into_any(),
        AppError::BadRequest => t!(i18n, error.bad_request).into_any(),
        AppError::StorageUnavailable => t!(i18n, error.storage_unavailable).into_any(),
        AppError::Transport(_) => t!(i18n, error.transport).into_any(),
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
