//! Search as the header's box uses it, and keeping each lead's search text filled in.

use crate::db::Db;
use crate::error::Result;
use crate::list::{self, ROW_COLUMNS, ROW_JOINS};
use crate::rows::now;
use crate::{settings, with_pool};
use domain::access::{can, lead_scope, Action};
use domain::count::Count;
use domain::filter::LeadFilter;
use domain::list::ListRow;
use domain::search::{search_text, sort_name, SearchQuery};
use domain::user::User;
use domain::{AppError, Id};

/// Hits shown under the search box; the list shows the rest.
pub const QUICK_LIMIT: i64 = 8;

/// The quick answer to what was typed: the newest matching leads `user` may see (archived ones
/// too, marked), and how many match in all (up to the cap).
pub async fn quick(db: &Db, user: &User, typed: &str) -> Result<(Vec<ListRow>, Count)> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let query = SearchQuery::parse(typed).map_err(|_| AppError::invalid("q", domain::error::Invalid::SearchTooShort))?;
    let scope = lead_scope(user, settings.lead_visibility);
    let mut w = crate::filter::Where::build(&LeadFilter::default(), scope, now(), db.dialect());
    // Search finds archived leads as well: people look for someone they remember.
    w.conditions.retain(|c| c != "l.archived = FALSE");
    w.search(db.dialect(), &query);
    // One statement: one pass over the index finds the newest hits and counts them all (a common
    // surname is ten thousand leads: two passes cost twice), and only those hits are joined to
    // what a row shows.
    let sql = format!(
        "WITH hits AS (SELECT l.id, COUNT(*) OVER () AS total FROM leads l WHERE {} \
         ORDER BY l.created_at DESC, l.id DESC LIMIT {QUICK_LIMIT}) \
         SELECT {ROW_COLUMNS}, hits.total FROM hits JOIN leads l ON l.id = hits.id {ROW_JOINS} \
         ORDER BY l.created_at DESC, l.id DESC",
        w.sql()
    );
    let (rows, total) = list::fetch_rows_with_total(db, &sql, &w.binds, &settings.timezone, domain::list::SortKey::Created).await?;
    // Capped like the list's total, which "all results" opens.
    Ok((rows, Count::capped(total)))
}

#[derive(sqlx::FromRow)]
struct Unindexed {
    id: Id,
    first_name: String,
    patronymic: Option<String>,
    surname: Option<String>,
    company_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    extra_phone: Option<String>,
}

/// Fills in the search text and sort name of leads written before they existed (migration 0004)
/// or by hand. Cheap when there is nothing to do: every lead has a first name, so its search text
/// is never empty once written.
pub async fn backfill(db: &Db) -> Result<()> {
    loop {
        let rows: Vec<Unindexed> = with_pool!(db, pool => sqlx::query_as(
            "SELECT id, first_name, patronymic, surname, company_name, email, phone, extra_phone FROM leads WHERE search_text = '' LIMIT 1000"
        )
        .fetch_all(pool)
        .await)?;
        if rows.is_empty() {
            return Ok(());
        }
        with_pool!(db, pool => {
            let mut tx = crate::db::WritePool::begin_write(pool).await?;
            for r in &rows {
                let names = [Some(r.first_name.as_str()), r.patronymic.as_deref(), r.surname.as_deref(), r.company_name.as_deref()];
                let mut text = search_text(&names, r.email.as_deref(), &[r.phone.as_deref(), r.extra_phone.as_deref()]);
                if text.is_empty() {
                    // A blank name: mark it done so the loop ends.
                    text = " ".into();
                }
                sqlx::query("UPDATE leads SET search_text = $1, sort_name = $2 WHERE id = $3")
                    .bind(text)
                    .bind(sort_name(&r.first_name, r.patronymic.as_deref(), r.surname.as_deref()))
                    .bind(r.id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
    }
}
