//! Tasks: create (on a lead or standalone), complete and reopen with the version check, and "my
//! tasks" grouped by when they fall due on the school's clock. Events on a lead's task go to its
//! timeline; a task given to someone else notifies them.

use crate::db::{with_conn, AsConn, Conn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::settings::school_tz;
use crate::{leads, settings, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::lead::full_name;
use domain::notification::NotificationKind;
use domain::task::{DueSoon, Pulse, Task, TaskDraft, TaskGroups, TaskItem, TaskKind, DUE_SOON_MINUTES};
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
    match task.lead_id {
        Some(lead) => leads::lead_for(db, actor, lead, true).await.map(|_| ()),
        None => Err(AppError::NotFound.into()),
    }
}

/// The task, when `actor` may change it and nobody changed it since `expected_version`.
async fn editable(db: &Db, actor: &User, task_id: Id, expected_version: i64) -> Result<Task> {
    let task = get_task(db, task_id).await?.ok_or(AppError::NotFound)?;
    may_change(db, actor, &task).await?;
    if task.version != expected_version {
        return Err(AppError::Conflict { current_version: task.version }.into());
    }
    Ok(task)
}

/// A task to insert inside the caller's transaction.
pub(crate) struct NewTask<'a> {
    pub title: &'a str,
    pub kind: TaskKind,
    pub due_at: DateTime<Utc>,
    pub assignee_id: Id,
    /// `None` for tasks the automation rules create.
    pub author_id: Option<Id>,
    pub lead_id: Option<Id>,
    /// Whoever made the change: the assignee is told when it is someone else.
    pub actor_id: Id,
}

/// Inserts a task with its "task created" timeline entry (on a lead) and the assignee's
/// notification (when someone else gave it), on an open write transaction.
pub(crate) async fn insert(conn: &mut Conn<'_>, task: &NewTask<'_>, at: DateTime<Utc>) -> Result<Id> {
    let id: Id = with_conn!(&mut *conn, c => sqlx::query_scalar(
        "INSERT INTO tasks (title, kind, due_at, assignee_id, author_id, lead_id, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) RETURNING id",
    )
    .bind(task.title)
    .bind(task.kind.as_str())
    .bind(task.due_at)
    .bind(task.assignee_id)
    .bind(task.author_id)
    .bind(task.lead_id)
    .bind(at)
    .fetch_one(&mut *c)
    .await)?;
    if let Some(lead_id) = task.lead_id {
        let event = TimelineEvent::TaskCreated { task_id: id, title: task.title.to_string() };
        crate::timeline::write(conn, lead_id, task.author_id, &event, at).await?;
    }
    if task.assignee_id != task.actor_id {
        crate::notifications::notify(conn, task.assignee_id, NotificationKind::TaskAssigned, task.lead_id, Some(id), at).await?;
    }
    Ok(id)
}

/// The assignee a draft names (the actor by default), checked to be an active user whom the
/// actor may give the task to.
async fn checked_assignee(db: &Db, actor: &User, draft: &TaskDraft, visibility: domain::settings::LeadVisibility) -> Result<Id> {
    let assignee = draft.assignee_id.unwrap_or(actor.id);
    // Giving a standalone task to someone else is for deputy and above; on a lead, for whoever
    // may edit it.
    if assignee != actor.id && draft.lead_id.is_none() {
        can(actor, Action::ViewEveryone, visibility)?;
    }
    let active: Option<bool> =
        with_pool!(db, pool => sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(assignee).fetch_optional(pool).await)?;
    match active {
        None => Err(AppError::invalid("assignee_id", Invalid::NotFound).into()),
        Some(false) => Err(AppError::invalid("assignee_id", Invalid::Inactive).into()),
        Some(true) => Ok(assignee),
    }
}

