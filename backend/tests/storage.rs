//! Storage, set-up, users and sign-in, the board and lead creation, on both databases.

use backend::auth::LoginThrottle;
use backend::both;
use backend::testing::{self as common, set_up, user, PASSWORD};
use backend::{board, leads, settings, stages, users};
use domain::error::Invalid;
use domain::filter::LeadFilter;
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::settings::SetupForm;
use domain::stage::StageKind;
use domain::user::{Lang, Role};
use domain::AppError;
use std::time::Duration;

fn app_err(e: backend::Error) -> AppError {
    AppError::from(e)
}

both!(migrations_run_twice_without_harm, |db| async move {
    db.migrate().await.expect("second migrate is a no-op");
    db.ping().await.unwrap();
    assert!(!settings::is_set_up(&db).await.unwrap());
    assert_eq!(settings::get_settings(&db).await.unwrap(), None);
});

both!(set_up_fills_the_school_once, |db| async move {
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    assert_eq!(owner.role, Role::Owner);
    assert_eq!(owner.login, "owner");
    let s = stages::list_stages(&db).await.unwrap();
    assert_eq!(s.len(), 26);
    assert_eq!(s[0].name, "Новый лид");
    assert_eq!(s.iter().find(|x| x.name == "Договор").unwrap().kind, StageKind::Won);
    assert!(s.iter().find(|x| x.name == "Ушёл из офиса").unwrap().requires_reason());
    let d = backend::dictionaries::all(&db).await.unwrap();
    assert_eq!(d.categories.len(), 16);
    assert!(d.categories.iter().any(|c| c.name == "B" && c.active));
    assert!(d.categories.iter().any(|c| c.name == "Tb" && !c.active));
    assert_eq!(d.channels.len(), domain::preset::CHANNELS.len());
    assert_eq!(d.contact_sources.len(), 5);
    assert_eq!(settings::get_settings(&db).await.unwrap().unwrap().name, "Тестовая автошкола");
    assert_eq!(settings::stage_preset(&db).await.unwrap(), Some(StagePreset::DrivingSchoolFull));

    let again = SetupForm {
        school_name: "Другая".into(),
        owner_login: "hacker".into(),
        owner_name: "Х".into(),
        owner_password: PASSWORD.into(),
        preset: StagePreset::Simple,
        timezone: domain::settings::default_timezone(),
    };
    let err = settings::set_up(&db, again, Lang::En).await.unwrap_err();
    assert_eq!(app_err(err), AppError::AlreadySetUp);
    assert_eq!(stages::list_stages(&db).await.unwrap().len(), 26, "nothing written by the refused set-up");
});

both!(simple_preset_and_validation, |db| async move {
    let bad = SetupForm {
        school_name: "".into(),
        owner_login: "o".into(),
        owner_name: "".into(),
        owner_password: "x".into(),
        preset: StagePreset::Simple,
        timezone: domain::settings::default_timezone(),
    };
    assert_eq!(app_err(settings::set_up(&db, bad, Lang::Ru).await.unwrap_err()), AppError::invalid("school_name", Invalid::Required));
    let nowhere = SetupForm {
        school_name: "Школа".into(),
        owner_login: "owner".into(),
        owner_name: "Ольга".into(),
        owner_password: PASSWORD.into(),
        preset: StagePreset::Simple,
        timezone: "Mars/Olympus".into(),
    };
    assert_eq!(app_err(settings::set_up(&db, nowhere, Lang::Ru).await.unwrap_err()), AppError::invalid("timezone", Invalid::Timezone));
    set_up(&db, StagePreset::Simple).await;
    let names: Vec<String> = stages::list_stages(&db).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Первичный контакт", "Ожидает набора", "Зачислен в группу", "Отказ"]);
});

