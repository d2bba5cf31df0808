//! `voronka import FILE [--dry-run] [--as LOGIN] [--no-rules]`: the same preview report as the
//! app (every row with a problem, then the totals), then the same import.

use backend::import::{ImportProgress, ImportRefusal};
use backend::Db;
use domain::import::{FileProblem, ImportReport, Problem, Severity, COLUMNS};
use std::path::Path;

fn problem_text(p: &Problem) -> String {
    match p {
        Problem::Required => "required".into(),
        Problem::TooLong => "too long".into(),
        Problem::Phone => "not a Russian phone number (e.g. +7 917 123-45-78)".into(),
        Problem::Email => "not an e-mail address".into(),
        Problem::Date => "not a date (01.01.2000, 01.01.2000 12:34:00 or an Excel date)".into(),
        Problem::DateInFuture => "a date in the future".into(),
        Problem::DateTooOld => "too early a date".into(),
        Problem::Unknown { allowed } => format!("unknown value; allowed: {}", allowed.join(", ")),
        Problem::ChannelFallback { used } => format!("unknown channel; \"{used}\" used instead"),
        Problem::Gender => "gender is М or Ж (male or female)".into(),
        Problem::Gearbox => "gearbox is да/нет/любая (automatic, manual, either)".into(),
    }
}

pub fn file_problem_text(p: &FileProblem) -> String {
    match p {
        FileProblem::Empty => "the file is empty".into(),
        FileProblem::NotSpreadsheet => "not an XLSX or CSV file".into(),
        FileProblem::TooLarge { max_bytes } => format!("the file is larger than {} MB", max_bytes / 1024 / 1024),
        FileProblem::TooManyRows { max_rows } => format!("the file has more than {max_rows} rows"),
        FileProblem::Headers(m) if m.column >= COLUMNS.len() => format!("column {} should not be there: \"{}\"", m.column + 1, m.found),
        FileProblem::Headers(m) => {
            format!("column {} should be \"{}\" (or \"{}\"), found \"{}\"", m.column + 1, m.expected, COLUMNS[m.column].1, m.found)
        }
    }
}

fn print_report(report: &ImportReport) {
    let already: std::collections::HashSet<usize> = report.already.iter().copied().collect();
    for row in &report.rows {
        if already.contains(&row.line) {
            continue;
        }
        for issue in &row.issues {
            let level = match issue.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!("line {}: {level}: {}: {}", row.line, COLUMNS[issue.column].0, problem_text(&issue.problem));
        }
    }
    let t = report.totals;
    println!("{} rows: {} ok ({} with warnings), {} with errors, {} already imported", t.rows, t.ok, t.warnings, t.errors, t.already);
}

/// A large file takes a while: says how far the import is, once a second, on stderr.
async fn report_progress(progress: std::sync::Arc<ImportProgress>) {
    use std::sync::atomic::Ordering;
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    every.tick().await;
    loop {
        every.tick().await;
        let (done, total) = (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
        if total > 0 {
            eprintln!("importing: {done} of {total} rows written");
        }
    }
}

pub async fn import(db: &Db, file: &Path, dry_run: bool, as_login: Option<String>, run_rules: bool) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let users = backend::users::list_users(db).await.map_err(|e| e.to_string())?;
    let actor = match &as_login {
        Some(login) => {
            users.iter().find(|u| u.login == login.to_lowercase() && u.active).ok_or(format!("no active user with login {login}"))?
        }
        None => users
            .iter()
            .find(|u| u.role == domain::user::Role::Owner && u.active)
            .ok_or("the school has no active owner; pass --as LOGIN")?,
    };
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let report = backend::import::preview(db, actor, &name, &bytes).await.map_err(|e| e.to_string())?.map_err(|p| file_problem_text(&p))?;
    print_report(&report);
    if report.totals.errors > 0 {
        return Err(format!("{} rows have errors: nothing imported", report.totals.errors));
    }
    if dry_run {
        println!("dry run: nothing imported");
        return Ok(());
    }
    let progress = std::sync::Arc::new(ImportProgress::default());
    let ticker = tokio::spawn(report_progress(progress.clone()));
    let outcome = backend::import::run(db, actor, &name, &bytes, run_rules, &progress).await;
    ticker.abort();
    match outcome.map_err(|e| e.to_string())? {
        Ok(done) => {
            println!("imported {} leads ({} already imported), import #{}", done.imported, done.already, done.import_id);
            Ok(())
        }
        Err(ImportRefusal::File(p)) => Err(file_problem_text(&p)),
        Err(ImportRefusal::RowErrors(n)) => Err(format!("{n} rows have errors: nothing imported")),
        Err(ImportRefusal::Cancelled) => Err("cancelled: nothing imported".into()),
    }
}
