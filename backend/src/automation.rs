//! Automation rules: kept (deputy and above, every change in the audit list) and run inside the
//! transaction of the change that triggers them, so a lead never exists without its first-contact
//! task or a move without its stage task.

use crate::db::{with_conn, AsConn, Conn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::tasks::NewTask;
use crate::{settings, stages, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::automation::{round_robin_pick, Assign, Rule, RuleAudit, RuleAuditAction, RuleConfig, TaskTemplate};
use domain::error::Invalid;
use domain::notification::NotificationKind;
use domain::user::User;
use domain::{AppError, Id};
use serde::{Deserialize, Serialize};

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: Id,
    config: String,
    active: bool,
    updated_at: DateTime<Utc>,
}

fn rule_of(r: RuleRow) -> Option<Rule> {
    match serde_json::from_str(&r.config) {
        Ok(config) => Some(Rule { id: r.id, config, active: r.active, updated_at: r.updated_at }),
        Err(e) => {
            tracing::error!(rule = r.id, error = %e, "unreadable automation rule skipped");
            None
        }
    }
}

/// Every rule, the "on lead created" one first, then by stage and id.
pub async fn rules(db: &Db) -> Result<Vec<Rule>> {
    let rows: Vec<RuleRow> = with_pool!(db, pool => sqlx::query_as::<_, RuleRow>(
        "SELECT id, config, active, updated_at FROM automation_rules ORDER BY CASE WHEN trigger_kind = 'lead_created' THEN 0 ELSE 1 END, stage_id, id"
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().filter_map(rule_of).collect())
}

async fn rule(db: &Db, id: Id) -> Result<Rule> {
    let row: Option<RuleRow> = with_pool!(db, pool => sqlx::query_as::<_, RuleRow>("SELECT id, config, active, updated_at FROM automation_rules WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.and_then(rule_of).ok_or_else(|| AppError::NotFound.into())
}

/// What the audit list's `data` holds.
#[derive(Serialize, Deserialize)]
struct AuditData {
    action: RuleAuditAction,
    rule_id: Id,
    before: Option<RuleConfig>,
    after: Option<RuleConfig>,
    active: bool,
}

const AUDIT_AREA: &str = "automation";

async fn audit_write(conn: &mut Conn<'_>, actor: &User, data: &AuditData, at: DateTime<Utc>) -> Result<()> {
    let json = serde_json::to_string(data).map_err(|e| crate::Error::Config(e.to_string()))?;
    with_conn!(conn, c => sqlx::query("INSERT INTO audit_log (user_id, area, data, created_at) VALUES ($1, $2, $3, $4)")
        .bind(actor.id)
        .bind(AUDIT_AREA)
        .bind(&json)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The newest 100 changes to the rules (deputy and above).
pub async fn audit(db: &Db, actor: &User) -> Result<Vec<RuleAudit>> {
    configure(db, actor).await?;
    let rows: Vec<(Id, Option<Id>, String, DateTime<Utc>)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, user_id, data, created_at FROM audit_log WHERE area = $1 ORDER BY created_at DESC, id DESC LIMIT 100"
    )
    .bind(AUDIT_AREA)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, user_id, data, created_at)| {
            let d: AuditData = serde_json::from_str(&data).ok()?;
            Some(RuleAudit {
                id,
                user_id,
                action: d.action,
                rule_id: d.rule_id,
                before: d.before,
                after: d.after,
                active: d.active,
                created_at,
            })
        })
        .collect())
}

async fn configure(db: &Db, actor: &User) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::Configure, visibility)?;
    Ok(())
}

/// Checks what a rule refers to: its stage, and the fixed user it assigns to.
async fn check_references(db: &Db, config: &RuleConfig) -> Result<()> {
    match config {
        RuleConfig::StageEntered { stage_id, .. } => {
            if !stages::list_stages(db).await?.iter().any(|s| s.id == *stage_id) {
                return Err(AppError::invalid("stage_id", Invalid::NotFound).into());
            }
        }
        RuleConfig::LeadCreated { assign: Assign::User { user_id }, .. } => match crate::users::get_user(db, *user_id).await? {
            None => return Err(AppError::invalid("user_id", Invalid::NotFound).into()),
            Some(u) if !u.active => return Err(AppError::invalid("user_id", Invalid::Inactive).into()),
            Some(_) => {}
        },
        RuleConfig::LeadCreated { .. } => {}
    }
    Ok(())
}