both!(users_are_unique_and_sign_in_is_checked, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "Anna", Role::Sales).await;
    assert_eq!(anna.login, "anna");
    let dup = backend::users::create_user(
        &db,
        domain::user::NewUser {
            login: "ANNA".into(),
            display_name: "Другая Анна".into(),
            role: Role::Sales,
            password: PASSWORD.into(),
            lang: Lang::Ru,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(app_err(dup), AppError::invalid("login", Invalid::Taken));

    let throttle = LoginThrottle::new(3, Duration::from_secs(60));
    let ok = users::sign_in(&db, &throttle, " ANNA ", PASSWORD, "10.0.0.1").await.unwrap();
    assert_eq!(ok.id, anna.id);
    let wrong = users::sign_in(&db, &throttle, "anna", "wrong password", "10.0.0.1").await.unwrap_err();
    assert_eq!(app_err(wrong), AppError::BadCredentials);
    let unknown = users::sign_in(&db, &throttle, "nobody", PASSWORD, "10.0.0.1").await.unwrap_err();
    assert_eq!(app_err(unknown), AppError::BadCredentials);
    for _ in 0..2 {
        let _ = users::sign_in(&db, &throttle, "anna", "wrong", "10.0.0.2").await;
    }
    let locked = users::sign_in(&db, &throttle, "anna", PASSWORD, "10.0.0.3").await.unwrap_err();
    assert!(matches!(app_err(locked), AppError::RateLimited { .. }), "the right password is refused while throttled");

    sqlx_exec(&db, "UPDATE users SET active = FALSE WHERE login = 'owner'").await;
    let inactive = users::sign_in(&db, &LoginThrottle::default(), "owner", PASSWORD, "10.0.0.4").await.unwrap_err();
    assert_eq!(app_err(inactive), AppError::BadCredentials);
    users::set_language(&db, anna.id, Lang::En).await.unwrap();
    assert_eq!(users::get_user(&db, anna.id).await.unwrap().unwrap().lang, Lang::En);
});

async fn sqlx_exec(db: &backend::Db, sql: &str) {
    backend::with_pool!(db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
}

fn draft(name: &str, stage: i64, phone: &str) -> LeadDraft {
    LeadDraft { first_name: name.into(), stage_id: Some(stage), phone: phone.into(), ..LeadDraft::default() }
}

both!(leads_link_persons_and_fill_the_board, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let all = stages::list_stages(&db).await.unwrap();
    let (first, refusal) = (all[0].clone(), all[3].clone());

    let a = leads::create_lead(&db, &sales, draft("Евгений", first.id, "8 (987) 651-22-33")).await.unwrap();
    assert_eq!(a.phone.as_ref().unwrap().as_str(), "+79876512233");
    assert_eq!(a.responsible_id, Some(sales.id), "the creator is responsible by default");
    assert_eq!(a.registrar_id, Some(sales.id));
    assert_eq!(a.version, 1);
    let first_channel = backend::dictionaries::all(&db).await.unwrap().channels[0].id;
    assert_eq!(a.channel_id, first_channel, "the first channel is the default");
    let b = leads::create_lead(&db, &owner, LeadDraft { tags: vec!["#VIP".into()], ..draft("Евгений", first.id, "+79876512233") })
        .await
        .unwrap();
    assert_eq!(a.person_id, b.person_id, "same phone, same person");
    assert_eq!(b.tags, vec!["vip".to_string()]);

    let no_reason = leads::create_lead(&db, &owner, draft("Пётр", refusal.id, "")).await.unwrap_err();
    assert_eq!(app_err(no_reason), AppError::invalid("reason", Invalid::ReasonRequired));
    let with_reason = LeadDraft { stage_reason_id: Some(refusal.reasons[0].id), ..draft("Пётр", refusal.id, "") };
    leads::create_lead(&db, &owner, with_reason).await.unwrap();
    let bad_branch = LeadDraft { branch_id: Some(999), ..draft("Пётр", first.id, "") };
    assert_eq!(app_err(leads::create_lead(&db, &owner, bad_branch).await.unwrap_err()), AppError::invalid("branch_id", Invalid::NotFound));
    let bad_stage = draft("Пётр", 999, "");
    assert_eq!(app_err(leads::create_lead(&db, &owner, bad_stage).await.unwrap_err()), AppError::invalid("stage_id", Invalid::NotFound));
    let bad_phone = draft("Пётр", first.id, "12-34");
    assert_eq!(app_err(leads::create_lead(&db, &owner, bad_phone).await.unwrap_err()), AppError::invalid("phone", Invalid::Phone));

    let board = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    assert_eq!(board.columns.len(), 4);
    assert_eq!(board.columns[0].count.value, 2);
    assert_eq!(board.columns[0].cards.len(), 2);
    assert_eq!(board.columns[0].cards[0].id, b.id, "newest move first");
    assert_eq!(board.columns[0].cards[0].tags, vec!["vip".to_string()]);
    assert_eq!(board.columns[0].cards[1].responsible_initials.as_deref(), Some("SТ"), "Latin S, Cyrillic Т");
    assert_eq!(board.columns[3].count.value, 1);

    // Sales staff see only their own leads when the school says so.
    sqlx_exec(&db, "UPDATE school_settings SET lead_visibility = 'own'").await;
    let mine = board::load_board(&db, &sales, &LeadFilter::default()).await.unwrap();
    assert_eq!(mine.columns.iter().map(|c| c.count.value).sum::<i64>(), 1);
    let everyone = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    assert_eq!(everyone.columns.iter().map(|c| c.count.value).sum::<i64>(), 3);
    let filtered = board::load_board(&db, &owner, &LeadFilter { tags: vec!["vip".into()], ..LeadFilter::default() }).await.unwrap();
    assert_eq!(filtered.columns.iter().map(|c| c.count.value).sum::<i64>(), 1);
});

