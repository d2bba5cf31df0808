//! Reads at scale, each through the application's own function and beside its floor: the same
//! indexed SQL run directly on the same pool, with no access checks, mapping or extra queries.

use crate::generate::School;
use crate::stats::{time, time_beside, Report};
use backend::{with_pool, Db};
use domain::count::CAP;
use domain::filter::LeadFilter;
use domain::list::ListView;
use domain::search::SearchQuery;

const RUNS: usize = 200;
/// A LIKE scan reads every lead: a few runs say enough.
const SCAN_RUNS: usize = 5;

/// Search targets: p95 ≤ 10 ms, ≤ 2× the floor, ≥ 50× faster than a LIKE scan.
const SEARCH_P95_MS: f64 = 10.0;
const SEARCH_RATIO: f64 = 2.0;
const SEARCH_VS_SCAN: f64 = 50.0;
const BOARD_P95_MS: f64 = 30.0;

/// The search's floor: the header search's statements as plain SQL — on SQLite, for whole
/// words, the word index newest first; otherwise up to the box's cap of hits through the index
/// and, past it, the newest eight by reading leads newest first.
async fn search_floor(db: &Db, query: &SearchQuery) {
    let cap = backend::search::QUICK_COUNT_CAP;
    let limit = backend::search::QUICK_LIMIT;
    let terms = &query.terms;
    if let (backend::filter::Dialect::Sqlite, Some(prefixes)) = (db.dialect(), query.suffix_fts5()) {
        // Whole words: the word index read newest first (its key is the creation second, then
        // the id) gives the newest eight and the count. A term longer than the prefix index's
        // eight letters is tested on the lead.
        let long: Vec<String> = query.long_terms().map(str::to_string).collect();
        let (id, join) = if long.is_empty() {
            ("leads_words.rowid & 4294967295", "")
        } else {
            ("l.id", " CROSS JOIN leads l ON l.id = (leads_words.rowid & 4294967295)")
        };
        let tests = (2..=long.len() + 1).map(|i| format!(" AND instr(l.search_text, ${i}) > 0")).collect::<String>();
        let sql = format!(
            "SELECT id, COUNT(*) OVER () FROM (SELECT {id} AS id, leads_words.rowid AS k FROM leads_words{join} WHERE leads_words MATCH $1{tests} \
             ORDER BY leads_words.rowid DESC LIMIT {}) ORDER BY k DESC LIMIT {limit}",
            cap + 1
        );
        let hits: Vec<(i64, i64)> = with_pool!(db, pool => {
            let mut q = sqlx::query_as(&sql).bind(prefixes);
            for b in &long {
                q = q.bind(b);
            }
            q.fetch_all(pool).await.expect("floor words")
        });
        let shown: Vec<i64> = hits.into_iter().map(|(id, _)| id).collect();
        return show_rows(db, &shown).await;
    }
    let (hits_sql, hit_binds): (String, Vec<String>) = match db.dialect() {
        backend::filter::Dialect::Sqlite => {
            // The trigram table for a term that spans words.
            let sql = format!(
                "SELECT l.id, l.created_at FROM leads_fts CROSS JOIN leads l ON l.id = leads_fts.rowid WHERE leads_fts MATCH $1 LIMIT {}",
                cap + 1
            );
            (sql, vec![query.fts5()])
        }
        // PostgreSQL's search text and its indexes are in lead_search (migration 0012).
        backend::filter::Dialect::Postgres => match query.gram_keys() {
            Some(keys) => {
                // The word grams' GIN for words with letters, each term then tested on the row.
                let tests = (2..=terms.len() + 1).map(|i| format!(" AND strpos(s.search_text, ${i}) > 0")).collect::<String>();
                let sql = format!(
                    "SELECT s.lead_id AS id, s.created_at FROM lead_search s WHERE s.search_grams @> $1::integer[]{tests} LIMIT {}",
                    cap + 1
                );
                (sql, [keys].into_iter().chain(terms.iter().cloned()).collect())
            }
            None => {
                let patterns = query.like_patterns();
                let condition =
                    (1..=patterns.len()).map(|i| format!("s.search_text LIKE ${i} ESCAPE '\\'")).collect::<Vec<_>>().join(" AND ");
                (format!("SELECT s.lead_id AS id, s.created_at FROM lead_search s WHERE {condition} LIMIT {}", cap + 1), patterns)
            }
        },
    };
    // The newest eight hits and their count, sorted by the database.
    let newest = format!("SELECT id, COUNT(*) OVER () FROM ({hits_sql}) AS found ORDER BY created_at DESC, id DESC LIMIT {limit}");
    let hits: Vec<(i64, i64)> = with_pool!(db, pool => {
        let mut q = sqlx::query_as(&newest);
        for b in &hit_binds {
            q = q.bind(b);
        }
        q.fetch_all(pool).await.expect("floor hits")
    });
    let shown: Vec<i64> = if hits.first().is_some_and(|(_, count)| *count > cap) {
        // Past the cap: the newest leads first, each tested for every term.
        let from = backend::filter::SearchFrom::newest_first(db.dialect());
        let test = db.dialect().substring_test();
        let condition = (1..=terms.len()).map(|i| format!("{test}({}, ${i}) > 0", from.text)).collect::<Vec<_>>().join(" AND ");
        let (id, created_at) = (from.id, from.created_at);
        let walk = format!("SELECT {id} FROM {} WHERE {condition} ORDER BY {created_at} DESC, {id} DESC LIMIT {limit}", from.tables);
        with_pool!(db, pool => {
            let mut q = sqlx::query_scalar::<_, i64>(&walk);
            for t in terms {
                q = q.bind(t);
            }
            q.fetch_all(pool).await.expect("floor walk")
        })
    } else {
        hits.into_iter().map(|(id, _)| id).collect()
    };
    show_rows(db, &shown).await;
}