/// Creates a rule, or changes rule `id`. The school has one "on lead created" rule: saving another
/// changes it. Written to the audit list with what it was before.
pub async fn save_rule(db: &Db, actor: &User, id: Option<Id>, config: RuleConfig) -> Result<Rule> {
    configure(db, actor).await?;
    let config = config.validate()?;
    check_references(db, &config).await?;
    let existing = match id {
        Some(id) => Some(rule(db, id).await?),
        None if matches!(config, RuleConfig::LeadCreated { .. }) => {
            rules(db).await?.into_iter().find(|r| matches!(r.config, RuleConfig::LeadCreated { .. }))
        }
        None => None,
    };
    if let Some(old) = &existing {
        if old.config.trigger() != config.trigger() {
            return Err(AppError::invalid("trigger", Invalid::OutOfRange).into());
        }
    }
    let json = serde_json::to_string(&config).map_err(|e| crate::Error::Config(e.to_string()))?;
    let at = now();
    let id: Id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Id = match &existing {
            Some(old) => {
                sqlx::query("UPDATE automation_rules SET config = $1, stage_id = $2, updated_at = $3 WHERE id = $4")
                    .bind(&json)
                    .bind(config.stage_id())
                    .bind(at)
                    .bind(old.id)
                    .execute(&mut *tx)
                    .await?;
                old.id
            }
            None => sqlx::query_scalar(
                "INSERT INTO automation_rules (trigger_kind, stage_id, config, active, created_at, updated_at) VALUES ($1, $2, $3, TRUE, $4, $4) RETURNING id",
            )
            .bind(config.trigger())
            .bind(config.stage_id())
            .bind(&json)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?,
        };
        let data = AuditData {
            action: if existing.is_some() { RuleAuditAction::Changed } else { RuleAuditAction::Created },
            rule_id: id,
            before: existing.as_ref().map(|r| r.config.clone()),
            after: Some(config.clone()),
            active: existing.as_ref().is_none_or(|r| r.active),
        };
        audit_write(&mut tx.conn(), actor, &data, at).await?;
        tx.commit().await?;
        id
    });
    rule(db, id).await
}

/// Switches a rule on or off.
pub async fn set_active(db: &Db, actor: &User, id: Id, active: bool) -> Result<Rule> {
    configure(db, actor).await?;
    let old = rule(db, id).await?;
    if old.active == active {
        return Ok(old);
    }
    let at = now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE automation_rules SET active = $1, updated_at = $2 WHERE id = $3").bind(active).bind(at).bind(id).execute(&mut *tx).await?;
        let data = AuditData {
            action: if active { RuleAuditAction::Enabled } else { RuleAuditAction::Disabled },
            rule_id: id,
            before: Some(old.config.clone()),
            after: Some(old.config.clone()),
            active,
        };
        audit_write(&mut tx.conn(), actor, &data, at).await?;
        tx.commit().await?;
    });
    rule(db, id).await
}

pub async fn delete_rule(db: &Db, actor: &User, id: Id) -> Result<()> {
    configure(db, actor).await?;
    let old = rule(db, id).await?;
    let at = now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM automation_rules WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let data = AuditData { action: RuleAuditAction::Deleted, rule_id: id, before: Some(old.config.clone()), after: None, active: old.active };
        audit_write(&mut tx.conn(), actor, &data, at).await?;
        tx.commit().await?;
    });
    Ok(())
}

/// The active rules as the write paths apply them, read before their transaction opens.
#[derive(Debug, Clone, Default)]
pub struct ActiveRules {
    pub assign: Option<Assign>,
    pub first_contact: Option<TaskTemplate>,
    pub on_stage: Vec<(Id, TaskTemplate)>,
    pub timezone: String,
}

pub async fn active_rules(db: &Db) -> Result<ActiveRules> {
    Ok(ActiveRules::of(&crate::config::snapshot(db).await?))
}

impl ActiveRules {
    pub fn of(config: &crate::config::Snapshot) -> ActiveRules {
        let mut active = ActiveRules { timezone: config.settings.timezone.clone(), ..ActiveRules::default() };
        for rule in config.rules.iter().filter(|r| r.active).cloned() {
            match rule.config {
                RuleConfig::LeadCreated { assign, first_contact } => {
                    active.assign = Some(assign);
                    active.first_contact = first_contact;
                }
                RuleConfig::StageEntered { stage_id, task } => active.on_stage.push((stage_id, task)),
            }
        }
        active
    }
}

