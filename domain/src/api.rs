//! The integration API's tokens: what each may do (scopes) and how a token is shown.

use crate::error::Invalid;
use crate::{AppError, Id};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "leads:write")]
    LeadsWrite,
    #[serde(rename = "leads:read")]
    LeadsRead,
    #[serde(rename = "calls:write")]
    CallsWrite,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::LeadsWrite, Scope::LeadsRead, Scope::CallsWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::LeadsWrite => "leads:write",
            Scope::LeadsRead => "leads:read",
            Scope::CallsWrite => "calls:write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Reads `leads:write,calls:write`; unknown or no scopes are refused on `scopes`.
    pub fn parse_list(text: &str) -> Result<Vec<Scope>, AppError> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let scope = Scope::parse(part).ok_or_else(|| AppError::invalid("scopes", Invalid::NotFound))?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        if out.is_empty() {
            return Err(AppError::invalid("scopes", Invalid::Required));
        }
        Ok(out)
    }

    pub fn join(scopes: &[Scope]) -> String {
        scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// A token as the settings page lists it; the secret itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: Id,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_and_refuse() {
        assert_eq!(Scope::parse_list("leads:write, calls:write,leads:write"), Ok(vec![Scope::LeadsWrite, Scope::CallsWrite]));
        assert_eq!(Scope::parse_list("leads:delete"), Err(AppError::invalid("scopes", Invalid::NotFound)));
        assert_eq!(Scope::parse_list(" , "), Err(AppError::invalid("scopes", Invalid::Required)));
        assert_eq!(Scope::join(&[Scope::LeadsRead, Scope::CallsWrite]), "leads:read,calls:write");
    }
}
