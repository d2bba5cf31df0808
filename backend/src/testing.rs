//! Test support for this crate and the server's: a fresh database per test, on SQLite and on
//! PostgreSQL, with fixture helpers. Compiled only with the `testing` feature.
//!
//! PostgreSQL comes from `TEST_POSTGRES_URL` (default: the local server). When it cannot be
//! reached the PostgreSQL half of a test is skipped with a note — unless `CI=true`, where that is
//! a failure.

use crate::Db;
use domain::preset::StagePreset;
use domain::settings::SetupForm;
use domain::user::{Lang, NewUser, Role, User};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

pub fn pg_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    /// A migrated, empty database; `None` when PostgreSQL is unreachable outside CI.
    pub async fn new(kind: Kind) -> Option<TestDb> {
        Self::named(kind, "voronka_test").await
    }

    /// [`TestDb::new`] with names that start with `prefix`. The test script drops PostgreSQL
    /// databases left by interrupted test runs (`voronka_test_*`); the benchmark's schools, kept
    /// for later measurements, are named apart so a test run started meanwhile leaves them be.
    pub async fn named(kind: Kind, prefix: &str) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique(prefix)));
                let url = format!("sqlite://{}", path.display());
                let db = Db::connect(&url).await.expect("open sqlite");
                db.migrate().await.expect("migrate sqlite");
                Some(TestDb { db, url, cleanup: Cleanup::File(path) })
            }
            Kind::Postgres => {
                let admin_url = pg_admin_url();
                let admin = match Db::connect(&admin_url).await {
                    Ok(db) => db,
                    Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
                        eprintln!("SKIPPED on PostgreSQL (not reachable: {e}); set CI=true to make this a failure");
                        return None;
                    }
                    Err(e) => panic!("PostgreSQL is required when CI=true: {e}"),
                };
                let name = unique(prefix);
                let crate::db::Pool::Postgres(pool) = &admin.pool else { unreachable!("admin url is postgres") };
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(pool).await.expect("create test database");
                admin.close().await;
                let mut url = url::Url::parse(&admin_url).expect("admin url");
                url.set_path(&name);
                let url = url.to_string();
                let db = Db::connect(&url).await.expect("connect test database");
                db.migrate().await.expect("migrate postgres");
                Some(TestDb { db, url, cleanup: Cleanup::Database { admin_url, name } })
            }
        }
    }

    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(Db { pool: crate::db::Pool::Postgres(pool), .. }) = Db::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&pool).await;
                    pool.close().await;
                }
            }
        }
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// Sets the school up on the simple preset and returns its owner.
pub async fn set_up(db: &Db, preset: StagePreset) -> User {
    let form = SetupForm {
        school_name: "Тестовая автошкола".into(),
        owner_login: "owner".into(),
        owner_name: "Ольга Владелец".into(),
        owner_password: PASSWORD.into(),
        preset,
        timezone: domain::settings::default_timezone(),
    };
    crate::settings::set_up(db, form, Lang::Ru).await.expect("set up")
}

pub async fn user(db: &Db, login: &str, role: Role) -> User {
    crate::users::create_user(
        db,
        NewUser { login: login.into(), display_name: format!("{login} Тестов"), role, password: PASSWORD.into(), lang: Lang::Ru },
    )
    .await
    .expect("create user")
}

/// Moves a lead's creation time as a hand edit of the database would, then indexes its words
/// again as the next start does: SQLite's word index is keyed by that time (migration 0014).
pub async fn set_created_at(db: &Db, lead: domain::Id, at: chrono::DateTime<chrono::Utc>) {
    crate::with_pool!(db, pool => sqlx::query("UPDATE leads SET created_at = $1 WHERE id = $2").bind(at).bind(lead).execute(pool).await.map(|_| ()))
        .expect("creation time");
    crate::search::backfill(db).await.expect("search backfill");
}

/// Panics unless SQLite's trigram table holds exactly what the leads' search texts hold (FTS5's
/// integrity check against its content table); nothing to check on PostgreSQL, whose trigram
/// index is an ordinary index.
pub async fn assert_trigram_index_matches_leads(db: &Db) {
    if let crate::db::Pool::Sqlite(pool) = &db.pool {
        sqlx::query("INSERT INTO leads_fts (leads_fts, rank) VALUES ('integrity-check', 1)")
            .execute(pool)
            .await
            .expect("the trigram table matches the leads");
    }
}

