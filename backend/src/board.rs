//! The board: the shown stages as columns, each with its count and first cards.

use crate::db::Db;
use crate::error::Result;
use crate::filter::{Bind, Dialect, Where};
use crate::rows::now;
use crate::{bind_all, settings, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::access::{can, lead_scope, Action, LeadScope};
use domain::board::{Board, BoardCard, BoardColumn, CardCursor};
use domain::count::Count;
use domain::filter::LeadFilter;
use domain::lead::full_name;
use domain::search::SearchQuery;
use domain::stage::Stage;
use domain::user::{initials, User};
use domain::{AppError, Id};
use std::collections::HashMap;
use std::sync::Arc;

/// Cards per column on first load.
pub const PAGE: i64 = domain::board::COLUMN_PAGE;

#[derive(sqlx::FromRow)]
struct CardRow {
    id: Id,
    stage_id: Id,
    first_name: String,
    patronymic: Option<String>,
    surname: Option<String>,
    phone: Option<String>,
    category: Option<String>,
    branch: Option<String>,
    desired_start: Option<NaiveDate>,
    responsible_id: Option<Id>,
    responsible: Option<String>,
    stage_changed_at: DateTime<Utc>,
    postponed_until: Option<DateTime<Utc>>,
    next_task_due: Option<DateTime<Utc>>,
    version: i64,
}

/// A card's columns over `leads l`; the names by scalar subqueries, as in `list::ROW_COLUMNS`
/// (cheaper for PostgreSQL to plan than joins in every arm of the board's `UNION ALL`).
macro_rules! card_columns {
    () => {
        "l.id, l.stage_id, l.first_name, l.patronymic, l.surname, l.phone, \
         (SELECT c.name FROM categories c WHERE c.id = l.category_id) AS category, \
         (SELECT b.name FROM branches b WHERE b.id = l.branch_id) AS branch, \
         l.desired_start, l.responsible_id, (SELECT u.display_name FROM users u WHERE u.id = l.responsible_id) AS responsible, \
         l.stage_changed_at, l.postponed_until, l.version, \
         (SELECT MIN(t.due_at) FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL) AS next_task_due"
    };
}

/// A card's row from `leads l`.
pub const CARD_SELECT: &str = concat!("SELECT ", card_columns!(), " FROM leads l");

/// Reads the board as `user` may see it: the scope of the access rules, then the filter.
pub async fn load_board(db: &Db, user: &User, filter: &LeadFilter) -> Result<Board> {
    Ok(load_board_and_stages(db, user, filter).await?.0)
}

/// [`load_board`], and every stage (shown on the board or not) as the board was read with: the
/// page needs both, and the stages are in memory already.
pub async fn load_board_and_stages(db: &Db, user: &User, filter: &LeadFilter) -> Result<(Board, Arc<Vec<Stage>>)> {
    let config = crate::config::snapshot(db).await?;
    let settings = &config.settings;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let scope = lead_scope(user, settings.lead_visibility);
    let at = now();
    let shown: Vec<_> = config.stages.iter().filter(|s| s.shown_on_board).cloned().collect();
    let base = Where::build(filter, scope, at, db.dialect());
    let tz = settings::school_tz(&settings.timezone);

    // Three statements side by side: the capped counts, and the columns' first pages in two
    // halves (one `UNION ALL` each). A query per column in parallel made one board fast on an idle
    // server and the tail slow under load (a board took a connection per column); one statement
    // for all the pages leaves one of two cores idle while SQLite reads them. A searched board
    // that walks its columns reads them in the same two halves; one read from the search's hits
    // is one statement (each half would read every hit).
    let ids: Vec<Id> = shown.iter().map(|s| s.id).collect();
    let (counts, mut pages) = if ids.is_empty() {
        (HashMap::new(), HashMap::new())
    } else if let Some(query) = filter.search() {
        let cap = filter.column_count_cap();
        match walk_base(filter, &query, scope, db.dialect()) {
            Some(walk) if is_common(db, &walk, &ids).await? => walk_columns(db, &walk.conditions, &ids, cap, tz).await?,
            _ => read_hits(db, &hits_sql(&base, &ids), &base.binds, cap, tz).await?,
        }
    } else {
        let (first_half, second_half) = halves(&ids);
        let (counts, mut pages, rest) = futures_util::try_join!(
            column_counts(db, &base, &ids, filter.count_cap()),
            first_pages(db, &base, &first_half, tz),
            first_pages(db, &base, &second_half, tz)
        )?;
        pages.extend(rest);
        (counts, pages)
    };
    let mut columns: Vec<BoardColumn> = shown
        .into_iter()
        .map(|stage| BoardColumn {
            count: counts.get(&stage.id).copied().unwrap_or_default(),
            cards: pages.remove(&stage.id).unwrap_or_default(),
            stage,
        })
        .collect();
    let mut cards: Vec<&mut BoardCard> = columns.iter_mut().flat_map(|c| c.cards.iter_mut()).collect();
    attach_tags(db, &mut cards).await?;
    Ok((Board { columns, now: at }, config.stages))
}

/// The shown stages in two halves, every other column in each, for reading a board's pages side
/// by side. Closed columns hold most of a school's leads and sit together at a funnel's end, so
/// alternate columns share them out where a cut in the middle gave one half all of them (a
/// searched board's walk in two halves: 18 and 11 ms by position, 8 and 13 alternating, on a
/// million leads).
fn halves(stages: &[Id]) -> (Vec<Id>, Vec<Id>) {
    let every_other = |from: usize| stages.iter().skip(from).step_by(2).copied().collect();
    (every_other(0), every_other(1))
}

/// A searched board read by walking its columns ([`walk_sql`]), in two halves side by side as an
/// unsearched board's pages are: each column's walk is its own, so the board takes about as
/// long as its slower half on two cores (a rare word's walk reads most of each column).
async fn walk_columns(db: &Db, walk: &Where, stages: &[Id], cap: i64, tz: Tz) -> Result<(HashMap<Id, Count>, HashMap<Id, Vec<BoardCard>>)> {
    let (first_half, second_half) = halves(stages);
    let read = |half: &[Id]| {
        let sql = (!half.is_empty()).then(|| walk_sql(walk, half, cap));
        async move {
            match sql {
                Some(sql) => read_hits(db, &sql, &walk.binds, cap, tz).await,
                None => Ok(Default::default()),
            }
        }
    };
    let ((mut counts, mut pages), (rest_counts, rest_pages)) = futures_util::try_join!(read(&first_half), read(&second_half))?;
    counts.extend(rest_counts);
    pages.extend(rest_pages);
    Ok((counts, pages))
}

/// How many leads each of `stages` holds under `base`, each count stopped at `cap` (the filter's,
/// see `domain::count`). Only the shown stages are counted: years of won and lost leads in hidden
/// stages are most of a school's leads, and the board never shows their counts; a shown closed
/// column of ninety thousand costs what one of ten thousand does.
async fn column_counts(db: &Db, base: &Where, stages: &[Id], cap: i64) -> Result<HashMap<Id, Count>> {
    if stages.is_empty() {
        return Ok(HashMap::new());
    }
    // One statement, one arm per stage; every arm reads the same binds. Stage ids are integers
    // read from the database a moment ago, so inlining them is safe.
    let condition = base.sql();
    let arms: Vec<String> = stages
        .iter()
        .map(|id| {
            let count = crate::list::capped_count_sql(&format!("{condition} AND l.stage_id = {id}"), cap);
            format!("SELECT CAST({id} AS BIGINT) AS stage_id, ({count}) AS n")
        })
        .collect();
    let sql = arms.join(" UNION ALL ");
    let counts: Vec<(Id, i64)> = with_pool!(db, pool => bind_all!(sqlx::query_as(&sql), &base.binds).fetch_all(pool).await)?;
    Ok(counts.into_iter().map(|(stage, n)| (stage, Count::capped_at(n, cap))).collect())
}

/// The next page of one column after `after`, as `user` may see it with `filter`.
pub async fn load_column(db: &Db, user: &User, filter: &LeadFilter, stage_id: Id, after: Option<CardCursor>) -> Result<Vec<BoardCard>> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let scope = lead_scope(user, settings.lead_visibility);
    // A searched column's next page walks the column when the board index answers the filter
    // (at most the column's leads, from the index), rather than reading every hit of the search.
    let walk = filter.search().and_then(|query| walk_base(filter, &query, scope, db.dialect()));
    let base = walk.map_or_else(|| Where::build(filter, scope, now(), db.dialect()), |walk| walk.conditions);
    let mut cards = page(db, &base, stage_id, after, settings::school_tz(&settings.timezone)).await?;
    attach_tags(db, &mut cards.iter_mut().collect::<Vec<_>>()).await?;
    Ok(cards)
}

