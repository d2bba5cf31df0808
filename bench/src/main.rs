//! `voronka-bench`: reproducible benchmarks. Every figure is printed beside a floor measured in
//! the same run on the same machine — the raw SQL doing the same work — because machines here are
//! noisy and only ratios travel.
//!
//! `voronka-bench import --rows 100000 [--db sqlite|postgres|both]`: a generated XLSX of realistic
//! leads through the real import (preview, checks, one transaction, timeline, rules), against a
//! floor of the same rows inserted with one prepared INSERT each in one transaction. Targets:
//! ≤ 30 s and ≤ 300 MB peak resident memory for 100,000 rows.

mod import;
mod memory;

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
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    match cli.command {
        Command::Import { rows, db } => {
            let kinds = match db {
                Which::Sqlite => vec![backend::testing::Kind::Sqlite],
                Which::Postgres => vec![backend::testing::Kind::Postgres],
                Which::Both => vec![backend::testing::Kind::Sqlite, backend::testing::Kind::Postgres],
            };
            let mut failed = false;
            for kind in kinds {
                failed |= !import::run(kind, rows).await;
            }
            if failed {
                std::process::exit(1);
            }
        }
    }
}
