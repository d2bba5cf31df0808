//! Funnel stages ("статусы обработки") and the reasons a move into a stage may require.

use crate::error::{AppError, Invalid};
use crate::Id;
use serde::{Deserialize, Serialize};

/// Where a stage sits in the funnel: still being worked, converted, or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<StageKind> {
        match s {
            "open" => Some(StageKind::Open),
            "won" => Some(StageKind::Won),
            "lost" => Some(StageKind::Lost),
            _ => None,
        }
    }
}

/// Why a lead entered a stage. Retired reasons stay so that history keeps its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub id: Id,
    pub stage_id: Id,
    pub name: String,
    pub position: i32,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: Id,
    pub name: String,
    /// `#rrggbb`
    pub color: String,
    pub position: i32,
    pub kind: StageKind,
    pub shown_on_board: bool,
    /// Dropping a lead here starts enrolment into a training group.
    pub enrolment: bool,
    /// Active reasons in order; empty when a move needs none.
    pub reasons: Vec<Reason>,
}

impl Stage {
    pub fn requires_reason(&self) -> bool {
        self.reasons.iter().any(|r| !r.retired)
    }

    /// The one rule for a move's reason, used by the picker and enforced by the server.
    pub fn check_reason(&self, reason: Option<Id>) -> Result<(), AppError> {
        match reason {
            None if self.requires_reason() => Err(AppError::invalid("reason", Invalid::ReasonRequired)),
            None => Ok(()),
            Some(id) if self.reasons.iter().any(|r| r.id == id && !r.retired) => Ok(()),
            Some(_) => Err(AppError::invalid("reason", Invalid::ReasonNotOfStage)),
        }
    }
}

/// `#` and six hex digits.
pub fn validate_color(color: &str) -> Result<(), AppError> {
    let ok = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid("color", Invalid::Color))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(reasons: Vec<Reason>) -> Stage {
        Stage {
            id: 1,
            name: "Отказ".into(),
            color: "#cc0000".into(),
            position: 0,
            kind: StageKind::Lost,
            shown_on_board: true,
            enrolment: false,
            reasons,
        }
    }

    fn reason(id: Id, retired: bool) -> Reason {
        Reason { id, stage_id: 1, name: format!("r{id}"), position: id as i32, retired }
    }

    #[test]
    fn a_stage_with_reasons_requires_one_of_its_own() {
        let s = stage(vec![reason(10, false), reason(11, true)]);
        assert!(s.requires_reason());
        assert_eq!(s.check_reason(None), Err(AppError::invalid("reason", Invalid::ReasonRequired)));
        assert_eq!(s.check_reason(Some(10)), Ok(()));
        assert_eq!(s.check_reason(Some(11)), Err(AppError::invalid("reason", Invalid::ReasonNotOfStage)));
        assert_eq!(s.check_reason(Some(99)), Err(AppError::invalid("reason", Invalid::ReasonNotOfStage)));
    }

    #[test]
    fn a_stage_whose_reasons_are_all_retired_needs_none() {
        let s = stage(vec![reason(11, true)]);
        assert!(!s.requires_reason());
        assert_eq!(s.check_reason(None), Ok(()));
    }

    #[test]
    fn colours() {
        assert!(validate_color("#1a2B3c").is_ok());
        assert!(validate_color("1a2b3c").is_err());
        assert!(validate_color("#12345").is_err());
        assert!(validate_color("#12345g").is_err());
    }
}
