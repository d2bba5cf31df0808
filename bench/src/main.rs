//! `voronka-bench`: reproducible benchmarks. Every figure is printed beside a floor measured in
//! the same run on the same machine — the raw SQL doing the same work — because machines here are
//! noisy and only ratios travel.
//!
//! `voronka-bench import --rows 100000 [--db sqlite|postgres|both]`: a generated XLSX of realistic
//! leads through the real import (preview, checks, one transaction, timeline, rules), against a
//! floor of the same rows inserted with one prepared INSERT each in one transaction. Targets:
//! ≤ 30 s and ≤ 300 MB peak resident memory for 100,000 rows.
//!
//! `voronka-bench scale --leads 1000000 [--db sqlite|postgres|both]`: generates a school of a
//! million leads (persons, timelines, tasks), then times search, the board, the list, the lead
//! card and stage moves (one writer; 8 concurrent on SQLite, 32 on PostgreSQL), each through the
//! application's function beside the same indexed SQL run directly. `--generate-only` leaves the
//! school in place and prints its URL; `scale --school URL` measures it again (after a change)
//! without the quarter of an hour SQLite takes to generate it.
//!
//! `voronka-bench wasm [--site target/site] [--no-floor]`: the release bundle's size, raw, gzip and
//! brotli, beside the smallest app on the same stack (`bench/wasm-floor`).

mod generate;
mod http;
mod import;
mod memory;
mod moves;
mod new_leads;
mod reads;
mod stats;
mod wasm;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "voronka-bench", about = "Voronka's benchmarks, each beside its raw-SQL floor")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Subcommand)]
enum Command {
    /// Imports a generated XLSX of `rows` leads; prints time, peak memory and the floor.
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, value_enum, default_value_t = Which::Both)]
        db: Which,
    },
    /// Generates `leads` leads and times the reads and moves at that size.
    Scale {
        #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(i64).range(1_000..=10_000_000))]
        leads: i64,
        #[arg(long, value_enum, default_value_t = Which::Both)]
        db: Which,
        /// The release `voronka` binary for the HTTP load (200 users); skipped when missing.
        #[arg(long, env = "VORONKA_BIN")]
        server: Option<String>,
        /// Generates the school only, leaves the database in place and prints its URL.
        #[arg(long, conflicts_with = "school")]
        generate_only: bool,
        /// Measures a school left by `--generate-only` at this database URL instead of generating
        /// one (it is migrated first; the moves change it).
        #[arg(long)]
        school: Option<String>,
        /// With `--school`: only the benchmarks of one part (search, board, list, card, moves or http);
        /// board-plans: each sampled surname's searched board by either plan, run directly;
        /// new-leads: searches before and while a week's leads are created through the application
        /// (the school keeps them).
        #[arg(long, requires = "school", value_parser = ["search", "board", "list", "card", "moves", "http", "board-plans", "new-leads"])]
        only: Option<String>,
    },
    /// Sizes the release site's WASM, JS and CSS: raw, gzip and brotli, and the floor beside them
    /// (`bench/wasm-floor`, built with cargo, wasm-bindgen and wasm-opt from PATH).
    Wasm {
        #[arg(long, default_value = "target/site")]
        site: std::path::PathBuf,
        /// Sizes the site only, without building the floor.
        #[arg(long)]
        no_floor: bool,
    },
}

fn kinds(db: Which) -> Vec<backend::testing::Kind> {
    match db {
        Which::Sqlite => vec![backend::testing::Kind::Sqlite],
        Which::Postgres => vec![backend::testing::Kind::Postgres],
        Which::Both => vec![backend::testing::Kind::Sqlite, backend::testing::Kind::Postgres],
    }
}