/// One lead as a card, when `user` may see it.
pub async fn card(db: &Db, user: &User, lead_id: Id) -> Result<BoardCard> {
    let settings = settings::settings_or_default(db).await?;
    let visibility = settings.lead_visibility;
    let sql = format!("{CARD_SELECT} WHERE l.id = $1");
    let row = with_pool!(db, pool => sqlx::query_as::<_, CardRow>(&sql).bind(lead_id).fetch_optional(pool).await)?;
    let row = row.ok_or(AppError::NotFound)?;
    can(user, Action::ViewLead { responsible: row.responsible_id }, visibility).map_err(|_| AppError::NotFound)?;
    let mut one = card_from(row, settings::school_tz(&settings.timezone));
    attach_tags(db, &mut [&mut one]).await?;
    Ok(one)
}

/// The first page of each of `stages` under `base`, in one statement: an arm per stage, each
/// the same keyset read as [`page`] (newest move first, `PAGE` cards), glued with UNION ALL.
async fn first_pages(db: &Db, base: &Where, stages: &[Id], tz: Tz) -> Result<HashMap<Id, Vec<BoardCard>>> {
    if stages.is_empty() {
        return Ok(HashMap::new());
    }
    // Stage ids are integers read from the database a moment ago, so inlining them is safe; every
    // arm reads the same binds.
    let condition = base.sql();
    let arms: Vec<String> = stages
        .iter()
        .map(|id| format!("SELECT * FROM ({}) AS column_{id}", page_sql(&format!("{condition} AND l.stage_id = {id}"))))
        .collect();
    let sql = arms.join(" UNION ALL ");
    let rows: Vec<CardRow> = with_pool!(db, pool => bind_all!(sqlx::query_as::<_, CardRow>(&sql), &base.binds).fetch_all(pool).await)?;
    // UNION ALL keeps each arm's order in both databases, but SQL does not promise it.
    Ok(by_stage(rows, tz))
}

