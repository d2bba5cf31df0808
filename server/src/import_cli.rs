//! `voronka import FILE [--dry-run] [--as LOGIN] [--no-rules]`: the same preview report as the
//! app (every row with a problem, then the totals), then the same import.

use crate::cli::{cli_locale, describe};
use app::components::import_text::{file_problem_text, problem_text};
use app::i18n::*;
use backend::import::{ImportProgress, ImportRefusal};
use backend::Db;
use domain::import::{ImportReport, Severity, COLUMNS};
use std::path::Path;

fn print_report(locale: Locale, report: &ImportReport) {
    let already: std::collections::HashSet<usize> = report.already.iter().copied().collect();
    for row in &report.rows {
        if already.contains(&row.line) {
            continue;
        }
        for issue in &row.issues {
            let level = match issue.severity {
                Severity::Error => td_string!(locale, cli.error),
                Severity::Warning => td_string!(locale, cli.warning),
            };
            let (line, column, problem) = (row.line, COLUMNS[issue.column].0, problem_text(locale, &issue.problem));
            println!("{} {line}: {level}: {column}: {problem}", td_string!(locale, cli.line));
        }
    }
    let t = report.totals;
    // The words of the Import page's totals.
    println!(
        "{}: {}; {}: {} ({}: {}); {}: {}; {}: {}",
        td_string!(locale, import.rows),
        t.rows,
        td_string!(locale, import.ok),
        t.ok,
        td_string!(locale, import.warnings),
        t.warnings,
        td_string!(locale, import.errors),
        t.errors,
        td_string!(locale, import.already),
        t.already
    );
}

/// A large file takes a while: says how far the import is, once a second, on stderr.
async fn report_progress(locale: Locale, progress: std::sync::Arc<ImportProgress>) {
    use std::sync::atomic::Ordering;
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    every.tick().await;
    loop {
        every.tick().await;
        let (done, total) = (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
        if total > 0 {
            eprintln!("{} {done} / {total}", td_string!(locale, cli.importing));
        }
    }
}

pub async fn import(db: &Db, file: &Path, dry_run: bool, as_login: Option<String>, run_rules: bool) -> Result<(), String> {
    let locale = cli_locale();
    let bytes = std::fs::read(file).map_err(|e| format!("{} {}: {e}", td_string!(locale, cli.cannot_read), file.display()))?;
    let users = backend::users::list_users(db).await.map_err(describe)?;
    let actor = match &as_login {
        Some(login) => users
            .iter()
            .find(|u| u.login == login.to_lowercase() && u.active)
            .ok_or(format!("{} {login}", td_string!(locale, cli.no_user)))?,
        None => users
            .iter()
            .find(|u| u.role == domain::user::Role::Owner && u.active)
            .ok_or_else(|| format!("{}; {}", td_string!(locale, cli.no_owner), td_string!(locale, cli.pass_as)))?,
    };
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let report = backend::import::preview(db, actor, &name, &bytes).await.map_err(describe)?.map_err(|p| file_problem_text(locale, &p))?;
    print_report(locale, &report);
    let row_errors = |n: u64| format!("{} {n} — {}", td_string!(locale, cli.rows_with_errors), td_string!(locale, cli.nothing_imported));
    if report.totals.errors > 0 {
        return Err(row_errors(report.totals.errors));
    }
    if dry_run {
        println!("{}", td_string!(locale, cli.dry_run));
        return Ok(());
    }
    let progress = std::sync::Arc::new(ImportProgress::default());
    let ticker = tokio::spawn(report_progress(locale, progress.clone()));
    let outcome = backend::import::run(db, actor, &name, &bytes, run_rules, &progress).await;
    ticker.abort();
    match outcome.map_err(describe)? {
        Ok(done) => {
            println!(
                "{} {} ({}: {}), {} {}",
                td_string!(locale, cli.imported),
                done.imported,
                td_string!(locale, import.already),
                done.already,
                td_string!(locale, cli.import_number),
                done.import_id
            );
            Ok(())
        }
        Err(ImportRefusal::File(p)) => Err(file_problem_text(locale, &p)),
        Err(ImportRefusal::RowErrors(n)) => Err(row_errors(n)),
        Err(ImportRefusal::Cancelled) => Err(td_string!(locale, cli.cancelled).to_string()),
    }
}
