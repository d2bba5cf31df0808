//! The five dictionaries, read together for forms and filters.

use crate::db::Db;
use crate::error::Result;
use crate::rows::EntryRow;
use crate::with_pool;
use domain::dictionary::{Dictionaries, DictionaryEntry, DictionaryKind};

pub(crate) fn table(kind: DictionaryKind) -> &'static str {
    match kind {
        DictionaryKind::Branch => "branches",
        DictionaryKind::Category => "categories",
        DictionaryKind::Channel => "channels",
        DictionaryKind::ContactSource => "contact_sources",
        DictionaryKind::Tag => "tags",
    }
}

pub async fn list(db: &Db, kind: DictionaryKind) -> Result<Vec<DictionaryEntry>> {
    let sql = format!("SELECT id, name, position, active FROM {} ORDER BY position, name, id", table(kind));
    let rows = with_pool!(db, pool => sqlx::query_as::<_, EntryRow>(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(DictionaryEntry::from).collect())
}

pub async fn all(db: &Db) -> Result<Dictionaries> {
    Ok(Dictionaries {
        branches: list(db, DictionaryKind::Branch).await?,
        categories: list(db, DictionaryKind::Category).await?,
        channels: list(db, DictionaryKind::Channel).await?,
        contact_sources: list(db, DictionaryKind::ContactSource).await?,
        tags: list(db, DictionaryKind::Tag).await?,
    })
}