/// A card with its column's number of hits, as [`hits_sql`] reads them.
#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    card: CardRow,
    hits: i64,
}

/// A searched board's counts and first pages, in one statement ([`hits_sql`] or [`walk_sql`]):
/// each row a card with its column's number of hits. Per column, as [`column_counts`] and
/// [`first_pages`] do, every arm read the index's hits again — a common surname's twelve
/// thousand, thirteen times (p50 0.6 s on a million leads); counts and pages apart read them
/// twice.
async fn read_hits(db: &Db, sql: &str, binds: &[Bind], cap: i64, tz: Tz) -> Result<(HashMap<Id, Count>, HashMap<Id, Vec<BoardCard>>)> {
    let rows: Vec<HitRow> = with_pool!(db, pool => bind_all!(sqlx::query_as::<_, HitRow>(sql), binds).fetch_all(pool).await)?;
    // Every stage with a hit has its first card among the rows, each carrying the stage's count.
    let counts = rows.iter().map(|row| (row.card.stage_id, Count::capped_at(row.hits, cap))).collect();
    Ok((counts, by_stage(rows.into_iter().map(|row| row.card).collect(), tz)))
}

/// A searched board read from the search's hits: the leads the search index gives, ranked per
/// stage newest move first and counted per stage, then the first [`PAGE`] of each as cards. Its
/// cost follows the number of hits, a few milliseconds a thousand. Public for the benchmark's
/// floor; `base`'s binds go with it.
pub fn hits_sql(base: &Where, stages: &[Id]) -> String {
    format!(
        concat!(
            "SELECT ",
            card_columns!(),
            ", ranked.hits FROM (SELECT l.id, COUNT(*) OVER (PARTITION BY l.stage_id) AS hits, ROW_NUMBER() OVER \
             (PARTITION BY l.stage_id ORDER BY l.stage_changed_at DESC, l.id DESC) AS place FROM leads l WHERE {} AND \
             l.stage_id IN ({})) AS ranked JOIN leads l ON l.id = ranked.id WHERE ranked.place <= {}"
        ),
        base.sql(),
        inlined(stages),
        PAGE
    )
}

/// How a searched board reads each column by walking it instead (see [`walk_sql`]): the filter's
/// conditions with the search as substring tests on each lead's own text, which the board index
/// holds (migrations 0013 SQLite, 0014 PostgreSQL).
pub struct Walk {
    pub conditions: Where,
    /// How many of `conditions` come before the search's tests.
    tests_from: usize,
}

