//! The 100,000-row import benchmark (issue 9).

use crate::memory;
use backend::db::{WriteConnection, WritePool};
use backend::import::{self, ImportProgress};
use backend::testing::{set_up, Kind, TestDb};
use backend::{with_pool, Db};
use domain::import::COLUMNS;
use domain::preset::StagePreset;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const TARGET_SECS: f64 = 30.0;
const TARGET_MB: f64 = 300.0;

const FIRST: &[&str] = &["Александр", "Мария", "Дмитрий", "Анна", "Сергей", "Елена", "Иван", "Ольга", "Никита", "Дарья"];
const LAST: &[&str] = &["Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков"];

/// A workbook of `rows` leads in the template's layout: names, unique phones, categories, stages
/// and creation dates as a school's old spreadsheet has them.
pub fn workbook(rows: usize, stages: &[String]) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, (ru, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *ru).expect("header");
    }
    for r in 1..=rows as u32 {
        let cells = [
            (0, LAST.choose(&mut rng).copied().unwrap_or_default().to_string()),
            (1, FIRST.choose(&mut rng).copied().unwrap_or_default().to_string()),
            (3, format!("8 (9{:02}) {:03}-{:02}-{:02}", r % 100, (r / 100) % 1000, (r / 7) % 100, r % 97)),
            (9, if rng.gen_bool(0.8) { "B" } else { "A" }.to_string()),
            (14, stages.choose(&mut rng).cloned().unwrap_or_default()),
            (
                17,
                format!(
                    "{:02}.{:02}.2024 {:02}:{:02}:00",
                    rng.gen_range(1..=28),
                    rng.gen_range(1..=12),
                    rng.gen_range(8..20),
                    rng.gen_range(0..60)
                ),
            ),
            (18, if rng.gen_bool(0.3) { "Звонил, просил перезвонить".to_string() } else { String::new() }),
        ];
        for (c, value) in cells {
            if !value.is_empty() {
                sheet.write_string(r, c, value).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("workbook")
}

/// The floor: the same number of leads inserted with one prepared INSERT each, one transaction;
/// on SQLite also their trigram rows, a thousand leads at a time as the import writes them. On a
/// connection like the import's (`bulk_connection`).
async fn floor(db: &Db, rows: usize, stage: i64, channel: i64) -> f64 {
    let started = Instant::now();
    let at = chrono::Utc::now();
    let sqlite = matches!(db.pool, backend::db::Pool::Sqlite(_));
    with_pool!(db, pool => {
        // The import's kind of connection: the same page cache.
        let mut conn = pool.bulk_connection().await.expect("connection");
        let mut tx = conn.begin_write().await.expect("begin");
        let mut indexed_to: i64 = 0;
        for i in 0..rows {
            sqlx::query(
                "INSERT INTO leads (first_name, surname, phone, stage_id, stage_changed_at, channel_id, client_type, archived, created_at, updated_at, version, search_text, sort_name) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'person', $7, $5, $5, 1, $8, $8)",
            )
            .bind("Иван")
            .bind("Иванов")
            .bind(format!("+7999{i:07}"))
            .bind(stage)
            .bind(at)
            .bind(channel)
            .bind(false)
            .bind(format!("иван иванов {i}"))
            .execute(&mut *tx)
            .await
            .expect("floor insert");
            if sqlite && ((i + 1) % 1000 == 0 || i + 1 == rows) {
                let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM leads").fetch_one(&mut *tx).await.expect("last lead");
                sqlx::query("INSERT INTO leads_fts (rowid, search_text) SELECT id, search_text FROM leads WHERE id > $1 AND id <= $2 ORDER BY id")
                    .bind(indexed_to)
                    .bind(last)
                    .execute(&mut *tx)
                    .await
                    .expect("floor trigram rows");
                indexed_to = last;
            }
        }
        tx.rollback().await.expect("rollback");
    });
    started.elapsed().as_secs_f64()
}

/// Runs the benchmark on one database; answers whether it met its targets.
pub async fn run(kind: Kind, rows: usize) -> bool {
    let name = match kind {
        Kind::Sqlite => "SQLite",
        Kind::Postgres => "PostgreSQL",
    };
    let Some(test_db) = TestDb::new(kind).await else {
        println!("import {name}: skipped (database not reachable)");
        return true;
    };
    let db = test_db.db.clone();
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    let stages: Vec<String> = backend::stages::list_stages(&db).await.expect("stages").into_iter().take(5).map(|s| s.name).collect();
    let bytes = workbook(rows, &stages);

    // The import first, while the process holds little besides the workbook: its peak resident
    // memory is then the import's own.
    let before = memory::resident_mb();
    memory::reset_peak();
    let started = Instant::now();
    let outcome = import::run(&db, &owner, "bench.xlsx", &bytes, true, &ImportProgress::default()).await.expect("import runs");
    let secs = started.elapsed().as_secs_f64();
    let peak = memory::peak_mb();
    test_db.finish().await;

    // Then, on a second fresh database: the read and the checks alone (the import repeats them
    // before writing), and the floor.
    let Some(test_db) = TestDb::new(kind).await else {
        println!("import {name}: the second database is not reachable");
        return false;
    };
    let db = test_db.db.clone();
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    let started = Instant::now();
    let preview = import::preview(&db, &owner, "bench.xlsx", &bytes).await.expect("preview runs").expect("a readable file");
    let preview_secs = started.elapsed().as_secs_f64();
    assert_eq!(preview.totals.errors, 0, "the generated file is clean");
    drop(preview);
    let first_stage = backend::stages::list_stages(&db).await.expect("stages")[0].id;
    let channel: i64 =
        with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM channels ORDER BY position LIMIT 1").fetch_one(pool).await)
            .expect("channel");
    let floor_secs = floor(&db, rows, first_stage, channel).await;
    test_db.finish().await;
    let imported = match outcome {
        Ok(o) => o.imported,
        Err(refusal) => {
            println!("import {name}: refused: {refusal:?}");
            return false;
        }
    };
    let ok = imported == rows as u64 && secs <= TARGET_SECS && peak <= TARGET_MB;
    println!(
        "import {name}: {rows} rows ({:.1} MB xlsx) in {secs:.1} s (target ≤ {TARGET_SECS} s), {:.0} rows/s; \
         of which reading and checking {preview_secs:.1} s; floor (raw INSERTs) {floor_secs:.1} s → ratio {:.1}×; peak resident {peak:.0} MB (target ≤ {TARGET_MB} MB; {before:.0} MB before); {}",
        bytes.len() as f64 / 1_048_576.0,
        rows as f64 / secs,
        secs / floor_secs.max(0.001),
        if ok { "OK" } else { "MISSED" }
    );
    ok
}
