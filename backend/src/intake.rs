//! Leads and calls arriving from outside (the integration API): the same validation, duplicate
//! matching and automation as the screens, idempotent retries, and calls matched to leads by phone.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::filter::Bind;
use crate::list::{count_up_to, visible};
use crate::rows::now;
use crate::tokens::Caller;
use crate::{actions, leads, settings, stages, users, with_pool};
use chrono::{DateTime, Utc};
use domain::count::Count;
use domain::error::Invalid;
use domain::filter::LeadFilter;
use domain::lead::{Lead, LeadDraft};
use domain::phone::Phone;
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};
use serde::{Deserialize, Serialize};

/// What creating a lead from outside led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: Id,
    /// Set when the lead was created as a duplicate of an earlier lead (same phone and category).
    pub duplicate_of: Option<Id>,
}

/// Creates a lead as the screens do: validation, the person by phone, the automation rules; a
/// lead with the phone and category of an earlier one is created and marked its duplicate.
pub async fn create_matched(db: &Db, actor: &User, draft: LeadDraft) -> Result<Created> {
    let valid = draft.validate(Utc::now().date_naive())?;
    let matches = match &valid.phone {
        Some(phone) => leads::phone_matches(db, actor, phone).await?,
        None => Vec::new(),
    };
    let lead = leads::create_lead(db, actor, draft).await?;
    if let Some(original) = matches.iter().find(|m| m.category_id == lead.category_id && m.duplicate_of.is_none()) {
        actions::mark_duplicate(db, actor, lead.id, lead.version, original.id).await?;
        return Ok(Created { id: lead.id, duplicate_of: Some(original.id) });
    }
    Ok(Created { id: lead.id, duplicate_of: None })
}

/// The longest `Idempotency-Key` kept.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

/// What a claimed key holds until its lead is created.
const PENDING: &str = "pending";

/// `POST /api/v1/leads`: with an idempotency key, a retry answers the first call's result and
/// creates nothing (`true` = replayed). The key is claimed before the lead is created, so two
/// concurrent calls with one key create one lead; the second, while the first is still running,
/// gets `Conflict` and retries.
pub async fn api_create(db: &Db, caller: &Caller, key: Option<&str>, draft: LeadDraft) -> Result<(Created, bool)> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok((create_matched(db, &caller.user, draft).await?, false));
    };
    if key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(AppError::invalid("idempotency_key", Invalid::TooLong).into());
    }
    let claimed = with_pool!(db, pool => sqlx::query(
        "INSERT INTO api_idempotency (token_id, key, response, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(caller.token_id)
    .bind(key)
    .bind(PENDING)
    .bind(now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed == 0 {
        let stored: String = with_pool!(db, pool => sqlx::query_scalar("SELECT response FROM api_idempotency WHERE token_id = $1 AND key = $2")
            .bind(caller.token_id)
            .bind(key)
            .fetch_one(pool)
            .await)?;
        return match serde_json::from_str::<Created>(&stored) {
            Ok(done) => Ok((done, true)),
            Err(_) => Err(AppError::Conflict { current_version: 0 }.into()),
        };
    }
    let release = |db: Db, key: String| async move {
        let _ = with_pool!(db, pool => sqlx::query("DELETE FROM api_idempotency WHERE token_id = $1 AND key = $2")
            .bind(caller.token_id)
            .bind(&key)
            .execute(pool)
            .await
            .map(|_| ()));
    };
    let created = match create_matched(db, &caller.user, draft).await {
        Ok(c) => c,
        Err(e) => {
            // A refused lead leaves the key free for the corrected retry.
            release(db.clone(), key.to_string()).await;
            return Err(e);
        }
    };
    let response = serde_json::to_string(&created).map_err(|e| crate::Error::Config(e.to_string()))?;
    with_pool!(db, pool => sqlx::query("UPDATE api_idempotency SET response = $1 WHERE token_id = $2 AND key = $3")
        .bind(&response)
        .bind(caller.token_id)
        .bind(key)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok((created, false))
}

/// The most leads one page of `GET /api/v1/leads` holds.
pub const MAX_PAGE: i64 = 200;

/// A page of the `GET /api/v1/leads` list.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiPage {
    pub leads: Vec<Lead>,
    /// The cursor of the next page; none on the last.
    pub next: Option<Id>,
    /// Every lead the filter shows the caller, on every page, counted as the app's list counts
    /// them (`domain::count`: to 10,000, a search to 1,000).
    pub total: Count,
}

/// A page of the leads the filter shows the caller, in id order after `after`, with the cursor of
/// the next page and the total.
pub async fn api_list(db: &Db, actor: &User, filter: &LeadFilter, after: Option<Id>, limit: i64) -> Result<ApiPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let (mut w, _) = visible(db, actor, filter).await?;
    let total = count_up_to(db, &w, filter.count_cap()).await?;
    if let Some(after) = after {
        w.with("l.id > {}", Bind::Int(after));
    }
    let sql = format!("SELECT l.* FROM leads l WHERE {} ORDER BY l.id LIMIT {}", w.sql(), limit + 1);
    let mut page = leads::query_leads(db, &sql, &w.binds).await?;
    let next = if page.len() as i64 > limit {
        page.truncate(limit as usize);
        page.last().map(|lead| lead.id)
    } else {
        None
    };
    Ok(ApiPage { leads: page, next, total })
}

/// A call reported by telephony.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallReport {
    pub phone: String,
    /// `incoming` or `outgoing`.
    pub direction: String,
    pub started_at: DateTime<Utc>,
    pub duration_secs: i64,
    pub recording_url: Option<String>,
    /// The login of the user who talked, when telephony knows it.
    pub user: Option<String>,
}

