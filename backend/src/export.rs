//! Exporting the leads a filter shows (the shared `LeadFilter`, within the reader's access) in the
//! import template's layout, so an exported file imports back without creating anything new.

use crate::db::Db;
use crate::error::Result;
use crate::list::visible;
use crate::settings::school_tz;
use crate::{bind_all, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::filter::LeadFilter;
use domain::import::COLUMNS;
use domain::user::User;
use domain::Id;
use futures_util::StreamExt;
use std::collections::HashMap;
use tokio::sync::mpsc;

/// The most rows one export holds (the import's limit, so every export imports back).
pub const MAX_EXPORT_ROWS: i64 = domain::import::MAX_ROWS as i64;

#[derive(sqlx::FromRow)]
struct ExportRow {
    id: Id,
    surname: Option<String>,
    first_name: String,
    patronymic: Option<String>,
    phone: Option<String>,
    extra_phone: Option<String>,
    email: Option<String>,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    desired_start: Option<NaiveDate>,
    category: Option<String>,
    branch: Option<String>,
    gearbox: Option<String>,
    channel: Option<String>,
    source: Option<String>,
    stage: String,
    responsible: Option<String>,
    created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT l.id, l.surname, l.first_name, l.patronymic, l.phone, l.extra_phone, l.email, l.gender, l.birth_date, \
     l.desired_start, c.name AS category, b.name AS branch, l.gearbox, ch.name AS channel, cs.name AS source, s.name AS stage, \
     u.login AS responsible, l.created_at \
     FROM leads l \
     JOIN stages s ON s.id = l.stage_id \
     LEFT JOIN categories c ON c.id = l.category_id \
     LEFT JOIN branches b ON b.id = l.branch_id \
     LEFT JOIN channels ch ON ch.id = l.channel_id \
     LEFT JOIN contact_sources cs ON cs.id = l.contact_source_id \
     LEFT JOIN users u ON u.id = l.responsible_id";

/// The template's header row, as exports and the empty templates carry it.
pub fn header_row() -> Vec<String> {
    COLUMNS.iter().map(|(ru, _)| ru.to_string()).collect()
}

/// The header and one row per lead the filter shows `actor`, oldest first, as text cells: the
/// whole table in memory, for tests and small exports. Downloads use [`export_rows`].
pub async fn export_table(db: &Db, actor: &User, filter: &LeadFilter) -> Result<Vec<Vec<String>>> {
    let mut rows = export_rows(db, actor, filter).await?;
    let mut table = vec![header_row()];
    while let Some(row) = rows.recv().await {
        table.push(row?);
    }
    Ok(table)
}

/// One row per lead the filter shows `actor`, oldest first, read from the database as the
/// receiver takes them (a bounded channel), so an export of any size holds a few hundred rows in
/// memory. Access is checked before anything is read; a database error mid-way arrives as the
/// last item. Dropping the receiver stops the reading.
pub async fn export_rows(db: &Db, actor: &User, filter: &LeadFilter) -> Result<mpsc::Receiver<Result<Vec<String>>>> {
    let (w, settings) = visible(db, actor, filter).await?;
    let tz = school_tz(&settings.timezone);
    // Only the exported leads' tags, under the same filter: far fewer than the leads' cells.
    let tags_sql = format!(
        "SELECT lt.lead_id, t.name FROM lead_tags lt JOIN tags t ON t.id = lt.tag_id \
         WHERE lt.lead_id IN (SELECT l.id FROM leads l WHERE {}) ORDER BY lt.lead_id, t.name",
        w.sql()
    );
    let tags: Vec<(Id, String)> = with_pool!(db, pool => bind_all!(sqlx::query_as(&tags_sql), &w.binds).fetch_all(pool).await)?;
    let mut tags_of: HashMap<Id, Vec<String>> = HashMap::new();
    for (lead, tag) in tags {
        tags_of.entry(lead).or_default().push(tag);
    }
    let sql = format!("{SELECT} WHERE {} ORDER BY l.id LIMIT {MAX_EXPORT_ROWS}", w.sql());
    let (tx, rx) = mpsc::channel(256);
    let db = db.clone();
    tokio::spawn(async move {
        with_pool!(db, pool => {
            let mut rows = bind_all!(sqlx::query_as::<_, ExportRow>(&sql), &w.binds).fetch(pool);
            let mut open = true;
            while let (true, Some(row)) = (open, rows.next().await) {
                let item = row.map(|r| {
                    let tags = tags_of.remove(&r.id).unwrap_or_default();
                    cells(r, tags, tz)
                });
                open = tx.send(item.map_err(Into::into)).await.is_ok();
            }
        })
    });
    Ok(rx)
}

fn cells(r: ExportRow, tags: Vec<String>, tz: Tz) -> Vec<String> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default();
    let gender = match r.gender.as_deref() {
        Some("male") => "М",
        Some("female") => "Ж",
        _ => "",
    };
    let gearbox = match r.gearbox.as_deref() {
        Some("automatic") => "да",
        Some("manual") => "нет",
        Some("either") => "любая",
        _ => "",
    };
    vec![
        r.surname.unwrap_or_default(),
        r.first_name,
        r.patronymic.unwrap_or_default(),
        r.phone.unwrap_or_default(),
        r.extra_phone.unwrap_or_default(),
        r.email.unwrap_or_default(),
        gender.to_string(),
        date(r.birth_date),
        date(r.desired_start),
        r.category.unwrap_or_default(),
        r.branch.unwrap_or_default(),
        gearbox.to_string(),
        r.channel.unwrap_or_default(),
        r.source.unwrap_or_default(),
        r.stage,
        r.responsible.unwrap_or_default(),
        tags.join(", "),
        r.created_at.with_timezone(&tz).format("%d.%m.%Y %H:%M:%S").to_string(),
        String::new(),
        String::new(),
    ]
}

/// CSV bytes for some rows: `;`-separated, as [`to_csv`] writes them.
pub fn csv_chunk(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// The table as CSV: UTF-8 with a byte-order mark (so Excel reads Cyrillic), `;`-separated.
pub fn to_csv(table: &[Vec<String>]) -> Vec<u8> {
    let mut bytes = CSV_BOM.to_vec();
    bytes.extend(csv_chunk(table));
    bytes
}

/// The byte-order mark a CSV export starts with.
pub const CSV_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the header and every row `rows` yields into an XLSX workbook in `out`, keeping only the
/// current row in memory (the worksheet goes to a temporary file as it grows). Blocking: run it
/// on a blocking thread.
pub fn write_xlsx(mut rows: mpsc::Receiver<Result<Vec<String>>>, out: &mut std::fs::File) -> Result<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| crate::Error::Config(format!("cannot write the workbook: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(fail)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, value) in header_row().iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, value, &bold).map_err(fail)?;
    }
    let mut r = 1u32;
    while let Some(row) = rows.blocking_recv() {
        for (c, value) in row?.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r, c as u16, value).map_err(fail)?;
            }
        }
        r += 1;
    }
    book.save_to_writer(out).map_err(fail)
}

/// The table as an XLSX workbook with a bold header row.
pub fn to_xlsx(table: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let fail = |e: rust_xlsxwriter::XlsxError| crate::Error::Config(format!("cannot write the workbook: {e}"));
    for (r, row) in table.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if r == 0 {
                sheet.write_string_with_format(0, c as u16, value, &bold).map_err(fail)?;
            } else if !value.is_empty() {
                sheet.write_string(r as u32, c as u16, value).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}