/// The draft's due time on the school's clock, as a moment.
fn due_of(draft: &TaskDraft, timezone: &str) -> Result<DateTime<Utc>> {
    Ok(draft
        .due_local
        .and_local_timezone(school_tz(timezone))
        .earliest()
        .ok_or_else(|| AppError::invalid("due_at", Invalid::Date))?
        .with_timezone(&Utc))
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
    let assignee = checked_assignee(db, actor, &draft, settings.lead_visibility).await?;
    let due_at = due_of(&draft, &settings.timezone)?;
    let task = NewTask {
        title: &title,
        kind: draft.kind,
        due_at,
        assignee_id: assignee,
        author_id: Some(actor.id),
        lead_id: draft.lead_id,
        actor_id: actor.id,
    };
    let at = now();
    let id: Id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = insert(&mut tx.conn(), &task, at).await?;
        tx.commit().await?;
        id
    });
    get_task(db, id).await?.ok_or_else(|| AppError::NotFound.into())
}

/// Changes a task's title, kind, due time or assignee, when nobody changed it since
/// `expected_version`. Its lead stays; a new assignee is told.
pub async fn update_task(db: &Db, actor: &User, task_id: Id, expected_version: i64, draft: TaskDraft) -> Result<Task> {
    let task = editable(db, actor, task_id, expected_version).await?;
    let title = draft.title()?;
    let settings = settings::settings_or_default(db).await?;
    let draft = TaskDraft { lead_id: task.lead_id, ..draft };
    let assignee = checked_assignee(db, actor, &draft, settings.lead_visibility).await?;
    let due_at = due_of(&draft, &settings.timezone)?;
    let at = now();
    let event = TimelineEvent::TaskChanged { task_id, title: title.clone() };
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE tasks SET title = $1, kind = $2, due_at = $3, assignee_id = $4, updated_at = $5, version = version + 1 \
             WHERE id = $6 AND version = $7",
        )
        .bind(&title)
        .bind(draft.kind.as_str())
        .bind(due_at)
        .bind(assignee)
        .bind(at)
        .bind(task_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "tasks", task_id).into());
        }
        let mut conn = tx.conn();
        if let Some(lead_id) = task.lead_id {
            crate::timeline::write(&mut conn, lead_id, Some(actor.id), &event, at).await?;
        }
        if assignee != task.assignee_id && assignee != actor.id {
            crate::notifications::notify(&mut conn, assignee, NotificationKind::TaskAssigned, task.lead_id, Some(task_id), at).await?;
        }
        tx.commit().await?;
    });
    get_task(db, task_id).await?.ok_or_else(|| AppError::NotFound.into())
}