/// Generates the school on one database and runs the scale benchmarks on it.
async fn scale(kind: backend::testing::Kind, leads: i64, server: Option<&str>, generate_only: bool) -> bool {
    let name = match kind {
        backend::testing::Kind::Sqlite => "SQLite",
        backend::testing::Kind::Postgres => "PostgreSQL",
    };
    // Not `voronka_test_*`: the test script drops those, and a school kept with --generate-only
    // would go with them.
    let Some(test_db) = backend::testing::TestDb::named(kind, "voronka_bench").await else {
        println!("scale {name}: skipped (database not reachable)");
        return true;
    };
    let db = test_db.db.clone();
    let school = generate::generate(&db, leads).await;
    if generate_only {
        println!("{name}: the school is at {}", test_db.url);
        return true;
    }
    let ok = measure(&db, &test_db.url, name, &school, server, None).await;
    test_db.finish().await;
    ok
}

/// Runs the scale benchmarks on a school generated earlier (`--school URL`).
async fn scale_existing(url: &str, server: Option<&str>, only: Option<&str>) -> bool {
    let db = backend::Db::connect(url).await.expect("the school's database");
    db.migrate().await.expect("migrate");
    let name = match db.dialect() {
        backend::filter::Dialect::Sqlite => "SQLite",
        backend::filter::Dialect::Postgres => "PostgreSQL",
    };
    let school = generate::read(&db).await;
    println!("{name}: measuring the school of {} leads at {url}", school.leads);
    let ok = measure(&db, url, name, &school, server, only).await;
    db.close().await;
    ok
}

/// Reads an SQLite school's files through once, so that every figure is taken with them in the
/// operating system's cache. This machine's cache let go of most of a 2.4 GB school written half
/// an hour earlier, with 21 GB free, and the runs after that read the disk: 767 moves/s and an
/// HTTP p99 of 909 ms, against 1,387/s and 122–208 ms once the file was read (session 24).
fn read_into_cache(url: &str) {
    let Ok(backend::db::DbUrl::Sqlite { path, .. }) = backend::db::DbUrl::parse(url) else {
        return;
    };
    let started = std::time::Instant::now();
    let mut bytes = 0;
    for file in [path.clone(), format!("{path}-wal")] {
        if let Ok(mut f) = std::fs::File::open(&file) {
            bytes += std::io::copy(&mut f, &mut std::io::sink()).unwrap_or(0);
        }
    }
    println!("read the school's {} MB into the file cache in {:.1} s", bytes >> 20, started.elapsed().as_secs_f64());
}

/// Runs the benchmarks of `only` that part, or all of them.
async fn measure(db: &backend::Db, url: &str, name: &str, school: &generate::School, server: Option<&str>, only: Option<&str>) -> bool {
    let wanted = |part: &str| only.is_none_or(|only| only == part);
    read_into_cache(url);
    // As the server does at start-up: fresh planner statistics for the tables just filled.
    db.optimize().await.expect("optimize");
    if only == Some("board-plans") {
        reads::searched_board_plans(db, name, school).await;
        return true;
    }
    if only == Some("new-leads") {
        new_leads::run(db, name, school).await;
        return true;
    }
    let mut ok = reads::run(db, name, school, &wanted).await;
    if wanted("moves") {
        ok &= moves::run(db, name, school).await;
    }
    if !wanted("http") {
        return ok;
    }
    match server.filter(|bin| std::path::Path::new(bin).exists()) {
        Some(bin) => ok &= http::run(db, url, name, school, bin).await,
        None => println!("{name} | HTTP load: skipped (no server binary; set VORONKA_BIN or --server)"),
    }
    ok
}

#[tokio::main]
async fn main() {
    // `RUST_LOG=sqlx=warn` names each statement that took over a second, for instance.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Import { rows, db } => {
            let mut failed = false;
            for kind in kinds(db) {
                failed |= !import::run(kind, rows).await;
            }
            if failed {
                std::process::exit(1);
            }
        }
        Command::Wasm { site, no_floor } => {
            if !wasm::run(&site, !no_floor) {
                std::process::exit(1);
            }
        }
        Command::Scale { school: Some(url), server, only, .. } => {
            if !scale_existing(&url, server.as_deref(), only.as_deref()).await {
                std::process::exit(1);
            }
        }
        Command::Scale { leads, db, server, generate_only, school: None, .. } => {
            let mut failed = false;
            for kind in kinds(db) {
                failed |= !scale(kind, leads, server.as_deref(), generate_only).await;
            }
            if failed {
                std::process::exit(1);
            }
        }
    }
}
