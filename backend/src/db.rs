//! The connection to SQLite or PostgreSQL, chosen at run time from `DATABASE_URL`.

use crate::error::{Error, Result};
use crate::events::EventBus;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions as _, PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// The school's database: one pool of whichever kind, and the bus that tells open boards about
/// changes.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: Pool,
    pub events: EventBus,
    /// Stages and rules as last read (see `config`).
    pub config: std::sync::Arc<crate::config::ConfigCache>,
    /// PostgreSQL's word grams common enough to skip counting them (see `search_stats`).
    pub common_grams: std::sync::Arc<crate::search_stats::CommonGrams>,
}

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same block against either pool: `with_pool!(db, pool => query.fetch_one(pool).await)`.
/// Each arm is compiled for its own database, so row decoding stays fully typed.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// Starting a write transaction. SQLite needs `BEGIN IMMEDIATE`: a deferred transaction that
/// reads first and writes later fails with SQLITE_BUSY under concurrent writers instead of
/// waiting for the lock.
pub trait WritePool {
    type Database: sqlx::Database;
    fn begin_write(&self) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Database>>> + Send;

    /// A connection of its own for one long write transaction (an import; begin it with
    /// [`WriteConnection::begin_write`]). On SQLite its page cache holds
    /// [`SQLITE_BULK_CACHE_MIB`]: with the default 2 MiB a large transaction writes its changed
    /// pages out to the log and reads them back again and again. It is closed when dropped rather
    /// than returned to the pool, which gives the memory back.
    fn bulk_connection(&self) -> impl std::future::Future<Output = Result<sqlx::pool::PoolConnection<Self::Database>>> + Send;
}

/// SQLite's page cache on a [`WritePool::bulk_connection`]. On the benchmark's machine a
/// 100,000-row import took 54 s with the default 2 MiB, 40 s with 64 MiB, and 31 s with 256 MiB
/// but a peak resident memory over its 300 MB target.
pub const SQLITE_BULK_CACHE_MIB: u32 = 128;

/// FTS5's own tables, which it reads and writes with statements of its own, each by a row id or
/// a key. With statistics taken while they were nearly empty (a new school's first `ANALYZE`
/// saw two rows in `leads_words_data`) the planner scanned the whole table for FTS5's
/// `DELETE … WHERE id >= ? AND id <= ?`, once for each segment a merge removes: creating a lead
/// took 1.3 s whenever FTS5 merged sixteen small segments at 300,000 leads (bench/RESULTS.md,
/// session 32). With none, SQLite takes a table to be large and seeks.
pub const FTS5_SHADOW_TABLES: [&str; 8] = [
    "leads_fts_data",
    "leads_fts_idx",
    "leads_fts_docsize",
    "leads_fts_config",
    "leads_words_data",
    "leads_words_idx",
    "leads_words_docsize",
    "leads_words_config",
];

/// Rows an SQLite connection's thread may read ahead of the request taking them: more than a
/// board's first pages (13 columns of 50 cards), so a board is read without stopping.
const SQLITE_ROW_BUFFER: usize = 1_024;

impl WritePool for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn bulk_connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        let mut conn = self.acquire().await?;
        conn.close_on_drop();
        // A negative cache size is in KiB.
        sqlx::query(&format!("PRAGMA cache_size = -{}", SQLITE_BULK_CACHE_MIB * 1024)).execute(&mut *conn).await?;
        Ok(conn)
    }
}

impl WritePool for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.begin().await?)
    }

    async fn bulk_connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>> {
        Ok(self.acquire().await?)
    }
}

/// Starting a write transaction on a connection taken from the pool (see [`WritePool`]).
pub trait WriteConnection {
    type Database: sqlx::Database;
    fn begin_write(&mut self) -> impl std::future::Future<Output = Result<sqlx::Transaction<'_, Self::Database>>> + Send;
}

impl WriteConnection for sqlx::pool::PoolConnection<sqlx::Sqlite> {
    type Database = sqlx::Sqlite;
    async fn begin_write(&mut self) -> Result<sqlx::Transaction<'_, sqlx::Sqlite>> {
        Ok(sqlx::Connection::begin_with(&mut **self, "BEGIN IMMEDIATE").await?)
    }
}

impl WriteConnection for sqlx::pool::PoolConnection<sqlx::Postgres> {
    type Database = sqlx::Postgres;
    async fn begin_write(&mut self) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
        Ok(sqlx::Connection::begin(&mut **self).await?)
    }
}

/// After an `UPDATE … WHERE id = ? AND version = ?` changed no row, inside the transaction `tx`: a
/// `Conflict` naming the row's current version, or `NotFound` when the row is gone.
macro_rules! stale_or_gone {
    ($tx:ident, $table:literal, $id:expr) => {{
        let current: Option<i64> =
            sqlx::query_scalar(concat!("SELECT version FROM ", $table, " WHERE id = $1")).bind($id).fetch_optional(&mut *$tx).await?;
        current.map(|v| domain::AppError::Conflict { current_version: v }).unwrap_or(domain::AppError::NotFound)
    }};
}
pub(crate) use stale_or_gone;

