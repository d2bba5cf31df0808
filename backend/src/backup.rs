//! `voronka backup`: a consistent copy of the database while the server keeps serving.

use crate::db::{Db, Pool};
use crate::error::{Error, Result};
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
