//! One lead: its card with everything it refers to, edits, the timeline with notes, and actions.

use crate::api::list::FilterChoices;
use chrono::NaiveDateTime;
use domain::lead::{Lead, LeadDraft};
use domain::timeline::TimelineEntry;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

/// Another lead of the same person (same phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherLead {
    pub id: Id,
    pub name: String,
    pub category: Option<String>,
    pub stage: String,
}

/// A lead with the names of everything it refers to, and what the reader may do with it.
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
    pub postponed_until_local: Option<NaiveDateTime>,
    /// When the lead was created, on the school's clock (a late-evening lead is that day's).
    pub created_local: NaiveDateTime,
    pub can_edit: bool,
    pub me: Id,
    pub others: Vec<OtherLead>,
    /// Stages (with reasons, retired ones too), dictionaries and users, for the form and the timeline.
    pub choices: FilterChoices,
    /// Open tasks by due time, then the last ones done.
    pub tasks: Vec<domain::task::TaskItem>,
    pub now: chrono::DateTime<chrono::Utc>,
    /// Now on the school's clock, for the task form's first suggestion.
    pub now_local: NaiveDateTime,
    /// Contracts, newest first (cancelled ones too).
    pub contracts: Vec<domain::group::ContractView>,
}

#[cfg(feature = "ssr")]
async fn view_of(db: &backend::Db, user: &domain::user::User, id: Id) -> Result<LeadView, AppError> {
    use domain::access::{can, Action};
    use domain::dictionary::Dictionaries;
    let lead = backend::leads::lead_for(db, user, id, false).await?;
    let settings = backend::settings::settings_or_default(db).await?;
    let can_edit = can(user, Action::EditLead { responsible: lead.responsible_id }, settings.lead_visibility).is_ok();
    let choices = crate::api::list::choices(db).await?;
    let stage = choices.stages.iter().find(|s| s.id == lead.stage_id);
    let reason = stage.and_then(|s| s.reasons.iter().find(|r| Some(r.id) == lead.stage_reason_id)).map(|r| r.name.clone());
    let user_name = |id: Option<Id>| id.and_then(|id| choices.users.iter().find(|u| u.id == id)).map(|u| u.name.clone());
    let name = |entries: &[domain::dictionary::DictionaryEntry], id| Dictionaries::name_of(entries, id).map(str::to_string);
    let others = backend::leads::person_leads(db, user, &lead)
        .await?
        .into_iter()
        .map(|o| OtherLead {
            id: o.id,
            name: o.full_name(),
            category: name(&choices.categories, o.category_id),
            stage: choices.stages.iter().find(|s| s.id == o.stage_id).map(|s| s.name.clone()).unwrap_or_default(),
        })
        .collect();
    let tz = backend::settings::school_tz(&settings.timezone);
    let tasks = backend::tasks::lead_tasks(db, user, id).await?;
    let now = chrono::Utc::now();
    let contracts = backend::enrolment::contracts_of(db, user, id).await?;
    Ok(LeadView {
        contracts,
        tasks,
        now,
        now_local: now.with_timezone(&tz).naive_local(),
        stage: stage.map(|s| s.name.clone()).unwrap_or_default(),
        reason,
        category: name(&choices.categories, lead.category_id),
        branch: name(&choices.branches, lead.branch_id),
        channel: name(&choices.channels, Some(lead.channel_id)),
        contact_source: name(&choices.sources, lead.contact_source_id),
        responsible: user_name(lead.responsible_id),
        registrar: user_name(lead.registrar_id),
        created_local: lead.created_at.with_timezone(&tz).naive_local(),
        postponed_until_local: lead.postponed_until.filter(|p| *p > chrono::Utc::now()).map(|p| p.with_timezone(&tz).naive_local()),
        can_edit,
        me: user.id,
        others,
        lead,
        choices,
    })
}

#[server(endpoint = "lead_details", output = Postcard)]
pub async fn lead_details(id: Id) -> Result<LeadView, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        view_of(&state()?.db, &user, id).await
    })
    .await
}

/// Saves the edit form over the version it was opened at.
#[server(endpoint = "save_lead", input = Json, output = Postcard)]
pub async fn save_lead(lead_id: Id, expected_version: i64, draft: LeadDraft) -> Result<LeadView, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        backend::edits::update_lead(&db, &user, lead_id, expected_version, draft).await?;
        view_of(&db, &user, lead_id).await
    })
    .await
}

/// What creating a lead led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Created {
    Lead(Id),
    /// Created, then marked as a duplicate of `of` (same phone and category).
    Duplicate {
        of: Id,
    },
    /// Nothing created yet: these leads have the phone.
    Matches(Vec<crate::api::board::PhoneMatch>),
}

/// Creates a lead from the full form; see [`crate::api::board::create_checked`] for phones that
/// are already known.
#[server(endpoint = "create_lead", input = Json, output = Postcard)]
pub async fn create_lead(draft: LeadDraft, confirmed: bool) -> Result<Created, AppError> {
    use crate::api::board::{create_checked, QuickAdded};
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        Ok(match create_checked(&db, &user, draft, confirmed).await? {
            (QuickAdded::Matches(found), _) => Created::Matches(found),
            (QuickAdded::Duplicate(of), _) => Created::Duplicate { of },
            (QuickAdded::Created(_), id) => Created::Lead(id),
        })
    })
    .await
}

