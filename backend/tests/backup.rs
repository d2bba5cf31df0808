//! Backup → restore round trips on both databases lose nothing: every table's rows, the leads as
//! exported, every timeline entry, contract and task come back identical. A restore never replaces
//! a school unasked, and refuses a file that is not a database.

use backend::backup::{backup, restore};
use backend::testing::{Kind, TestDb};
use backend::{with_pool, Db};
use domain::filter::LeadFilter;
use domain::user::Role;

/// Everything a school holds, in a comparable form.
async fn fingerprint(db: &Db) -> Vec<String> {
    let tables_sql = match db.dialect() {
        backend::filter::Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'leads_fts%' AND name NOT LIKE 'leads_words%' ORDER BY name"
        }
        backend::filter::Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        }
    };
    let tables: Vec<String> = with_pool!(db, pool => sqlx::query_scalar(tables_sql).fetch_all(pool).await).unwrap();
    let mut out = Vec::new();
    for table in tables.iter().filter(|t| t.as_str() != "_sqlx_migrations") {
        let n: i64 = with_pool!(db, pool => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await).unwrap();
        out.push(format!("{table}: {n}"));
    }
    let owner = backend::users::list_users(db).await.unwrap().into_iter().find(|u| u.role == Role::Owner).unwrap();
    for archived in [false, true] {
        let filter = LeadFilter { archived, ..LeadFilter::default() };
        for row in backend::export::export_table(db, &owner, &filter).await.unwrap() {
            out.push(row.join(";"));
        }
    }
    let timeline: Vec<(i64, String, String)> =
        with_pool!(db, pool => sqlx::query_as("SELECT lead_id, kind, data FROM timeline ORDER BY id").fetch_all(pool).await).unwrap();
    out.extend(timeline.into_iter().map(|(lead, kind, data)| format!("{lead} {kind} {data}")));
    let contracts: Vec<(String, i64, i64)> =
        with_pool!(db, pool => sqlx::query_as("SELECT number, lead_id, price_kopecks FROM contracts ORDER BY id").fetch_all(pool).await)
            .unwrap();
    out.extend(contracts.into_iter().map(|c| format!("{c:?}")));
    let tasks: Vec<(String, i64, Option<i64>)> =
        with_pool!(db, pool => sqlx::query_as("SELECT title, assignee_id, lead_id FROM tasks ORDER BY id").fetch_all(pool).await).unwrap();
    out.extend(tasks.into_iter().map(|t| format!("{t:?}")));
    out
}

async fn school(kind: Kind) -> Option<TestDb> {
    let t = TestDb::new(kind).await?;
    backend::demo::generate(&t.db, 150, 11, Some("demo password".into())).await.unwrap();
    Some(t)
}

#[tokio::test]
async fn sqlite_round_trip_loses_nothing() {
    let original = school(Kind::Sqlite).await.unwrap();
    let before = fingerprint(&original.db).await;
    assert!(before.len() > 300, "the demo school has leads, timelines, contracts and tasks");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("school.backup");
    backup(&original.db, &original.url, &file).await.unwrap();

    let target = dir.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    restore(&url, &file, false).await.unwrap();
    let restored = Db::connect(&url).await.unwrap();
    restored.migrate().await.unwrap();
    assert_eq!(fingerprint(&restored).await, before);
    restored.close().await;

    // A second restore would replace a school: only when asked.
    let refused = restore(&url, &file, false).await.unwrap_err();
    assert!(refused.to_string().contains("--replace"), "{refused}");
    restore(&url, &file, true).await.unwrap();
    let not_a_db = dir.path().join("notes.txt");
    std::fs::write(&not_a_db, "не база данных").unwrap();
    let refused = restore(&url, &not_a_db, true).await.unwrap_err();
    assert!(refused.to_string().contains("not an SQLite database") || refused.to_string().contains("damaged"), "{refused}");
    // The refused restore left the restored school in place.
    let again = Db::connect(&url).await.unwrap();
    assert_eq!(fingerprint(&again).await, before);
    again.close().await;
    original.finish().await;
}

#[tokio::test]
async fn postgres_round_trip_loses_nothing() {
    let Some(original) = school(Kind::Postgres).await else { return };
    let before = fingerprint(&original.db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("school.dump");
    backup(&original.db, &original.url, &file).await.unwrap();

    let target = TestDb::new(Kind::Postgres).await.unwrap();
    restore(&target.url, &file, false).await.unwrap();
    assert_eq!(fingerprint(&target.db).await, before);
    let refused = restore(&target.url, &file, false).await.unwrap_err();
    assert!(refused.to_string().contains("--replace"), "{refused}");
    target.finish().await;
    original.finish().await;
}
