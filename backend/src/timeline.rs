//! A lead's timeline, newest first, and the notes in it: anyone who may edit the lead adds one;
//! only its author edits or deletes it. System entries are never changed.

use crate::db::{with_conn, Conn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{leads, settings, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::lead::MAX_NOTE_LEN;
use domain::timeline::{TimelineEntry, TimelineEvent};
use domain::user::User;
use domain::{AppError, Id};

/// An event as the `data` column holds it.
pub(crate) fn entry_json(event: &TimelineEvent) -> Result<String> {
    serde_json::to_string(event).map_err(|e| crate::Error::Config(e.to_string()))
}

/// Writes one timeline entry inside the open write transaction `tx`, of either database; answers
/// with sqlx's result, for `?`.
macro_rules! write_entry {
    ($tx:ident, $lead:expr, $author:expr, $event:expr, $at:expr) => {
        sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind($lead)
            .bind($author)
            .bind($event.kind())
            .bind($crate::timeline::entry_json(&$event)?)
            .bind($at)
            .execute(&mut *$tx)
            .await
    };
}
pub(crate) use write_entry;

/// Writes one timeline entry on an open write transaction's connection.
pub(crate) async fn write(conn: &mut Conn<'_>, lead_id: Id, author_id: Option<Id>, event: &TimelineEvent, at: DateTime<Utc>) -> Result<()> {
    let data = entry_json(event)?;
    with_conn!(conn, c => sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(lead_id)
        .bind(author_id)
        .bind(event.kind())
        .bind(&data)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A timeline entry waiting to be written with others.
pub(crate) struct Entry {
    pub lead_id: Id,
    pub author_id: Option<Id>,
    pub event: TimelineEvent,
    pub at: DateTime<Utc>,
}

/// Rows per INSERT of [`write_batch`]: five binds each, far under both databases' limits.
const BATCH_ROWS: usize = 1000;

/// Writes entries with multi-row inserts: one statement per thousand.
pub(crate) async fn write_batch(conn: &mut Conn<'_>, entries: &[Entry]) -> Result<()> {
    for chunk in entries.chunks(BATCH_ROWS) {
        let data = chunk.iter().map(|e| entry_json(&e.event)).collect::<Result<Vec<_>>>()?;
        // The query builder numbers nothing on SQLite (`?`): sqlx finds a numbered parameter's
        // name by a walk of the statement's list, which made a thousand rows' binding quadratic.
        with_conn!(&mut *conn, c => {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) ");
            q.push_values(chunk.iter().zip(&data), |mut b, (e, data)| {
                b.push_bind(e.lead_id).push_bind(e.author_id).push_bind(e.event.kind()).push_bind(data).push_bind(e.at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Entries per page.
pub const PAGE: i64 = 30;

/// Where the next (older) page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineCursor {
    pub created_at: DateTime<Utc>,
    pub id: Id,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Id,
    lead_id: Id,
    author_id: Option<Id>,
    data: String,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
}

/// A page of the lead's timeline, newest first, optionally of some kinds only.
pub async fn list(db: &Db, actor: &User, lead_id: Id, kinds: &[String], before: Option<TimelineCursor>) -> Result<Vec<TimelineEntry>> {
    leads::lead_for(db, actor, lead_id, false).await?;
    let mut sql = String::from("SELECT id, lead_id, author_id, data, created_at, edited_at FROM timeline WHERE lead_id = $1");
    let mut n = 1;
    let kind_params: Vec<String> = kinds
        .iter()
        .map(|_| {
            n += 1;
            format!("${n}")
        })
        .collect();
    if !kinds.is_empty() {
        sql.push_str(&format!(" AND kind IN ({})", kind_params.join(", ")));
    }
    if before.is_some() {
        sql.push_str(&format!(" AND (created_at < ${} OR (created_at = ${} AND id < ${}))", n + 1, n + 1, n + 2));
    }
    sql.push_str(&format!(" ORDER BY created_at DESC, id DESC LIMIT {PAGE}"));
    let rows: Vec<EntryRow> = with_pool!(db, pool => {
        let mut q = sqlx::query_as::<_, EntryRow>(&sql).bind(lead_id);
        for kind in kinds {
            q = q.bind(kind);
        }
        if let Some(c) = before {
            q = q.bind(c.created_at).bind(c.id);
        }
        q.fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            // An entry that no longer reads (a kind from a newer version) is skipped, not fatal.
            let event = serde_json::from_str::<TimelineEvent>(&r.data).ok()?;
            Some(TimelineEntry {
                id: r.id,
                lead_id: r.lead_id,
                author_id: r.author_id,
                event,
                created_at: r.created_at,
                edited_at: r.edited_at,
            })
        })
        .collect())
}

fn note_text(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("note", Invalid::Required).into());
    }
    if text.chars().count() > MAX_NOTE_LEN {
        return Err(AppError::invalid("note", Invalid::TooLong).into());
    }
    Ok(text.to_string())
}

/// Adds a note by `actor` to a lead they may edit.
pub async fn add_note(db: &Db, actor: &User, lead_id: Id, text: &str) -> Result<Id> {
    let text = note_text(text)?;
    leads::lead_for(db, actor, lead_id, true).await?;
    let event = TimelineEvent::Note { text };
    let data = entry_json(&event)?;
    let id: Id = with_pool!(db, pool => sqlx::query_scalar("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(lead_id)
        .bind(actor.id)
        .bind(event.kind())
        .bind(&data)
        .bind(now())
        .fetch_one(pool)
        .await)?;
    Ok(id)
}

/// The note `entry_id` when `actor` wrote it (and may still see its lead).
async fn own_note(db: &Db, actor: &User, entry_id: Id) -> Result<Id> {
    let row: Option<(Id, Option<Id>, String)> = with_pool!(db, pool => sqlx::query_as("SELECT lead_id, author_id, kind FROM timeline WHERE id = $1")
        .bind(entry_id)
        .fetch_optional(pool)
        .await)?;
    let (lead_id, author, kind) = row.ok_or(AppError::NotFound)?;
    leads::lead_for(db, actor, lead_id, false).await?;
    if kind != "note" {
        // System entries are the audit log: nobody edits them.
        return Err(AppError::Forbidden.into());
    }
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::EditOwnNote { author }, visibility)?;
    Ok(lead_id)
}

pub async fn edit_note(db: &Db, actor: &User, entry_id: Id, text: &str) -> Result<()> {
    let text = note_text(text)?;
    own_note(db, actor, entry_id).await?;
    let data = entry_json(&TimelineEvent::Note { text })?;
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE timeline SET data = $1, edited_at = $2 WHERE id = $3 AND kind = 'note'").bind(&data).bind(now()).bind(entry_id).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

pub async fn delete_note(db: &Db, actor: &User, entry_id: Id) -> Result<()> {
    own_note(db, actor, entry_id).await?;
    with_pool!(db, pool => sqlx::query("DELETE FROM timeline WHERE id = $1 AND kind = 'note'").bind(entry_id).execute(pool).await.map(|_| ()))?;
    Ok(())
}