/// The rows a search shows, as one plain query.
async fn show_rows(db: &Db, shown: &[i64]) {
    if !shown.is_empty() {
        let ids = shown.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let rows = format!("SELECT {} FROM leads l {} WHERE l.id IN ({ids})", backend::list::ROW_COLUMNS, backend::list::ROW_JOINS);
        with_pool!(db, pool => sqlx::query(&rows).fetch_all(pool).await.map(|_| ())).expect("floor rows");
    }
}

/// The same answer from a LIKE over every lead's text (an expression no index serves).
async fn search_scan(db: &Db, query: &SearchQuery) {
    let patterns = query.like_patterns();
    let condition = (1..=patterns.len()).map(|i| format!("(l.search_text || '') LIKE ${i} ESCAPE '\\'")).collect::<Vec<_>>().join(" AND ");
    search_sql(db, &condition, &patterns).await;
}

async fn search_sql(db: &Db, condition: &str, binds: &[String]) {
    // Search counts archived leads too, as the application does: the newest hits and their count
    // in one pass.
    let hits = format!(
        "SELECT l.id, l.first_name, l.surname, l.phone, COUNT(*) OVER () FROM leads l WHERE {condition} \
         ORDER BY l.created_at DESC, l.id DESC LIMIT 8"
    );
    // The application's connections plan without parallel workers (backend::db); the scan keeps
    // PostgreSQL's default of two, so it is as quick as a stock server makes it and the ratio
    // stays comparable with earlier sessions'.
    let postgres = db.dialect() == backend::filter::Dialect::Postgres;
    with_pool!(db, pool => {
        let mut tx = pool.begin().await.expect("begin");
        if postgres {
            sqlx::query("SET LOCAL max_parallel_workers_per_gather = 2").execute(&mut *tx).await.expect("parallel workers");
        }
        let mut q = sqlx::query(&hits);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&mut *tx).await.expect("scan hits");
        tx.commit().await.expect("commit");
    });
}

