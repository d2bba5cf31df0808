//! Who may do what. Pure rules: the backend enforces them on every door, the UI only uses them to
//! hide what would be refused.

use crate::error::AppError;
use crate::settings::LeadVisibility;
use crate::user::{Role, User};
use crate::Id;

/// An action on the school's data. Lead actions carry the lead's responsible user; note actions
/// carry the note's author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewLead {
        responsible: Option<Id>,
    },
    /// Edit, move, transfer, postpone, archive, add notes and tasks to a lead.
    EditLead {
        responsible: Option<Id>,
    },
    CreateLead,
    EditOwnNote {
        author: Option<Id>,
    },
    /// Stages, reasons, dictionaries, groups and automation.
    Configure,
    ViewReports,
    /// See every lead regardless of the visibility setting, and other people's tasks.
    ViewEveryone,
    ManageUsers,
    ManageSchool,
    ManageTokens,
}

/// The one decision function. `visibility` is the school's setting for sales staff.
pub fn can(user: &User, action: Action, visibility: LeadVisibility) -> Result<(), AppError> {
    if !user.active {
        return Err(AppError::Unauthorized);
    }
    let senior = user.role.is_deputy_or_above();
    let allowed = match action {
        Action::ViewLead { responsible } => senior || visibility == LeadVisibility::All || responsible == Some(user.id),
        Action::EditLead { responsible } => senior || responsible == Some(user.id),
        Action::CreateLead => true,
        Action::EditOwnNote { author } => author == Some(user.id),
        Action::Configure | Action::ViewReports | Action::ViewEveryone => senior,
        Action::ManageUsers | Action::ManageSchool => user.role == Role::Owner,
        Action::ManageTokens => matches!(user.role, Role::Owner | Role::Director),
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Which leads a user's lists and board are limited to, as storage needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadScope {
    All,
    ResponsibleIs(Id),
}

pub fn lead_scope(user: &User, visibility: LeadVisibility) -> LeadScope {
    if user.role.is_deputy_or_above() || visibility == LeadVisibility::All {
        LeadScope::All
    } else {
        LeadScope::ResponsibleIs(user.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::Lang;

    fn user(id: Id, role: Role) -> User {
        User { id, login: format!("u{id}"), display_name: "U".into(), role, active: true, lang: Lang::Ru }
    }

    /// The full matrix of SPEC capability 8 and seed 001's access table.
    #[test]
    fn access_matrix() {
        use LeadVisibility::*;
        let me = 7;
        let other = Some(8);
        let mine = Some(me);
        // (role, action, visibility, allowed)
        let table: Vec<(Role, Action, LeadVisibility, bool)> = Role::ALL
            .into_iter()
            .flat_map(|role| {
                let senior = role.is_deputy_or_above();
                let owner = role == Role::Owner;
                vec![
                    (role, Action::ViewLead { responsible: mine }, Own, true),
                    (role, Action::ViewLead { responsible: other }, All, true),
                    (role, Action::ViewLead { responsible: other }, Own, senior),
                    (role, Action::ViewLead { responsible: None }, Own, senior),
                    (role, Action::EditLead { responsible: mine }, All, true),
                    (role, Action::EditLead { responsible: other }, All, senior),
                    (role, Action::EditLead { responsible: None }, All, senior),
                    (role, Action::CreateLead, Own, true),
                    (role, Action::EditOwnNote { author: mine }, All, true),
                    (role, Action::EditOwnNote { author: other }, All, false),
                    (role, Action::Configure, All, senior),
                    (role, Action::ViewReports, All, senior),
                    (role, Action::ViewEveryone, All, senior),
                    (role, Action::ManageUsers, All, owner),
                    (role, Action::ManageSchool, All, owner),
                    (role, Action::ManageTokens, All, matches!(role, Role::Owner | Role::Director)),
                ]
            })
            .collect();
        for (role, action, vis, allowed) in table {
            let got = can(&user(me, role), action, vis);
            assert_eq!(got.is_ok(), allowed, "{role:?} {action:?} {vis:?}");
            if !allowed {
                assert_eq!(got, Err(AppError::Forbidden));
            }
        }
    }

    #[test]
    fn an_inactive_user_can_do_nothing() {
        let mut u = user(1, Role::Owner);
        u.active = false;
        assert_eq!(can(&u, Action::CreateLead, LeadVisibility::All), Err(AppError::Unauthorized));
    }

    #[test]
    fn scope_follows_role_and_setting() {
        assert_eq!(lead_scope(&user(1, Role::Sales), LeadVisibility::Own), LeadScope::ResponsibleIs(1));
        assert_eq!(lead_scope(&user(1, Role::Administrator), LeadVisibility::All), LeadScope::All);
        assert_eq!(lead_scope(&user(1, Role::Deputy), LeadVisibility::Own), LeadScope::All);
    }
}
