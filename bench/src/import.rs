//! The 100,000-row import benchmark (issue 9).

use crate::memory;
use backend::db::{AsConn, WriteConnection, WritePool};
use backend::import::{self, ImportProgress};
use backend::testing::{set_up, Kind, TestDb};
use backend::{with_pool, Db};
use domain::import::{ImportReport, COLUMNS};
use domain::lead::ValidLead;
use domain::preset::StagePreset;
use domain::timeline::TimelineEvent;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};
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

/// A row of the file as the floor writes it: the lead, when it was created, its search text.
struct FloorRow {
    lead: ValidLead,
    created_at: chrono::DateTime<chrono::Utc>,
    search_text: String,
}

/// The rows the import would write, checked before the floor's clock starts.
fn floor_rows(preview: &ImportReport) -> Vec<FloorRow> {
    let already: HashSet<usize> = preview.already.iter().copied().collect();
    let today = chrono::Utc::now().date_naive();
    preview
        .rows
        .iter()
        .filter(|row| !already.contains(&row.line))
        .filter_map(|row| {
            let lead = row.draft.clone()?.validate(today).ok()?;
            let created_at = row.created_at.map_or_else(chrono::Utc::now, |c| c.and_utc());
            Some(FloorRow { search_text: lead.search_text(), lead, created_at })
        })
        .collect()
}

/// The floor: the rows the import writes, written directly in one transaction, a thousand leads
/// at a time as the import writes them — the file's persons, its leads five hundred to a
/// statement with their person, their "created" and "imported" timeline entries and their
/// search index (the index's own writer, `search::index_new_leads`). What it leaves out is the
/// import's own work: reading and checking the file, finding rows already there, the responsible
/// and the rules, notes and tags. On a connection like the import's (`bulk_connection`).
async fn floor(db: &Db, rows: &[FloorRow], channel: i64, author: i64) -> f64 {
    let started = Instant::now();
    let at = chrono::Utc::now();
    let created = serde_json::to_string(&TimelineEvent::Created).expect("entry");
    let imported = serde_json::to_string(&TimelineEvent::Imported { import_id: 1 }).expect("entry");
    with_pool!(db, pool => {
        // The import's kind of connection: the same page cache.
        let mut conn = pool.bulk_connection().await.expect("connection");
        let mut tx = conn.begin_write().await.expect("begin");
        let mut persons: HashMap<String, i64> = HashMap::new();
        for thousand in rows.chunks(1000) {
            let mut new_phones: Vec<(&str, chrono::DateTime<chrono::Utc>)> = Vec::new();
            let mut listed: HashSet<&str> = HashSet::new();
            for row in thousand {
                if let Some(phone) = row.lead.phone.as_ref().map(|p| p.as_str()).filter(|p| !persons.contains_key(*p)) {
                    if listed.insert(phone) {
                        new_phones.push((phone, row.created_at));
                    }
                }
            }
            if !new_phones.is_empty() {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO persons (phone, created_at) ");
                q.push_values(&new_phones, |mut b, (phone, created_at)| {
                    b.push_bind(*phone).push_bind(*created_at);
                });
                q.push(" RETURNING id, phone");
                let found: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut *tx).await.expect("floor persons");
                persons.extend(found.into_iter().map(|(id, phone)| (phone, id)));
            }
            let mut indexed: Vec<(i64, String)> = Vec::with_capacity(thousand.len());
            for chunk in thousand.chunks(500) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO leads (person_id, first_name, surname, phone, stage_id, stage_changed_at, category_id, channel_id, \
                     client_type, responsible_id, registrar_id, archived, created_at, updated_at, version, search_text, sort_name) ",
                );
                q.push_values(chunk, |mut b, row| {
                    let phone = row.lead.phone.as_ref().map(|p| p.as_str());
                    b.push_bind(phone.and_then(|p| persons.get(p).copied()))
                        .push_bind(&row.lead.first_name)
                        .push_bind(&row.lead.surname)
                        .push_bind(phone)
                        .push_bind(row.lead.stage_id)
                        .push_bind(row.created_at)
                        .push_bind(row.lead.category_id)
                        .push_bind(channel)
                        .push("'person'")
                        .push_bind(author)
                        .push_bind(author)
                        .push("FALSE")
                        .push_bind(row.created_at)
                        .push_bind(at)
                        .push("1")
                        .push_bind(&row.search_text)
                        .push_bind(row.lead.sort_name());
                });
                q.push(" RETURNING id");
                let mut ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *tx).await.expect("floor insert");
                ids.sort_unstable();
                indexed.extend(ids.into_iter().zip(chunk.iter().map(|row| row.search_text.clone())));
            }
            let mut q = sqlx::QueryBuilder::new("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) ");
            let entries = indexed.iter().zip(thousand).flat_map(|((id, _), row)| {
                [(*id, "created", &created, row.created_at), (*id, "imported", &imported, at)]
            });
            q.push_values(entries, |mut b, (id, kind, data, when)| {
                b.push_bind(id).push_bind(author).push_bind(kind).push_bind(data).push_bind(when);
            });
            q.build().execute(&mut *tx).await.expect("floor timeline");
            backend::search::index_new_leads(&mut tx.conn(), &indexed).await.expect("floor search index");
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
    let rows_written = floor_rows(&preview);
    drop(preview);
    let channel: i64 =
        with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM channels ORDER BY position LIMIT 1").fetch_one(pool).await)
            .expect("channel");
    let floor_secs = floor(&db, &rows_written, channel, owner.id).await;
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
         of which reading and checking {preview_secs:.1} s; floor (its rows written directly) {floor_secs:.1} s → ratio {:.1}×; peak resident {peak:.0} MB (target ≤ {TARGET_MB} MB; {before:.0} MB before); {}",
        bytes.len() as f64 / 1_048_576.0,
        rows as f64 / secs,
        secs / floor_secs.max(0.001),
        if ok { "OK" } else { "MISSED" }
    );
    ok
}
