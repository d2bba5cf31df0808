//! `kill -9` at the worst moment, on both databases: during a large import from the command
//! line, and during a storm of stage moves over HTTP. Afterwards the database passes its integrity
//! check, the import left nothing behind (all or nothing), every move is whole (the lead's version
//! and its timeline agree), and the server starts again.

use backend::testing::{set_up, Kind, TestDb, PASSWORD};
use backend::Db;
use common::scalar;
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::Id;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

/// Rows in the imported file, as the issue asks: the write takes many seconds, the kill lands in it.
const IMPORT_ROWS: usize = 100_000;

fn voronka(url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_voronka"));
    // English progress lines ("importing: N of M rows written") are what the test reads.
    command.args(args).env("DATABASE_URL", url).env("RUST_LOG", "error").env("VORONKA_LANG", "en");
    command
}

/// SQLite's own check of every page and index; PostgreSQL has no equivalent short of amcheck,
/// so there the invariants below carry the weight.
async fn integrity_ok(db: &Db) {
    if let backend::db::Pool::Sqlite(pool) = &db.pool {
        let said: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await.unwrap();
        assert_eq!(said, "ok");
    }
}

fn import_file(dir: &std::path::Path) -> std::path::PathBuf {
    let header = domain::import::COLUMNS.iter().map(|(ru, _)| *ru).collect::<Vec<_>>().join(";");
    let blank = ";".repeat(domain::import::COLUMNS.len() - 4);
    let mut text = header;
    for i in 0..IMPORT_ROWS {
        text.push_str(&format!("\nАварийный{i};Иван;;8917{:07}{blank}", i));
    }
    let path = dir.join("crash.csv");
    std::fs::write(&path, text).unwrap();
    path
}

async fn kill_during_import(kind: Kind) {
    let Some(test_db) = TestDb::new(kind).await else { return };
    let db = test_db.db.clone();
    set_up(&db, StagePreset::Simple).await;
    let dir = tempfile::tempdir().unwrap();
    let file = import_file(dir.path());
    let mut child =
        voronka(&test_db.url, &["import", file.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    // Wait until rows are being written inside the import's transaction, then kill.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut writing = false;
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("importing: ") {
            let done: u64 = rest.split(' ').next().unwrap().parse().unwrap();
            if done > 0 {
                writing = true;
                break;
            }
        }
    }
    assert!(writing, "the import reported writing before it ended");
    child.kill().unwrap();
    child.wait().unwrap();

    integrity_ok(&db).await;
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM leads").await, 0, "all or nothing: nothing");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM timeline").await, 0);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM persons").await, 0);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM imports").await, 0);
    // And the database takes writes again.
    let owner = backend::users::list_users(&db).await.unwrap().remove(0);
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    let draft = LeadDraft { first_name: "После сбоя".into(), stage_id: Some(stage), ..LeadDraft::default() };
    backend::leads::create_lead(&db, &owner, draft).await.unwrap();
    test_db.finish().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A minimal HTTP/1.1 POST over a fresh connection: answers the status line, headers and body
/// (a server function's postcard body read as lossy text; only the status is looked at).
async fn post(port: u16, path: &str, content_type: &str, cookie: &str, body: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\nAccept: application/json\r\nCookie: {cookie}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

async fn serve(url: &str, port: u16) -> Child {
    let mut child = voronka(url, &["serve", "--addr", &format!("127.0.0.1:{port}")]).stdout(Stdio::null()).spawn().unwrap();
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start");
}

async fn kill_during_moves(kind: Kind) {
    let Some(test_db) = TestDb::new(kind).await else { return };
    let db = test_db.db.clone();
    let owner = set_up(&db, StagePreset::Simple).await;
    let stages: Vec<Id> = backend::stages::list_stages(&db)
        .await
        .unwrap()
        .iter()
        .filter(|s| s.kind == domain::stage::StageKind::Open)
        .map(|s| s.id)
        .collect();
    let mut leads = Vec::new();
    for i in 0..40 {
        let draft = LeadDraft { first_name: format!("Шторм{i}"), stage_id: Some(stages[0]), ..LeadDraft::default() };
        leads.push(backend::leads::create_lead(&db, &owner, draft).await.unwrap().id);
    }
    let port = free_port();
    let mut server = serve(&test_db.url, port).await;
    let signed_in = post(
        port,
        "/api/sign_in",
        "application/x-www-form-urlencoded",
        "",
        &format!("login=owner&password={}", PASSWORD.replace(' ', "+")),
    )
    .await
    .unwrap();
    let cookie = signed_in
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: voronka_session="))
        .map(|c| format!("voronka_session={}", c.split(';').next().unwrap()))
        .expect("a session cookie");

    // Eight clients move their own leads back and forth as fast as the server answers.
    let mut storm = Vec::new();
    for mine in leads.chunks(5).map(<[Id]>::to_vec) {
        let (cookie, stages) = (cookie.clone(), stages.clone());
        storm.push(tokio::spawn(async move {
            let mut versions = vec![1i64; mine.len()];
            let mut moved = 0u32;
            for round in 0.. {
                let slot = round % mine.len();
                let to = stages[(round / mine.len() + 1) % stages.len()];
                let body = format!(r#"{{"lead_id":{},"to_stage":{to},"reason":null,"expected_version":{}}}"#, mine[slot], versions[slot]);
                match post(port, "/api/move_lead", "application/json", &cookie, &body).await {
                    Ok(answer) if answer.starts_with("HTTP/1.1 200") => {
                        versions[slot] += 1;
                        moved += 1;
                    }
                    // A move to the stage the lead is in (200 too) or the server gone: stop.
                    Ok(_) | Err(_) => return moved,
                }
            }
            moved
        }));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let mut acknowledged = 0;
    for client in storm {
        acknowledged += client.await.unwrap();
    }
    assert!(acknowledged > 20, "the storm was under way when the server died ({acknowledged} moves)");

    integrity_ok(&db).await;
    // Every move is whole: the version went up once per stage change in the timeline. Both are
    // read in one statement, one snapshot: PostgreSQL finishes a COMMIT the killed server had
    // already sent, and two statements could see it land between them (it did, once).
    let ids = leads.iter().map(Id::to_string).collect::<Vec<_>>().join(", ");
    let (versions, entries): (i64, i64) = backend::with_pool!(&db, pool => sqlx::query_as(&format!(
        "SELECT (SELECT CAST(SUM(version - 1) AS BIGINT) FROM leads WHERE id IN ({ids})), \
         (SELECT COUNT(*) FROM timeline WHERE kind = 'stage_changed' AND lead_id IN ({ids}))"
    ))
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(versions, entries, "a stage change without its timeline entry, or the reverse");
    assert!(versions >= acknowledged as i64, "every acknowledged move is durable");

    // The server starts again on the same database.
    let mut again = serve(&test_db.url, port).await;
    again.kill().unwrap();
    again.wait().unwrap();
    test_db.finish().await;
}

#[tokio::test]
async fn kill_during_import_sqlite() {
    kill_during_import(Kind::Sqlite).await;
}

#[tokio::test]
async fn kill_during_import_postgres() {
    kill_during_import(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_moves_sqlite() {
    kill_during_moves(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_moves_postgres() {
    kill_during_moves(Kind::Postgres).await;
}