async fn search(db: &Db, name: &str, school: &School, what: &str, queries: &[String]) -> bool {
    let parsed: Vec<SearchQuery> = queries.iter().map(|q| SearchQuery::parse(q).expect("a searchable query")).collect();
    let owner = &school.owner;
    let parsed = &parsed;
    let (app, floor) = time_beside(
        RUNS,
        queries.len(),
        |i| async move {
            backend::search::quick(db, owner, &queries[i % queries.len()]).await.expect("search");
        },
        |i| async move { search_floor(db, &parsed[i % parsed.len()]).await },
    )
    .await;
    let scan = time(SCAN_RUNS, |i| async move { search_scan(db, &parsed[i % parsed.len()]).await }).await;
    let ok = Report { db: name, what, app, floor, p95_target: Some(SEARCH_P95_MS), ratio_target: Some(SEARCH_RATIO) }.print();
    let faster = scan.p95 / app.p95.max(0.001);
    let fast_enough = faster >= SEARCH_VS_SCAN;
    println!(
        "{name} | {what}: LIKE scan {} → the search is {faster:.0}× faster (target ≥ {SEARCH_VS_SCAN}×): {}",
        scan.show(),
        if fast_enough { "OK" } else { "MISSED" }
    );
    ok && fast_enough
}

/// The board's floor: each shown column's count (up to the cap) and first 50 cards.
async fn board_floor(db: &Db, shown: &[i64], extra: &str) {
    let count =
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM leads l WHERE l.archived = FALSE AND l.stage_id = $1{extra} LIMIT {}) c", CAP + 1);
    with_pool!(db, pool => {
        for stage in shown {
            sqlx::query_scalar::<_, i64>(&count).bind(stage).fetch_one(pool).await.expect("count");
        }
        for stage in shown {
            let sql = format!(
                "{} WHERE l.archived = FALSE AND l.stage_id = $1{extra} ORDER BY l.stage_changed_at DESC, l.id DESC LIMIT 50",
                backend::board::CARD_SELECT
            );
            sqlx::query(&sql).bind(stage).fetch_all(pool).await.expect("cards");
        }
    });
}

/// The ids of the stages the board shows, as columns.
async fn shown_stages(db: &Db) -> Vec<i64> {
    backend::stages::list_stages(db).await.expect("stages").into_iter().filter(|s| s.shown_on_board).map(|s| s.id).collect()
}

/// A board or list filter searching for each sampled surname, as typed into the filter.
fn surname_filters(school: &School) -> Vec<LeadFilter> {
    school.names.iter().map(|(surname, _)| LeadFilter { q: Some(surname.clone()), ..Default::default() }).collect()
}

/// [`surname_filters`], each surname once (a surname sampled twice is measured once), by name.
fn distinct_surname_filters(school: &School) -> Vec<LeadFilter> {
    let mut filters = surname_filters(school);
    filters.sort_by(|a, b| a.q.cmp(&b.q));
    filters.dedup_by(|a, b| a.q == b.q);
    filters
}

async fn board(db: &Db, name: &str, school: &School, what: &str, filter: LeadFilter) -> bool {
    let shown = shown_stages(db).await;
    let extra = match (filter.responsible.first(), filter.branches.first()) {
        (Some(r), _) => format!(" AND l.responsible_id = {r}"),
        (_, Some(b)) => format!(" AND l.branch_id = {b}"),
        _ => String::new(),
    };
    let (owner, filter, shown, extra) = (&school.owner, &filter, &shown, extra.as_str());
    let (app, floor) = time_beside(
        RUNS / 2,
        1,
        |_| async move {
            backend::board::load_board(db, owner, filter).await.expect("board");
        },
        |_| async move { board_floor(db, shown, extra).await },
    )
    .await;
    Report { db: name, what, app, floor, p95_target: Some(BOARD_P95_MS), ratio_target: None }.print()
}