/// A lead action other than editing fields and moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadChange {
    Transfer(Id),
    /// Until a moment on the school's clock; `None` clears it.
    Postpone(Option<NaiveDateTime>),
    Archive,
    Restore,
    /// To another stage, with a reason where the stage asks for one (closing as lost, say).
    Move {
        to: Id,
        reason: Option<Id>,
    },
    /// Marks this lead a duplicate of the lead with this id.
    MarkDuplicate(Id),
}

/// Changes the lead and answers it as the reader now sees it: `None` when the change took it out
/// of their sight (handed to a colleague where sales staff see only their own leads). The change
/// is made either way; a "not found" would tell them it was not.
#[server(endpoint = "lead_action", input = Json, output = Postcard)]
pub async fn lead_action(lead_id: Id, expected_version: i64, action: LeadChange) -> Result<Option<LeadView>, AppError> {
    use crate::server::{current_user, respond, state};
    use backend::actions;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        match action {
            LeadChange::Transfer(to) => actions::transfer(&db, &user, lead_id, expected_version, to).await?,
            LeadChange::Postpone(until) => {
                let settings = backend::settings::settings_or_default(&db).await?;
                let tz = backend::settings::school_tz(&settings.timezone);
                // A local time skipped by a clock change has no UTC moment: say the date is wrong.
                let until = match until {
                    Some(local) => Some(
                        local
                            .and_local_timezone(tz)
                            .earliest()
                            .ok_or_else(|| AppError::invalid("postponed_until", domain::error::Invalid::Date))?
                            .with_timezone(&chrono::Utc),
                    ),
                    None => None,
                };
                actions::postpone(&db, &user, lead_id, expected_version, until).await?
            }
            LeadChange::Archive => actions::set_archived(&db, &user, lead_id, expected_version, true).await?,
            LeadChange::Restore => actions::set_archived(&db, &user, lead_id, expected_version, false).await?,
            LeadChange::Move { to, reason } => {
                let mv = domain::lead::MoveLead { lead_id, to_stage: to, reason, expected_version };
                backend::moves::move_lead(&db, &user, mv).await?
            }
            LeadChange::MarkDuplicate(of) => actions::mark_duplicate(&db, &user, lead_id, expected_version, of).await?,
        };
        match view_of(&db, &user, lead_id).await {
            Ok(view) => Ok(Some(view)),
            Err(AppError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await
}

/// A timeline entry with its author's name and its time on the school's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub entry: TimelineEntry,
    pub author: Option<String>,
    pub at_local: NaiveDateTime,
    /// A postponement's end on the school's clock.
    pub until_local: Option<NaiveDateTime>,
}

/// A page of the timeline, newest first; `before` is the last entry of the previous page.
#[server(endpoint = "lead_timeline", input = Json, output = Postcard)]
pub async fn lead_timeline(
    lead_id: Id,
    kinds: Vec<String>,
    before: Option<(chrono::DateTime<chrono::Utc>, Id)>,
) -> Result<Vec<TimelineItem>, AppError> {
    use crate::server::{current_user, respond, state};
    use backend::timeline::TimelineCursor;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let cursor = before.map(|(created_at, id)| TimelineCursor { created_at, id });
        let entries = backend::timeline::list(&db, &user, lead_id, &kinds, cursor).await?;
        let users = backend::users::list_users(&db).await?;
        let tz = backend::settings::school_tz(&backend::settings::settings_or_default(&db).await?.timezone);
        Ok(entries
            .into_iter()
            .map(|entry| TimelineItem {
                author: entry.author_id.and_then(|a| users.iter().find(|u| u.id == a)).map(|u| u.display_name.clone()),
                at_local: entry.created_at.with_timezone(&tz).naive_local(),
                until_local: match entry.event {
                    domain::timeline::TimelineEvent::Postponed { until: Some(until) } => Some(until.with_timezone(&tz).naive_local()),
                    _ => None,
                },
                entry,
            })
            .collect())
    })
    .await
}

/// Adds, edits (`entry_id` and text) or deletes (`entry_id`, no text) a note.
#[server(endpoint = "save_note", input = Json, output = Postcard)]
pub async fn save_note(lead_id: Id, entry_id: Option<Id>, text: Option<String>) -> Result<(), AppError> {
    use crate::server::{current_user, respond, state};
    use backend::timeline;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        match (entry_id, text) {
            (None, Some(text)) => timeline::add_note(&db, &user, lead_id, &text).await.map(|_| ())?,
            (Some(id), Some(text)) => timeline::edit_note(&db, &user, id, &text).await?,
            (Some(id), None) => timeline::delete_note(&db, &user, id).await?,
            (None, None) => return Err(AppError::invalid("note", domain::error::Invalid::Required)),
        }
        Ok(())
    })
    .await
}
