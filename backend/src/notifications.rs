//! Each user's notifications: a task given to them, a task of theirs falling due, a lead passed
//! to them, a leaving colleague's work handed to them. Only their addressee reads or marks them.

use crate::db::{with_conn, Conn, Db};
use crate::error::Result;
use crate::rows::now;
use crate::with_pool;
use chrono::{DateTime, Utc};
use domain::lead::full_name;
use domain::notification::{HandOver, Notification, NotificationKind, NotificationView};
use domain::user::User;
use domain::Id;

/// Files one notification on an open write transaction.
pub(crate) async fn notify(
    conn: &mut Conn<'_>,
    user_id: Id,
    kind: NotificationKind,
    lead_id: Option<Id>,
    task_id: Option<Id>,
    at: DateTime<Utc>,
) -> Result<()> {
    with_conn!(conn, c => sqlx::query("INSERT INTO notifications (user_id, kind, lead_id, task_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user_id)
        .bind(kind.as_str())
        .bind(lead_id)
        .bind(task_id)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Tells `to` on an open write transaction that `from`'s leads and open tasks are theirs now:
/// one notification for the lot, counting live leads. Nothing handed over, nothing filed.
pub(crate) async fn notify_hand_over(conn: &mut Conn<'_>, to: Id, from: Id, leads: i64, tasks: u64, at: DateTime<Utc>) -> Result<()> {
    if leads == 0 && tasks == 0 {
        return Ok(());
    }
    with_conn!(conn, c => sqlx::query(
        "INSERT INTO notifications (user_id, kind, from_user_id, lead_count, task_count, created_at) VALUES ($1, 'leads_handed_over', $2, $3, $4, $5)"
    )
    .bind(to)
    .bind(from)
    .bind(leads)
    .bind(i64::try_from(tasks).unwrap_or(i64::MAX))
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Files a "task due" notification, dated at its due time, for each open task of `user_id` that
/// has fallen due and has none yet. Run when the user's app asks for news, so nothing needs a
/// timer on the server; the unique index makes concurrent runs harmless.
pub(crate) async fn file_due(db: &Db, user_id: Id, at: DateTime<Utc>) -> Result<()> {
    with_pool!(db, pool => sqlx::query(
        "INSERT INTO notifications (user_id, kind, lead_id, task_id, created_at) \
         SELECT t.assignee_id, 'task_due', t.lead_id, t.id, t.due_at FROM tasks t \
         WHERE t.assignee_id = $1 AND t.done_at IS NULL AND t.due_at <= $2 \
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.task_id = t.id AND n.user_id = t.assignee_id AND n.kind = 'task_due') \
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Id,
    user_id: Id,
    kind: String,
    lead_id: Option<Id>,
    task_id: Option<Id>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
    task_title: Option<String>,
    lead_first_name: Option<String>,
    lead_patronymic: Option<String>,
    lead_surname: Option<String>,
    from_user_id: Option<Id>,
    from_name: Option<String>,
    lead_count: Option<i64>,
    task_count: Option<i64>,
}

/// The newest notifications of `user` (50), unread first.
pub async fn list(db: &Db, user: &User) -> Result<Vec<NotificationView>> {
    file_due(db, user.id, now()).await?;
    let tz = crate::settings::school_tz(&crate::settings::settings_or_default(db).await?.timezone);
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT n.id, n.user_id, n.kind, n.lead_id, n.task_id, n.created_at, n.read_at, t.title AS task_title, \
         l.first_name AS lead_first_name, l.patronymic AS lead_patronymic, l.surname AS lead_surname, \
         n.from_user_id, u.display_name AS from_name, n.lead_count, n.task_count \
         FROM notifications n LEFT JOIN tasks t ON t.id = n.task_id LEFT JOIN leads l ON l.id = n.lead_id \
         LEFT JOIN users u ON u.id = n.from_user_id \
         WHERE n.user_id = $1 ORDER BY CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, n.created_at DESC, n.id DESC LIMIT 50",
    )
    .bind(user.id)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            // The CHECK constraint keeps kinds known; a row of a newer version is skipped.
            let kind = NotificationKind::parse(&r.kind)?;
            let handed_over = match (r.from_user_id, r.from_name, r.lead_count, r.task_count) {
                (Some(from_user_id), Some(from_name), Some(leads), Some(tasks)) => Some(HandOver { from_user_id, from_name, leads, tasks }),
                _ => None,
            };
            let lead_name =
                r.lead_first_name.as_deref().map(|first| full_name(first, r.lead_patronymic.as_deref(), r.lead_surname.as_deref()));
            Some(NotificationView {
                notification: Notification {
                    id: r.id,
                    user_id: r.user_id,
                    kind,
                    lead_id: r.lead_id,
                    task_id: r.task_id,
                    handed_over,
                    created_at: r.created_at,
                    read_at: r.read_at,
                },
                task_title: r.task_title,
                lead_name,
                created_local: r.created_at.with_timezone(&tz).naive_local(),
            })
        })
        .collect())
}

/// Marks some of `user`'s notifications read (all of them with `None`); others' ids are ignored.
/// Answers how many changed.
pub async fn mark_read(db: &Db, user: &User, ids: Option<&[Id]>) -> Result<u64> {
    let at = now();
    let changed = match ids {
        None => with_pool!(db, pool => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(user.id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?,
        Some(ids) => {
            let mut changed = 0;
            for id in ids.iter().take(200) {
                changed += with_pool!(db, pool => sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
                    .bind(at)
                    .bind(id)
                    .bind(user.id)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
            changed
        }
    };
    Ok(changed)
}
