//! `voronka backup`: a consistent copy of the database while the server keeps serving;
//! `voronka restore`: that copy back in place, with the server stopped.

use crate::db::{Db, DbUrl, Pool};
use crate::error::{Error, Result};
use crate::with_pool;
use std::path::Path;

/// SQLite: `VACUUM INTO`, which reads one snapshot and writes a compact, complete file.
/// PostgreSQL: `pg_dump` in custom format (a snapshot too), restorable with `pg_restore`.
pub async fn backup(db: &Db, database_url: &str, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Error::Config(format!("{} already exists; choose a new file", to.display())));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(Error::Config(format!("folder {} does not exist", dir.display())));
        }
    }
    match &db.pool {
        Pool::Sqlite(pool) => {
            let target = to.to_str().ok_or_else(|| Error::Config("the backup path is not valid UTF-8".into()))?;
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(pool)
                .await
                .map_err(|e| Error::Config(format!("backup to {target} failed: {e}")))?;
        }
        Pool::Postgres(_) => {
            let status = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--file")
                .arg(to)
                .arg(database_url)
                .status()
                .await
                .map_err(|e| Error::Config(format!("cannot run pg_dump (is it installed?): {e}")))?;
            if !status.success() {
                return Err(Error::Config(format!("pg_dump failed with {status}")));
            }
        }
    }
    Ok(())
}

/// Whether the database at `url` already holds a school (a restore would replace it).
async fn holds_a_school(url: &str) -> Result<bool> {
    let db = Db::connect(url).await?;
    let tables: i64 = with_pool!(db, pool => sqlx::query_scalar(match db.dialect() {
        crate::filter::Dialect::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'school_settings'",
        crate::filter::Dialect::Postgres => "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'school_settings'",
    })
    .fetch_one(pool)
    .await)?;
    let held = tables > 0 && crate::settings::is_set_up(&db).await?;
    db.close().await;
    Ok(held)
}

/// Restores a backup written by [`backup`] into the database `url` names. SQLite: the file is
/// checked to be a Voronka database, copied beside the target and renamed over it (the stale WAL
/// removed), so a failure half-way leaves the old database whole. PostgreSQL: `pg_restore --clean`
/// in one transaction. The server must be stopped first.
pub async fn restore(url: &str, from: &Path, replace: bool) -> Result<()> {
    if !from.is_file() {
        return Err(Error::Config(format!("{} is not a file", from.display())));
    }
    let target = DbUrl::parse(url)?;
    let exists = match &target {
        DbUrl::Sqlite { path, .. } => Path::new(path).exists(),
        DbUrl::Postgres(_) => true,
    };
    if exists && !replace && holds_a_school(url).await? {
        return Err(Error::Config("the database already holds a school; pass --replace to overwrite it with the backup".into()));
    }
    match target {
        DbUrl::Sqlite { path, read_only: true } => {
            Err(Error::Config(format!("{path} is opened read-only (mode=ro); cannot restore into it")))
        }
        DbUrl::Sqlite { path, read_only: false } => {
            let not_a_db = |e: Error| Error::Config(format!("{} is not an SQLite database: {e}", from.display()));
            let copy = Db::connect(&format!("sqlite://{}?mode=ro", from.display())).await.map_err(not_a_db)?;
            let ok: String = with_pool!(copy, pool => sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await)
                .map_err(|e| not_a_db(e.into()))?;
            copy.close().await;
            if ok != "ok" {
                return Err(Error::Config(format!("{} is damaged: {ok}", from.display())));
            }
            let staging = format!("{path}.restoring");
            std::fs::copy(from, &staging).map_err(|e| Error::Config(format!("cannot copy {} to {staging}: {e}", from.display())))?;
            for stale in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{stale}"));
            }
            std::fs::rename(&staging, &path).map_err(|e| Error::Config(format!("cannot move {staging} to {path}: {e}")))?;
            Ok(())
        }
        DbUrl::Postgres(url) => {
            let status = tokio::process::Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname"])
                .arg(&url)
                .arg(from)
                .status()
                .await
                .map_err(|e| Error::Config(format!("cannot run pg_restore (is it installed?): {e}")))?;
            if !status.success() {
                return Err(Error::Config(format!("pg_restore failed with {status}; the database is unchanged")));
            }
            Ok(())
        }
    }
}
