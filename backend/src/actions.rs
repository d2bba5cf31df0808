//! Lead actions beside editing and moving: transfer to another user (who is notified), postpone
//! until a moment, archive and restore. Each checks the version, writes its timeline entry in the
//! same transaction and tells open boards.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{leads, settings, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::event::{LeadEvent, LeadEventKind};
use domain::lead::Lead;
use domain::notification::NotificationKind;
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

/// The one column an action changes, with its new value.
enum Change {
    Responsible(Id),
    Postponed(Option<DateTime<Utc>>),
    Archived(bool),
}

async fn editable(db: &Db, actor: &User, lead_id: Id, expected_version: i64) -> Result<Lead> {
    let lead = leads::lead_for(db, actor, lead_id, true).await?;
    if lead.version != expected_version {
        return Err(AppError::Conflict { current_version: lead.version }.into());
    }
    Ok(lead)
}

async fn apply(db: &Db, actor: &User, lead: Lead, change: Change, event: TimelineEvent, notify: Option<Id>) -> Result<Lead> {
    let at = now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let column = match &change {
            Change::Responsible(_) => "responsible_id",
            Change::Postponed(_) => "postponed_until",
            Change::Archived(_) => "archived",
        };
        let sql = format!("UPDATE leads SET {column} = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4");
        let q = sqlx::query(&sql);
        let q = match &change {
            Change::Responsible(to) => q.bind(*to),
            Change::Postponed(until) => q.bind(*until),
            Change::Archived(on) => q.bind(*on),
        };
        let changed = q.bind(at).bind(lead.id).bind(lead.version).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "leads", lead.id).into());
        }
        crate::timeline::write_entry!(tx, lead.id, actor.id, event, at)?;
        if let Some(user) = notify {
            crate::notifications::notify(&mut tx.conn(), user, NotificationKind::LeadTransferred, Some(lead.id), None, at).await?;
        }
        tx.commit().await?;
    });
    let fresh = leads::get_lead(db, lead.id).await?.ok_or(AppError::NotFound)?;
    // Boards of both the old and the new responsible hear about a transfer: the new one is in the
    // event, and the old one sees the lead leave on their next reload.
    let event = LeadEvent::about(LeadEventKind::Updated, &fresh, None, actor.id);
    db.events.publish(&db.pool, event).await;
    Ok(fresh)
}

/// Hands the lead to another active user, who gets a notification.
pub async fn transfer(db: &Db, actor: &User, lead_id: Id, expected_version: i64, to: Id) -> Result<Lead> {
    let lead = editable(db, actor, lead_id, expected_version).await?;
    let active: Option<bool> =
        with_pool!(db, pool => sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(to).fetch_optional(pool).await)?;
    match active {
        None => return Err(AppError::invalid("responsible_id", Invalid::NotFound).into()),
        Some(false) => return Err(AppError::invalid("responsible_id", Invalid::Inactive).into()),
        Some(true) => {}
    }
    if lead.responsible_id == Some(to) {
        return Ok(lead);
    }
    let event = TimelineEvent::Transferred { from: lead.responsible_id, to: Some(to) };
    let notify = (to != actor.id).then_some(to);
    apply(db, actor, lead, Change::Responsible(to), event, notify).await
}

/// Postpones the lead until a moment (it is marked on the board until then), or clears it.
pub async fn postpone(db: &Db, actor: &User, lead_id: Id, expected_version: i64, until: Option<DateTime<Utc>>) -> Result<Lead> {
    if until.is_some_and(|u| u <= Utc::now()) {
        return Err(AppError::invalid("postponed_until", Invalid::OutOfRange).into());
    }
    let lead = editable(db, actor, lead_id, expected_version).await?;
    apply(db, actor, lead, Change::Postponed(until), TimelineEvent::Postponed { until }, None).await
}

/// Archives the lead (it leaves the board and lists, and stays searchable) or restores it.
pub async fn set_archived(db: &Db, actor: &User, lead_id: Id, expected_version: i64, archived: bool) -> Result<Lead> {
    let lead = editable(db, actor, lead_id, expected_version).await?;
    if lead.archived == archived {
        return Ok(lead);
    }
    let event = if archived { TimelineEvent::Archived } else { TimelineEvent::Restored };
    apply(db, actor, lead, Change::Archived(archived), event, None).await
}

/// The preset stage a lead marked as a duplicate moves to (seed 001).
pub const DUPLICATE_STAGE: &str = "Дубль";

/// Marks `lead_id` as a duplicate of `of`: links it, moves it to the "Дубль" stage when the school
/// has one, and notes it on both leads, in one transaction.
pub async fn mark_duplicate(db: &Db, actor: &User, lead_id: Id, expected_version: i64, of: Id) -> Result<Lead> {
    let lead = editable(db, actor, lead_id, expected_version).await?;
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    let original = leads::get_lead(db, of).await?.filter(|o| o.id != lead_id);
    let original = original.ok_or_else(|| AppError::invalid("duplicate_of", Invalid::NotFound))?;
    can(actor, Action::ViewLead { responsible: original.responsible_id }, visibility)
        .map_err(|_| AppError::invalid("duplicate_of", Invalid::NotFound))?;
    let fold = domain::search::fold;
    let stage = crate::stages::list_stages(db).await?.into_iter().find(|s| fold(&s.name) == fold(DUPLICATE_STAGE)).map(|s| s.id);
    let to_stage = stage.unwrap_or(lead.stage_id);
    let rules = crate::automation::active_rules(db).await?;
    let at = now();
    let mut entries = vec![(lead_id, TimelineEvent::MarkedDuplicate { of }), (of, TimelineEvent::DuplicateFound { duplicate: lead_id })];
    if to_stage != lead.stage_id {
        entries.push((lead_id, TimelineEvent::StageChanged { from: Some(lead.stage_id), to: to_stage, reason: None }));
    }
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE leads SET duplicate_of = $1, stage_id = $2, stage_reason_id = CASE WHEN stage_id = $2 THEN stage_reason_id ELSE NULL END, \
             stage_changed_at = CASE WHEN stage_id = $2 THEN stage_changed_at ELSE $3 END, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(of)
        .bind(to_stage)
        .bind(at)
        .bind(lead_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "leads", lead_id).into());
        }
        for (on, event) in &entries {
            crate::timeline::write_entry!(tx, *on, actor.id, event, at)?;
        }
        if to_stage != lead.stage_id {
            let facts = crate::automation::LeadFacts { lead_id, stage_id: to_stage, responsible_id: lead.responsible_id };
            crate::automation::after_stage_entered(&mut tx.conn(), &rules, &facts, actor, at).await?;
        }
        tx.commit().await?;
    });
    let fresh = leads::get_lead(db, lead_id).await?.ok_or(AppError::NotFound)?;
    let event = LeadEvent::about(LeadEventKind::Moved, &fresh, Some(lead.stage_id), actor.id);
    db.events.publish(&db.pool, event).await;
    Ok(fresh)
}
