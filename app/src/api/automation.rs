//! The automation settings page: rules, what they can refer to, and the audit list.

use crate::api::list::Person;
use domain::automation::{Rule, RuleAudit, RuleConfig};
use domain::stage::Stage;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationView {
    pub rules: Vec<Rule>,
    /// Changes with their time on the school's clock, newest first.
    pub audit: Vec<(RuleAudit, chrono::NaiveDateTime)>,
    pub stages: Vec<Stage>,
    /// Every user, for names in the audit list; the rule form offers the active ones.
    pub people: Vec<Person>,
    /// The school's default first-contact time, offered for a new first-contact task.
    pub first_contact_minutes: i64,
    pub my_role: domain::user::Role,
}

#[server(endpoint = "automation_settings", output = Postcard)]
pub async fn automation_settings() -> Result<AutomationView, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        // The audit read checks the right to configure before anything is shown.
        let audit = backend::automation::audit(&db, &user).await?;
        let tz = backend::settings::school_tz(&backend::settings::settings_or_default(&db).await?.timezone);
        let audit = audit
            .into_iter()
            .map(|a| {
                let at = a.created_at.with_timezone(&tz).naive_local();
                (a, at)
            })
            .collect();
        let people = backend::users::list_users(&db).await?.into_iter().map(Person::from).collect();
        Ok(AutomationView {
            rules: backend::automation::rules(&db).await?,
            audit,
            stages: backend::stages::list_stages(&db).await?,
            people,
            first_contact_minutes: i64::from(backend::settings::settings_or_default(&db).await?.first_contact_minutes),
            my_role: user.role,
        })
    })
    .await
}

/// A change to the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleChange {
    /// Creates a rule (`None`) or changes one.
    Save(Option<Id>, RuleConfig),
    SetActive(Id, bool),
    Delete(Id),
}

#[server(endpoint = "change_rule", input = Json, output = Postcard)]
pub async fn change_rule(change: RuleChange) -> Result<(), AppError> {
    use crate::server::{current_user, respond, state};
    use backend::automation;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        match change {
            RuleChange::Save(id, config) => automation::save_rule(&db, &user, id, config).await.map(|_| ())?,
            RuleChange::SetActive(id, active) => automation::set_active(&db, &user, id, active).await.map(|_| ())?,
            RuleChange::Delete(id) => automation::delete_rule(&db, &user, id).await?,
        }
        Ok(())
    })
    .await
}