/// The board filtered by a surname typed into its filter: each shown column's count (to the
/// column's search cap) and first 50 cards, read from the search's hits or, for a common word, by
/// walking each column. The floor is the same statements run directly: the sample that chooses
/// (`board::is_common`, one query), then `board::walk_sql` or `board::hits_sql`, one statement
/// for every column. The application walks in two halves side by side (session 19), so walked
/// boards read under their floor, as the unfiltered board does.
async fn board_searched(db: &Db, name: &str, school: &School) -> bool {
    let shown = shown_stages(db).await;
    let filters = surname_filters(school);
    let (owner, filters, shown) = (&school.owner, &filters, &shown);
    let (app, floor) = time_beside(
        RUNS / 4,
        filters.len(),
        |i| async move {
            backend::board::load_board(db, owner, &filters[i % filters.len()]).await.expect("board");
        },
        |i| async move {
            let filter = &filters[i % filters.len()];
            let (scope, walk) = surname_walk(db, owner, filter);
            let statement = if backend::board::is_common(db, &walk, shown).await.expect("sample") {
                walk_statement(&walk, filter, shown)
            } else {
                hits_statement(db, scope, filter, shown)
            };
            run_directly(db, &statement).await;
        },
    )
    .await;
    let met =
        Report { db: name, what: "board, searched by surname", app, floor, p95_target: Some(BOARD_P95_MS), ratio_target: None }.print();
    slowest_searched_boards(db, name, school, shown).await;
    met
}

/// The owner's scope, and how the board would walk its columns for `filter`'s surname.
fn surname_walk(db: &Db, owner: &domain::user::User, filter: &LeadFilter) -> (domain::access::LeadScope, backend::board::Walk) {
    let scope = domain::access::lead_scope(owner, domain::settings::LeadVisibility::All);
    let query = filter.search().expect("a surname searches");
    (scope, backend::board::walk_base(filter, &query, scope, db.dialect()).expect("only a search"))
}

/// An SQL statement with its binds, to run as it is.
type Statement = (String, Vec<backend::filter::Bind>);

/// The searched board read by walking its columns (`board::walk_sql`), in one statement.
fn walk_statement(walk: &backend::board::Walk, filter: &LeadFilter, shown: &[i64]) -> Statement {
    (backend::board::walk_sql(&walk.conditions, shown, filter.column_count_cap()), walk.conditions.binds.clone())
}

/// The searched board read from the search's hits (`board::hits_sql`).
fn hits_statement(db: &Db, scope: domain::access::LeadScope, filter: &LeadFilter, shown: &[i64]) -> Statement {
    let w = backend::filter::Where::build(filter, scope, chrono::Utc::now(), db.dialect());
    (backend::board::hits_sql(&w, shown), w.binds)
}

async fn run_directly(db: &Db, (sql, binds): &Statement) {
    with_pool!(db, pool => {
        backend::bind_all!(sqlx::query(sql), binds).fetch_all(pool).await.expect("a searched board's statement");
    });
}

/// Which searches set the searched board's tail: each sampled surname's median over a few loads,
/// the slowest five printed with the plan each took.
async fn slowest_searched_boards(db: &Db, name: &str, school: &School, shown: &[i64]) {
    let owner = &school.owner;
    let mut each = Vec::new();
    for filter in distinct_surname_filters(school) {
        let filter = &filter;
        let took = time(5, |_| async move {
            backend::board::load_board(db, owner, filter).await.expect("board");
        })
        .await;
        let (_, walk) = surname_walk(db, owner, filter);
        let plan = if backend::board::is_common(db, &walk, shown).await.expect("sample") { "walks" } else { "reads hits" };
        each.push((took.p50, filter.q.clone().unwrap_or_default(), plan));
    }
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> = each.iter().take(5).map(|(ms, surname, plan)| format!("{surname} {ms:.1} ms ({plan})")).collect();
    println!("{name} | board, searched by surname: slowest medians: {}", slowest.join(", "));
}

