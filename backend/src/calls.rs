//! Call-list mode (seed 001, scenario 6): a filtered list walked one lead at a time, with one-tap
//! outcomes written to the timeline, and each user's place kept per list.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::filter::Where;
use crate::list::{count, fetch_rows, keyset, order_by, visible, Side, ROW_SELECT};
use crate::rows::now;
use crate::{leads, settings, stages, with_pool};
use chrono::Duration;
use domain::access::{can, Action};
use domain::event::{LeadEvent, LeadEventKind};
use domain::filter::LeadFilter;
use domain::lead::{Lead, MoveLead};
use domain::list::{CallListState, ListCursor, ListRow, ListView, RETRY_AFTER_MINUTES, UNANSWERED_BEFORE_UNREACHABLE, UNREACHABLE_STAGE};
use domain::search::fold;
use domain::stage::Stage;
use domain::task::TaskKind;
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

/// One walk through a list: whose, which filter and order, and its key (the canonical query).
pub struct CallList<'a> {
    pub user: &'a User,
    pub filter: &'a LeadFilter,
    pub view: &'a ListView,
    pub key: &'a str,
}

/// Where the list stands for its user: the first lead after the last one they handled.
pub async fn state(db: &Db, list: &CallList<'_>) -> Result<CallListState> {
    let (base, settings) = visible(db, list.user, list.filter).await?;
    let total = count(db, &base).await?;
    let mut w = base.clone();
    if let Some(done) = progress(db, list.user.id, list.key).await? {
        keyset(&mut w, list.view, db.dialect(), &done, Side::After);
    }
    let sql = format!("{ROW_SELECT} WHERE {} {} LIMIT 1", w.sql(), order_by(list.view, db.dialect()));
    let current = fetch_rows(db, &sql, &w.binds, &settings.timezone, list.view.sort.key).await?.pop();
    let Some(current) = current else {
        return Ok(CallListState { current: None, position: total, total, unanswered: 0 });
    };
    let mut before = Where { conditions: base.conditions, binds: base.binds };
    keyset(&mut before, list.view, db.dialect(), &current.cursor, Side::Before);
    let position = count(db, &before).await? + 1;
    let unanswered = unanswered(db, current.id).await?;
    Ok(CallListState { current: Some(current), position, total, unanswered })
}

/// Marks `lead_id` handled (called or skipped): the list goes on with the lead after it, even if
/// the outcome took this one out of the filter.
pub async fn advance(db: &Db, list: &CallList<'_>, lead_id: Id) -> Result<CallListState> {
    let row = row_of(db, list, lead_id).await?;
    let cursor = serde_json::to_string(&row.cursor).map_err(|e| crate::Error::Config(e.to_string()))?;
    let user_id = list.user.id;
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO call_list_progress (user_id, query, lead_id, cursor, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, query) DO UPDATE SET lead_id = excluded.lead_id, cursor = excluded.cursor, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(list.key)
        .bind(lead_id)
        .bind(&cursor)
        .bind(now())
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    state(db, list).await
}

/// Starts the list again from its first lead.
pub async fn restart(db: &Db, list: &CallList<'_>) -> Result<CallListState> {
    let user_id = list.user.id;
    with_pool!(db, pool => sqlx::query("DELETE FROM call_list_progress WHERE user_id = $1 AND query = $2")
        .bind(user_id)
        .bind(list.key)
        .execute(pool)
        .await
        .map(|_| ()))?;
    state(db, list).await
}

/// The lead as the list shows it, checked against the user's right to see it.
async fn row_of(db: &Db, list: &CallList<'_>, lead_id: Id) -> Result<ListRow> {
    let settings = settings::settings_or_default(db).await?;
    let sql = format!("{ROW_SELECT} WHERE l.id = $1");
    let row = fetch_rows(db, &sql, &[crate::filter::Bind::Int(lead_id)], &settings.timezone, list.view.sort.key).await?.pop();
    let row = row.ok_or(AppError::NotFound)?;
    can(list.user, Action::ViewLead { responsible: row.responsible_id }, settings.lead_visibility).map_err(|_| AppError::NotFound)?;
    Ok(row)
}

async fn progress(db: &Db, user_id: Id, key: &str) -> Result<Option<ListCursor>> {
    let cursor: Option<String> = with_pool!(db, pool => sqlx::query_scalar("SELECT cursor FROM call_list_progress WHERE user_id = $1 AND query = $2")
        .bind(user_id)
        .bind(key)
        .fetch_optional(pool)
        .await)?;
    // A cursor from an older sort order no longer reads as this one's; start over then.
    Ok(cursor.and_then(|c| serde_json::from_str(&c).ok()))
}

