//! Search as the header's box uses it, and keeping each lead's search text filled in.

use crate::db::{Conn, Db, Pool};
use crate::error::Result;
use crate::filter::{Dialect, SearchFrom, Where, WORD_KEY_LEAD_ID};
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
/// On SQLite, when every term is a word, the word index read newest first answers both
/// ([`word_index_hits`]). Otherwise two plans, chosen by the count. The index gives up to the
/// cap's worth of hits in its own order, and the database answers their count and the newest
/// eight of them (sending a thousand rows to the server to sort cost more than the search: sqlx
/// hands SQLite's rows over one by one). When that is all of them, that is the answer. When
/// there are more — a surname alone is twelve thousand leads in a school of a million — sorting
/// them all is what made a common word slow (150–220 ms), so the leads are read newest first and
/// each tested instead: with more than a thousand hits, eight turn up within the newest few
/// thousand. On PostgreSQL a one-word search its statistics call common skips the count
/// ([`crate::search_stats`]): the index's count of a word in six leads of a hundred cost more
/// than everything else.
pub async fn quick(db: &Db, user: &User, typed: &str) -> Result<(Vec<ListRow>, Count)> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let query = SearchQuery::parse(typed).map_err(|_| AppError::invalid("q", domain::error::Invalid::SearchTooShort))?;
    let scope = lead_scope(user, settings.lead_visibility);
    let mut visible = Where::build(&LeadFilter::default(), scope, now(), db.dialect());
    // Search finds archived leads as well: people look for someone they remember.
    visible.conditions.retain(|c| c != "l.archived = FALSE");

    let (newest, count) = if let Some(hits) = word_index_hits(db, &visible, &query).await? {
        let count = Count::capped_at(hits.first().map_or(0, |h| h.hits), QUICK_COUNT_CAP);
        (hits.into_iter().map(|h| h.id).collect(), count)
    } else if common_word(db, &query, scope).await? {
        // Should the statistics be wrong, the walk newest first finds fewer than a page: that is
        // every hit, counted.
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

/// Whether PostgreSQL's statistics call a one-word search among all leads common, so that it is
/// "1 000+" without counting.
async fn common_word(db: &Db, query: &SearchQuery, scope: LeadScope) -> Result<bool> {
    match query.gram_key_list() {
        Some(keys) if db.dialect() == Dialect::Postgres && query.terms.len() == 1 && scope == LeadScope::All => {
            crate::search_stats::is_common_word(db, &keys).await
        }
        _ => Ok(false),
    }
}

/// SQLite's word index key for the lead in `row` (a table alias, or `old` in a trigger): its
/// creation second counted from 2000, kept within 1932–2068, times 2³², plus its id. Read
/// backwards, the index gives a word's leads newest first, as the list orders them (leads
/// created in one second by id, which is the order they were written in). The id is the key's
/// low half ([`crate::filter::WORD_KEY_LEAD_ID`]). Migration 0014 spells it out in its triggers.
pub(crate) fn word_key(row: &str) -> String {
    format!("(max(min(unixepoch({row}.created_at) - 946684800, 2147483647), -2147483648) * 4294967296 + {row}.id)")
}

/// The largest lead id a word index key holds: its low half.
const WORD_KEY_MAX_ID: Id = u32::MAX as Id;

/// On SQLite, for a search whose every term is a word: up to the cap's worth of hits (and one
/// more) read from the word index newest first (migration 0014), the newest [`QUICK_LIMIT`] of
/// them, each row with how many there were. For someone who sees every lead, with no term longer
/// than the index keeps, the index alone answers: it never reads a lead. Otherwise each hit is
/// looked up to test it, newest first, until the cap. `None` on PostgreSQL and for a term that
/// spans words (the trigram table's, in the lead id's order).
async fn word_index_hits(db: &Db, visible: &Where, query: &SearchQuery) -> Result<Option<Vec<Hit>>> {
    let Pool::Sqlite(pool) = &db.pool else {
        return Ok(None);
    };
    let mut walked = visible.clone();
    let from = walked.search_from(db.dialect(), query);
    if from != SearchFrom::WORDS {
        return Ok(None);
    }
    let (id, tables) = if visible.conditions.is_empty() && query.long_terms().next().is_none() {
        (WORD_KEY_LEAD_ID, "leads_words")
    } else {
        (from.id, from.tables)
    };
    let sql = format!(
        "SELECT id, COUNT(*) OVER () AS hits FROM \
         (SELECT {id} AS id, leads_words.rowid AS word_key FROM {tables} WHERE {} ORDER BY leads_words.rowid DESC LIMIT {}) AS found \
         ORDER BY word_key DESC LIMIT {QUICK_LIMIT}",
        walked.sql(),
        QUICK_COUNT_CAP + 1
    );
    Ok(Some(bind_all!(sqlx::query_as::<_, Hit>(&sql), &walked.binds).fetch_all(pool).await?))
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

/// Writes new leads' search index (one lead; many for an import, the demo school and the
/// benchmark's generator): `(lead id, search text)` pairs, in the transaction that inserts the
/// leads. On SQLite that is the trigram table and the word index; on PostgreSQL `lead_search`.
pub async fn index_new_leads(conn: &mut Conn<'_>, leads: &[(Id, String)]) -> Result<()> {
    if leads.is_empty() {
        return Ok(());
    }
    if let Conn::Sqlite(c) = conn {
        // The trigram table, from the rows themselves (an external-content table must hold what
        // they hold), in id order. Written here rather than by a trigger (migration 0015): FTS5
        // writes its pending entries out at every statement savepoint, so a trigger made each
        // imported lead a segment of its own, and merging them made an import's time grow faster
        // than its rows.
        let mut q = sqlx::QueryBuilder::new("INSERT INTO leads_fts (rowid, search_text) SELECT l.id, l.search_text FROM (");
        q.push_values(leads, |mut b, (id, _)| {
            b.push_bind(*id);
        });
        // An empty text has its row from the trigger that asks the backfill for it.
        q.push(") AS v CROSS JOIN leads l ON l.id = v.column1 WHERE l.search_text <> '' ORDER BY l.id");
        q.build().execute(&mut **c).await?;
    }
    write_words(conn, leads).await
}

/// Writes leads' word index: SQLite's `leads_words` rows, PostgreSQL's `lead_search` row (an
/// existing one replaced, which is how [`reindex_leads`] rewrites it).
async fn write_words(conn: &mut Conn<'_>, leads: &[(Id, String)]) -> Result<()> {
    if leads.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Sqlite(c) => {
            // Each lead under its key (migration 0014), which its id and creation time give.
            if let Some((id, _)) = leads.iter().find(|(id, _)| !(0..=WORD_KEY_MAX_ID).contains(id)) {
                return Err(crate::Error::SearchIndex(format!("lead id {id} does not fit the word index key")));
            }
            let mut q =
                sqlx::QueryBuilder::new(format!("INSERT INTO leads_words (rowid, suffixes) SELECT {}, v.column2 FROM (", word_key("l")));
            q.push_values(leads, |mut b, (id, text)| {
                b.push_bind(*id).push_bind(word_suffixes(text));
            });
            // The listed leads drive the join (CROSS JOIN), each looked up by id; rows in key
            // order: FTS5 writes its pending entries out whenever a row id is lower than the last
            // one, and merging those writes made a million-lead school take hours.
            q.push(format!(
                ") AS v CROSS JOIN leads l ON l.id = v.column1 WHERE unixepoch(l.created_at) IS NOT NULL ORDER BY {}",
                word_key("l")
            ));
            let indexed = q.build().execute(&mut **c).await?.rows_affected();
            if indexed != leads.len() as u64 {
                return Err(crate::Error::SearchIndex(format!(
                    "{} of {} leads have no creation time SQLite can read: not indexed",
                    leads.len() as u64 - indexed,
                    leads.len()
                )));
            }
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
    reindex_leads(conn, &[(lead_id, search_text.to_owned())]).await
}

/// Replaces leads' word index after their search text changed: `(lead id, search text)` pairs,
/// in the transaction that wrote the text. On SQLite the old rows go first, in key order, then
/// the new ones are written in key order (the trigram table follows the text by its update
/// trigger); PostgreSQL's row is replaced in place (ON CONFLICT).
pub(crate) async fn reindex_leads(conn: &mut Conn<'_>, leads: &[(Id, String)]) -> Result<()> {
    if leads.is_empty() {
        return Ok(());
    }
    if let Conn::Sqlite(c) = conn {
        let mut q = sqlx::QueryBuilder::new(format!(
            "DELETE FROM leads_words WHERE rowid IN (SELECT {} FROM leads l WHERE l.id IN (",
            word_key("l")
        ));
        let mut ids = q.separated(", ");
        for (id, _) in leads {
            ids.push_bind(*id);
        }
        q.push("))");
        q.build().execute(&mut **c).await?;
    }
    write_words(conn, leads).await
}

/// Leads a batch of [`rebuild_words`] writes.
const REBUILD_BATCH: i64 = 10_000;

/// Writes every lead's word index again after a migration replaced the table (0016; SQLite
/// only), from the search text each lead keeps: a batch of ids at a time, each in its own
/// transaction with the id it reached (`word_index_rebuild`), so that a start-up stopped half
/// way goes on from there. Leads with an empty search text are [`backfill`]'s, which indexes
/// them. Cheap when there is nothing to do: the table has no row. (Migrations 0010 and 0014
/// asked the backfill instead, by emptying every search text; that also rewrites the trigram
/// table twice and computes every text again, where only the word index changed here.)
pub async fn rebuild_words(db: &Db) -> Result<()> {
    rebuild_words_in_batches_of(db, REBUILD_BATCH).await
}

/// [`rebuild_words`], `batch` leads a transaction (public for its test).
#[doc(hidden)]
pub async fn rebuild_words_in_batches_of(db: &Db, batch: i64) -> Result<()> {
    let Pool::Sqlite(pool) = &db.pool else {
        return Ok(());
    };
    let pending = sqlx::query_scalar::<_, Id>("SELECT after_id FROM word_index_rebuild").fetch_optional(pool).await?;
    if pending.is_none() {
        return Ok(());
    }
    let mut conn = crate::db::WritePool::bulk_connection(pool).await?;
    // Stopped half way, the next start-up goes on with the same setting and puts it back.
    fts5_bulk_write(&mut conn, &["leads_words"], true).await?;
    loop {
        let mut tx = crate::db::WriteConnection::begin_write(&mut conn).await?;
        let Some(after) = sqlx::query_scalar::<_, Id>("SELECT after_id FROM word_index_rebuild").fetch_optional(&mut *tx).await? else {
            break;
        };
        let leads: Vec<(Id, String)> =
            sqlx::query_as("SELECT id, search_text FROM leads WHERE id > $1 AND search_text <> '' ORDER BY id LIMIT $2")
                .bind(after)
                .bind(batch)
                .fetch_all(&mut *tx)
                .await?;
        match leads.last() {
            Some(&(last, _)) => {
                write_words(&mut crate::db::AsConn::conn(&mut tx), &leads).await?;
                sqlx::query("UPDATE word_index_rebuild SET after_id = $1").bind(last).execute(&mut *tx).await?;
            }
            None => {
                // FTS5's default goes back with the last mark, in one transaction: a stop between
                // the two would leave the large hash with no rebuild left to put it back.
                sqlx::query("DELETE FROM word_index_rebuild").execute(&mut *tx).await?;
                fts5_bulk_write(&mut tx, &["leads_words"], false).await?;
            }
        }
        tx.commit().await?;
    }
    merge_segments(&mut conn, &["leads_words"]).await
}

/// SQLite's full-text tables: the trigram table (migration 0004) and the word index (0016).
pub const FTS5_TABLES: [&str; 2] = ["leads_fts", "leads_words"];

/// Readies SQLite's full-text `tables` for a bulk write (`on`), or puts FTS5's default back
/// after it. FTS5 writes its pending entries out as a new segment at every statement and at
/// every megabyte of them, and merges each four segments of a level as it goes: a bulk write of
/// a million leads a megabyte at a time made thousands of small segments, and merging them
/// level after level took most of an hour. With a 256 MiB hash each statement of a bulk write
/// is one segment; the bulk write ends with [`merge_segments`].
pub async fn fts5_bulk_write(conn: &mut sqlx::SqliteConnection, tables: &[&str], on: bool) -> Result<()> {
    let hash_bytes: i64 = if on { 256 << 20 } else { 1 << 20 };
    for table in tables {
        sqlx::query(&format!("INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {hash_bytes})")).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Pages of merged index a step of [`merge_segments`] writes, in a transaction of its own.
const MERGE_STEP_PAGES: i64 = 2_000;

/// Merges each of SQLite's full-text `tables` into one segment after a bulk write, a step at a
/// time. A bulk write leaves its statement-sized segments on FTS5's lowest levels, where the
/// single-row segments of the leads created next join them: FTS5 merges a level whole once it
/// holds sixteen segments (its 'crisismerge'), and such a merge that took in the bulk write's
/// segments stopped a creation for 1.6 s at 300,000 leads (bench/RESULTS.md, session 32). In
/// one segment, the index keeps its bulk on a level that small segments reach only after
/// thousands of creations, and then by FTS5's incremental merging. A 'merge' with a negative
/// count is 'optimize' a step at a time: it gathers every segment onto one level and merges
/// them, and writes fewer than two rows (SQLite's `total_changes()`) once the table is one
/// segment.
pub async fn merge_segments(conn: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>, tables: &[&str]) -> Result<()> {
    for table in tables {
        loop {
            let mut tx = crate::db::WriteConnection::begin_write(conn).await?;
            let merged = merge_step(&mut tx, table, MERGE_STEP_PAGES).await?;
            tx.commit().await?;
            if !merged {
                break;
            }
        }
    }
    Ok(())
}

/// One step of [`merge_segments`]: up to `pages` pages of `table` merged, in the caller's
/// transaction; false when the table was one segment already.
pub(crate) async fn merge_step(conn: &mut sqlx::SqliteConnection, table: &str, pages: i64) -> Result<bool> {
    let before: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    sqlx::query(&format!("INSERT INTO {table} ({table}, rank) VALUES ('merge', -{pages})")).execute(&mut *conn).await?;
    let after: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    Ok(after - before >= 2)
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
            let indexed: Vec<(Id, String)> = rows
                .iter()
                .map(|r| {
                    let names = [Some(r.first_name.as_str()), r.patronymic.as_deref(), r.surname.as_deref(), r.company_name.as_deref()];
                    let text = search_text(&names, r.email.as_deref(), &[r.phone.as_deref(), r.extra_phone.as_deref()]);
                    // A blank name is marked done all the same.
                    (r.id, if text.is_empty() { " ".into() } else { text })
                })
                .collect();
            // The batch in one statement and its index at once: statement by statement (or lead
            // by lead), SQLite's FTS5 tables write their pending entries out each time.
            let mut q = sqlx::QueryBuilder::new("WITH v (id, search_text, sort_name) AS (");
            q.push_values(rows.iter().zip(&indexed), |mut b, (r, (id, text))| {
                b.push_bind(*id).push_bind(text).push_bind(sort_name(&r.first_name, r.patronymic.as_deref(), r.surname.as_deref()));
            });
            q.push(") UPDATE leads SET search_text = v.search_text, sort_name = v.sort_name FROM v WHERE leads.id = v.id");
            q.build().execute(&mut *tx).await?;
            reindex_leads(&mut crate::db::AsConn::conn(&mut tx), &indexed).await?;
            tx.commit().await?;
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_migration_keys_the_word_index_as_the_application_does() {
        let migration = include_str!("../migrations/sqlite/0014_word_index_newest_first.sql");
        let deleted = format!("WHERE rowid = {};", super::word_key("old"));
        assert_eq!(migration.matches(&deleted).count(), 2, "the delete and re-key triggers: {deleted}");
    }
}
