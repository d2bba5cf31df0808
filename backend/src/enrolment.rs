//! Enrolling a lead into a training group: a contract (number, date, price) in a group of the
//! lead's category and branch with a seat left, the lead moved to the enrolment stage, both on the
//! timeline — one transaction. A lead has at most one standing contract (seed 002: a lead converts
//! once); cancelling one needs a reason and frees the seat.
//!
//! Two enrolments into a group's last seat: on PostgreSQL the first statement of the transaction
//! locks the group's row (`UPDATE … SET capacity = capacity`), so the second waits and then counts
//! the first's contract; on SQLite `BEGIN IMMEDIATE` already runs writers one at a time.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::groups::{Row as GroupSqlRow, SELECT as GROUP_SELECT};
use crate::rows::now;
use crate::{automation, leads, settings, stages, with_pool};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::error::Invalid;
use domain::event::{LeadEvent, LeadEventKind};
use domain::group::{Contract, ContractView, EnrolmentDraft, EnrolmentOptions, GroupRow};
use domain::lead::{Lead, MAX_NOTE_LEN};
use domain::stage::{Stage, StageKind};
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

/// The stage an enrolment moves a lead to: the one the school marked "enrolment", else the first
/// won stage.
fn enrolment_stage(stages: &[Stage]) -> Option<&Stage> {
    stages.iter().find(|s| s.enrolment).or_else(|| stages.iter().find(|s| s.kind == StageKind::Won))
}

/// Whether a group fits a lead: the same category, and the same branch when both name one.
fn fits(group: &GroupRow, lead: &Lead) -> bool {
    let g = &group.group;
    Some(g.category_id) == lead.category_id
        && g.status.takes_students()
        && match (g.branch_id, lead.branch_id) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// Today on the school's clock.
async fn school_today(db: &Db) -> Result<NaiveDate> {
    let tz = settings::school_tz(&settings::settings_or_default(db).await?.timezone);
    Ok(Utc::now().with_timezone(&tz).date_naive())
}

/// The next number of the school's sequence, `YYYY-NNNN` for the year of `on`: one past the
/// highest number of that shape this year.
pub async fn next_number(db: &Db, on: NaiveDate) -> Result<String> {
    let prefix = format!("{}-", on.year());
    let numbers: Vec<String> = with_pool!(db, pool => sqlx::query_scalar("SELECT number FROM contracts WHERE number LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(pool)
        .await)?;
    let last = numbers.iter().filter_map(|n| n.strip_prefix(&prefix)?.parse::<u32>().ok()).max().unwrap_or(0);
    Ok(format!("{prefix}{:04}", last + 1))
}

async fn standing_contract(db: &Db, lead_id: Id) -> Result<Option<Id>> {
    Ok(with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM contracts WHERE lead_id = $1 AND cancelled_at IS NULL")
        .bind(lead_id)
        .fetch_optional(pool)
        .await)?)
}

/// What the enrolment dialog offers for a lead the actor may edit.
pub async fn options(db: &Db, actor: &User, lead_id: Id) -> Result<EnrolmentOptions> {
    let lead = leads::lead_for(db, actor, lead_id, true).await?;
    let today = school_today(db).await?;
    let sql = format!("{GROUP_SELECT} WHERE g.status <> 'finished' ORDER BY g.start_date, g.name");
    let rows: Vec<GroupSqlRow> = with_pool!(db, pool => sqlx::query_as::<_, GroupSqlRow>(&sql).fetch_all(pool).await)?;
    let groups = rows.into_iter().map(GroupSqlRow::into_group).filter(|g| fits(g, &lead)).collect();
    let blocked = if lead.category_id.is_none() {
        Some(Invalid::Required)
    } else if standing_contract(db, lead_id).await?.is_some() {
        Some(Invalid::AlreadyEnrolled)
    } else {
        None
    };
    Ok(EnrolmentOptions {
        lead_name: lead.full_name(),
        lead_version: lead.version,
        groups,
        next_number: next_number(db, today).await?,
        today,
        blocked,
    })
}

/// Enrols a lead: checks the draft, the lead's access and version, the group (fits the lead, a
/// seat left) and the lead's standing contracts, then writes the contract, moves the lead to the
/// enrolment stage and runs that stage's rules. Answers the lead as it is now.
pub async fn enrol(db: &Db, actor: &User, draft: &EnrolmentDraft) -> Result<Lead> {
    let e = draft.validate()?;
    let lead = leads::lead_for(db, actor, e.lead_id, true).await?;
    if lead.category_id.is_none() {
        return Err(AppError::invalid("category_id", Invalid::Required).into());
    }
    let all_stages = stages::list_stages(db).await?;
    let target = enrolment_stage(&all_stages).ok_or_else(|| AppError::invalid("stage_id", Invalid::NotFound))?.id;
    let rules = automation::active_rules(db).await?;
    let at = now();
    let moved = lead.stage_id != target;
    let group_sql = format!("{GROUP_SELECT} WHERE g.id = $1");
    let contract_id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Locks the group's row until commit (see the module's note).
        let locked = sqlx::query("UPDATE training_groups SET capacity = capacity WHERE id = $1").bind(e.group_id).execute(&mut *tx).await?;
        if locked.rows_affected() == 0 {
            return Err(AppError::invalid("group_id", Invalid::NotFound).into());
        }
        let group = sqlx::query_as::<_, GroupSqlRow>(&group_sql).bind(e.group_id).fetch_one(&mut *tx).await?.into_group();
        if !fits(&group, &lead) {
            return Err(AppError::invalid("group_id", Invalid::GroupMismatch).into());
        }
        if group.group.seats_left() == 0 {
            return Err(AppError::invalid("group_id", Invalid::GroupFull).into());
        }
        let standing: Option<Id> = sqlx::query_scalar("SELECT id FROM contracts WHERE lead_id = $1 AND cancelled_at IS NULL")
            .bind(e.lead_id)
            .fetch_optional(&mut *tx)
            .await?;
        if standing.is_some() {
            return Err(AppError::invalid("group_id", Invalid::AlreadyEnrolled).into());
        }
        let contract_id: Id = sqlx::query_scalar(
            "INSERT INTO contracts (lead_id, group_id, number, signed_on, price_kopecks, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(e.lead_id)
        .bind(e.group_id)
        .bind(&e.number)
        .bind(e.signed_on)
        .bind(e.price_kopecks)
        .bind(actor.id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| {
            let err = crate::Error::from(err);
            if err.is_unique_violation() { AppError::invalid("contract_number", Invalid::Taken).into() } else { err }
        })?;
        let changed = sqlx::query(
            "UPDATE leads SET stage_id = $1, stage_reason_id = CASE WHEN $2 THEN NULL ELSE stage_reason_id END, \
             stage_changed_at = CASE WHEN $2 THEN $3 ELSE stage_changed_at END, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(target)
        .bind(moved)
        .bind(at)
        .bind(e.lead_id)
        .bind(e.expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "leads", e.lead_id).into());
        }
        let mut conn = tx.conn();
        if moved {
            let event = TimelineEvent::StageChanged { from: Some(lead.stage_id), to: target, reason: None };
            crate::timeline::write(&mut conn, e.lead_id, Some(actor.id), &event, at).await?;
        }
        let event = TimelineEvent::Enrolled { contract_id, group_id: e.group_id, number: e.number.clone(), group_name: group.group.name.clone() };
        crate::timeline::write(&mut conn, e.lead_id, Some(actor.id), &event, at).await?;
        if moved {
            let facts = automation::LeadFacts { lead_id: e.lead_id, stage_id: target, responsible_id: lead.responsible_id };
            automation::after_stage_entered(&mut conn, &rules, &facts, actor, at).await?;
        }
        tx.commit().await?;
        contract_id
    });
    tracing::info!(lead = e.lead_id, group = e.group_id, contract = contract_id, by = actor.id, "lead enrolled");
    let fresh = leads::get_lead(db, e.lead_id).await?.ok_or(AppError::NotFound)?;
    let event = LeadEvent::about(LeadEventKind::Moved, &fresh, Some(lead.stage_id), actor.id);
    db.events.publish(&db.pool, event).await;
    Ok(fresh)
}

