//! The school's staff, managed by the owner (`Action::ManageUsers`): create, role, active flag
//! (with the hand-over of a leaving user's leads and open tasks), password reset, language,
//! branch and name. Nobody locks themselves out, and the school always keeps an active owner.

use crate::auth::hash_password;
use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::timeline::entry_json;
use crate::{settings, users, with_pool};
use domain::access::{can, Action};
use domain::config::{StaffMember, UserChange};
use domain::error::Invalid;
use domain::timeline::TimelineEvent;
use domain::user::{validate_password, Role, User};
use domain::{AppError, Id};

pub async fn staff(db: &Db, actor: &User) -> Result<Vec<StaffMember>> {
    manage(db, actor).await?;
    let counts: Vec<(Id, Option<Id>, i64, i64)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT u.id, u.branch_id, \
         (SELECT COUNT(*) FROM leads l WHERE l.responsible_id = u.id AND l.archived = FALSE), \
         (SELECT COUNT(*) FROM tasks t WHERE t.assignee_id = u.id AND t.done_at IS NULL) \
         FROM users u",
    )
    .fetch_all(pool)
    .await)?;
    Ok(users::list_users(db)
        .await?
        .into_iter()
        .map(|user| {
            let (_, branch_id, leads, open_tasks) = counts.iter().find(|c| c.0 == user.id).copied().unwrap_or((user.id, None, 0, 0));
            StaffMember { user, branch_id, leads, open_tasks }
        })
        .collect())
}

async fn manage(db: &Db, actor: &User) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::ManageUsers, visibility)?;
    Ok(())
}

async fn target(db: &Db, id: Id) -> Result<User> {
    users::get_user(db, id).await?.ok_or_else(|| AppError::NotFound.into())
}

async fn active_owners(db: &Db) -> Result<i64> {
    Ok(
        with_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'owner' AND active = TRUE").fetch_one(pool).await)?,
    )
}

pub async fn change_user(db: &Db, actor: &User, change: UserChange) -> Result<()> {
    manage(db, actor).await?;
    match change {
        UserChange::Create(new) => {
            users::create_user(db, new).await?;
        }
        UserChange::SetRole { id, role } => {
            let user = target(db, id).await?;
            let demoting_owner = user.role == Role::Owner && role != Role::Owner;
            if demoting_owner && (id == actor.id || active_owners(db).await? <= 1) {
                return Err(AppError::invalid("role", Invalid::Protected).into());
            }
            exec(db, "UPDATE users SET role = $1 WHERE id = $2", role.as_str(), id).await?;
        }
        UserChange::SetActive { id, active, reassign_to } => set_active(db, actor, id, active, reassign_to).await?,
        UserChange::ResetPassword { id, password } => {
            target(db, id).await?;
            validate_password(&password).map_err(|_| AppError::invalid("password", Invalid::PasswordTooShort))?;
            let hash = hash_password(password).await?;
            exec(db, "UPDATE users SET password_hash = $1 WHERE id = $2", &hash, id).await?;
        }
        UserChange::SetLanguage { id, lang } => {
            target(db, id).await?;
            exec(db, "UPDATE users SET lang = $1 WHERE id = $2", lang.as_str(), id).await?;
        }
        UserChange::SetBranch { id, branch_id } => {
            target(db, id).await?;
            if let Some(branch) = branch_id {
                let found: i64 = with_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM branches WHERE id = $1").bind(branch).fetch_one(pool).await)?;
                if found == 0 {
                    return Err(AppError::invalid("branch_id", Invalid::NotFound).into());
                }
            }
            with_pool!(db, pool => sqlx::query("UPDATE users SET branch_id = $1 WHERE id = $2").bind(branch_id).bind(id).execute(pool).await.map(|_| ()))?;
        }
        UserChange::Rename { id, display_name } => {
            target(db, id).await?;
            let name = domain::config::checked_name("name", &display_name)?;
            exec(db, "UPDATE users SET display_name = $1 WHERE id = $2", &name, id).await?;
        }
    }
    Ok(())
}

async fn exec(db: &Db, sql: &str, value: &str, id: Id) -> Result<()> {
    let rows = with_pool!(db, pool => sqlx::query(sql).bind(value).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    if rows == 0 {
        return Err(AppError::NotFound.into());
    }
    Ok(())
}

/// Switches a user on or off. Off: not oneself, never the last active owner; their leads (each
/// with a "transferred" entry) and open tasks go to `reassign_to` when given, in one transaction,
/// and `reassign_to` gets one notification saying whose and how many.
/// Their session ends with their next request (`current_user` refuses inactive users).
async fn set_active(db: &Db, actor: &User, id: Id, active: bool, reassign_to: Option<Id>) -> Result<()> {
    let user = target(db, id).await?;
    if !active {
        if id == actor.id || (user.role == Role::Owner && user.active && active_owners(db).await? <= 1) {
            return Err(AppError::invalid("active", Invalid::Protected).into());
        }
        if let Some(to) = reassign_to {
            match users::get_user(db, to).await? {
                Some(u) if u.active && u.id != id => {}
                Some(u) if !u.active => return Err(AppError::invalid("reassign_to", Invalid::Inactive).into()),
                _ => return Err(AppError::invalid("reassign_to", Invalid::NotFound).into()),
            }
        }
    }
    let at = now();
    let handed = reassign_to.filter(|_| !active);
    let entry = match handed {
        Some(to) => Some(entry_json(&TimelineEvent::Transferred { from: Some(id), to: Some(to) })?),
        None => None,
    };
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(id).execute(&mut *tx).await?;
        if let (Some(to), Some(entry)) = (handed, &entry) {
            sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) SELECT id, $1, 'transferred', $2, $3 FROM leads WHERE responsible_id = $4")
                .bind(actor.id)
                .bind(entry)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // The notification counts the live leads, which the list it links to shows; archived
            // ones change hands too, so that a restored lead has an active owner.
            let (leads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM leads WHERE responsible_id = $1 AND archived = FALSE")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("UPDATE leads SET responsible_id = $1, updated_at = $2, version = version + 1 WHERE responsible_id = $3")
                .bind(to)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let tasks = sqlx::query("UPDATE tasks SET assignee_id = $1, updated_at = $2, version = version + 1 WHERE assignee_id = $3 AND done_at IS NULL")
                .bind(to)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            crate::notifications::notify_hand_over(&mut tx.conn(), to, id, leads, tasks, at).await?;
        }
        tx.commit().await?;
    });
    tracing::info!(user = id, active, ?handed, by = actor.id, "user active flag changed");
    Ok(())
}