/// The walk's conditions, when the board index answers every one: no filter but the search, and
/// someone who sees every lead. Otherwise each lead walked past would be read from the table.
pub fn walk_base(filter: &LeadFilter, query: &SearchQuery, scope: LeadScope, dialect: Dialect) -> Option<Walk> {
    let unsearched = LeadFilter { q: None, ..filter.clone() };
    if !unsearched.is_empty() || scope != LeadScope::All {
        return None;
    }
    // Nothing in an empty filter reads the clock.
    let mut conditions = Where::build(&unsearched, scope, now(), dialect);
    let tests_from = conditions.conditions.len();
    conditions.lead_contains_all(dialect, query);
    Some(Walk { conditions, tests_from })
}

/// Leads read from the board's columns to judge how common a search is among them. Four
/// thousand, not two: a sample's count varies less against its mean the larger it is. Of the
/// benchmark's surnames in 0.6 % of a million leads, whose walk is the quicker plan, the fewest
/// matched 6 of two thousand and 13 of four (session 19, the threshold 0.3 %); the larger
/// sample costs about half a millisecond more.
const SAMPLE: i64 = 4_000;
/// A search matching this many of the [`SAMPLE`] (0.3 %) or more is read by walking the columns:
/// about where the two plans cost the same on a million leads, with the walk in two halves: in
/// the application «Степанова», in 0.6 % of leads, took 45–57 ms from its hits and under 37
/// walking on both databases (session 19; 0.4 % before the halves).
const COMMON_FROM: i64 = 12;

/// [`is_common`]'s statement: how many of the first [`SAMPLE`] leads of the columns match.
fn sample_sql(walk: &Walk, stages: &[Id]) -> String {
    let (unsearched, tests) = walk.conditions.conditions.split_at(walk.tests_from);
    // The tests read `l.search_text`, so the sample is named `l` too.
    format!(
        "SELECT COUNT(*) FROM (SELECT l.search_text FROM leads l WHERE {} AND l.stage_id IN ({}) LIMIT {SAMPLE}) AS l WHERE {}",
        unsearched.join(" AND "),
        inlined(stages),
        tests.join(" AND ")
    )
}

/// Whether walking the columns reads a searched board quicker than reading the search's hits:
/// true when the words are common among the board's leads. A walk stops in each column at its
/// cap, after about cap ÷ share leads; reading hits costs each hit, wherever it is.
pub async fn is_common(db: &Db, walk: &Walk, stages: &[Id]) -> Result<bool> {
    Ok(sample_matches(db, walk, stages).await? >= COMMON_FROM)
}

/// How many of the first [`SAMPLE`] leads of `stages` the walk's search matches (public for the
/// benchmark, which prints it beside each plan's time).
pub async fn sample_matches(db: &Db, walk: &Walk, stages: &[Id]) -> Result<i64> {
    if stages.is_empty() {
        return Ok(0);
    }
    let sql = sample_sql(walk, stages);
    Ok(with_pool!(db, pool => bind_all!(sqlx::query_scalar(&sql), &walk.conditions.binds).fetch_one(pool).await)?)
}

/// A searched board read by walking each column newest move first through the board index,
/// testing each lead's text, until `cap + 1` match (and a page's worth): the first [`PAGE`] are
/// its cards, their number its count. Its cost follows how rare the words are, not how many leads have them.
/// Public for the benchmark's floor; `walk`'s binds go with it.
pub fn walk_sql(walk: &Where, stages: &[Id], cap: i64) -> String {
    let condition = walk.sql();
    let arms: Vec<String> = stages
        .iter()
        .map(|id| {
            format!(
                "SELECT * FROM (SELECT l.id, l.stage_id, l.stage_changed_at FROM leads l WHERE {condition} AND l.stage_id = {id} \
                 ORDER BY l.stage_changed_at DESC, l.id DESC LIMIT {}) AS column_{id}",
                (cap + 1).max(PAGE)
            )
        })
        .collect();
    format!(
        concat!(
            "SELECT ",
            card_columns!(),
            ", ranked.hits FROM (SELECT w.id, COUNT(*) OVER (PARTITION BY w.stage_id) AS hits, ROW_NUMBER() OVER \
             (PARTITION BY w.stage_id ORDER BY w.stage_changed_at DESC, w.id DESC) AS place FROM ({}) AS w) AS ranked \
             JOIN leads l ON l.id = ranked.id WHERE ranked.place <= {}"
        ),
        arms.join(" UNION ALL "),
        PAGE
    )
}

/// Stage ids for an `IN (…)`: integers read from the database a moment ago, so inlining is safe.
fn inlined(stages: &[Id]) -> String {
    stages.iter().map(Id::to_string).collect::<Vec<_>>().join(", ")
}