/// An open write transaction's connection of either database, for steps shared by several
/// services (a task insert, a timeline entry, the automation rules) that must run inside the
/// caller's transaction. Get one with [`AsConn::conn`] inside a [`with_pool!`] block.
pub enum Conn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

pub trait AsConn {
    fn conn(&mut self) -> Conn<'_>;
}

impl AsConn for sqlx::Transaction<'_, sqlx::Sqlite> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Sqlite(self)
    }
}

impl AsConn for sqlx::Transaction<'_, sqlx::Postgres> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Postgres(self)
    }
}

/// Runs the same block against either connection of a [`Conn`]:
/// `with_conn!(conn, c => query.execute(&mut *c).await)`.
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(c) => {
                let $c: &mut sqlx::SqliteConnection = c;
                $body
            }
            $crate::db::Conn::Postgres(c) => {
                let $c: &mut sqlx::PgConnection = c;
                $body
            }
        }
    };
}
pub(crate) use with_conn;

pub const DEFAULT_URL: &str = "sqlite://voronka.db";

/// Pooled connections to an SQLite file: readers run side by side in WAL mode, writers queue.
pub const SQLITE_CONNECTIONS: u32 = 8;
/// Pooled connections to PostgreSQL. More run more statements at once than the cores can, each
/// slower: with the server and PostgreSQL on two cores, 200 people arriving within three seconds
/// had a p99 of 197 ms with 32 connections, 84 with 24, and 51–59 with 16 (8: 79). A larger
/// database host takes `--db-connections`.
pub const POSTGRES_CONNECTIONS: u32 = 16;

/// How many connections a pool holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolSize {
    /// At most this many; the database's default ([`SQLITE_CONNECTIONS`],
    /// [`POSTGRES_CONNECTIONS`]) when not given.
    pub max: Option<u32>,
    /// Kept open even when idle (up to `max`). A server keeps some warm: after a quiet spell the
    /// morning's first burst of boards would otherwise wait for new PostgreSQL processes and
    /// their cold caches. Tools and tests keep none.
    pub warm: u32,
}