/// For choosing `board::COMMON_FROM`: each sampled surname's share in the board's sample, and
/// the median of each plan for its searched board run directly (read from the hits, or walking
/// the columns in one statement; the application walks in two halves side by side).
pub async fn searched_board_plans(db: &Db, name: &str, school: &School) {
    let shown = &shown_stages(db).await;
    let owner = &school.owner;
    let mut each = Vec::new();
    for filter in &distinct_surname_filters(school) {
        let (scope, walk) = surname_walk(db, owner, filter);
        let matched = backend::board::sample_matches(db, &walk, shown).await.expect("sample");
        let (walking, from_the_hits) = (&walk_statement(&walk, filter, shown), &hits_statement(db, scope, filter, shown));
        let walked = time(5, |_| run_directly(db, walking)).await;
        let from_hits = time(5, |_| run_directly(db, from_the_hits)).await;
        each.push((matched, filter.q.clone().unwrap_or_default(), walked.p50, from_hits.p50));
    }
    each.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (matched, surname, walked, from_hits) in each {
        println!("{name} | searched board plans | {surname}: {matched} in the sample | walk {walked:.1} ms | hits {from_hits:.1} ms");
    }
}

async fn list_page(db: &Db, name: &str, school: &School) -> bool {
    let owner = &school.owner;
    let size = ListView::default().size + 1;
    let (app, floor) = time_beside(
        RUNS / 2,
        1,
        |_| async move {
            backend::list::list_leads(db, owner, &LeadFilter::default(), &ListView::default(), None).await.expect("list");
        },
        |_| async move {
            let count = format!("SELECT COUNT(*) FROM (SELECT 1 FROM leads l WHERE l.archived = FALSE LIMIT {}) c", CAP + 1);
            let rows = format!("{} WHERE l.archived = FALSE ORDER BY l.created_at DESC, l.id DESC LIMIT {size}", backend::list::ROW_SELECT);
            with_pool!(db, pool => {
                sqlx::query_scalar::<_, i64>(&count).fetch_one(pool).await.expect("count");
                sqlx::query(&rows).fetch_all(pool).await.expect("rows");
            });
        },
    )
    .await;
    Report { db: name, what: "list page (50 newest + total to the cap)", app, floor, p95_target: None, ratio_target: None }.print()
}

/// The list searched for a surname, as the header's "all results" opens it: a word common enough
/// (about twelve thousand leads in a million) that the total stops at the search's cap
/// (`domain::count::SEARCH_CAP`). The floor is the same two statements (the capped count through
/// the search index, then the 50 newest rows, read newest first past the cap) run directly.
async fn list_searched(db: &Db, name: &str, school: &School) -> bool {
    let owner = &school.owner;
    let filters = surname_filters(school);
    let filters = &filters;
    let view = ListView::default();
    let view = &view;
    let (app, floor) = time_beside(
        RUNS / 4,
        filters.len(),
        |i| async move {
            backend::list::list_leads(db, owner, &filters[i % filters.len()], &ListView::default(), None).await.expect("list");
        },
        |i| async move {
            let scope = domain::access::lead_scope(owner, domain::settings::LeadVisibility::All);
            let filter = &filters[i % filters.len()];
            let w = backend::filter::Where::build(filter, scope, chrono::Utc::now(), db.dialect());
            let count = backend::list::capped_count_sql(&w.sql(), filter.count_cap());
            let counted: i64 =
                with_pool!(db, pool => backend::bind_all!(sqlx::query_scalar(&count), &w.binds).fetch_one(pool).await).expect("count");
            // Past the cap the rows are read newest first, each lead tested, as the list does.
            let w = if counted > filter.count_cap() {
                backend::list::newest_first_walk(filter, scope, db.dialect()).expect("a surname")
            } else {
                w
            };
            let rows = format!(
                "{} WHERE {} {} LIMIT {}",
                backend::list::ROW_SELECT,
                w.sql(),
                backend::list::order_by(view, db.dialect()),
                view.size + 1
            );
            with_pool!(db, pool => backend::bind_all!(sqlx::query(&rows), &w.binds).fetch_all(pool).await.map(|_| ())).expect("rows");
        },
    )
    .await;
    Report {
        db: name,
        what: "list page searched by surname (50 newest + total to the cap)",
        app,
        floor,
        p95_target: None,
        ratio_target: None,
    }
    .print()
}

