//! Searches while a week of enquiries arrives: leads created one at a time through the
//! application, between searches, on a school that was just vacuumed.
//!
//! The other benchmarks read a school as the generator leaves it, vacuumed. A school in use is
//! seldom that: on PostgreSQL each new lead's search entries wait in its GIN indexes' pending
//! lists until autovacuum (after 200,000 new leads, on a million) or until a list is full, and
//! every search reads the lists through (migration 0017). `--only new-leads` times the searches
//! before the arrivals, then between them, and each creation; the school keeps the new leads.

use crate::generate::{draw_name, phone, School};
use crate::reads::{name_queries, phone_queries};
use crate::stats::{time, Stats};
use backend::Db;
use domain::lead::LeadDraft;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::time::{Duration, Instant};

/// About a week's enquiries for a school that has taken a million in four years.
const WEEK: usize = 5_000;
/// Leads created between two rounds of searches: small enough that the searches see the pending
/// lists at every length they pass through.
const PER_ROUND: usize = 50;
/// Searches of each kind per round.
const SEARCHES_PER_ROUND: usize = 10;

/// The queries timed before and during the arrivals: phone digits as people type them (the
/// trigram index) and surname with first name (the word grams).
fn queries(school: &School) -> [(&'static str, Vec<String>); 2] {
    [("phone-digit search", phone_queries(school)), ("name search (surname and first name)", name_queries(school))]
}

async fn search(db: &Db, school: &School, typed: &str) -> Duration {
    let started = Instant::now();
    backend::search::quick(db, &school.owner, typed).await.expect("search");
    started.elapsed()
}

/// Times the searches on the school as it is, then creates a week's leads between rounds of the
/// same searches; prints both, and what a creation took.
pub async fn run(db: &Db, name: &str, school: &School) {
    let queries = &queries(school);
    let mut before = Vec::new();
    for (_, typed) in queries {
        before.push(
            time(200, |i| async move {
                search(db, school, &typed[i % typed.len()]).await;
            })
            .await,
        );
    }

    let mut rng = StdRng::seed_from_u64(7_000_001 + school.leads as u64);
    let mut created = Vec::with_capacity(WEEK);
    let mut during: Vec<Vec<Duration>> = vec![Vec::new(); queries.len()];
    let mut next = 0usize;
    while created.len() < WEEK {
        for _ in 0..PER_ROUND {
            let drawn = draw_name(&mut rng);
            let draft = LeadDraft {
                surname: drawn.surname,
                first_name: drawn.first_name,
                patronymic: drawn.patronymic.unwrap_or_default(),
                // Past every generated person's number (persons are numbered up to the lead count).
                phone: phone(school.leads + 1 + created.len() as i64),
                stage_id: school.open_stages.first().copied(),
                ..Default::default()
            };
            let started = Instant::now();
            backend::leads::create_lead(db, &school.owner, draft).await.expect("create a lead");
            created.push(started.elapsed());
        }
        for ((_, typed), samples) in queries.iter().zip(&mut during) {
            for _ in 0..SEARCHES_PER_ROUND {
                samples.push(search(db, school, &typed[next % typed.len()]).await);
                next += 1;
            }
        }
    }

    println!("{name} | a week's new leads ({WEEK}), each created through the application: {}", Stats::of(created.clone()).show());
    println!("{name} | the slowest creations, by their place in the week: {}", slowest(&created, 5));
    for (((what, _), before), during) in queries.iter().zip(before).zip(during) {
        let during = Stats::of(during);
        println!(
            "{name} | {what} as the leads arrive: {} | before them: {} | p95 {:.2}× before",
            during.show(),
            before.show(),
            during.p95 / before.p95.max(0.001)
        );
    }
}

/// The `n` slowest of `times` as "#place ms", slowest first: whether a tail comes early (a
/// one-time cost of a school just written) or anywhere (something periodic).
fn slowest(times: &[Duration], n: usize) -> String {
    let mut places: Vec<(usize, Duration)> = times.iter().copied().enumerate().collect();
    places.sort_by_key(|&(_, took)| std::cmp::Reverse(took));
    places.iter().take(n).map(|(place, took)| format!("#{} {:.1} ms", place + 1, took.as_secs_f64() * 1e3)).collect::<Vec<_>>().join(", ")
}