both!(demo_fills_a_school, |db| async move {
    let summary = backend::demo::generate(&db, 600, 7, None).await.unwrap();
    assert_eq!(summary.leads, 600);
    assert_eq!(summary.logins.len(), 6, "the owner and one user of each other role, plus a second seller");
    for role in Role::ALL {
        assert!(summary.logins.iter().any(|(_, r)| *r == role), "{role:?}");
    }
    let owner = users::sign_in(&db, &LoginThrottle::default(), "admin", &summary.password, "127.0.0.1").await.unwrap();
    let board = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    let shown: i64 = board.columns.iter().map(|c| c.count.value).sum();
    assert!(shown > 300 && shown <= 600, "{shown}");
    assert!(board.columns.iter().all(|c| c.cards.len() as i64 == c.count.value.min(board::PAGE)));
    // Its leads are searchable by name: the demo writes the word indexes too.
    let (id, surname, first): (i64, String, String) =
        backend::with_pool!(&db, pool => sqlx::query_as("SELECT id, surname, first_name FROM leads ORDER BY id DESC LIMIT 1").fetch_one(pool).await)
            .unwrap();
    let (found, _) = backend::search::quick(&db, &owner, &format!("{surname} {first}")).await.unwrap();
    assert!(found.iter().any(|r| r.id == id), "{surname} {first}");
    // A lead created after the demo gets a fresh id (sequences were moved past the data).
    let first = stages::list_stages(&db).await.unwrap()[0].id;
    let lead = leads::create_lead(&db, &owner, draft("После демо", first, "")).await.unwrap();
    assert!(lead.id > 600);
    let again = backend::demo::generate(&db, 10, 1, Some("another password".into())).await.unwrap_err();
    assert!(again.to_string().contains("already holds a school"));
});

