//! Sign-in sessions live in the same database as everything else (tower-sessions' sqlx stores;
//! their table comes with our migrations, `0002_sessions.sql`).
//!
//! Sessions end after a stretch *without requests*, so every request moves the expiry forward —
//! which, written through, would be a database write on every board load. The store remembers
//! what each session held and when its expiry was last written, and writes an unchanged session
//! again only once its expiry has moved by `refresh` (see [`SessionStoreDb::refresh_for`]).

use async_trait::async_trait;
use backend::db::Pool;
use backend::Db;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of whichever database Voronka runs on.
#[derive(Clone, Debug)]
pub struct SessionStoreDb {
    store: Store,
    /// What was last read or written per session: its data and the expiry the database holds.
    written: Arc<Mutex<HashMap<Id, Written>>>,
    refresh: time::Duration,
}

#[derive(Clone, Debug)]
enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

#[derive(Clone, Debug)]
enum Written {
    Live {
        data: SessionData,
        expiry: OffsetDateTime,
    },
    /// Signed out (or ended for a deactivated user): a request that was in flight at the time
    /// must not write the session back. Session ids are never reused (sign-in cycles the id).
    Ended {
        expiry: OffsetDateTime,
    },
}

impl Written {
    fn expiry(&self) -> OffsetDateTime {
        match self {
            Written::Live { expiry, .. } | Written::Ended { expiry } => *expiry,
        }
    }
}

/// A session's values (tower-sessions keeps its own alias private).
type SessionData = HashMap<String, serde_json::Value>;

/// Forgotten entries are pruned when the map has grown by this many since the last pruning.
const PRUNE_EVERY: usize = 256;

impl SessionStoreDb {
    /// A store whose sessions end after `idle` without requests.
    pub fn new(db: &Db, idle: time::Duration) -> Self {
        let store = match &db.pool {
            Pool::Sqlite(pool) => Store::Sqlite(SqliteStore::new(pool.clone())),
            Pool::Postgres(pool) => Store::Postgres(PostgresStore::new(pool.clone())),
        };
        SessionStoreDb { store, written: Arc::default(), refresh: Self::refresh_for(idle) }
    }

    /// How far an unchanged session's expiry may run ahead of the database's copy: a twelfth of
    /// the idle time, at most five minutes. A session may so end up to that much before `idle`
    /// has passed since its last request — never later.
    pub fn refresh_for(idle: time::Duration) -> time::Duration {
        std::cmp::min(idle / 12_i32, time::Duration::minutes(5))
    }

    /// Removes expired sessions every few minutes, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.store.clone();
        tokio::spawn(async move {
            let every = Duration::from_secs(300);
            let result = match store {
                Store::Sqlite(s) => s.continuously_delete_expired(every).await,
                Store::Postgres(s) => s.continuously_delete_expired(every).await,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "session cleanup stopped");
            }
        });
    }

    fn note(&self, id: Id, what: Written) {
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        written.insert(id, what);
        if written.len().is_multiple_of(PRUNE_EVERY) {
            let now = OffsetDateTime::now_utc();
            written.retain(|_, w| w.expiry() > now);
        }
    }

    fn remember(&self, record: &Record) {
        self.note(record.id, Written::Live { data: record.data.clone(), expiry: record.expiry_date });
    }

    /// True when the save would change nothing worth a write: the database holds this data with
    /// an expiry less than `refresh` older, or the session has ended.
    fn needs_no_write(&self, record: &Record) -> bool {
        let written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        match written.get(&record.id) {
            Some(Written::Live { data, expiry }) => {
                *data == record.data && record.expiry_date >= *expiry && record.expiry_date - *expiry < self.refresh
            }
            Some(Written::Ended { .. }) => true,
            None => false,
        }
    }
}

#[async_trait]
impl SessionStore for SessionStoreDb {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match &self.store {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        }?;
        self.remember(record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        if self.needs_no_write(record) {
            return Ok(());
        }
        match &self.store {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        }?;
        self.remember(record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let record = match &self.store {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }?;
        if let Some(record) = &record {
            self.remember(record);
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.note(*id, Written::Ended { expiry: OffsetDateTime::now_utc() + time::Duration::hours(1) });
        match &self.store {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend::both;

    fn record(expiry: OffsetDateTime, user: i64) -> Record {
        let mut data = SessionData::default();
        data.insert("user_id".into(), serde_json::json!(user));
        Record { id: Id::default(), data, expiry_date: expiry }
    }

    async fn stored_expiry(store: &SessionStoreDb, id: &Id) -> OffsetDateTime {
        // A second store reads the database, not the first one's memory.
        let fresh = SessionStoreDb { written: Arc::default(), ..store.clone() };
        fresh.load(id).await.unwrap().expect("the session is stored").expiry_date
    }

    both!(unchanged_sessions_are_written_again_only_after_the_refresh, |db| async move {
        let idle = time::Duration::hours(12);
        let store = SessionStoreDb::new(&db, idle);
        assert_eq!(SessionStoreDb::refresh_for(idle), time::Duration::minutes(5));
        assert_eq!(SessionStoreDb::refresh_for(time::Duration::minutes(6)), time::Duration::seconds(30));
        let start = (OffsetDateTime::now_utc() + idle).replace_nanosecond(0).unwrap();
        let mut session = record(start, 7);
        store.create(&mut session).await.unwrap();
        assert_eq!(stored_expiry(&store, &session.id).await, start);

        // A request a minute later moves the expiry by a minute: not written.
        let minute_later = Record { expiry_date: start + time::Duration::minutes(1), ..session.clone() };
        store.save(&minute_later).await.unwrap();
        assert_eq!(stored_expiry(&store, &session.id).await, start);

        // Six minutes on, it is.
        let later = Record { expiry_date: start + time::Duration::minutes(6), ..session.clone() };
        store.save(&later).await.unwrap();
        assert_eq!(stored_expiry(&store, &session.id).await, later.expiry_date);

        // Changed data is always written, however soon.
        let changed = record(later.expiry_date + time::Duration::seconds(1), 8);
        let changed = Record { id: session.id, ..changed };
        store.save(&changed).await.unwrap();
        let fresh = SessionStoreDb { written: Arc::default(), ..store.clone() };
        assert_eq!(fresh.load(&session.id).await.unwrap().unwrap().data, changed.data);

        // A signed-out session stays signed out: a request that was in flight saves nothing.
        store.delete(&session.id).await.unwrap();
        store.save(&Record { expiry_date: changed.expiry_date + time::Duration::hours(1), ..changed.clone() }).await.unwrap();
        assert!(fresh.load(&session.id).await.unwrap().is_none());
    });
}