/// Cards grouped by stage, each column newest move first.
fn by_stage(rows: Vec<CardRow>, tz: Tz) -> HashMap<Id, Vec<BoardCard>> {
    let mut pages: HashMap<Id, Vec<BoardCard>> = HashMap::new();
    for row in rows {
        pages.entry(row.stage_id).or_default().push(card_from(row, tz));
    }
    for cards in pages.values_mut() {
        cards.sort_by_key(|c| std::cmp::Reverse((c.stage_changed_at, c.id)));
    }
    pages
}

/// One page of cards matching `condition`, newest move first: the `leads_board` index's order.
fn page_sql(condition: &str) -> String {
    format!("{CARD_SELECT} WHERE {condition} ORDER BY l.stage_changed_at DESC, l.id DESC LIMIT {PAGE}")
}

/// Keyset pagination over the `leads_board` index: never OFFSET, so page 1,000 costs what page 1
/// does.
async fn page(db: &Db, base: &Where, stage_id: Id, after: Option<CardCursor>, tz: Tz) -> Result<Vec<BoardCard>> {
    let mut w = base.clone();
    w.with("l.stage_id = {}", Bind::Int(stage_id));
    if let Some(c) = after {
        let (t1, i, t2) = (w.next_placeholder(), format!("${}", w.binds.len() + 2), format!("${}", w.binds.len() + 3));
        w.conditions.push(format!("(l.stage_changed_at < {t1} OR (l.stage_changed_at = {t2} AND l.id < {i}))"));
        w.binds.extend([Bind::Time(c.stage_changed_at), Bind::Int(c.id), Bind::Time(c.stage_changed_at)]);
    }
    let sql = page_sql(&w.sql());
    let rows: Vec<CardRow> = with_pool!(db, pool => bind_all!(sqlx::query_as::<_, CardRow>(&sql), &w.binds).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|r| card_from(r, tz)).collect())
}

fn card_from(r: CardRow, tz: Tz) -> BoardCard {
    BoardCard {
        id: r.id,
        name: full_name(&r.first_name, r.patronymic.as_deref(), r.surname.as_deref()),
        phone: r.phone,
        category: r.category,
        branch: r.branch,
        desired_start: r.desired_start,
        responsible_initials: r.responsible.as_deref().map(initials),
        tags: Vec::new(),
        stage_changed_at: r.stage_changed_at,
        postponed_until: r.postponed_until,
        next_task_due: r.next_task_due,
        next_task_due_local: r.next_task_due.map(|d| d.with_timezone(&tz).naive_local()),
        version: r.version,
    }
}

async fn attach_tags(db: &Db, cards: &mut [&mut BoardCard]) -> Result<()> {
    let ids: Vec<String> = cards.iter().map(|card| card.id.to_string()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    // Ids are integers read from the database a moment ago, so listing them inline is safe.
    let sql = format!(
        "SELECT lt.lead_id, t.name FROM lead_tags lt JOIN tags t ON t.id = lt.tag_id WHERE lt.lead_id IN ({}) ORDER BY t.name",
        ids.join(",")
    );
    let rows: Vec<(Id, String)> = with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut by_lead: HashMap<Id, Vec<String>> = HashMap::new();
    for (lead, tag) in rows {
        by_lead.entry(lead).or_default().push(tag);
    }
    for card in cards.iter_mut() {
        card.tags = by_lead.remove(&card.id).unwrap_or_default();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::school_tz;
    use chrono::TimeZone;

    #[test]
    fn halves_take_every_other_column() {
        assert_eq!(halves(&[1, 2, 3, 4, 5]), (vec![1, 3, 5], vec![2, 4]));
        assert_eq!(halves(&[7]), (vec![7], vec![]));
        assert_eq!(halves(&[]), (vec![], vec![]));
    }

    #[test]
    fn due_times_read_on_the_school_clock() {
        let due = Utc.with_ymd_and_hms(2026, 11, 29, 11, 30, 0).unwrap();
        assert_eq!(due.with_timezone(&school_tz("Europe/Moscow")).naive_local().to_string(), "2026-11-29 14:30:00");
        assert_eq!(due.with_timezone(&school_tz("Asia/Yekaterinburg")).naive_local().to_string(), "2026-11-29 16:30:00");
        assert_eq!(school_tz("Not/AZone"), chrono_tz::Europe::Moscow);
    }
}
