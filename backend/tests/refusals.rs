//! A database that takes no writes — read-only, or its disk full — gives a clear error that says
//! nothing was saved, while reading goes on; on both databases.

use backend::testing::{pg_admin_url, set_up};
use backend::{both, leads, stages, with_pool, Db};
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::AppError;

async fn draft(db: &Db, name: &str) -> LeadDraft {
    let stage = stages::list_stages(db).await.unwrap()[0].id;
    LeadDraft { first_name: name.into(), stage_id: Some(stage), note: "заметка ".repeat(200), ..LeadDraft::default() }
}

/// The same database opened again, read-only.
async fn read_only_twin(db: &Db) -> Db {
    match &db.pool {
        backend::db::Pool::Sqlite(pool) => {
            let (_, _, file): (i64, String, String) = sqlx::query_as("PRAGMA database_list").fetch_one(pool).await.unwrap();
            Db::connect(&format!("sqlite://{file}?mode=ro")).await.unwrap()
        }
        backend::db::Pool::Postgres(pool) => {
            let name: String = sqlx::query_scalar("SELECT current_database()").fetch_one(pool).await.unwrap();
            sqlx::query(&format!("ALTER DATABASE {name} SET default_transaction_read_only = on")).execute(pool).await.unwrap();
            let mut url = url::Url::parse(&pg_admin_url()).unwrap();
            url.set_path(&name);
            Db::connect(url.as_str()).await.unwrap()
        }
    }
}

both!(a_read_only_database_refuses_writes_clearly, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    leads::create_lead(&db, &owner, draft(&db, "До").await).await.unwrap();
    let twin = read_only_twin(&db).await;
    let refused = leads::create_lead(&twin, &owner, draft(&twin, "После").await).await.unwrap_err();
    assert_eq!(AppError::from(refused), AppError::StorageUnavailable);
    // Reading still works, and nothing was half-written.
    let visible = backend::list::list_leads(&twin, &owner, &Default::default(), &Default::default(), None).await.unwrap();
    assert_eq!(visible.total.value, 1);
    twin.close().await;
});

#[tokio::test]
async fn a_full_disk_refuses_writes_clearly() {
    let t = backend::testing::TestDb::new(backend::testing::Kind::Sqlite).await.unwrap();
    let db = t.db.clone();
    let owner = set_up(&db, StagePreset::Simple).await;
    // SQLite's page limit stands in for a full disk: no file may grow past its size now. The
    // limit is per connection, so every connection of the pool gets it.
    with_pool!(&db, pool => {
        let mut held = Vec::new();
        for _ in 0..pool.options().get_max_connections() {
            let mut conn = pool.acquire().await.unwrap();
            let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(&mut *conn).await.unwrap();
            sqlx::query(&format!("PRAGMA max_page_count = {pages}")).execute(&mut *conn).await.unwrap();
            held.push(conn);
        }
    });
    let mut refusal = None;
    for i in 0..200 {
        match leads::create_lead(&db, &owner, draft(&db, &format!("Лид {i}")).await).await {
            Ok(_) => continue,
            Err(e) => {
                refusal = Some(AppError::from(e));
                break;
            }
        }
    }
    assert_eq!(refusal, Some(AppError::StorageUnavailable), "the disk filled up and said so");
    let count: i64 = with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM leads").fetch_one(pool).await).unwrap();
    let entries: i64 =
        with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(DISTINCT lead_id) FROM timeline").fetch_one(pool).await).unwrap();
    assert_eq!(count, entries, "the refused lead left no half");
    t.finish().await;
}
