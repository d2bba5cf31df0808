//! API tokens (owner and director): created with a name and scopes, the secret shown once and
//! stored as its SHA-256 (a random 256-bit token needs no slow hash: nothing to guess), revoked,
//! and their last use recorded. A token acts as the user who created it.

use crate::db::Db;
use crate::error::Result;
use crate::rows::now;
use crate::{settings, users, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::api::{Scope, TokenView};
use domain::error::Invalid;
use domain::user::User;
use domain::{AppError, Id};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every token starts so, which makes a leaked one easy to recognise (and to grep for).
pub const PREFIX: &str = "vrk_";

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

async fn manage(db: &Db, actor: &User) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::ManageTokens, visibility)?;
    Ok(())
}

/// Creates a token; answers its id and the secret, which is never shown again.
pub async fn create(db: &Db, actor: &User, name: &str, scopes: &[Scope]) -> Result<(Id, String)> {
    manage(db, actor).await?;
    let name = domain::config::checked_name("name", name)?;
    if scopes.is_empty() {
        return Err(AppError::invalid("scopes", Invalid::Required).into());
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("{PREFIX}{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let id: Id = with_pool!(db, pool => sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&name)
    .bind(hash(&secret))
    .bind(Scope::join(scopes))
    .bind(actor.id)
    .bind(now())
    .fetch_one(pool)
    .await)?;
    tracing::info!(token = id, by = actor.id, scopes = %Scope::join(scopes), "API token created");
    Ok((id, secret))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Id,
    name: String,
    scopes: String,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

pub async fn list(db: &Db, actor: &User) -> Result<Vec<TokenView>> {
    manage(db, actor).await?;
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT t.id, t.name, t.scopes, u.display_name AS created_by, t.created_at, t.last_used_at, t.revoked_at \
         FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| TokenView {
            id: r.id,
            name: r.name,
            scopes: r.scopes.split(',').filter_map(Scope::parse).collect(),
            created_by: r.created_by,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked: r.revoked_at.is_some(),
        })
        .collect())
}

pub async fn revoke(db: &Db, actor: &User, id: Id) -> Result<()> {
    manage(db, actor).await?;
    let changed = with_pool!(db, pool => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(AppError::NotFound.into());
    }
    tracing::info!(token = id, by = actor.id, "API token revoked");
    Ok(())
}

/// A request's token, checked: not revoked, its creator still active and still allowed to manage
/// tokens. Records the use.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: Id,
    pub scopes: Vec<Scope>,
    /// Who the token acts as.
    pub user: User,
}

impl Caller {
    pub fn require(&self, scope: Scope) -> std::result::Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Answers `Unauthorized` for an unknown, revoked or orphaned token.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Caller> {
    if !secret.starts_with(PREFIX) {
        return Err(AppError::Unauthorized.into());
    }
    let row: Option<(Id, String, Option<Id>)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, scopes, created_by FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash(secret))
    .fetch_optional(pool)
    .await)?;
    let (token_id, scopes, created_by) = row.ok_or(AppError::Unauthorized)?;
    let user = match created_by {
        Some(id) => users::get_user(db, id).await?,
        None => None,
    };
    let user = user.filter(|u| u.active).ok_or(AppError::Unauthorized)?;
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(&user, Action::ManageTokens, visibility).map_err(|_| AppError::Unauthorized)?;
    with_pool!(db, pool => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now()).bind(token_id).execute(pool).await.map(|_| ()))?;
    Ok(Caller { token_id, scopes: scopes.split(',').filter_map(Scope::parse).collect(), user })
}
