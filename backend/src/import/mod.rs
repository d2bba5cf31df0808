//! Importing leads from a spreadsheet (seed 001): preview first (every row ok, warning or error,
//! nothing written), then the whole file in one transaction — all or nothing, cancellable — with
//! an import record. Rows already imported (by their key) are skipped, so a file imported twice
//! creates nothing new.

mod history;
pub mod read;
mod write;

pub use history::history;

use crate::db::{AsConn, Db, WriteConnection, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{automation, settings, stages, users, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::dictionary::DictionaryEntry;
use domain::error::Invalid;
use domain::import::{check_headers, parse_row, FileProblem, ImportContext, ImportReport, ImportTotals, ParsedRow};
use domain::search::fold;
use domain::user::User;
use domain::{AppError, Id};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Where a running import stands, shared with whoever shows its progress or cancels it.
#[derive(Debug, Default)]
pub struct ImportProgress {
    pub done: AtomicU64,
    pub total: AtomicU64,
    pub cancel: AtomicBool,
}

/// Why an import did not run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImportRefusal {
    /// The file itself: not a spreadsheet, empty, too large, wrong headers.
    File(FileProblem),
    /// Rows with errors: fix the file (the import is all or nothing).
    RowErrors(u64),
    Cancelled,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportOutcome {
    pub import_id: Id,
    pub imported: u64,
    pub already: u64,
}

async fn may_import(db: &Db, actor: &User) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::Configure, visibility)?;
    Ok(())
}

fn entries(list: Vec<DictionaryEntry>, active_only: bool) -> Vec<(Id, String)> {
    list.into_iter().filter(|e| e.active || !active_only).map(|e| (e.id, e.name)).collect()
}

async fn context(db: &Db) -> Result<ImportContext> {
    let d = crate::dictionaries::all(db).await?;
    let tz = settings::school_tz(&settings::settings_or_default(db).await?.timezone);
    Ok(ImportContext {
        stages: stages::list_stages(db).await?.into_iter().map(|s| (s.id, s.name)).collect(),
        branches: entries(d.branches, false),
        categories: entries(d.categories, false),
        channels: entries(d.channels, true),
        sources: entries(d.contact_sources, false),
        users: users::list_users(db).await?.into_iter().filter(|u| u.active).map(|u| (u.id, u.login, u.display_name)).collect(),
        today: Utc::now().with_timezone(&tz).date_naive(),
    })
}

