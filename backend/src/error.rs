//! The backend's error: domain errors pass through; storage faults are logged here and reach
//! clients only as `AppError::Internal`, never with database text.

use domain::AppError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    /// A lead the search index cannot hold: a fault in the data, not in what a user typed.
    #[error("search index: {0}")]
    SearchIndex(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when the database refused a write because of a UNIQUE constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// True when the database refused a write because it cannot take one: SQLite's READONLY or
/// FULL, PostgreSQL's read-only transaction or disk full.
fn storage_refused(e: &Error) -> bool {
    let Error::Db(sqlx::Error::Database(db)) = e else { return false };
    if let Some(sqlite) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
        // Extended result codes keep the primary code in the low byte.
        let primary = sqlx::error::DatabaseError::code(sqlite).and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff);
        return matches!(primary, Some(8 | 13));
    }
    matches!(db.code().as_deref(), Some("25006" | "53100"))
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::App(app) => app,
            refused if storage_refused(&refused) => {
                tracing::error!(error = %refused, "the database refused a write: read-only or full");
                AppError::StorageUnavailable
            }
            other => {
                tracing::error!(error = %other, "internal error");
                AppError::Internal
            }
        }
    }
}
