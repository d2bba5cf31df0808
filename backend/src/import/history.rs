//! The list of past imports, for those who may import (deputy and above).

use crate::db::Db;
use crate::error::Result;
use crate::{settings, with_pool};
use chrono::{DateTime, Utc};
use domain::access::{can, Action};
use domain::import_record::ImportRecord;
use domain::user::User;
use domain::Id;

#[derive(sqlx::FromRow)]
struct Row {
    id: Id,
    by: Option<String>,
    file_name: String,
    file_hash: String,
    rows_total: i32,
    rows_imported: i32,
    rows_already: i32,
    created_at: DateTime<Utc>,
    status: String,
}

/// The newest 100 imports `actor` may see.
pub async fn history(db: &Db, actor: &User) -> Result<Vec<ImportRecord>> {
    let settings = settings::settings_or_default(db).await?;
    can(actor, Action::Configure, settings.lead_visibility)?;
    let tz = settings::school_tz(&settings.timezone);
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT i.id, u.display_name AS by, i.file_name, i.file_hash, i.rows_total, i.rows_imported, i.rows_already, \
         i.created_at, i.status FROM imports i LEFT JOIN users u ON u.id = i.user_id \
         ORDER BY i.created_at DESC, i.id DESC LIMIT 100",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| ImportRecord {
            id: r.id,
            by: r.by,
            file_name: r.file_name,
            file_hash: r.file_hash,
            rows_total: r.rows_total.into(),
            rows_imported: r.rows_imported.into(),
            rows_already: r.rows_already.into(),
            started_local: r.created_at.with_timezone(&tz).naive_local(),
            finished: r.status == "done",
        })
        .collect())
}
