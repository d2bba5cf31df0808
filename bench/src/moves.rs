//! Stage moves at scale: one writer beside the raw-SQL floor, then concurrent writers (8 on
//! SQLite, 32 on PostgreSQL) counting moves per second, busy errors and lost moves.

use crate::generate::School;
use crate::stats::{time, Report};
use backend::db::WritePool;
use backend::{with_pool, Db};
use domain::lead::MoveLead;
use domain::timeline::TimelineEvent;
use domain::{AppError, Id};
use std::sync::{Arc, Mutex};
use std::time::Instant;

const SINGLE_MOVES: usize = 1_000;
const MOVES_PER_WRITER: usize = 250;
const TARGET_MOVES_PER_SEC: f64 = 1_000.0;

/// A lead as a writer last left it.
#[derive(Clone, Copy)]
struct Held {
    id: Id,
    stage: Id,
    version: i64,
}

async fn open_leads(db: &Db, open_stages: &[Id], count: usize, skip: usize) -> Vec<Held> {
    let list = open_stages.iter().map(Id::to_string).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT id, stage_id, version FROM leads WHERE stage_id IN ({list}) AND archived = FALSE ORDER BY id DESC LIMIT {count} OFFSET {skip}");
    let rows: Vec<(Id, Id, i64)> = with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await).expect("open leads");
    assert_eq!(rows.len(), count, "the school has enough open leads");
    rows.into_iter().map(|(id, stage, version)| Held { id, stage, version }).collect()
}

/// The next open stage after `from`, round the list.
fn next_stage(open: &[Id], from: Id) -> Id {
    let at = open.iter().position(|s| *s == from).unwrap_or(0);
    open[(at + 1) % open.len()]
}

/// One move through the application: access, version check, timeline, rules, the live event.
async fn app_move(db: &Db, school: &School, held: &mut Held) -> Result<(), backend::Error> {
    let to = next_stage(&school.open_stages, held.stage);
    let mv = MoveLead { lead_id: held.id, to_stage: to, reason: None, expected_version: held.version };
    let moved = backend::moves::move_lead(db, &school.owner, mv).await?;
    held.stage = moved.stage_id;
    held.version = moved.version;
    Ok(())
}

/// The floor: the same UPDATE with its version check and the timeline INSERT, in one write
/// transaction.
async fn floor_move(db: &Db, open: &[Id], author: Id, held: &mut Held) {
    let to = next_stage(open, held.stage);
    let event = serde_json::to_string(&TimelineEvent::StageChanged { from: Some(held.stage), to, reason: None }).expect("json");
    let at = chrono::Utc::now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await.expect("begin");
        let changed = sqlx::query(
            "UPDATE leads SET stage_id = $1, stage_reason_id = NULL, stage_changed_at = $2, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(to)
        .bind(at)
        .bind(held.id)
        .bind(held.version)
        .execute(&mut *tx)
        .await
        .expect("update")
        .rows_affected();
        assert_eq!(changed, 1);
        sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) VALUES ($1, $2, 'stage_changed', $3, $4)")
            .bind(held.id)
            .bind(author)
            .bind(&event)
            .bind(at)
            .execute(&mut *tx)
            .await
            .expect("timeline");
        tx.commit().await.expect("commit");
    });
    held.stage = to;
    held.version += 1;
}

async fn single(db: &Db, name: &str, school: &School) -> bool {
    let leads = Mutex::new(open_leads(db, &school.open_stages, 100, 0).await);
    let floor_leads = Mutex::new(open_leads(db, &school.open_stages, 100, 100).await);
    let (leads, floor_leads) = (&leads, &floor_leads);
    let app = time(SINGLE_MOVES, |i| async move {
        let mut held = leads.lock().expect("leads")[i % 100];
        app_move(db, school, &mut held).await.expect("a move by the only writer succeeds");
        leads.lock().expect("leads")[i % 100] = held;
    })
    .await;
    let floor = time(SINGLE_MOVES, |i| async move {
        let mut held = floor_leads.lock().expect("leads")[i % 100];
        floor_move(db, &school.open_stages, school.owner.id, &mut held).await;
        floor_leads.lock().expect("leads")[i % 100] = held;
    })
    .await;
    Report { db: name, what: "stage move, one writer", app, floor, p95_target: None, ratio_target: None }.print()
}

/// `writers` tasks, each moving its own leads `MOVES_PER_WRITER` times; then checks that every
/// acknowledged move is in the lead's version and its timeline.
async fn concurrent(db: &Db, name: &str, school: &School, writers: usize) -> bool {
    let per_writer = 10;
    let leads = open_leads(db, &school.open_stages, writers * per_writer, 200).await;
    let ids: Vec<Id> = leads.iter().map(|h| h.id).collect();
    let versions_before: i64 = leads.iter().map(|h| h.version).sum();
    let changes_before = stage_changes(db, &ids).await;
    let started = Instant::now();
    let shared = Arc::new(school.clone());
    let mut handles = Vec::new();
    for chunk in leads.chunks(per_writer) {
        let (db, school) = (db.clone(), shared.clone());
        let mut mine = chunk.to_vec();
        handles.push(tokio::spawn(async move {
            let (mut done, mut busy, mut other) = (0u64, 0u64, 0u64);
            for i in 0..MOVES_PER_WRITER {
                match app_move(&db, &school, &mut mine[i % per_writer]).await {
                    Ok(()) => done += 1,
                    // Each writer moves only its own leads: a conflict here would be a lost update.
                    Err(backend::Error::App(AppError::Conflict { .. })) => other += 1,
                    Err(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => busy += 1,
                    Err(e) => {
                        eprintln!("move failed: {e}");
                        other += 1
                    }
                }
            }
            (done, busy, other)
        }));
    }
    let (mut done, mut busy, mut other) = (0, 0, 0);
    for h in handles {
        let (d, b, o) = h.await.expect("writer");
        done += d;
        busy += b;
        other += o;
    }
    let secs = started.elapsed().as_secs_f64();
    let versions_after: i64 = with_pool!(db, pool => {
        let sql = format!("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM leads WHERE id IN ({})", ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", "));
        sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await
    })
    .expect("versions");
    let lost =
        (done as i64 - (versions_after - versions_before)).abs() + (done as i64 - (stage_changes(db, &ids).await - changes_before)).abs();
    let rate = done as f64 / secs;
    let ok = busy == 0 && other == 0 && lost == 0 && rate >= TARGET_MOVES_PER_SEC;
    println!(
        "{name} | stage moves, {writers} concurrent writers | {done} moves in {secs:.2} s = {rate:.0} moves/s | busy errors {busy}, other errors {other}, lost {lost} | target ≥ {TARGET_MOVES_PER_SEC} moves/s, zero busy, zero lost: {}",
        if ok { "OK" } else { "MISSED" }
    );
    ok
}

async fn stage_changes(db: &Db, ids: &[Id]) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) FROM timeline WHERE kind = 'stage_changed' AND lead_id IN ({})",
        ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", ")
    );
    with_pool!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await).expect("timeline count")
}

/// Every move benchmark on one database; answers whether all targets were met.
pub async fn run(db: &Db, name: &str, school: &School) -> bool {
    let writers = match db.dialect() {
        backend::filter::Dialect::Sqlite => 8,
        backend::filter::Dialect::Postgres => 32,
    };
    let ok = single(db, name, school).await;
    concurrent(db, name, school, writers).await && ok
}