/// Completes (`done`) or reopens a task, when nobody changed it since `expected_version`.
pub async fn set_done(db: &Db, actor: &User, task_id: Id, expected_version: i64, done: bool) -> Result<Task> {
    let task = editable(db, actor, task_id, expected_version).await?;
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

#[derive(sqlx::FromRow)]
struct ItemRow {
    #[sqlx(flatten)]
    task: TaskRow,
    lead_first_name: Option<String>,
    lead_patronymic: Option<String>,
    lead_surname: Option<String>,
    assignee_name: String,
}

const ITEM_SELECT: &str = "SELECT t.id, t.title, t.kind, t.due_at, t.assignee_id, t.author_id, t.lead_id, t.done_at, t.version, \
     l.first_name AS lead_first_name, l.patronymic AS lead_patronymic, l.surname AS lead_surname, u.display_name AS assignee_name \
     FROM tasks t JOIN users u ON u.id = t.assignee_id LEFT JOIN leads l ON l.id = t.lead_id";

async fn items(db: &Db, sql: &str, id: Id, timezone: &str) -> Result<Vec<TaskItem>> {
    let rows: Vec<ItemRow> = with_pool!(db, pool => sqlx::query_as::<_, ItemRow>(sql).bind(id).fetch_all(pool).await)?;
    let tz = school_tz(timezone);
    Ok(rows
        .into_iter()
        .map(|r| {
            let lead_name =
                r.lead_first_name.as_deref().map(|first| full_name(first, r.lead_patronymic.as_deref(), r.lead_surname.as_deref()));
            let task = Task::from(r.task);
            TaskItem { due_local: task.due_at.with_timezone(&tz).naive_local(), task, lead_name, assignee_name: r.assignee_name }
        })
        .collect())
}

/// The open tasks of `whose` (the actor's own, or anyone's for deputy and above), grouped into
/// overdue, due today and upcoming by the school's clock.
pub async fn open_tasks(db: &Db, actor: &User, whose: Id) -> Result<TaskGroups> {
    let settings = settings::settings_or_default(db).await?;
    if whose != actor.id {
        can(actor, Action::ViewEveryone, settings.lead_visibility)?;
    }
    let sql = format!("{ITEM_SELECT} WHERE t.assignee_id = $1 AND t.done_at IS NULL ORDER BY t.due_at, t.id LIMIT 500");
    let tz = school_tz(&settings.timezone);
    let at = now();
    let today = at.with_timezone(&tz).date_naive();
    let mut groups = TaskGroups::default();
    for item in items(db, &sql, whose, &settings.timezone).await? {
        if item.task.due_at < at {
            groups.overdue.push(item);
        } else if item.due_local.date() == today {
            groups.today.push(item);
        } else {
            groups.upcoming.push(item);
        }
    }
    Ok(groups)
}

/// A lead's tasks for its card: open ones by due time, then the last 20 done.
pub async fn lead_tasks(db: &Db, actor: &User, lead_id: Id) -> Result<Vec<TaskItem>> {
    leads::lead_for(db, actor, lead_id, false).await?;
    let timezone = settings::settings_or_default(db).await?.timezone;
    let open = format!("{ITEM_SELECT} WHERE t.lead_id = $1 AND t.done_at IS NULL ORDER BY t.due_at, t.id LIMIT 200");
    let done = format!("{ITEM_SELECT} WHERE t.lead_id = $1 AND t.done_at IS NOT NULL ORDER BY t.done_at DESC, t.id DESC LIMIT 20");
    let mut all = items(db, &open, lead_id, &timezone).await?;
    all.extend(items(db, &done, lead_id, &timezone).await?);
    Ok(all)
}

/// The navigation's figures for `user`: active tasks (overdue and due by the end of today on the
/// school's clock), unread notifications (after filing "task due" ones for tasks now due), and the
/// tasks falling due in the next few minutes.
pub async fn pulse(db: &Db, user: &User) -> Result<Pulse> {
    let settings = settings::settings_or_default(db).await?;
    let tz = school_tz(&settings.timezone);
    let at = now();
    let tomorrow = at.with_timezone(&tz).date_naive() + chrono::Days::new(1);
    let end_of_today = tomorrow
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(tz).earliest())
        .map_or(at + chrono::Duration::days(1), |d| d.with_timezone(&Utc));
    crate::notifications::file_due(db, user.id, at).await?;
    let soon = at + chrono::Duration::minutes(DUE_SOON_MINUTES);
    let (active_tasks, unread_notifications, due_soon) = with_pool!(db, pool => {
        let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE assignee_id = $1 AND done_at IS NULL AND due_at < $2")
            .bind(user.id)
            .bind(end_of_today)
            .fetch_one(pool)
            .await?;
        let unread: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.id)
            .fetch_one(pool)
            .await?;
        let due: Vec<(Id, String, Option<Id>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, title, lead_id, due_at FROM tasks WHERE assignee_id = $1 AND done_at IS NULL AND due_at > $2 AND due_at <= $3 \
             ORDER BY due_at, id LIMIT 50",
        )
        .bind(user.id)
        .bind(at)
        .bind(soon)
        .fetch_all(pool)
        .await?;
        (active, unread, due)
    });
    let due_soon = due_soon.into_iter().map(|(task_id, title, lead_id, due_at)| DueSoon { task_id, title, lead_id, due_at }).collect();
    Ok(Pulse { active_tasks, unread_notifications, due_soon, now: at })
}
