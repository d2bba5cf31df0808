//! Users, roles and interface languages.

use crate::error::{AppError, Invalid};
use crate::Id;
use serde::{Deserialize, Serialize};

/// What a person may do is decided by the role; see [`crate::access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Director,
    Deputy,
    Administrator,
    Sales,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Owner, Role::Director, Role::Deputy, Role::Administrator, Role::Sales];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Director => "director",
            Role::Deputy => "deputy",
            Role::Administrator => "administrator",
            Role::Sales => "sales",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Deputy director and above see every lead and configure the school.
    pub fn is_deputy_or_above(self) -> bool {
        matches!(self, Role::Owner | Role::Director | Role::Deputy)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A user as every part of the app sees it. The password hash never leaves the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Id,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub lang: Lang,
}

impl User {
    /// "Анна Петрова" → "АП", shown on board cards.
    pub fn initials(&self) -> String {
        initials(&self.display_name)
    }
}

pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

pub const MIN_PASSWORD_LEN: usize = 8;

/// A new user's details, from the set-up form, the users page or `voronka create-user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    pub lang: Lang,
}

impl NewUser {
    /// Logins are case-insensitive: they are stored lower-case.
    pub fn normalise(mut self) -> Self {
        self.login = self.login.trim().to_lowercase();
        self.display_name = self.display_name.trim().to_string();
        self
    }

    pub fn validate(&self) -> Result<(), AppError> {
        validate_login(&self.login)?;
        if self.display_name.is_empty() {
            return Err(AppError::invalid("name", Invalid::Required));
        }
        if self.display_name.chars().count() > 100 {
            return Err(AppError::invalid("name", Invalid::TooLong));
        }
        validate_password(&self.password)
    }
}

/// 2–50 characters: latin letters, digits, `.`, `_`, `-`, `@`.
pub fn validate_login(login: &str) -> Result<(), AppError> {
    if login.is_empty() {
        return Err(AppError::invalid("login", Invalid::Required));
    }
    let ok_chars = login.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !ok_chars || login.len() < 2 || login.len() > 50 {
        return Err(AppError::invalid("login", Invalid::LoginFormat));
    }
    Ok(())
}

pub fn validate_password(password: &str) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::invalid("password", Invalid::Required));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid("password", Invalid::PasswordTooShort));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid("password", Invalid::TooLong));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(login: &str, password: &str) -> NewUser {
        NewUser {
            login: login.into(), display_name: " Анна Петрова ".into(), role: Role::Sales, password: password.into(), lang: Lang::Ru
        }
        .normalise()
    }

    #[test]
    fn logins_are_normalised_and_checked() {
        let u = new_user(" Anna.P ", "secret123");
        assert_eq!(u.login, "anna.p");
        assert_eq!(u.display_name, "Анна Петрова");
        assert!(u.validate().is_ok());
        assert_eq!(new_user("анна", "secret123").validate(), Err(AppError::invalid("login", Invalid::LoginFormat)));
        assert_eq!(new_user("", "secret123").validate(), Err(AppError::invalid("login", Invalid::Required)));
        assert_eq!(new_user("anna", "short").validate(), Err(AppError::invalid("password", Invalid::PasswordTooShort)));
    }

    #[test]
    fn roles_round_trip_and_rank() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(Role::Deputy.is_deputy_or_above());
        assert!(!Role::Administrator.is_deputy_or_above());
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("анна петрова"), "АП");
        assert_eq!(initials("Cher"), "C");
        assert_eq!(initials(""), "");
    }
}
