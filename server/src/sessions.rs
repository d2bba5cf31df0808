//! Sign-in sessions live in the same database as everything else (tower-sessions' sqlx stores;
//! their table comes with our migrations, `0002_sessions.sql`).

use async_trait::async_trait;
use backend::db::Pool;
use backend::Db;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of whichever database Voronka runs on.
#[derive(Clone, Debug)]
pub enum SessionStoreDb {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStoreDb {
    pub fn new(db: &Db) -> Self {
        match &db.pool {
            Pool::Sqlite(pool) => SessionStoreDb::Sqlite(SqliteStore::new(pool.clone())),
            Pool::Postgres(pool) => SessionStoreDb::Postgres(PostgresStore::new(pool.clone())),
        }
    }

    /// Removes expired sessions every few minutes, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let every = Duration::from_secs(300);
            let result = match store {
                SessionStoreDb::Sqlite(s) => s.continuously_delete_expired(every).await,
                SessionStoreDb::Postgres(s) => s.continuously_delete_expired(every).await,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "session cleanup stopped");
            }
        });
    }
}

#[async_trait]
impl SessionStore for SessionStoreDb {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            SessionStoreDb::Sqlite(s) => s.create(record).await,
            SessionStoreDb::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            SessionStoreDb::Sqlite(s) => s.save(record).await,
            SessionStoreDb::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            SessionStoreDb::Sqlite(s) => s.load(id).await,
            SessionStoreDb::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            SessionStoreDb::Sqlite(s) => s.delete(id).await,
            SessionStoreDb::Postgres(s) => s.delete(id).await,
        }
    }
}
