//! Search as the header's box uses it, and keeping each lead's search text filled in.

use crate::db::{Conn, Db, Pool};
use crate::error::Result;
use crate::filter::{SearchFrom, Where};
use crate::list;
use crate::rows::now;
use crate::{bind_all, settings, with_pool};
use domain::access::{can, lead_scope, Action, LeadScope};
use domain::count::Count;
use domain::filter::LeadFilter;
use domain::list::ListRow;
use domain::search::{array_literal, search_text, sort_name, word_grams, word_suffixes, SearchQuery};
use domain::user::User;
use domain::{AppError, Id};

/// Hits shown under the search box; the list shows the rest.
pub const QUICK_LIMIT: usize = 8;

/// The box counts matches up to this and then says "1 000+", as the list it opens does. Past it a
/// word is common enough that its newest leads are found sooner by reading leads newest first
/// than by sorting every hit the index holds.
pub const QUICK_COUNT_CAP: i64 = domain::count::SEARCH_CAP;

/// One of the newest hits, with how many hits the index gave (up to the cap and one more).
#[derive(sqlx::FromRow)]
struct Hit {
    id: Id,
    hits: i64,
}

/// The quick answer to what was typed: the newest matching leads `user` may see (archived ones
/// too, marked), and how many match in all (up to [`QUICK_COUNT_CAP`]).
///
/// Two plans, chosen by the count. The index gives up to the cap's worth of hits in its own
/// order, and the database answers their count and the newest eight of them (sending a
/// thousand rows to the server to sort cost more than the search: sqlx hands SQLite's rows over
/// one by one). When that is all of them, that is the answer. When there are more — a surname
/// alone is twelve thousand leads in a school of a million — sorting them all is what made a
/// common word slow (150–220 ms), so the leads are read newest first and each tested instead:
/// with more than a thousand hits, eight turn up within the newest few thousand. On PostgreSQL
/// a one-word search its statistics call common skips the count ([`crate::search_stats`]): the
/// index's count of a word in six leads of a hundred cost more than everything else. On SQLite
/// the word index alone tells when a word has more ([`word_index_over_cap`]).
pub async fn quick(db: &Db, user: &User, typed: &str) -> Result<(Vec<ListRow>, Count)> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let query = SearchQuery::parse(typed).map_err(|_| AppError::invalid("q", domain::error::Invalid::SearchTooShort))?;
    let scope = lead_scope(user, settings.lead_visibility);
    let mut visible = Where::build(&LeadFilter::default(), scope, now(), db.dialect());
    // Search finds archived leads as well: people look for someone they remember.
    visible.conditions.retain(|c| c != "l.archived = FALSE");

    // One word with a letter, among all leads, is "1 000+" without counting when it is known to
    // be common: PostgreSQL's statistics say so, or SQLite's word index alone finds more than the
    // cap. Should the statistics be wrong, the walk newest first finds fewer than a page: that
    // is every hit, counted.
    let over_cap = match query.gram_key_list() {
        Some(keys) if query.terms.len() == 1 && scope == LeadScope::All => {
            crate::search_stats::is_common_word(db, &keys).await? || word_index_over_cap(db, &query).await?
        }
        _ => false,
    };
    let (newest, count) = if over_cap {
        let newest = newest_first(db, &visible, &query).await?;
        let count = if newest.len() == QUICK_LIMIT {
            Count::capped_at(QUICK_COUNT_CAP + 1, QUICK_COUNT_CAP)
        } else {
            Count::exact(newest.len() as i64)
        };
        (newest, count)
    } else {
        let hits = indexed_hits(db, &visible, &query).await?;
        let count = Count::capped_at(hits.first().map_or(0, |h| h.hits), QUICK_COUNT_CAP);
        let newest = if count.more { newest_first(db, &visible, &query).await? } else { hits.into_iter().map(|h| h.id).collect() };
        (newest, count)
    };
    let rows = list::rows_in_order(db, &newest, &settings.timezone, domain::list::SortKey::Created).await?;
    Ok((rows, count))
}

/// Whether SQLite's word index alone holds more hits than the count cap, counted without looking
/// up a lead: for one word with a letter that every lead may match ([`quick`] asks only then),
/// of at most [`domain::search::INDEXED_PREFIX`] characters, which the index answers exactly. A surname has thousands of hits: counting them through the leads read a thousand
/// rows scattered over the file (2.4 ms at the median at a million leads, session 24) only to
/// say "1 000+", where the index alone counts to the cap in 0.1–0.7 ms. Not for two words: most
/// pairs are under the cap, and their count through the index alone (about a millisecond, the
/// two words' lists intersected) came on top of the look-ups they need anyway. Always false on
/// PostgreSQL, whose word grams are hashes (a count from them is an upper bound); its statistics
/// answer a common word instead ([`crate::search_stats`]).
async fn word_index_over_cap(db: &Db, query: &SearchQuery) -> Result<bool> {
    let Pool::Sqlite(pool) = &db.pool else {
        return Ok(false);
    };
    if query.long_terms().next().is_some() {
        return Ok(false);
    }
    let Some(prefixes) = query.suffix_fts5() else {
        return Ok(false);
    };
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM leads_words WHERE leads_words MATCH $1 LIMIT {})", QUICK_COUNT_CAP + 1);
    let hits: i64 = sqlx::query_scalar(&sql).bind(prefixes).fetch_one(pool).await?;
    Ok(hits > QUICK_COUNT_CAP)
}

