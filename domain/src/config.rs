//! What the people who run the school configure (seed 001): stages and their reasons, the
//! dictionaries, users and the school's settings. Each change is one value the server checks
//! against the access rules and validates here.

use crate::dictionary::DictionaryKind;
use crate::error::{AppError, Invalid};
use crate::settings::LeadVisibility;
use crate::stage::{validate_color, StageKind};
use crate::user::{Lang, NewUser, Role};
use crate::Id;
use serde::{Deserialize, Serialize};

pub const MAX_NAME_LEN: usize = 80;

/// A trimmed, non-empty name of at most [`MAX_NAME_LEN`] characters, or why not.
pub fn checked_name(field: &'static str, name: &str) -> Result<String, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid(field, Invalid::Required));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AppError::invalid(field, Invalid::TooLong));
    }
    Ok(name)
}

/// A stage's own fields, as the settings form gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDraft {
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    pub shown_on_board: bool,
    /// Dropping a lead here starts enrolment into a training group (a won stage only).
    pub enrolment: bool,
}

impl StageDraft {
    pub fn validate(&self) -> Result<StageDraft, AppError> {
        let name = checked_name("name", &self.name)?;
        let color = self.color.trim().to_ascii_lowercase();
        validate_color(&color)?;
        Ok(StageDraft { name, color, enrolment: self.enrolment && self.kind == StageKind::Won, ..self.clone() })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageChange {
    Create(StageDraft),
    Update {
        id: Id,
        draft: StageDraft,
    },
    /// Every stage's id in the new order.
    Reorder(Vec<Id>),
    /// Deletes a stage; its leads move to `move_to` first (required when it has any).
    Delete {
        id: Id,
        move_to: Option<Id>,
    },
    AddReason {
        stage_id: Id,
        name: String,
    },
    RenameReason {
        id: Id,
        name: String,
    },
    /// Every reason of the stage (retired ones too) in the new order.
    ReorderReasons {
        stage_id: Id,
        ids: Vec<Id>,
    },
    /// A retired reason is no longer offered; history keeps its text.
    RetireReason {
        id: Id,
        retired: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DictionaryChange {
    Add {
        kind: DictionaryKind,
        name: String,
    },
    Rename {
        kind: DictionaryKind,
        id: Id,
        name: String,
    },
    /// Disabled entries stay on old leads but are not offered for new ones.
    SetActive {
        kind: DictionaryKind,
        id: Id,
        active: bool,
    },
    /// Every entry's id in the new order; the first channel is the default one.
    Reorder {
        kind: DictionaryKind,
        ids: Vec<Id>,
    },
    /// Puts `from`'s leads under `into` and removes `from` (tags only).
    MergeTags {
        from: Id,
        into: Id,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserChange {
    Create(NewUser),
    SetRole {
        id: Id,
        role: Role,
    },
    /// Deactivating may hand the user's leads and open tasks to an active user.
    SetActive {
        id: Id,
        active: bool,
        reassign_to: Option<Id>,
    },
    ResetPassword {
        id: Id,
        password: String,
    },
    SetLanguage {
        id: Id,
        lang: Lang,
    },
    SetBranch {
        id: Id,
        branch_id: Option<Id>,
    },
    Rename {
        id: Id,
        display_name: String,
    },
}

/// A user as the staff page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user: crate::user::User,
    pub branch_id: Option<Id>,
    /// Leads they are responsible for and their open tasks: what a deactivation hands over.
    pub leads: i64,
    pub open_tasks: i64,
}

/// The school's own settings (owner only); the first-run set-up starts from the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolForm {
    pub name: String,
    pub timezone: String,
    pub lead_visibility: LeadVisibility,
    pub first_contact_minutes: i32,
    pub calls_create_leads: bool,
}

/// At most a week.
pub const MAX_FIRST_CONTACT_MINUTES: i32 = 7 * 24 * 60;

impl SchoolForm {
    /// The form with a trimmed name, or the first thing wrong with it. The time zone's name is
    /// checked by the server, which holds the zone database.
    pub fn validate(&self) -> Result<SchoolForm, AppError> {
        let name = checked_name("school_name", &self.name)?;
        if !(1..=MAX_FIRST_CONTACT_MINUTES).contains(&self.first_contact_minutes) {
            return Err(AppError::invalid("first_contact_minutes", Invalid::OutOfRange));
        }
        let timezone = self.timezone.trim().to_string();
        if timezone.is_empty() {
            return Err(AppError::invalid("timezone", Invalid::Timezone));
        }
        Ok(SchoolForm { name, timezone, ..self.clone() })
    }
}

/// Checks that `ids` is exactly `existing` in some order (a reorder may not add, drop or repeat).
pub fn check_permutation(field: &'static str, ids: &[Id], existing: &[Id]) -> Result<(), AppError> {
    let mut a = ids.to_vec();
    let mut b = existing.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    if a == b {
        Ok(())
    } else {
        Err(AppError::invalid(field, Invalid::OutOfRange))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(checked_name("name", "  Новый   лид ").unwrap(), "Новый лид");
        assert_eq!(checked_name("name", " \t"), Err(AppError::invalid("name", Invalid::Required)));
        assert!(checked_name("name", &"я".repeat(81)).is_err());
    }

    #[test]
    fn stage_drafts_are_validated() {
        let draft =
            StageDraft {
                name: " Думает ".into(), color: "#AABBCC".into(), kind: StageKind::Open, shown_on_board: true, enrolment: true
            };
        let ok = draft.validate().unwrap();
        assert_eq!((ok.name.as_str(), ok.color.as_str(), ok.enrolment), ("Думает", "#aabbcc", false), "enrolment is for won stages");
        assert_eq!(StageDraft { color: "red".into(), ..draft }.validate(), Err(AppError::invalid("color", Invalid::Color)));
    }

    #[test]
    fn school_forms_are_validated() {
        let form = SchoolForm {
            name: "Автошкола".into(),
            timezone: "Europe/Samara".into(),
            lead_visibility: LeadVisibility::Own,
            first_contact_minutes: 15,
            calls_create_leads: false,
        };
        assert!(form.validate().is_ok());
        assert!(SchoolForm { first_contact_minutes: 0, ..form.clone() }.validate().is_err());
        assert!(SchoolForm { timezone: " ".into(), ..form.clone() }.validate().is_err());
        assert!(SchoolForm { name: "".into(), ..form }.validate().is_err());
    }

    #[test]
    fn reorders_must_be_permutations() {
        assert!(check_permutation("ids", &[3, 1, 2], &[1, 2, 3]).is_ok());
        assert!(check_permutation("ids", &[1, 2], &[1, 2, 3]).is_err());
        assert!(check_permutation("ids", &[1, 1, 2], &[1, 2, 3]).is_err());
    }
}
