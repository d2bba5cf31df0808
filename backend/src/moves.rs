//! Moving a lead to another stage: the one path for drag and drop, the keyboard, the "Move to…"
//! menu and (later) the call list and the API.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{leads, with_pool};
use domain::error::Invalid;
use domain::event::{LeadEvent, LeadEventKind};
use domain::lead::{Lead, MoveLead};
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

/// Moves a lead as `actor`. Refuses with `NotFound` when the actor may not see the lead,
/// `Forbidden` when they may not edit it, `Validation` for an unknown stage or a missing or foreign
/// reason, and `Conflict` when the lead changed since `expected_version`. The stage change and its
/// timeline entry are written in one transaction; a move to the current stage changes nothing.
pub async fn move_lead(db: &Db, actor: &User, mv: MoveLead) -> Result<Lead> {
    let config = crate::config::snapshot(db).await?;
    let lead = leads::lead_under(db, actor, mv.lead_id, true, config.settings.lead_visibility).await?;
    let stage = config.stage(mv.to_stage).ok_or_else(|| AppError::invalid("stage_id", Invalid::NotFound))?;
    stage.check_reason(mv.reason)?;
    if lead.version != mv.expected_version {
        return Err(AppError::Conflict { current_version: lead.version }.into());
    }
    if lead.stage_id == mv.to_stage {
        return Ok(lead);
    }
    // A lead enters an enrolment stage with its contract (`enrolment::enrol`), not by a plain move.
    if stage.enrolment && !crate::enrolment::is_enrolled(db, lead.id).await? {
        return Err(AppError::invalid("stage_id", Invalid::EnrolmentRequired).into());
    }
    let rules = crate::automation::ActiveRules::of(&config);
    let at = now();
    let event = TimelineEvent::StageChanged { from: Some(lead.stage_id), to: mv.to_stage, reason: mv.reason };
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // The version check and the write are one statement: a concurrent change wins or loses whole.
        let changed = sqlx::query(
            "UPDATE leads SET stage_id = $1, stage_reason_id = $2, stage_changed_at = $3, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(mv.to_stage)
        .bind(mv.reason)
        .bind(at)
        .bind(mv.lead_id)
        .bind(mv.expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "leads", mv.lead_id).into());
        }
        crate::timeline::write_entry!(tx, mv.lead_id, actor.id, event, at)?;
        let facts = crate::automation::LeadFacts { lead_id: mv.lead_id, stage_id: mv.to_stage, responsible_id: lead.responsible_id };
        crate::automation::after_stage_entered(&mut tx.conn(), &rules, &facts, actor, at).await?;
        tx.commit().await?;
    });
    // The write matched the version read above, so the lead is that one with the move applied.
    let moved = Lead {
        stage_id: mv.to_stage,
        stage_reason_id: mv.reason,
        stage_changed_at: at,
        updated_at: at,
        version: lead.version + 1,
        ..lead.clone()
    };
    db.events.publish(&db.pool, LeadEvent::about(LeadEventKind::Moved, &moved, Some(lead.stage_id), actor.id)).await;
    Ok(moved)
}

/// How many stage changes the timeline holds for a lead (tests and audits).
pub async fn stage_changes(db: &Db, lead_id: Id) -> Result<i64> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM timeline WHERE lead_id = $1 AND kind = 'stage_changed'")
        .bind(lead_id)
        .fetch_one(pool)
        .await)?;
    Ok(n)
}