#[tokio::test]
async fn sqlite_backup_is_a_complete_copy() {
    let t = common::TestDb::new(common::Kind::Sqlite).await.unwrap();
    backend::demo::generate(&t.db, 50, 3, None).await.unwrap();
    let to = std::env::temp_dir().join(format!("voronka_backup_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&to);
    backend::backup::backup(&t.db, &t.url, &to).await.unwrap();
    let copy = backend::Db::connect(&format!("sqlite://{}", to.display())).await.unwrap();
    let n: i64 = backend::with_pool!(&copy, pool => sqlx::query_scalar("SELECT COUNT(*) FROM leads").fetch_one(pool).await).unwrap();
    assert_eq!(n, 50);
    let again = backend::backup::backup(&t.db, &t.url, &to).await.unwrap_err();
    assert!(again.to_string().contains("already exists"));
    copy.close().await;
    let _ = std::fs::remove_file(&to);
    t.finish().await;
}

/// `serve`'s pool opens its warm connections on its own and keeps no more than its maximum.
#[tokio::test]
async fn a_serving_pool_keeps_its_warm_connections_open() {
    use backend::db::PoolSize;
    use backend::testing::{Kind, TestDb};
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let Some(test) = TestDb::new(kind).await else { continue };
        for (size, want) in [(PoolSize { max: Some(4), warm: 3 }, 3), (PoolSize { max: Some(2), warm: 8 }, 2)] {
            let db = backend::Db::connect_with(&test.url, size).await.unwrap();
            // sqlx opens them in the background: wait for them, a little while at most.
            for _ in 0..100 {
                if db.open_connections() >= want {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            assert_eq!(db.open_connections(), want, "{} with {size:?}", db.backend_name());
            db.close().await;
        }
        test.finish().await;
    }
}

/// PostgreSQL's search indexes keep at most a megabyte of new entries waiting (migration 0017):
/// every search reads the waiting entries through, and at the default 4 MB a week of new leads
/// doubled a phone search's p95 before autovacuum came.
#[tokio::test]
async fn postgres_search_indexes_keep_a_short_pending_list() {
    let Some(t) = common::TestDb::new(common::Kind::Postgres).await else { return };
    let backend::db::Pool::Postgres(pool) = &t.db.pool else { unreachable!("a PostgreSQL test database") };
    for index in ["lead_search_grams", "lead_search_trigrams"] {
        let options: Vec<String> = sqlx::query_scalar("SELECT unnest(reloptions) FROM pg_class WHERE oid = $1::regclass")
            .bind(index)
            .fetch_all(pool)
            .await
            .unwrap();
        assert_eq!(options, ["gin_pending_list_limit=1024"], "{index}");
    }
    t.finish().await;
}

/// How SQLite would run the statement FTS5 removes a merged segment's rows with. Planned from the
/// statistics a new school's first ANALYZE takes (two rows), it scans the whole table.
async fn fts5_delete_plan(conn: &mut sqlx::SqliteConnection) -> String {
    common::sqlite_query_plan(conn, "DELETE FROM leads_words_data WHERE id >= 1 AND id <= 2", &[]).await
}

// SQLite's planner statistics: FTS5's own tables keep none, and a connection opened before they
// were taken plans with the new ones afterwards (see `Db::optimize`).
both!(statistics_reach_every_connection_and_skip_fts5_tables, |db| async move {
    let backend::db::Pool::Sqlite(pool) = &db.pool else { return };
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    leads::create_lead(&db, &owner, LeadDraft { first_name: "Анна".into(), stage_id: Some(stage), ..LeadDraft::default() }).await.unwrap();
    // A connection that keeps the statistics it loaded, as the pool's connections do; another
    // gives FTS5's data table a new school's statistics and changes the schema, and the first
    // loads them at its next statement.
    let mut early = pool.acquire().await.unwrap();
    sqlx::query("SELECT 1 FROM leads LIMIT 1").execute(&mut *early).await.unwrap();
    let mut other = pool.acquire().await.unwrap();
    sqlx::raw_sql(
        "ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl = 'leads_words_data'; INSERT INTO sqlite_stat1 VALUES ('leads_words_data', NULL, '2'); \
         CREATE VIEW load_statistics AS SELECT 1; DROP VIEW load_statistics",
    )
    .execute(&mut *other)
    .await
    .unwrap();
    drop(other);
    sqlx::query("SELECT 1 FROM leads LIMIT 1").execute(&mut *early).await.unwrap();
    assert!(fts5_delete_plan(&mut early).await.starts_with("SCAN"), "the stale statistics are loaded");

    db.optimize().await.unwrap();
    let fts5_rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl LIKE 'leads\\_fts\\_%' ESCAPE '\\' OR tbl LIKE 'leads\\_words\\_%' ESCAPE '\\'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(fts5_rows, 0, "FTS5's tables keep no statistics");
    let leads_rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'leads'").fetch_one(pool).await.unwrap();
    assert!(leads_rows > 0, "the application's tables keep theirs");
    // The early connection notices the changed schema at its next statement and loads them again.
    sqlx::query("SELECT 1 FROM leads LIMIT 1").execute(&mut *early).await.unwrap();
    let after = fts5_delete_plan(&mut early).await;
    assert!(after.starts_with("SEARCH leads_words_data USING INTEGER PRIMARY KEY"), "{after}");
});