/// Which database a URL names, checked before any connection is tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `read_only` from `?mode=ro`: a copy to read from (reports, a restored backup to inspect).
    Sqlite {
        path: String,
        read_only: bool,
    },
    Postgres(String),
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let (path, query) = path.split_once('?').unwrap_or((path, ""));
            if path.is_empty() {
                return Err(Error::Config(format!("DATABASE_URL {url:?} names no file: use sqlite://PATH, e.g. {DEFAULT_URL}")));
            }
            let read_only = match query {
                "" | "mode=rwc" | "mode=rw" => false,
                "mode=ro" => true,
                other => return Err(Error::Config(format!("DATABASE_URL: unknown SQLite option {other:?}; only mode=ro is understood"))),
            };
            return Ok(DbUrl::Sqlite { path: path.to_string(), read_only });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|e| Error::Config(format!("DATABASE_URL is not a valid PostgreSQL URL: {e}")))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(Error::Config("DATABASE_URL names no PostgreSQL host".into()));
            }
            return Ok(DbUrl::Postgres(url.to_string()));
        }
        Err(Error::Config(format!("DATABASE_URL must start with sqlite:// or postgres://, got {:?}", redact(url))))
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Db {
    /// Connects (creating an SQLite file when missing) and checks the database answers.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_with(url, PoolSize::default()).await
    }

    /// [`Db::connect`] with a chosen pool size.
    pub async fn connect_with(url: &str, size: PoolSize) -> Result<Db> {
        let pool = match DbUrl::parse(url)? {
            DbUrl::Sqlite { path, read_only } => {
                let mut options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                    .map_err(|e| Error::Config(format!("DATABASE_URL: {e}")))?
                    .read_only(read_only)
                    .create_if_missing(!read_only);
                // Switching to WAL is a write; a read-only file keeps the mode it has.
                if !read_only {
                    options = options.journal_mode(SqliteJournalMode::Wal);
                }
                // sqlx hands each row from the connection's own thread over a channel. At its
                // default of 50 rows, a board's 650 cards kept that thread stopping for the next
                // free place and being woken a row at a time: under 200 users a third of the
                // server's time went to switching threads.
                let options = options
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .row_buffer_size(SQLITE_ROW_BUFFER);
                let max = size.max.unwrap_or(SQLITE_CONNECTIONS);
                let pool = SqlitePoolOptions::new()
                    .max_connections(max)
                    .min_connections(size.warm.min(max))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| Error::Config(format!("cannot open SQLite database {path}: {e}")))?;
                Pool::Sqlite(pool)
            }
            DbUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(&url).map_err(|e| Error::Config(format!("DATABASE_URL: {e}")))?;
                // Each request runs on one core. A parallel plan's workers do not stop at a LIMIT
                // promptly: a searched list's count to a thousand took 46 ms with two workers and
                // 9 ms without, and under load the workers take cores other requests need.
                let options = options.options([("max_parallel_workers_per_gather", "0")]);
                // One direct connection first: the pool would only say it timed out, this says why.
                let probe = tokio::time::timeout(Duration::from_secs(5), options.connect())
                    .await
                    .map_err(|_| Error::Config(format!("cannot connect to PostgreSQL at {}: no answer within 5 s", redact(&url))))?
                    .map_err(|e| Error::Config(format!("cannot connect to PostgreSQL at {}: {e}", redact(&url))))?;
                let _ = sqlx::Connection::close(probe).await;
                let max = size.max.unwrap_or(POSTGRES_CONNECTIONS);
                let pool = PgPoolOptions::new()
                    .max_connections(max)
                    .min_connections(size.warm.min(max))
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(|e| Error::Config(format!("cannot connect to PostgreSQL at {}: {e}", redact(&url))))?;
                Pool::Postgres(pool)
            }
        };
        Ok(Db { pool, events: EventBus::default(), config: Default::default(), common_grams: Default::default() })
    }

    /// Applies the migrations of this database's dialect.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        crate::search::rebuild_words(self).await?;
        crate::search::backfill(self).await?;
        self.optimize().await
    }

    /// Keeps the query planner's statistics current. SQLite gathers none on its own: without them
    /// it may count a column's leads through the wrong index. A school that was never analysed
    /// (a new or imported one) gets `ANALYZE`; after that `PRAGMA optimize` re-analyses only the
    /// tables whose size changed much. `analysis_limit` samples each index, so either takes well
    /// under a second even at a million leads. PostgreSQL's autovacuum does this by itself.
    ///
    /// Two things more, in the same transaction. FTS5's own tables keep no statistics (see
    /// [`FTS5_SHADOW_TABLES`]). And every open connection is made to load the new statistics:
    /// SQLite reads them with the schema, and a connection keeps its schema, and the plans of
    /// the statements it has prepared, until the schema changes. A view made and dropped again
    /// changes it. Without that the pool's connections planned with the statistics they were
    /// opened with until they closed, the server's for its whole life.
    pub async fn optimize(&self) -> Result<()> {
        if let Pool::Sqlite(pool) = &self.pool {
            let mut tx = WritePool::begin_write(pool).await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *tx).await?;
            let analysed: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetch_optional(&mut *tx).await?;
            let leads_analysed = match analysed {
                Some(_) => {
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'leads'").fetch_one(&mut *tx).await? > 0
                }
                None => false,
            };
            let sql = if leads_analysed { "PRAGMA optimize = 0x10002" } else { "ANALYZE" };
            sqlx::query(sql).execute(&mut *tx).await?;
            let shadow = FTS5_SHADOW_TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
            let stat_tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sqlite_stat1', 'sqlite_stat4')")
                    .fetch_all(&mut *tx)
                    .await?;
            for stat in stat_tables {
                sqlx::query(&format!("DELETE FROM {stat} WHERE tbl IN ({shadow})")).execute(&mut *tx).await?;
            }
            sqlx::query("CREATE VIEW voronka_statistics_reload AS SELECT 1").execute(&mut *tx).await?;
            sqlx::query("DROP VIEW voronka_statistics_reload").execute(&mut *tx).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    pub fn dialect(&self) -> crate::filter::Dialect {
        match self.pool {
            Pool::Sqlite(_) => crate::filter::Dialect::Sqlite,
            Pool::Postgres(_) => crate::filter::Dialect::Postgres,
        }
    }

    /// Connections the pool holds open now, idle or in use.
    pub fn open_connections(&self) -> u32 {
        match &self.pool {
            Pool::Sqlite(p) => p.size(),
            Pool::Postgres(p) => p.size(),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A trivial round trip, for `/health`.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_before_connecting() {
        assert_eq!(DbUrl::parse("sqlite://voronka.db").unwrap(), DbUrl::Sqlite { path: "voronka.db".into(), read_only: false });
        assert_eq!(DbUrl::parse("sqlite:///var/lib/v.db").unwrap(), DbUrl::Sqlite { path: "/var/lib/v.db".into(), read_only: false });
        assert_eq!(DbUrl::parse("sqlite://v.db?mode=ro").unwrap(), DbUrl::Sqlite { path: "v.db".into(), read_only: true });
        assert!(DbUrl::parse("sqlite://v.db?cache=shared").unwrap_err().to_string().contains("only mode=ro"));
        assert!(matches!(DbUrl::parse("postgres://u:p@127.0.0.1/db"), Ok(DbUrl::Postgres(_))));
        for bad in ["", "mysql://x", "sqlite://", "postgres://", "voronka.db"] {
            assert!(matches!(DbUrl::parse(bad), Err(Error::Config(_))), "{bad}");
        }
        assert!(!format!("{}", DbUrl::parse("mysql://u:secret@h/db").unwrap_err()).contains("secret"));
    }
}
