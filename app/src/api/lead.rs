//! One lead, read-only for now.

use domain::lead::Lead;
use domain::{AppError, Id};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A lead with the names of everything it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadView {
    pub lead: Lead,
    pub stage: String,
    pub reason: Option<String>,
    pub category: Option<String>,
    pub branch: Option<String>,
    pub channel: Option<String>,
    pub contact_source: Option<String>,
    pub responsible: Option<String>,
    pub registrar: Option<String>,
}

#[server(endpoint = "lead_details")]
pub async fn lead_details(id: Id) -> Result<LeadView, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::access::{can, Action};
    use domain::dictionary::Dictionaries;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let lead = backend::leads::get_lead(&db, id).await?.ok_or(AppError::NotFound)?;
        let visibility = backend::settings::settings_or_default(&db).await?.lead_visibility;
        can(&user, Action::ViewLead { responsible: lead.responsible_id }, visibility).map_err(|_| AppError::NotFound)?;
        let stages = backend::stages::list_stages(&db).await?;
        let stage = stages.iter().find(|s| s.id == lead.stage_id);
        let reason = stage.and_then(|s| s.reasons.iter().find(|r| Some(r.id) == lead.stage_reason_id)).map(|r| r.name.clone());
        let d = backend::dictionaries::all(&db).await?;
        let users = backend::users::list_users(&db).await?;
        let user_name = |id: Option<Id>| id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.display_name.clone());
        let name = |entries: &[domain::dictionary::DictionaryEntry], id| Dictionaries::name_of(entries, id).map(str::to_string);
        Ok(LeadView {
            stage: stage.map(|s| s.name.clone()).unwrap_or_default(),
            reason,
            category: name(&d.categories, lead.category_id),
            branch: name(&d.branches, lead.branch_id),
            channel: name(&d.channels, Some(lead.channel_id)),
            contact_source: name(&d.contact_sources, lead.contact_source_id),
            responsible: user_name(lead.responsible_id),
            registrar: user_name(lead.registrar_id),
            lead,
        })
    })
    .await
}
