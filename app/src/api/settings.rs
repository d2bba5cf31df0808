//! The settings pages: stages, dictionaries, staff and the school. Reading needs deputy and above;
//! staff and the school are the owner's. Every change goes to one backend service, which checks
//! the role again.

use domain::config::{DictionaryChange, SchoolForm, StaffMember, StageChange, UserChange};
use domain::dictionary::Dictionaries;
use domain::settings::SchoolSettings;
use domain::stage::Stage;
use domain::user::Role;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub stages: Vec<Stage>,
    /// Leads per stage (archived included): what a deletion must move.
    pub stage_leads: Vec<(Id, i64)>,
    pub dictionaries: Dictionaries,
    /// The owner's only.
    pub staff: Option<Vec<StaffMember>>,
    pub school: Option<SchoolSettings>,
    pub me: Id,
    pub my_role: Role,
}

#[server(endpoint = "load_settings", output = Postcard)]
pub async fn load_settings() -> Result<SettingsView, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::access::{can, Action};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let settings = backend::settings::settings_or_default(&db).await?;
        can(&user, Action::Configure, settings.lead_visibility)?;
        let owner = can(&user, Action::ManageUsers, settings.lead_visibility).is_ok();
        Ok(SettingsView {
            stages: backend::stages::list_stages(&db).await?,
            stage_leads: backend::configure::leads_per_stage(&db).await?,
            dictionaries: backend::dictionaries::all(&db).await?,
            staff: if owner { Some(backend::staff::staff(&db, &user).await?) } else { None },
            school: owner.then_some(settings),
            me: user.id,
            my_role: user.role,
        })
    })
    .await
}

/// One change on a settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsChange {
    Stage(StageChange),
    Dictionary(DictionaryChange),
    User(UserChange),
    School(SchoolForm),
}

#[server(endpoint = "change_settings", input = Json, output = Postcard)]
pub async fn change_settings(change: SettingsChange) -> Result<(), AppError> {
    use crate::server::{current_user, respond, set_locale_cookie, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        match change {
            SettingsChange::Stage(c) => backend::configure::change_stages(&db, &user, c).await?,
            SettingsChange::Dictionary(c) => backend::configure::change_dictionary(&db, &user, c).await?,
            SettingsChange::User(c) => {
                // Changing one's own language here switches this browser too.
                let own_language = match &c {
                    UserChange::SetLanguage { id, lang } if *id == user.id => Some(*lang),
                    _ => None,
                };
                backend::staff::change_user(&db, &user, c).await?;
                if let Some(lang) = own_language {
                    set_locale_cookie(lang);
                }
            }
            SettingsChange::School(form) => backend::settings::update_school(&db, &user, form).await.map(|_| ())?,
        }
        Ok(())
    })
    .await
}