/// Unanswered calls since the lead was last reached.
pub async fn unanswered(db: &Db, lead_id: Id) -> Result<i64> {
    let calls: Vec<String> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT data FROM timeline WHERE lead_id = $1 AND kind = 'call' ORDER BY created_at DESC, id DESC LIMIT 50"
    )
    .bind(lead_id)
    .fetch_all(pool)
    .await)?;
    let outcomes = calls.iter().filter_map(|d| match serde_json::from_str(d) {
        Ok(TimelineEvent::Call { outcome, .. }) => Some(outcome),
        _ => None,
    });
    Ok(outcomes.take_while(|o| o.as_deref() != Some(OUTCOME_REACHED)).filter(|o| o.as_deref() == Some(OUTCOME_NO_ANSWER)).count() as i64)
}

pub const OUTCOME_NO_ANSWER: &str = "no_answer";
pub const OUTCOME_REACHED: &str = "reached";

/// What an unanswered call led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAnswer {
    pub unanswered: i64,
    pub retry_task: Id,
    /// When the retry task falls due, on the school's clock.
    pub retry_due_local: chrono::NaiveDateTime,
    /// After the third unanswered call: the "unreachable" stage to propose, when the school has it
    /// and the lead is not there yet.
    pub propose: Option<Stage>,
}

/// "No answer": logs the attempt and creates a call-back task due in two hours, in one transaction.
pub async fn no_answer(db: &Db, actor: &User, lead_id: Id) -> Result<NoAnswer> {
    let lead = leads::lead_for(db, actor, lead_id, true).await?;
    let at = now();
    let due = at + Duration::minutes(RETRY_AFTER_MINUTES);
    let tz = settings::school_tz(&settings::settings_or_default(db).await?.timezone);
    let title = "Перезвонить (не дозвонились)";
    let assignee = lead.responsible_id.unwrap_or(actor.id);
    let call = TimelineEvent::Call {
        direction: "outgoing".into(),
        duration_secs: 0,
        recording_url: None,
        outcome: Some(OUTCOME_NO_ANSWER.into()),
    };
    let retry = crate::tasks::NewTask {
        title,
        kind: TaskKind::Call,
        due_at: due,
        assignee_id: assignee,
        author_id: Some(actor.id),
        lead_id: Some(lead_id),
        actor_id: actor.id,
    };
    let task_id: Id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::timeline::write_entry!(tx, lead_id, actor.id, call, at)?;
        let task_id = crate::tasks::insert(&mut tx.conn(), &retry, at).await?;
        tx.commit().await?;
        task_id
    });
    publish_update(db, actor, &lead).await;
    let unanswered = unanswered(db, lead_id).await?;
    let propose = if unanswered >= UNANSWERED_BEFORE_UNREACHABLE {
        stages::list_stages(db).await?.into_iter().find(|s| fold(&s.name) == fold(UNREACHABLE_STAGE) && s.id != lead.stage_id)
    } else {
        None
    };
    Ok(NoAnswer { unanswered, retry_task: task_id, retry_due_local: due.with_timezone(&tz).naive_local(), propose })
}

/// "Reached": logs the call and the note, if any; an optional stage change follows through
/// [`crate::moves::move_lead`], with its reason.
pub async fn reached(db: &Db, actor: &User, lead_id: Id, note: &str, mv: Option<MoveLead>) -> Result<()> {
    let lead = leads::lead_for(db, actor, lead_id, true).await?;
    let note = note.trim();
    if note.chars().count() > domain::lead::MAX_NOTE_LEN {
        return Err(AppError::invalid("note", domain::error::Invalid::TooLong).into());
    }
    if let Some(mv) = mv {
        if mv.lead_id != lead_id {
            return Err(AppError::invalid("lead_id", domain::error::Invalid::NotFound).into());
        }
        // The move checks the version and the reason first, so a refused move logs nothing.
        crate::moves::move_lead(db, actor, mv).await?;
    }
    let at = now();
    let mut events = vec![TimelineEvent::Call {
        direction: "outgoing".into(),
        duration_secs: 0,
        recording_url: None,
        outcome: Some(OUTCOME_REACHED.into()),
    }];
    if !note.is_empty() {
        events.push(TimelineEvent::Note { text: note.into() });
    }
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for event in &events {
            crate::timeline::write_entry!(tx, lead_id, actor.id, event, at)?;
        }
        tx.commit().await?;
    });
    publish_update(db, actor, &lead).await;
    Ok(())
}

async fn publish_update(db: &Db, actor: &User, lead: &Lead) {
    let event = LeadEvent::about(LeadEventKind::Updated, lead, None, actor.id);
    db.events.publish(&db.pool, event).await;
}
