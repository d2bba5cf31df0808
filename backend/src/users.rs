//! Users: creation, lookup and signing in.

use crate::auth::{hash_password, verify_password, LoginThrottle};
use crate::db::{Db, WritePool};
use crate::error::{Error, Result};
use crate::rows::{now, UserRow, USER_COLUMNS};
use crate::with_pool;
use domain::error::Invalid;
use domain::user::{NewUser, User};
use domain::{AppError, Id};

/// Creates a user after validating; a taken login is a validation error on `login`.
pub async fn create_user(db: &Db, new: NewUser) -> Result<User> {
    let new = new.normalise();
    new.validate()?;
    let hash = hash_password(new.password.clone()).await?;
    let sql = format!(
        "INSERT INTO users (login, display_name, role, password_hash, active, lang, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5, $6) RETURNING {USER_COLUMNS}"
    );
    let inserted: Result<UserRow> = with_pool!(db, pool => {
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(&new.login)
            .bind(&new.display_name)
            .bind(new.role.as_str())
            .bind(&hash)
            .bind(new.lang.as_str())
            .bind(now())
            .fetch_one(pool)
            .await
            .map_err(Error::from)
    });
    match inserted {
        Ok(row) => Ok(row.into()),
        Err(e) if e.is_unique_violation() => Err(AppError::invalid("login", Invalid::Taken).into()),
        Err(e) => Err(e),
    }
}

pub async fn get_user(db: &Db, id: Id) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = with_pool!(db, pool => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(User::from))
}

pub async fn list_users(db: &Db) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY display_name, id");
    let rows = with_pool!(db, pool => sqlx::query_as::<_, UserRow>(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub async fn set_language(db: &Db, user_id: Id, lang: domain::user::Lang) -> Result<()> {
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2").bind(lang.as_str()).bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

/// Checks a login and password. Unknown logins, wrong passwords and inactive users all answer
/// `BadCredentials` (after the same argon2 work), so logins cannot be probed. `address` is the
/// client's IP, throttled separately with a higher limit.
pub async fn sign_in(db: &Db, throttle: &LoginThrottle, login: &str, password: &str, address: &str) -> Result<User> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(AppError::invalid("login", Invalid::Required).into());
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", Invalid::Required).into());
    }
    let login_key = format!("login:{login}");
    let address_key = format!("ip:{address}");
    throttle.check(&[&login_key])?;
    throttle.check_address(&address_key)?;
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login = $1");
    let found: Option<(UserRow, String)> = with_pool!(db, pool => {
        use sqlx::Row;
        let row = sqlx::query(&sql).bind(&login).fetch_optional(pool).await?;
        match row {
            Some(row) => {
                let user = <UserRow as sqlx::FromRow<_>>::from_row(&row)?;
                Some((user, row.try_get::<String, _>("password_hash")?))
            }
            None => None,
        }
    });
    let (user, hash) = match found {
        Some((row, hash)) => (Some(User::from(row)), Some(hash)),
        None => (None, None),
    };
    let ok = verify_password(password.to_string(), hash).await;
    match user {
        Some(user) if ok && user.active => {
            throttle.succeeded(&login_key);
            Ok(user)
        }
        _ => {
            throttle.failed(&[&login_key, &address_key]);
            Err(AppError::BadCredentials.into())
        }
    }
}