/// Up to the cap's worth of hits (and one more) as the index gives them, the newest
/// [`QUICK_LIMIT`] of them, each row with how many there were.
async fn indexed_hits(db: &Db, visible: &Where, query: &SearchQuery) -> Result<Vec<Hit>> {
    let mut indexed = visible.clone();
    let from = indexed.search_from(db.dialect(), query);
    let sql = format!(
        "SELECT id, COUNT(*) OVER () AS hits FROM (SELECT {} AS id, {} AS created_at FROM {} WHERE {} LIMIT {}) AS found \
         ORDER BY created_at DESC, id DESC LIMIT {QUICK_LIMIT}",
        from.id,
        from.created_at,
        from.tables,
        indexed.sql(),
        QUICK_COUNT_CAP + 1
    );
    Ok(with_pool!(db, pool => bind_all!(sqlx::query_as::<_, Hit>(&sql), &indexed.binds).fetch_all(pool).await)?)
}

/// The newest [`QUICK_LIMIT`] hits, found by reading leads newest first and testing each: quick
/// for a common word, a scan of every lead for a rare one.
async fn newest_first(db: &Db, visible: &Where, query: &SearchQuery) -> Result<Vec<Id>> {
    let dialect = db.dialect();
    let mut walked = visible.clone();
    walked.contains_all(dialect, query);
    let from = SearchFrom::newest_first(dialect);
    let (id, created_at) = (from.id, from.created_at);
    let sql = format!("SELECT {id} FROM {} WHERE {} ORDER BY {created_at} DESC, {id} DESC LIMIT {QUICK_LIMIT}", from.tables, walked.sql());
    Ok(with_pool!(db, pool => bind_all!(sqlx::query_scalar::<_, Id>(&sql), &walked.binds).fetch_all(pool).await)?)
}

/// A lead's word grams as PostgreSQL's `lead_search.search_grams` takes them (bound as text).
pub fn grams_value(search_text: &str) -> String {
    array_literal(&word_grams(search_text))
}

/// Writes a new lead's search index in the transaction that inserts the lead: SQLite's word
/// suffixes (migration 0010), PostgreSQL's `lead_search` row (migration 0012).
pub(crate) async fn index_new_lead(conn: &mut Conn<'_>, lead_id: Id, search_text: &str) -> Result<()> {
    index_new_leads(conn, &[(lead_id, search_text.to_owned())]).await
}

/// Writes new leads' search index (one lead; many for the demo school and the benchmark's
/// generator): `(lead id, search text)` pairs, in the transaction that inserts the leads. On
/// PostgreSQL an existing row is replaced, which is how [`reindex_lead`] rewrites it.
pub async fn index_new_leads(conn: &mut Conn<'_>, leads: &[(Id, String)]) -> Result<()> {
    if leads.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Sqlite(c) => {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO leads_words (rowid, suffixes) ");
            q.push_values(leads, |mut b, (id, text)| {
                b.push_bind(*id).push_bind(word_suffixes(text));
            });
            q.build().execute(&mut **c).await?;
        }
        Conn::Postgres(c) => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO lead_search (lead_id, created_at, search_text, search_grams) \
                 SELECT l.id, l.created_at, v.search_text, v.grams::integer[] FROM (",
            );
            q.push_values(leads, |mut b, (id, text)| {
                b.push_bind(*id).push_bind(text).push_bind(grams_value(text));
            });
            q.push(
                ") AS v (id, search_text, grams) JOIN leads l ON l.id = v.id \
                 ON CONFLICT (lead_id) DO UPDATE SET search_text = EXCLUDED.search_text, search_grams = EXCLUDED.search_grams",
            );
            q.build().execute(&mut **c).await?;
        }
    }
    Ok(())
}

/// Replaces a lead's search index after its search text changed, in the same transaction.
pub(crate) async fn reindex_lead(conn: &mut Conn<'_>, lead_id: Id, search_text: &str) -> Result<()> {
    if let Conn::Sqlite(c) = conn {
        sqlx::query("DELETE FROM leads_words WHERE rowid = $1").bind(lead_id).execute(&mut **c).await?;
    }
    // PostgreSQL's row is replaced in place (ON CONFLICT).
    index_new_lead(conn, lead_id, search_text).await
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

/// Fills in the search text, word suffixes and sort name of leads written before they existed
/// (migrations 0004 and 0010 empty the search text to ask for it) or by hand. Cheap when there
/// is nothing to do: every lead has a first name, so its search text is never empty once
/// written. Walks the ids upwards, so a million leads are read once, not once per batch.
pub async fn backfill(db: &Db) -> Result<()> {
    let mut after: Id = 0;
    loop {
        // The partial index leads_unindexed (migration 0012) answers this without a scan.
        let rows: Vec<Unindexed> = with_pool!(db, pool => sqlx::query_as(
            "SELECT id, first_name, patronymic, surname, company_name, email, phone, extra_phone FROM leads \
             WHERE search_text = '' AND id > $1 ORDER BY id LIMIT 1000"
        )
        .bind(after)
        .fetch_all(pool)
        .await)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.id;
        with_pool!(db, pool => {
            let mut tx = crate::db::WritePool::begin_write(pool).await?;
            for r in &rows {
                let names = [Some(r.first_name.as_str()), r.patronymic.as_deref(), r.surname.as_deref(), r.company_name.as_deref()];
                let mut text = search_text(&names, r.email.as_deref(), &[r.phone.as_deref(), r.extra_phone.as_deref()]);
                if text.is_empty() {
                    // A blank name: mark it done.
                    text = " ".into();
                }
                sqlx::query("UPDATE leads SET search_text = $1, sort_name = $2 WHERE id = $3")
                    .bind(&text)
                    .bind(sort_name(&r.first_name, r.patronymic.as_deref(), r.surname.as_deref()))
                    .bind(r.id)
                    .execute(&mut *tx)
                    .await?;
                reindex_lead(&mut crate::db::AsConn::conn(&mut tx), r.id, &text).await?;
            }
            tx.commit().await?;
        });
    }
}