/// The ids of `filter`'s leads that `user` sees in the list, all on one page of up to a hundred.
pub async fn listed_ids(db: &Db, user: &User, filter: domain::filter::LeadFilter) -> std::collections::HashSet<domain::Id> {
    let view = domain::list::ListView { size: 100, ..domain::list::ListView::default() };
    let page = crate::list::list_leads(db, user, &filter, &view, None).await.expect("list");
    assert_eq!(page.total.value as usize, page.rows.len(), "fixtures fit on one page");
    page.rows.into_iter().map(|r| r.id).collect()
}

/// The ids of the leads the search box shows `user` for `typed`.
pub async fn found_ids(db: &Db, user: &User, typed: &str) -> std::collections::HashSet<domain::Id> {
    crate::search::quick(db, user, typed).await.expect("search").0.into_iter().map(|r| r.id).collect()
}

/// `ids` as a set, to compare with [`listed_ids`] and [`found_ids`].
pub fn id_set(ids: &[domain::Id]) -> std::collections::HashSet<domain::Id> {
    ids.iter().copied().collect()
}

/// Runs `sql` (one or more statements, no binds), panicking on an error.
pub async fn execute(db: &Db, sql: &str) {
    crate::with_pool!(db, pool => sqlx::raw_sql(sql).execute(pool).await.map(|_| ())).expect(sql);
}

/// Whether SQLite's full-text `table` is one segment: a step of `search::merge_segments` finds
/// nothing to merge. Asked in a transaction that is rolled back, so the table stays as it was.
pub async fn fts5_is_one_segment(db: &Db, table: &str) -> bool {
    let crate::db::Pool::Sqlite(pool) = &db.pool else { panic!("FTS5 is SQLite's") };
    let mut tx = pool.begin().await.expect("transaction");
    let merged = crate::search::merge_step(&mut tx, table, 1).await.expect("merge step");
    tx.rollback().await.expect("rollback");
    !merged
}

/// The plan `db` would run `sql` with: SQLite's `EXPLAIN QUERY PLAN` lines, or PostgreSQL's
/// `EXPLAIN` with sequential scans off (tiny test tables make a scan cheapest; this asks whether
/// an index can serve the query at all).
pub async fn query_plan(db: &Db, sql: &str, binds: &[crate::filter::Bind]) -> String {
    match &db.pool {
        crate::db::Pool::Sqlite(pool) => sqlite_query_plan(&mut pool.acquire().await.expect("connection"), sql, binds).await,
        crate::db::Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.expect("transaction");
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.expect("no scans");
            // The search's newest-first walk reads an index that holds the search text too, and
            // reading all of a tiny one looks as cheap as a search index: this asks which search
            // index serves (rolled back with the transaction).
            sqlx::query("DROP INDEX lead_search_newest").execute(&mut *tx).await.expect("drop the walk's index");
            let explain = format!("EXPLAIN {sql}");
            let rows: Vec<(String,)> = crate::bind_all!(sqlx::query_as(&explain), binds).fetch_all(&mut *tx).await.expect("plan");
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n")
        }
    }
}

/// SQLite's `EXPLAIN QUERY PLAN` lines for `sql` on `conn`, prepared afresh: a cached statement
/// keeps the plan it was first prepared with, whatever statistics the connection loaded since.
pub async fn sqlite_query_plan(conn: &mut sqlx::SqliteConnection, sql: &str, binds: &[crate::filter::Bind]) -> String {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let rows: Vec<(i64, i64, i64, String)> =
        crate::bind_all!(sqlx::query_as(&explain), binds).persistent(false).fetch_all(conn).await.expect("plan");
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
}

/// Declares one test body that runs once on SQLite and once on PostgreSQL, each on a fresh
/// database: `both!(name, |db| async move { ... })`.
#[macro_export]
macro_rules! both {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            use super::*;

            async fn run($db: $crate::Db) {
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestDb::new($crate::testing::Kind::Sqlite).await.expect("sqlite is always there");
                run(t.db.clone()).await;
                t.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::testing::TestDb::new($crate::testing::Kind::Postgres).await else { return };
                run(t.db.clone()).await;
                t.finish().await;
            }
        }
    };
}