async fn is_active_user(conn: &mut Conn<'_>, id: Id) -> Result<bool> {
    let active: Option<bool> =
        with_conn!(conn, c => sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(id).fetch_optional(&mut *c).await)?;
    Ok(active == Some(true))
}

/// Who becomes responsible for a new lead created by `actor` without one, by the rule; the actor
/// without a rule. Runs inside the lead's transaction, so the round-robin turn and the lead are
/// written together.
pub(crate) async fn responsible_for_new_lead(conn: &mut Conn<'_>, rules: &ActiveRules, branch_id: Option<Id>, actor: &User) -> Result<Id> {
    match rules.assign {
        None | Some(Assign::Creator) => Ok(actor.id),
        Some(Assign::User { user_id }) => Ok(if is_active_user(conn, user_id).await? { user_id } else { actor.id }),
        Some(Assign::RoundRobin) => {
            let candidates: Vec<Id> = with_conn!(&mut *conn, c => match branch_id {
                Some(branch) => sqlx::query_scalar(
                    "SELECT id FROM users WHERE active = TRUE AND role = 'sales' AND (branch_id = $1 OR branch_id IS NULL) ORDER BY id",
                )
                .bind(branch)
                .fetch_all(&mut *c)
                .await,
                None => sqlx::query_scalar("SELECT id FROM users WHERE active = TRUE AND role = 'sales' ORDER BY id").fetch_all(&mut *c).await,
            })?;
            if candidates.is_empty() {
                return Ok(actor.id);
            }
            let key = branch_id.unwrap_or(0);
            // One atomic increment per lead: concurrent creations take different turns.
            let turn: i64 = with_conn!(conn, c => {
                sqlx::query("INSERT INTO round_robin (pool_key, turn) VALUES ($1, 0) ON CONFLICT (pool_key) DO NOTHING")
                    .bind(key)
                    .execute(&mut *c)
                    .await?;
                sqlx::query_scalar("UPDATE round_robin SET turn = turn + 1 WHERE pool_key = $1 RETURNING turn").bind(key).fetch_one(&mut *c).await
            })?;
            Ok(round_robin_pick(&candidates, turn).unwrap_or(actor.id))
        }
    }
}

/// A lead just written in the caller's transaction, as the rules see it.
pub(crate) struct LeadFacts {
    pub lead_id: Id,
    pub stage_id: Id,
    pub responsible_id: Option<Id>,
}

/// After a lead is created: tells its responsible when someone else created it, and creates the
/// first-contact task and the tasks of its first stage.
pub(crate) async fn after_lead_created(
    conn: &mut Conn<'_>,
    rules: &ActiveRules,
    lead: &LeadFacts,
    actor: &User,
    at: DateTime<Utc>,
) -> Result<()> {
    if let Some(responsible) = lead.responsible_id.filter(|r| *r != actor.id) {
        crate::notifications::notify(conn, responsible, NotificationKind::LeadTransferred, Some(lead.lead_id), None, at).await?;
    }
    if let Some(template) = &rules.first_contact {
        create_task(conn, rules, template, lead, actor, at).await?;
    }
    after_stage_entered(conn, rules, lead, actor, at).await
}

/// After a lead entered `lead.stage_id`: the tasks the stage's rules create.
pub(crate) async fn after_stage_entered(
    conn: &mut Conn<'_>,
    rules: &ActiveRules,
    lead: &LeadFacts,
    actor: &User,
    at: DateTime<Utc>,
) -> Result<()> {
    for (_, template) in rules.on_stage.iter().filter(|(stage, _)| *stage == lead.stage_id) {
        create_task(conn, rules, template, lead, actor, at).await?;
    }
    Ok(())
}

/// A rule's task: for the lead's responsible (the actor when there is none or they left), due by
/// the template's delay on the school's clock, with no author.
async fn create_task(
    conn: &mut Conn<'_>,
    rules: &ActiveRules,
    template: &TaskTemplate,
    lead: &LeadFacts,
    actor: &User,
    at: DateTime<Utc>,
) -> Result<()> {
    let assignee = match lead.responsible_id {
        Some(r) if is_active_user(conn, r).await? => r,
        _ => actor.id,
    };
    let task = NewTask {
        title: &template.title,
        kind: template.kind,
        due_at: template.delay.due_after(at, &settings::school_tz(&rules.timezone)),
        assignee_id: assignee,
        author_id: None,
        lead_id: Some(lead.lead_id),
        actor_id: actor.id,
    };
    crate::tasks::insert(conn, &task, at).await?;
    Ok(())
}
