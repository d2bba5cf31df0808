//! Which words PostgreSQL's own statistics call common, so the header's search can skip counting
//! them.
//!
//! A GIN index cannot stop early: before `LIMIT 1001` stops anything, PostgreSQL builds the
//! bitmap of every lead holding the word. A surname that is also the stem of a patronymic
//! («Михайлов» finds every Михайлович and Михайловна) is in six of a hundred leads, and its
//! bitmap of 61,000 leads took 11–15 ms of the search's 17–25 (session 22, `auto_explain`, a
//! million leads) only to say "1 000+". `ANALYZE` keeps the most common array elements of
//! `lead_search.search_grams` with their share of rows; a word whose share promises
//! [`COMMON_LEADS`] leads is answered "1 000+" without the bitmap, and its newest leads are found
//! by reading leads newest first, as a common word's already were.

use crate::db::{Db, Pool};
use crate::error::Result;
use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Leads a word's estimate must reach: five times the search's count cap, so an estimate five
/// times too high (a sample of 300,000 rows errs by a few per cent; leads are seldom deleted)
/// still leaves over a thousand. The benchmark's female surnames, in 0.6 % of a million leads,
/// reach it; at ten times they did not, and were the slowest searches left.
pub const COMMON_LEADS: f64 = 5.0 * crate::search::QUICK_COUNT_CAP as f64;

/// How long a read of the statistics is kept. They change when autovacuum analyses the table,
/// after a tenth of it changed: hours or days in a school.
const KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// The common words' keys as last read, and when.
#[derive(Debug, Default)]
pub struct CommonGrams {
    kept: RwLock<Option<(Instant, Arc<HashSet<i32>>)>>,
}

/// The gram keys whose estimated number of leads is at least `min_leads`: the most common
/// elements of `search_grams` times the table's estimated rows. Empty before the first `ANALYZE`
/// (`reltuples` is -1 then).
const COMMON_SQL: &str = "SELECT u.gram FROM pg_stats st \
     CROSS JOIN LATERAL unnest(st.most_common_elems::text::integer[], st.most_common_elem_freqs) AS u (gram, share) \
     CROSS JOIN pg_class c \
     WHERE st.schemaname = current_schema() AND st.tablename = 'lead_search' AND st.attname = 'search_grams' \
     AND c.oid = 'lead_search'::regclass AND u.gram IS NOT NULL AND u.share * c.reltuples >= $1";

/// Whether PostgreSQL's statistics promise at least [`COMMON_LEADS`] leads holding a word whose
/// gram keys are `keys` (`SearchQuery::gram_key_list` of one word): a word of up to eight
/// letters is one key; a longer one is its first and last eight, pieces of the same word, so it
/// is as common as the rarer of them, about. Always false on SQLite, whose word index stops
/// early by itself.
pub async fn is_common_word(db: &Db, keys: &[i32]) -> Result<bool> {
    if keys.is_empty() {
        return Ok(false);
    }
    let common = common(db).await?;
    Ok(keys.iter().all(|key| common.contains(key)))
}

impl CommonGrams {
    /// Takes `keys` as the common words, as if just read from the statistics: for tests, whose
    /// schools are too small for any word to reach [`COMMON_LEADS`].
    #[cfg(feature = "testing")]
    pub fn keep(&self, keys: HashSet<i32>) {
        *self.kept.write().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), Arc::new(keys)));
    }
}

async fn common(db: &Db) -> Result<Arc<HashSet<i32>>> {
    let fresh = |(at, _): &(Instant, Arc<HashSet<i32>>)| at.elapsed() < KEPT_FOR;
    if let Some((_, keys)) = db.common_grams.kept.read().unwrap_or_else(PoisonError::into_inner).as_ref().filter(|k| fresh(k)) {
        return Ok(keys.clone());
    }
    let keys: HashSet<i32> = match &db.pool {
        Pool::Sqlite(_) => HashSet::new(),
        Pool::Postgres(pool) => read(pool, COMMON_LEADS).await?,
    };
    let keys = Arc::new(keys);
    *db.common_grams.kept.write().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), keys.clone()));
    Ok(keys)
}

/// The keys PostgreSQL's statistics estimate in `min_leads` leads or more.
pub async fn read(pool: &sqlx::PgPool, min_leads: f64) -> Result<HashSet<i32>> {
    let keys: Vec<i32> = sqlx::query_scalar(COMMON_SQL).bind(min_leads).fetch_all(pool).await?;
    Ok(keys.into_iter().collect())
}
