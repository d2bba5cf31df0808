//! The one error type that crosses the wire between server and browser.
//!
//! It never carries database text: the backend maps storage errors to these variants and logs the
//! details. Each variant knows its HTTP status and its message key, which the UI translates.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A form or payload field an error points at. Names match the input names in the UI.
pub type Field = String;

/// Why a value of a field was refused; the UI translates the key (`validation.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    Required,
    TooLong,
    Phone,
    Email,
    Date,
    DateInFuture,
    DateTooOld,
    NotFound,
    Inactive,
    PasswordTooShort,
    LoginFormat,
    Taken,
    Color,
    Timezone,
    CompanyNameRequired,
    ReasonRequired,
    ReasonNotOfStage,
    OutOfRange,
    SearchTooShort,
    /// A stage that still has leads (move them first).
    NotEmpty,
    /// Not to one's own account, and never leaving the school without an active owner.
    Protected,
    /// The training group has no seats left.
    GroupFull,
    /// The lead already has a contract that stands (seed 002: a lead converts once).
    AlreadyEnrolled,
    /// The group is for another category or branch than the lead's, or no longer recruiting.
    GroupMismatch,
    /// An enrolment stage is entered by enrolling into a group, not by a plain move.
    EnrolmentRequired,
    /// Not an amount of roubles (e.g. 45000 or 45 000,50).
    Price,
    /// A parameter the request does not take (a misspelt filter in an API URL, say).
    UnknownParameter,
}

impl Invalid {
    pub const ALL: [Invalid; 27] = [
        Invalid::Required,
        Invalid::TooLong,
        Invalid::Phone,
        Invalid::Email,
        Invalid::Date,
        Invalid::DateInFuture,
        Invalid::DateTooOld,
        Invalid::NotFound,
        Invalid::Inactive,
        Invalid::PasswordTooShort,
        Invalid::LoginFormat,
        Invalid::Taken,
        Invalid::Color,
        Invalid::Timezone,
        Invalid::CompanyNameRequired,
        Invalid::ReasonRequired,
        Invalid::ReasonNotOfStage,
        Invalid::OutOfRange,
        Invalid::SearchTooShort,
        Invalid::NotEmpty,
        Invalid::Protected,
        Invalid::GroupFull,
        Invalid::AlreadyEnrolled,
        Invalid::GroupMismatch,
        Invalid::EnrolmentRequired,
        Invalid::Price,
        Invalid::UnknownParameter,
    ];

    /// The key under `validation.` in the locale files.
    pub fn key(self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong => "too_long",
            Invalid::Phone => "phone",
            Invalid::Email => "email",
            Invalid::Date => "date",
            Invalid::DateInFuture => "date_in_future",
            Invalid::DateTooOld => "date_too_old",
            Invalid::NotFound => "not_found",
            Invalid::Inactive => "inactive",
            Invalid::PasswordTooShort => "password_too_short",
            Invalid::LoginFormat => "login_format",
            Invalid::Taken => "taken",
            Invalid::Color => "color",
            Invalid::Timezone => "timezone",
            Invalid::CompanyNameRequired => "company_name_required",
            Invalid::ReasonRequired => "reason_required",
            Invalid::ReasonNotOfStage => "reason_not_of_stage",
            Invalid::OutOfRange => "out_of_range",
            Invalid::SearchTooShort => "search_too_short",
            Invalid::NotEmpty => "not_empty",
            Invalid::Protected => "protected",
            Invalid::GroupFull => "group_full",
            Invalid::AlreadyEnrolled => "already_enrolled",
            Invalid::GroupMismatch => "group_mismatch",
            Invalid::EnrolmentRequired => "enrolment_required",
            Invalid::Price => "price",
            Invalid::UnknownParameter => "unknown_parameter",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field's value was refused; `field` names the input.
    #[error("invalid {field}: {reason:?}")]
    Validation { field: Field, reason: Invalid },
    /// Someone else changed the record since it was read; `current_version` is theirs.
    #[error("the record was changed by someone else (now version {current_version})")]
    Conflict { current_version: i64 },
    #[error("not signed in")]
    Unauthorized,
    #[error("bad login or password")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The one-time set-up was already done.
    #[error("already set up")]
    AlreadySetUp,
    /// The database takes no writes: its disk is full or it is read-only. Nothing was saved.
    #[error("the database cannot be written (disk full or read-only)")]
    StorageUnavailable,
    /// The request could not be read: a body that is not the expected shape. Our own pages never
    /// send one; a hand-made call gets this rather than an internal error.
    #[error("the request could not be read")]
    BadRequest,
    /// A storage or programming fault; details are in the server log, never here.
    #[error("internal error")]
    Internal,
    /// The request never reached our code (network, decoding); text is from the transport.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: impl Into<Field>, reason: Invalid) -> Self {
        AppError::Validation { field: field.into(), reason }
    }

    /// The HTTP status this error answers with, on every door (server functions and the API).
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest => 400,
            AppError::Validation { .. } => 422,
            AppError::Conflict { .. } | AppError::AlreadySetUp => 409,
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
            AppError::StorageUnavailable => 503,
        }
    }

    /// A stable machine-readable code (the API's `code`, the UI's message key under `error.`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::AlreadySetUp => "already_set_up",
            AppError::BadRequest => "bad_request",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
            AppError::StorageUnavailable => "storage_unavailable",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not decode a call's arguments: the caller's fault, not the network's.
            ServerFnErrorErr::Args(_) => AppError::BadRequest,
            // A body that does not decode is the same on the server; in the browser it is an
            // answer the page cannot read (a transport failure).
            ServerFnErrorErr::Deserialization(_) if cfg!(not(target_arch = "wasm32")) => AppError::BadRequest,
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_api_contract() {
        assert_eq!(AppError::invalid("phone", Invalid::Phone).status(), 422);
        assert_eq!(AppError::Conflict { current_version: 3 }.status(), 409);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::RateLimited { retry_after_secs: 5 }.status(), 429);
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::BadRequest.status(), 400);
        assert_eq!(AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into())), AppError::BadRequest);
        assert_eq!(AppError::from_server_fn_error(ServerFnErrorErr::Deserialization("missing field `q`".into())), AppError::BadRequest);
        assert!(matches!(AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into())), AppError::Transport(_)));
        assert_eq!(AppError::StorageUnavailable.status(), 503);
    }

    #[test]
    fn error_round_trips_through_json() {
        let e = AppError::invalid("email", Invalid::Email);
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&text).unwrap(), e);
    }
}
