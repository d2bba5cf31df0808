//! Tasks: create (on a lead or standalone), complete and reopen with the version check, and "my
//! tasks" grouped by when they fall due on the school's clock. Events on a lead's task go to its
//! timeline; a task given to someone else notifies them.

use crate::db::{Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::settings::school_tz;
use crate::{leads, settings, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::notification::NotificationKind;
use domain::task::{Task, TaskDraft, TaskGroups, TaskKind};
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Id,
    title: String,
    kind: String,
    due_at: DateTime<Utc>,
    assignee_id: Id,
    author_id: Option<Id>,
    lead_id: Option<Id>,
    done_at: Option<DateTime<Utc>>,
    version: i64,
}

impl From<TaskRow> for Task {
    fn from(r: TaskRow) -> Task {
        Task {
            id: r.id,
            title: r.title,
            // The CHECK constraint keeps the kind valid.
            kind: TaskKind::parse(&r.kind).unwrap_or(TaskKind::Other),
            due_at: r.due_at,
            assignee_id: r.assignee_id,
            author_id: r.author_id,
            lead_id: r.lead_id,
            done_at: r.done_at,
            version: r.version,
        }
    }
}

const COLUMNS: &str = "id, title, kind, due_at, assignee_id, author_id, lead_id, done_at, version";

pub async fn get_task(db: &Db, id: Id) -> Result<Option<Task>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = $1");
    let row = with_pool!(db, pool => sqlx::query_as::<_, TaskRow>(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(Task::from))
}

/// May `actor` change this task: its assignee or author, whoever may edit its lead, or deputy and
/// above.
async fn may_change(db: &Db, actor: &User, task: &Task) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    if task.assignee_id == actor.id || task.author_id == Some(actor.id) || can(actor, Action::ViewEveryone, visibility).is_ok() {
        return Ok(());
    }
    if let Some(lead) = task.lead_id {
        let lead = leads::get_lead(db, lead).await?.ok_or(AppError::NotFound)?;
        can(actor, Action::ViewLead { responsible: lead.responsible_id }, visibility).map_err(|_| AppError::NotFound)?;
        can(actor, Action::EditLead { responsible: lead.responsible_id }, visibility)?;
        return Ok(());
    }
    Err(AppError::NotFound.into())
}

/// Creates a task as `actor`: on a lead they may edit (or standalone), for an active user (the
/// actor by default), due at a local time of the school.
pub async fn create_task(db: &Db, actor: &User, draft: TaskDraft) -> Result<Task> {
    let title = draft.title()?;
    let settings = settings::settings_or_default(db).await?;
    if let Some(lead_id) = draft.lead_id {
        let lead = leads::get_lead(db, lead_id).await?.ok_or_else(|| AppError::invalid("lead_id", Invalid::NotFound))?;
        can(actor, Action::ViewLead { responsible: lead.responsible_id }, settings.lead_visibility)
            .map_err(|_| AppError::invalid("lead_id", Invalid::NotFound))?;
        can(actor, Action::EditLead { responsible: lead.responsible_id }, settings.lead_visibility)?;
    }
    let assignee = draft.assignee_id.unwrap_or(actor.id);
    // Giving a task to someone else is for whoever may edit the lead, or deputy and above.
    if assignee != actor.id && draft.lead_id.is_none() {
        can(actor, Action::ViewEveryone, settings.lead_visibility)?;
    }
    let active: Option<bool> =
        with_pool!(db, pool => sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(assignee).fetch_optional(pool).await)?;
    match active {
        None => return Err(AppError::invalid("assignee_id", Invalid::NotFound).into()),
        Some(false) => return Err(AppError::invalid("assignee_id", Invalid::Inactive).into()),
        Some(true) => {}
    }
    let due = draft
        .due_local
        .and_local_timezone(school_tz(&settings.timezone))
        .earliest()
        .ok_or_else(|| AppError::invalid("due_at", Invalid::Date))?
        .with_timezone(&Utc);
    let at = now();
    let id: Id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Id = sqlx::query_scalar(
            "INSERT INTO tasks (title, kind, due_at, assignee_id, author_id, lead_id, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) RETURNING id",
        )
        .bind(&title)
        .bind(draft.kind.as_str())
        .bind(due)
        .bind(assignee)
        .bind(actor.id)
        .bind(draft.lead_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(lead_id) = draft.lead_id {
            let event = TimelineEvent::TaskCreated { task_id: id, title: title.clone() };
            crate::timeline::write_entry!(tx, lead_id, actor.id, event, at)?;
        }
        if assignee != actor.id {
            sqlx::query("INSERT INTO notifications (user_id, kind, lead_id, task_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(assignee)
                .bind(NotificationKind::TaskAssigned.as_str())
                .bind(draft.lead_id)
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        id
    });
    get_task(db, id).await?.ok_or_else(|| AppError::NotFound.into())
}

/// Completes (`done`) or reopens a task, when nobody changed it since `expected_version`.
pub async fn set_done(db: &Db, actor: &User, task_id: Id, expected_version: i64, done: bool) -> Result<Task> {
    let task = get_task(db, task_id).await?.ok_or(AppError::NotFound)?;
    may_change(db, actor, &task).await?;
    if task.version != expected_version {
        return Err(AppError::Conflict { current_version: task.version }.into());
    }
    if task.done_at.is_some() == done {
        return Ok(task);
    }
    let at = now();
    let event = if done {
        TimelineEvent::TaskDone { task_id, title: task.title.clone() }
    } else {
        TimelineEvent::TaskReopened { task_id, title: task.title.clone() }
    };
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query("UPDATE tasks SET done_at = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
            .bind(done.then_some(at))
            .bind(at)
            .bind(task_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "tasks", task_id).into());
        }
        if let Some(lead_id) = task.lead_id {
            crate::timeline::write_entry!(tx, lead_id, actor.id, event, at)?;
        }
        tx.commit().await?;
    });
    get_task(db, task_id).await?.ok_or_else(|| AppError::NotFound.into())
}

/// The open tasks of `whose` (the actor's own, or anyone's for deputy and above), grouped into
/// overdue, due today and upcoming by the school's clock.
pub async fn open_tasks(db: &Db, actor: &User, whose: Id) -> Result<TaskGroups> {
    let settings = settings::settings_or_default(db).await?;
    if whose != actor.id {
        can(actor, Action::ViewEveryone, settings.lead_visibility)?;
    }
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE assignee_id = $1 AND done_at IS NULL ORDER BY due_at, id LIMIT 500");
    let rows: Vec<TaskRow> = with_pool!(db, pool => sqlx::query_as::<_, TaskRow>(&sql).bind(whose).fetch_all(pool).await)?;
    let tz = school_tz(&settings.timezone);
    let at = now();
    let today = at.with_timezone(&tz).date_naive();
    let mut groups = TaskGroups::default();
    for task in rows.into_iter().map(Task::from) {
        if task.due_at < at {
            groups.overdue.push(task);
        } else if task.due_at.with_timezone(&tz).date_naive() == today {
            groups.today.push(task);
        } else {
            groups.upcoming.push(task);
        }
    }
    Ok(groups)
}