/// The lead card as its page reads it: the lead, the person's other leads, tasks, contracts and
/// the first page of the timeline.
async fn lead_card(db: &Db, name: &str, school: &School) -> bool {
    let owner = &school.owner;
    let n = school.leads;
    let pick = move |i: usize| 1 + (i as i64 * 7_919) % n;
    // Each step reads another lead: every one of them is warmed first, on both sides.
    let (app, floor) = time_beside(
        RUNS,
        RUNS,
        |i| async move {
        let id = pick(i);
        let lead = backend::leads::lead_for(db, owner, id, false).await.expect("lead");
        backend::dictionaries::all(db).await.expect("dictionaries");
        backend::leads::person_leads(db, owner, &lead).await.expect("person's leads");
        backend::tasks::lead_tasks(db, owner, id).await.expect("tasks");
        backend::enrolment::contracts_of(db, owner, id).await.expect("contracts");
        backend::timeline::list(db, owner, id, &[], None).await.expect("timeline");
    },
        |i| async move {
        let id = pick(i);
        with_pool!(db, pool => {
            sqlx::query("SELECT * FROM leads WHERE id = $1").bind(id).fetch_one(pool).await.expect("lead");
            sqlx::query("SELECT * FROM tasks WHERE lead_id = $1 ORDER BY done_at, due_at").bind(id).fetch_all(pool).await.expect("tasks");
            sqlx::query("SELECT * FROM timeline WHERE lead_id = $1 ORDER BY created_at DESC, id DESC LIMIT 30")
                .bind(id)
                .fetch_all(pool)
                .await
                .expect("timeline");
        });
    },
    )
    .await;
    Report { db: name, what: "lead card with timeline", app, floor, p95_target: None, ratio_target: None }.print()
}

/// Phone fragments as people type them: seven digits from the middle of a number, 8-prefixed.
pub fn phone_queries(school: &School) -> Vec<String> {
    school.phones.iter().map(|p| format!("8 ({}) {}", &p[2..5], &p[5..9])).collect()
}

/// Surname and first name, as people type someone's name.
pub fn name_queries(school: &School) -> Vec<String> {
    school.names.iter().map(|(surname, first)| format!("{surname} {first}")).collect()
}

/// Every read benchmark on one database of the parts `wanted` (search, board, list, card);
/// answers whether all targets were met.
pub async fn run(db: &Db, name: &str, school: &School, wanted: &dyn Fn(&str) -> bool) -> bool {
    let mut ok = true;
    if wanted("search") {
        let (phones, names) = (phone_queries(school), name_queries(school));
        let surnames: Vec<String> = school.names.iter().map(|(surname, _)| surname.clone()).collect();
        ok &= search(db, name, school, "phone-digit search", &phones).await;
        ok &= search(db, name, school, "name search (surname and first name)", &names).await;
        ok &= search(db, name, school, "name search (surname only)", &surnames).await;
    }
    if wanted("board") {
        ok &= board(db, name, school, "board, unfiltered", LeadFilter::default()).await;
        let mine = LeadFilter { responsible: vec![school.managers[0].id], ..Default::default() };
        ok &= board(db, name, school, "board, one responsible", mine).await;
        let branch = LeadFilter { branches: vec![school.branches[0]], ..Default::default() };
        ok &= board(db, name, school, "board, one branch", branch).await;
        ok &= board_searched(db, name, school).await;
    }
    if wanted("list") {
        ok &= list_page(db, name, school).await;
        ok &= list_searched(db, name, school).await;
    }
    if wanted("card") {
        ok &= lead_card(db, name, school).await;
    }
    ok
}