/// Cancels a standing contract of a lead the actor may edit; the reason is required and kept.
/// The lead stays where it is: where it goes next is the manager's call.
pub async fn cancel(db: &Db, actor: &User, contract_id: Id, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", Invalid::Required).into());
    }
    if reason.chars().count() > MAX_NOTE_LEN {
        return Err(AppError::invalid("reason", Invalid::TooLong).into());
    }
    let lead_id: Option<Id> = with_pool!(db, pool => sqlx::query_scalar("SELECT lead_id FROM contracts WHERE id = $1").bind(contract_id).fetch_optional(pool).await)?;
    let lead_id = lead_id.ok_or(AppError::NotFound)?;
    leads::lead_for(db, actor, lead_id, true).await?;
    let at = now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query("UPDATE contracts SET cancelled_at = $1, cancel_reason = $2 WHERE id = $3 AND cancelled_at IS NULL")
            .bind(at)
            .bind(reason)
            .bind(contract_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound.into());
        }
        let event = TimelineEvent::EnrolmentCancelled { contract_id, reason: reason.to_string() };
        crate::timeline::write(&mut tx.conn(), lead_id, Some(actor.id), &event, at).await?;
        tx.commit().await?;
    });
    tracing::info!(lead = lead_id, contract = contract_id, by = actor.id, "enrolment cancelled");
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: Id,
    lead_id: Id,
    group_id: Id,
    number: String,
    signed_on: NaiveDate,
    price_kopecks: i64,
    cancelled_at: Option<DateTime<Utc>>,
    cancel_reason: Option<String>,
    group_name: String,
    group_start: NaiveDate,
}

/// A lead's contracts, newest first (cancelled ones too), for a reader who may see the lead.
pub async fn contracts_of(db: &Db, actor: &User, lead_id: Id) -> Result<Vec<ContractView>> {
    leads::lead_for(db, actor, lead_id, false).await?;
    let rows: Vec<ContractRow> = with_pool!(db, pool => sqlx::query_as::<_, ContractRow>(
        "SELECT k.id, k.lead_id, k.group_id, k.number, k.signed_on, k.price_kopecks, k.cancelled_at, k.cancel_reason, \
         g.name AS group_name, g.start_date AS group_start \
         FROM contracts k JOIN training_groups g ON g.id = k.group_id WHERE k.lead_id = $1 ORDER BY k.created_at DESC, k.id DESC",
    )
    .bind(lead_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| ContractView {
            contract: Contract {
                id: r.id,
                lead_id: r.lead_id,
                group_id: r.group_id,
                number: r.number,
                signed_on: r.signed_on,
                price_kopecks: r.price_kopecks,
                cancelled_at: r.cancelled_at,
                cancel_reason: r.cancel_reason,
            },
            group_name: r.group_name,
            group_start: r.group_start,
        })
        .collect())
}

/// Whether a lead has a standing contract: a plain move into an enrolment stage needs one.
pub async fn is_enrolled(db: &Db, lead_id: Id) -> Result<bool> {
    Ok(standing_contract(db, lead_id).await?.is_some())
}
