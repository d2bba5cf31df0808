//! School-wide settings, owned by the owner.

use crate::error::{AppError, Invalid};
use crate::preset::StagePreset;
use crate::user::{validate_login, validate_password};
use serde::{Deserialize, Serialize};

/// Whether sales staff and administrators see every lead or only those they are responsible for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadVisibility {
    #[default]
    All,
    Own,
}

impl LeadVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadVisibility::All => "all",
            LeadVisibility::Own => "own",
        }
    }

    pub fn parse(s: &str) -> Option<LeadVisibility> {
        match s {
            "all" => Some(LeadVisibility::All),
            "own" => Some(LeadVisibility::Own),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSettings {
    pub name: String,
    /// An IANA zone name such as `Europe/Moscow`; due times and reports use it.
    pub timezone: String,
    pub lead_visibility: LeadVisibility,
    pub first_contact_minutes: i32,
    /// Calls from unknown numbers (API) create a lead in the first stage.
    pub calls_create_leads: bool,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        SchoolSettings {
            name: String::new(),
            timezone: "Europe/Moscow".into(),
            lead_visibility: LeadVisibility::All,
            first_contact_minutes: 15,
            calls_create_leads: false,
        }
    }
}

/// The one-time set-up form: school, owner and where the funnel starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupForm {
    pub school_name: String,
    pub owner_login: String,
    pub owner_name: String,
    pub owner_password: String,
    pub preset: StagePreset,
    /// An IANA zone name; the server checks it against its zone database.
    #[serde(default = "default_timezone")]
    pub timezone: String,
}

pub fn default_timezone() -> String {
    SchoolSettings::default().timezone
}

impl SetupForm {
    pub fn validate(&self) -> Result<(), AppError> {
        let name = self.school_name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("school_name", Invalid::Required));
        }
        if name.chars().count() > 200 {
            return Err(AppError::invalid("school_name", Invalid::TooLong));
        }
        validate_login(self.owner_login.trim()).map_err(|e| rename_field(e, "owner_login"))?;
        if self.owner_name.trim().is_empty() {
            return Err(AppError::invalid("owner_name", Invalid::Required));
        }
        validate_password(&self.owner_password).map_err(|e| rename_field(e, "owner_password"))
    }
}

fn rename_field(e: AppError, to: &str) -> AppError {
    match e {
        AppError::Validation { reason, .. } => AppError::invalid(to, reason),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_form_names_the_wrong_field() {
        let ok = SetupForm {
            school_name: "Автошкола Вектор".into(),
            owner_login: "owner".into(),
            owner_name: "Ольга".into(),
            owner_password: "long enough".into(),
            preset: StagePreset::Simple,
            timezone: default_timezone(),
        };
        assert!(ok.validate().is_ok());
        let f = SetupForm { school_name: " ".into(), ..ok.clone() };
        assert_eq!(f.validate(), Err(AppError::invalid("school_name", Invalid::Required)));
        let f = SetupForm { owner_login: "x y".into(), ..ok.clone() };
        assert_eq!(f.validate(), Err(AppError::invalid("owner_login", Invalid::LoginFormat)));
        let f = SetupForm { owner_password: "123".into(), ..ok };
        assert_eq!(f.validate(), Err(AppError::invalid("owner_password", Invalid::PasswordTooShort)));
    }
}