/// Reads and checks the whole file; writes nothing. A file-level problem is the `Err`.
pub async fn preview(db: &Db, actor: &User, file_name: &str, bytes: &[u8]) -> Result<std::result::Result<ImportReport, FileProblem>> {
    may_import(db, actor).await?;
    let table = match read::read_table(bytes) {
        Ok(t) => t,
        Err(p) => return Ok(Err(p)),
    };
    if let Err(mismatch) = check_headers(&table[0]) {
        return Ok(Err(FileProblem::Headers(mismatch)));
    }
    let ctx = context(db).await?;
    let rows: Vec<ParsedRow> = table[1..].iter().enumerate().map(|(i, cells)| parse_row(i + 2, cells, &ctx)).collect();
    let already = already_imported(db, &rows).await?;
    let totals = ImportTotals::count(&rows, &already);
    Ok(Ok(ImportReport { file_name: file_name.to_string(), file_hash: hex_sha256(bytes), rows, already, totals }))
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Lines whose row is already in the school — imported before (same row key), or a lead of the
/// same person (phone), category and first name, as an export of the school's own leads is — or
/// appears earlier in this file.
async fn already_imported(db: &Db, rows: &[ParsedRow]) -> Result<Vec<usize>> {
    let mut known_keys = HashSet::new();
    let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
    for chunk in keys.chunks(500) {
        known_keys.extend(strings_in(db, "SELECT import_key FROM leads WHERE import_key IN", chunk).await?);
    }
    let phones: Vec<String> = rows.iter().filter_map(|r| r.draft.as_ref()).map(|d| d.phone.clone()).filter(|p| !p.is_empty()).collect();
    let mut known_people = HashSet::new();
    for chunk in phones.chunks(500) {
        let placeholders = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT phone, category_id, first_name FROM leads WHERE phone IN ({placeholders})");
        let found: Vec<(String, Option<Id>, String)> = with_pool!(db, pool => {
            let mut q = sqlx::query_as(&sql);
            for phone in chunk {
                q = q.bind(phone);
            }
            q.fetch_all(pool).await
        })?;
        known_people.extend(found.into_iter().map(|(phone, category, name)| (phone, category, fold(&name))));
    }
    // Without a phone, a lead is recognised by its names, category and creation second.
    let tz = settings::school_tz(&settings::settings_or_default(db).await?.timezone);
    let mut known_unphoned = HashSet::new();
    for row in rows.iter().filter(|r| r.draft.as_ref().is_some_and(|d| d.phone.is_empty())) {
        let Some(created) = row.created_at.and_then(|c| c.and_local_timezone(tz).earliest()).map(|c| c.with_timezone(&Utc)) else {
            continue;
        };
        let found: Vec<NamesRow> = with_pool!(db, pool => sqlx::query_as(
            "SELECT first_name, surname, patronymic, category_id FROM leads WHERE phone IS NULL AND created_at >= $1 AND created_at < $2"
        )
        .bind(created)
        .bind(created + chrono::Duration::seconds(1))
        .fetch_all(pool)
        .await)?;
        let folded = |d: &domain::lead::LeadDraft| (fold(&d.first_name), fold(&d.surname), fold(&d.patronymic), d.category_id);
        if let Some(d) = &row.draft {
            let wanted = folded(d);
            let exists = found.into_iter().any(|(first, surname, patronymic, category)| {
                (fold(&first), fold(surname.as_deref().unwrap_or_default()), fold(patronymic.as_deref().unwrap_or_default()), category)
                    == wanted
            });
            if exists {
                known_unphoned.insert(row.line);
            }
        }
    }
    let mut seen = HashSet::new();
    Ok(rows
        .iter()
        .filter(|r| {
            let person = r.draft.as_ref().is_some_and(|d| known_people.contains(&(d.phone.clone(), d.category_id, fold(&d.first_name))));
            known_keys.contains(&r.key) || person || known_unphoned.contains(&r.line) || !seen.insert(r.key.clone())
        })
        .map(|r| r.line)
        .collect())
}

/// First name, surname, patronymic and category of a lead.
type NamesRow = (String, Option<String>, Option<String>, Option<Id>);

/// The values of `sql` (ending in `IN`) for these strings.
async fn strings_in(db: &Db, sql: &str, values: &[String]) -> Result<Vec<String>> {
    let placeholders = (1..=values.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("{sql} ({placeholders})");
    Ok(with_pool!(db, pool => {
        let mut q = sqlx::query_scalar(&sql);
        for v in values {
            q = q.bind(v);
        }
        q.fetch_all(pool).await
    })?)
}

/// Imports the file as the preview showed it: refuses a file with row errors; skips rows already
/// imported; everything else in one transaction with an import record, checking `progress.cancel`
/// between rows.
pub async fn run(
    db: &Db,
    actor: &User,
    file_name: &str,
    bytes: &[u8],
    run_rules: bool,
    progress: &ImportProgress,
) -> Result<std::result::Result<ImportOutcome, ImportRefusal>> {
    let report = match preview(db, actor, file_name, bytes).await? {
        Ok(r) => r,
        Err(p) => return Ok(Err(ImportRefusal::File(p))),
    };
    if report.totals.errors > 0 {
        return Ok(Err(ImportRefusal::RowErrors(report.totals.errors)));
    }
    let rules = if run_rules { automation::active_rules(db).await? } else { automation::ActiveRules::default() };
    let tz = settings::school_tz(&settings::settings_or_default(db).await?.timezone);
    let already: HashSet<usize> = report.already.iter().copied().collect();
    let todo: Vec<&ParsedRow> = report.rows.iter().filter(|r| !already.contains(&r.line)).collect();
    progress.total.store(todo.len() as u64, Ordering::Relaxed);
    let at = now();
    let outcome = with_pool!(db, pool => {
        // A connection of its own, with room for the transaction's pages (see bulk_connection).
        let mut conn = pool.bulk_connection().await?;
        let mut tx = conn.begin_write().await?;
        let import_id: Id = sqlx::query_scalar(
            "INSERT INTO imports (user_id, file_name, file_hash, rows_total, rows_imported, status, created_at, rows_already) \
             VALUES ($1, $2, $3, $4, 0, 'running', $5, $6) RETURNING id",
        )
        .bind(actor.id)
        .bind(file_name)
        .bind(&report.file_hash)
        .bind(report.rows.len() as i64)
        .bind(at)
        .bind(report.already.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
        // Rows are checked and given their responsible one by one, then written a batch at a
        // time (see `write::write_batch`).
        let run = write::ImportRun { import_id, rules: &rules, actor, at, first_seen: first_seen(&todo, tz, at) };
        let mut staged = Vec::with_capacity(write::BATCH_LEADS);
        for &row in &todo {
            if progress.cancel.load(Ordering::Relaxed) {
                // Dropping the transaction rolls everything back.
                return Ok(Err(ImportRefusal::Cancelled));
            }
            let Some(draft) = row.draft.clone() else { continue };
            let lead = draft.validate(chrono::Utc::now().date_naive())?;
            let created_at = created_at(row, tz, at);
            // The file's names were resolved against the database moments ago (`context`); the
            // foreign keys still refuse anything that vanished meanwhile.
            let channel_id = lead.channel_id.ok_or_else(|| AppError::invalid("channel_id", Invalid::Required))?;
            let responsible_id = match lead.responsible_id {
                Some(id) => id,
                None => automation::responsible_for_new_lead(&mut tx.conn(), &rules, lead.branch_id, actor).await?,
            };
            staged.push(write::Staged { lead, row, created_at, channel_id, responsible_id });
            if staged.len() == write::BATCH_LEADS {
                write::write_batch(&mut tx.conn(), &run, &staged).await?;
                progress.done.fetch_add(staged.len() as u64, Ordering::Relaxed);
                staged.clear();
            }
        }
        write::write_batch(&mut tx.conn(), &run, &staged).await?;
        progress.done.fetch_add(staged.len() as u64, Ordering::Relaxed);
        sqlx::query("UPDATE imports SET rows_imported = $1, status = 'done', finished_at = $2 WHERE id = $3")
            .bind(todo.len() as i64)
            .bind(now())
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        ImportOutcome { import_id, imported: todo.len() as u64, already: report.already.len() as u64 }
    });
    tracing::info!(import = outcome.import_id, imported = outcome.imported, already = outcome.already, by = actor.id, "import done");
    Ok(Ok(outcome))
}

/// When a row's lead was created: the file's time on the school's clock, or now.
fn created_at(row: &ParsedRow, tz: chrono_tz::Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    row.created_at.and_then(|local| local.and_local_timezone(tz).earliest()).map_or(now, |d| d.with_timezone(&Utc))
}

/// Each phone's oldest creation time among the rows.
fn first_seen(rows: &[&ParsedRow], tz: chrono_tz::Tz, now: DateTime<Utc>) -> HashMap<String, DateTime<Utc>> {
    let mut first: HashMap<String, DateTime<Utc>> = HashMap::new();
    for row in rows {
        if let Some(phone) = row.draft.as_ref().and_then(|d| domain::phone::Phone::parse(&d.phone).ok()) {
            let created = created_at(row, tz, now);
            first.entry(phone.as_str().to_owned()).and_modify(|t| *t = (*t).min(created)).or_insert(created);
        }
    }
    first
}