/// What logging a call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLogged {
    /// The leads whose timelines got the call.
    pub lead_ids: Vec<Id>,
    /// The lead created for an unknown number, when the school asks for that.
    pub created_lead: Option<Id>,
}

/// The longest call kept: a day.
pub const MAX_CALL_SECS: i64 = 86_400;

/// Logs a call on every lead with the phone (not duplicates); an unknown number creates a lead in
/// the first stage when the school's setting says so, else answers no leads.
pub async fn log_call(db: &Db, caller: &Caller, call: &CallReport) -> Result<CallLogged> {
    let phone = Phone::parse(&call.phone).map_err(|_| AppError::invalid("phone", Invalid::Phone))?;
    if !matches!(call.direction.as_str(), "incoming" | "outgoing") {
        return Err(AppError::invalid("direction", Invalid::NotFound).into());
    }
    if !(0..=MAX_CALL_SECS).contains(&call.duration_secs) {
        return Err(AppError::invalid("duration_secs", Invalid::OutOfRange).into());
    }
    if let Some(url) = &call.recording_url {
        let ok = url.len() <= 2000 && url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            return Err(AppError::invalid("recording_url", Invalid::NotFound).into());
        }
    }
    if call.started_at > now() + chrono::Duration::minutes(5) {
        return Err(AppError::invalid("started_at", Invalid::DateInFuture).into());
    }
    let author = match &call.user {
        Some(login) => users::list_users(db)
            .await?
            .into_iter()
            .find(|u| &u.login == login && u.active)
            .ok_or_else(|| AppError::invalid("user", Invalid::NotFound))?,
        None => caller.user.clone(),
    };
    let mut lead_ids: Vec<Id> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM leads WHERE (phone = $1 OR extra_phone = $1) AND duplicate_of IS NULL ORDER BY id",
    )
    .bind(phone.as_str())
    .fetch_all(pool)
    .await)?;
    let mut created_lead = None;
    if lead_ids.is_empty() && settings::settings_or_default(db).await?.calls_create_leads {
        let first = stages::list_stages(db).await?.first().map(|s| s.id);
        let draft = LeadDraft { first_name: phone.display(), phone: phone.as_str().to_string(), stage_id: first, ..LeadDraft::default() };
        let lead = leads::create_lead(db, &caller.user, draft).await?;
        created_lead = Some(lead.id);
        lead_ids.push(lead.id);
    }
    let event = TimelineEvent::Call {
        direction: call.direction.clone(),
        duration_secs: call.duration_secs,
        recording_url: call.recording_url.clone(),
        outcome: None,
    };
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for id in &lead_ids {
            crate::timeline::write(&mut tx.conn(), *id, Some(author.id), &event, call.started_at).await?;
        }
        tx.commit().await?;
    });
    tracing::info!(token = caller.token_id, leads = lead_ids.len(), created = ?created_lead, "call logged");
    Ok(CallLogged { lead_ids, created_lead })
}
