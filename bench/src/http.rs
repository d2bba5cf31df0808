//! 200 people using Voronka at once over loopback HTTP: the real `voronka serve` on the generated
//! school, each person signed in as one of its managers, loading the board and moving their own
//! leads with a person's pauses between actions. Bounded: ten rounds each. Prints latency
//! percentiles per request kind and the server's resident memory idle and at peak.

use crate::generate::School;
use crate::stats::Stats;
use backend::{with_pool, Db};
use domain::board::BoardCard;
use domain::Id;
use rand::{Rng, SeedableRng};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const USERS: usize = 200;
const ROUNDS: usize = 10;
const TARGET_P99_MS: f64 = 100.0;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_kb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = status.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

async fn start(bin: &str, url: &str) -> Option<Server> {
    let port = 3400 + (std::process::id() % 500) as u16;
    let child = Command::new(bin)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            println!("http: cannot start {bin}: {e} (build it with cargo leptos build --release)");
            return None;
        }
    };
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(format!("{}/health", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Some(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("http: the server did not answer /health within 30 s");
    None
}

/// One person's session: a cookie, their leads and their timings.
struct Person {
    cookie: String,
    board_query: String,
    leads: Vec<(Id, Id, i64)>,
}

async fn sign_in(client: &reqwest::Client, base: &str, login: &str) -> String {
    let response = client
        .post(format!("{base}/api/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={login}&password={}", backend::testing::PASSWORD.replace(' ', "+")))
        .send()
        .await
        .expect("sign in");
    assert!(response.status().is_success(), "{login} signs in: {}", response.status());
    let cookie =
        response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("voronka_session="));
    cookie.expect("a session cookie").split(';').next().unwrap_or_default().to_string()
}

/// Ten rounds of: look at the board, think, move one of my leads on, think.
/// Request times, each with the round it was taken in (the first round is everyone arriving).
type Timed = Vec<(usize, Duration)>;

async fn act(client: reqwest::Client, base: String, person: Person, open: Vec<Id>, seed: u64) -> (Timed, Timed, usize) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut boards, mut moves, mut failures) = (Vec::new(), Vec::new(), 0);
    let mut leads = person.leads;
    for round in 0..ROUNDS {
        let started = Instant::now();
        let board = client
            .post(format!("{base}/api/load_board"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &person.cookie)
            .body(format!("query={}", person.board_query))
            .send()
            .await;
        match board {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(_) => boards.push((round, started.elapsed())),
                Err(_) => failures += 1,
            },
            _ => failures += 1,
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(1_000..4_000))).await;

        // In a small school a manager may have no open leads left for this person: they only look.
        if leads.is_empty() {
            continue;
        }
        let slot = round % leads.len();
        let (id, stage, version) = leads[slot];
        let to = open[(open.iter().position(|s| *s == stage).unwrap_or(0) + 1) % open.len()];
        let body = serde_json::json!({ "lead_id": id, "to_stage": to, "reason": null, "expected_version": version });
        let started = Instant::now();
        let moved = client
            .post(format!("{base}/api/move_lead"))
            .header("content-type", "application/json")
            .header("cookie", &person.cookie)
            .body(body.to_string())
            .send()
            .await;
        match moved {
            Ok(r) if r.status().is_success() => {
                // The fresh card, in postcard as the browser reads it (app/src/wire.rs); an answer
                // that does not decode is a failure.
                match r.bytes().await.ok().and_then(|b| postcard::from_bytes::<BoardCard>(&b).ok()) {
                    Some(card) => {
                        moves.push((round, started.elapsed()));
                        leads[slot] = (id, to, card.version);
                    }
                    None => failures += 1,
                }
            }
            _ => failures += 1,
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(1_000..4_000))).await;
    }
    (boards, moves, failures)
}

/// Runs the load on the school in `db` (reachable at `url`); answers whether p99 met its target.
pub async fn run(db: &Db, url: &str, name: &str, school: &School, bin: &str) -> bool {
    let Some(server) = start(bin, url).await else { return false };
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_mb = status_kb(pid, "VmRSS:");
    let client = reqwest::Client::builder().pool_max_idle_per_host(USERS).build().expect("client");
    let list = school.open_stages.iter().map(Id::to_string).collect::<Vec<_>>().join(", ");
    let mut people = Vec::new();
    for i in 0..USERS {
        let manager = &school.managers[i % school.managers.len()];
        // Each person moves five open leads of their manager no one else touches.
        let sql = format!(
            "SELECT id, stage_id, version FROM leads WHERE responsible_id = $1 AND stage_id IN ({list}) ORDER BY id DESC LIMIT 5 OFFSET {}",
            (i / school.managers.len()) * 5
        );
        let leads: Vec<(Id, Id, i64)> = with_pool!(db, pool => sqlx::query_as(&sql).bind(manager.id).fetch_all(pool).await).expect("leads");
        // Half look at the whole board, half at their own leads only.
        let board_query = if i % 2 == 0 { String::new() } else { format!("responsible%3D{}", manager.id) };
        let cookie = sign_in(&client, &server.base, &manager.login).await;
        people.push(Person { cookie, board_query, leads });
    }
    let started = Instant::now();
    let mut handles = Vec::new();
    for (i, person) in people.into_iter().enumerate() {
        let (client, base, open) = (client.clone(), server.base.clone(), school.open_stages.clone());
        handles.push(tokio::spawn(async move {
            // People arrive over the first three seconds, not all in one instant.
            tokio::time::sleep(Duration::from_millis((i as u64 * 3_000) / USERS as u64)).await;
            act(client, base, person, open, i as u64).await
        }));
    }
    let mut peak_rss = 0.0f64;
    let (mut boards, mut moves, mut failures) = (Vec::new(), Vec::new(), 0);
    for h in handles {
        peak_rss = peak_rss.max(status_kb(pid, "VmRSS:"));
        let (b, m, f) = h.await.expect("person");
        boards.extend(b);
        moves.extend(m);
        failures += f;
    }
    let secs = started.elapsed().as_secs_f64();
    let peak_mb = status_kb(pid, "VmHWM:").max(peak_rss);
    drop(server);
    let requests = boards.len() + moves.len();
    // Every request of the rounds in `rounds`, boards and moves together.
    let in_rounds = |rounds: std::ops::Range<usize>| -> Stats {
        Stats::of(boards.iter().chain(&moves).filter(|(round, _)| rounds.contains(round)).map(|(_, d)| *d).collect())
    };
    let all = in_rounds(0..ROUNDS);
    // Whether the tail is the arrival (two hundred first boards within three seconds) or the
    // steady state after it.
    let (arriving, settled) = (in_rounds(0..1), in_rounds(1..ROUNDS));
    let untimed = |timed: Timed| timed.into_iter().map(|(_, d)| d).collect();
    let (boards, moves) = (Stats::of(untimed(boards)), Stats::of(untimed(moves)));
    let ok = all.p99 <= TARGET_P99_MS && failures == 0;
    println!(
        "{name} | {USERS} concurrent users over HTTP, {ROUNDS} rounds each | {requests} requests in {secs:.0} s ({:.0}/s), {failures} failed | board {} | move {} | all {} | target p99 ≤ {TARGET_P99_MS} ms, none failed: {}",
        requests as f64 / secs,
        boards.show(),
        moves.show(),
        all.show(),
        if ok { "OK" } else { "MISSED" }
    );
    println!("{name} | the same, first round (arriving) | {} | later rounds | {}", arriving.show(), settled.show());
    println!("{name} | server resident memory | idle {idle_mb:.0} MB | peak under load {peak_mb:.0} MB");
    ok
}
