//! `LeadFilter` and the access scope as a SQL `WHERE` clause over `leads l`, shared by board,
//! list, export and API. Ids are bound, never spliced.

use chrono::{DateTime, NaiveDate, Utc};
use domain::access::LeadScope;
use domain::filter::LeadFilter;
use domain::search::SearchQuery;

/// Where the two databases' SQL differs: only search, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The function answering whether a text holds a substring (its position, 0 when absent).
    pub fn substring_test(self) -> &'static str {
        match self {
            Dialect::Sqlite => "instr",
            Dialect::Postgres => "strpos",
        }
    }
}

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// Binds `Bind` values onto any sqlx query, for either database.
#[macro_export]
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for b in $binds {
            q = match b {
                $crate::filter::Bind::Int(v) => q.bind(*v),
                $crate::filter::Bind::Text(v) => q.bind(v.clone()),
                $crate::filter::Bind::Date(v) => q.bind(*v),
                $crate::filter::Bind::Time(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// The lead id in SQLite's word index key (backend::search::word_key): the key's low half.
macro_rules! word_key_lead_id {
    () => {
        "(leads_words.rowid & 4294967295)"
    };
}
pub(crate) const WORD_KEY_LEAD_ID: &str = word_key_lead_id!();

/// The tables a search reads, and where its hits' ids, creation times and search text are in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchFrom {
    pub tables: &'static str,
    pub id: &'static str,
    pub created_at: &'static str,
    pub text: &'static str,
}

impl SearchFrom {
    /// SQLite keeps each lead's search text on the lead.
    pub const LEADS: SearchFrom = SearchFrom { tables: "leads l", id: "l.id", created_at: "l.created_at", text: "l.search_text" };
    /// PostgreSQL keeps it, and its indexes, in `lead_search` (migration 0012): a move writes a
    /// new entry into every index on `leads`, and two GINs there made a move three times dearer. The
    /// join is LEFT so that PostgreSQL drops it when no condition reads the lead (someone who
    /// sees every lead); a condition on `l` makes it an inner join.
    pub const LEAD_SEARCH: SearchFrom = SearchFrom {
        tables: "lead_search s LEFT JOIN leads l ON l.id = s.lead_id",
        id: "s.lead_id",
        created_at: "s.created_at",
        text: "s.search_text",
    };

    /// SQLite's word index (migrations 0010, 0014) leading a join to the leads its keys hold.
    pub const WORDS: SearchFrom =
        SearchFrom { tables: concat!("leads_words CROSS JOIN leads l ON l.id = ", word_key_lead_id!()), ..SearchFrom::LEADS };

    /// Where a dialect keeps the search text: also where leads are read newest first to test each.
    pub fn newest_first(dialect: Dialect) -> SearchFrom {
        match dialect {
            Dialect::Sqlite => SearchFrom::LEADS,
            Dialect::Postgres => SearchFrom::LEAD_SEARCH,
        }
    }
}

/// Conditions joined with AND, and their binds in placeholder order.
#[derive(Debug, Default, Clone)]
pub struct Where {
    pub conditions: Vec<String>,
    pub binds: Vec<Bind>,
}

impl Where {
    fn push(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    pub(crate) fn any_of(&mut self, column: &str, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        let ps: Vec<String> = ids.iter().map(|id| self.push(Bind::Int(*id))).collect();
        self.conditions.push(format!("{column} IN ({})", ps.join(", ")));
    }

    /// Adds a condition with one bound value; `{}` in `sql` stands for its placeholder.
    pub fn with(&mut self, sql: &str, bind: Bind) {
        let p = self.push(bind);
        self.conditions.push(sql.replace("{}", &p));
    }

    pub fn sql(&self) -> String {
        if self.conditions.is_empty() {
            "TRUE".into()
        } else {
            self.conditions.join(" AND ")
        }
    }

    /// The placeholder the next bind will get, for clauses appended after the filter.
    pub fn next_placeholder(&self) -> String {
        format!("${}", self.binds.len() + 1)
    }

    /// Leads whose search text holds every term, never by a scan: through the index a query
    /// suits ([`SearchIndex::for_query`]).
    pub fn search(&mut self, dialect: Dialect, query: &SearchQuery) {
        match SearchIndex::for_query(dialect, query) {
            SearchIndex::Fts5Suffixes(prefixes) => {
                self.with(
                    concat!("l.id IN (SELECT ", word_key_lead_id!(), " FROM leads_words WHERE leads_words MATCH {})"),
                    Bind::Text(prefixes),
                );
                self.contains(dialect, query.long_terms());
            }
            SearchIndex::Fts5Trigrams(matched) => {
                self.with("l.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH {})", Bind::Text(matched))
            }
            SearchIndex::PgGrams(keys) => self.pg_search_subquery(Some(keys), query),
            SearchIndex::PgTrigrams => self.pg_search_subquery(None, query),
        }
    }

    /// PostgreSQL's search conditions as a subquery on `lead_search`, for statements over `leads l`.
    fn pg_search_subquery(&mut self, gram_keys: Option<String>, query: &SearchQuery) {
        let mut inner = Where { conditions: Vec::new(), binds: std::mem::take(&mut self.binds) };
        inner.pg_search(gram_keys, query);
        let condition = format!("l.id IN (SELECT s.lead_id FROM lead_search s WHERE {})", inner.sql());
        self.binds = inner.binds;
        self.conditions.push(condition);
    }

    /// PostgreSQL's search conditions on `lead_search s` (migration 0012): the word grams' GIN
    /// with each term then tested on the text, or the trigram index.
    fn pg_search(&mut self, gram_keys: Option<String>, query: &SearchQuery) {
        match gram_keys {
            Some(keys) => {
                self.with("s.search_grams @> {}::integer[]", Bind::Text(keys));
                self.contains_all(Dialect::Postgres, query);
            }
            None => {
                for pattern in query.like_patterns() {
                    self.with("s.search_text LIKE {} ESCAPE '\\'", Bind::Text(pattern));
                }
            }
        }
    }

    /// The search as the table a query starts from, for reading hits in index order and
    /// stopping early (`LIMIT`): SQLite's FTS5 tables lead the join (an `IN (…)` subquery would
    /// be read whole first); PostgreSQL's indexes are on `lead_search s`.
    pub fn search_from(&mut self, dialect: Dialect, query: &SearchQuery) -> SearchFrom {
        match SearchIndex::for_query(dialect, query) {
            SearchIndex::Fts5Suffixes(prefixes) => {
                self.with("leads_words MATCH {}", Bind::Text(prefixes));
                self.contains(dialect, query.long_terms());
                SearchFrom::WORDS
            }
            SearchIndex::Fts5Trigrams(matched) => {
                self.with("leads_fts MATCH {}", Bind::Text(matched));
                SearchFrom { tables: "leads_fts CROSS JOIN leads l ON l.id = leads_fts.rowid", ..SearchFrom::LEADS }
            }
            SearchIndex::PgGrams(keys) => {
                self.pg_search(Some(keys), query);
                SearchFrom::LEAD_SEARCH
            }
            SearchIndex::PgTrigrams => {
                self.pg_search(None, query);
                SearchFrom::LEAD_SEARCH
            }
        }
    }

    /// Every term as a plain substring test of the search text, which no index answers: for
    /// reading leads in another index's order and testing each. Same hits as [`Where::search`],
    /// as the text and the terms are folded alike.
    pub fn contains_all(&mut self, dialect: Dialect, query: &SearchQuery) {
        self.contains(dialect, query.terms.iter().map(String::as_str));
    }

    /// As [`Where::contains_all`], on the lead's own copy of the text (`l.search_text`), for
    /// statements over `leads l` that read leads newest first.
    pub fn lead_contains_all(&mut self, dialect: Dialect, query: &SearchQuery) {
        self.contains_in(dialect, SearchFrom::LEADS.text, query.terms.iter().map(String::as_str));
    }

    fn contains<'t>(&mut self, dialect: Dialect, terms: impl Iterator<Item = &'t str>) {
        self.contains_in(dialect, SearchFrom::newest_first(dialect).text, terms);
    }

    fn contains_in<'t>(&mut self, dialect: Dialect, text: &str, terms: impl Iterator<Item = &'t str>) {
        let test = format!("{}({text}, {{}}) > 0", dialect.substring_test());
        for term in terms {
            self.with(&test, Bind::Text(term.to_string()));
        }
    }

    pub fn build(filter: &LeadFilter, scope: LeadScope, now: DateTime<Utc>, dialect: Dialect) -> Where {
        let mut w = Where::default();
        if let LeadScope::ResponsibleIs(user) = scope {
            w.with("l.responsible_id = {}", Bind::Int(user));
        }
        w.conditions.push(if filter.archived { "l.archived = TRUE" } else { "l.archived = FALSE" }.into());
        w.any_of("l.stage_id", &filter.stages);
        w.any_of("l.branch_id", &filter.branches);
        w.any_of("l.category_id", &filter.categories);
        w.any_of("l.responsible_id", &filter.responsible);
        w.any_of("l.channel_id", &filter.channels);
        w.any_of("l.contact_source_id", &filter.sources);
        for tag in &filter.tags {
            w.with(
                "EXISTS (SELECT 1 FROM lead_tags lt JOIN tags t ON t.id = lt.tag_id WHERE lt.lead_id = l.id AND t.name = {})",
                Bind::Text(tag.clone()),
            );
        }
        if let Some(d) = filter.desired_from {
            w.with("l.desired_start >= {}", Bind::Date(d));
        }
        if let Some(d) = filter.desired_to {
            w.with("l.desired_start <= {}", Bind::Date(d));
        }
        if let Some(d) = filter.created_from {
            w.with("l.created_at >= {}", Bind::Time(start_of(d)));
        }
        if let Some(d) = filter.created_to {
            w.with("l.created_at < {}", Bind::Time(start_of(d.succ_opt().unwrap_or(d))));
        }
        if filter.overdue {
            w.with("EXISTS (SELECT 1 FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL AND t.due_at < {})", Bind::Time(now));
        }
        if filter.postponed {
            w.with("l.postponed_until > {}", Bind::Time(now));
        }
        if let Some(query) = filter.search() {
            w.search(dialect, &query);
        }
        w
    }
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// Which index answers a query, and what to look up in it.
#[derive(Debug, PartialEq)]
enum SearchIndex {
    /// SQLite, every term one word: the word suffixes' prefix index (migration 0010).
    Fts5Suffixes(String),
    /// SQLite, a term spanning words: the FTS5 trigram table.
    Fts5Trigrams(String),
    /// PostgreSQL, every term one word with a letter: the GIN of `lead_search.search_grams` (migrations 0010, 0012).
    PgGrams(String),
    /// PostgreSQL, digits or a term spanning words: the pg_trgm index.
    PgTrigrams,
}

impl SearchIndex {
    fn for_query(dialect: Dialect, query: &SearchQuery) -> SearchIndex {
        match dialect {
            Dialect::Sqlite => query.suffix_fts5().map_or_else(|| SearchIndex::Fts5Trigrams(query.fts5()), SearchIndex::Fts5Suffixes),
            Dialect::Postgres => query.gram_keys().map_or(SearchIndex::PgTrigrams, SearchIndex::PgGrams),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_binds() {
        let f = LeadFilter { stages: vec![1, 2], tags: vec!["vip".into()], overdue: true, ..LeadFilter::default() };
        let w = Where::build(&f, LeadScope::ResponsibleIs(9), Utc::now(), Dialect::Sqlite);
        let sql = w.sql();
        assert!(sql.starts_with("l.responsible_id = $1 AND l.archived = FALSE AND l.stage_id IN ($2, $3)"), "{sql}");
        assert!(sql.contains("t.name = $4"));
        assert!(sql.contains("t.due_at < $5"));
        assert_eq!(w.binds.len(), 5);
        assert_eq!(w.next_placeholder(), "$6");
        let searched = LeadFilter { q: Some("Анна 2233".into()), ..LeadFilter::default() };
        let pg = Where::build(&searched, LeadScope::All, Utc::now(), Dialect::Postgres);
        assert_eq!(
            pg.sql(),
            "l.archived = FALSE AND l.id IN (SELECT s.lead_id FROM lead_search s WHERE s.search_text LIKE $1 ESCAPE '\\' AND s.search_text LIKE $2 ESCAPE '\\')"
        );
        let lite = Where::build(&searched, LeadScope::All, Utc::now(), Dialect::Sqlite);
        assert_eq!(
            lite.sql(),
            "l.archived = FALSE AND l.id IN (SELECT (leads_words.rowid & 4294967295) FROM leads_words WHERE leads_words MATCH $1)"
        );
        assert_eq!(lite.binds, vec![Bind::Text("\"анна\"* \"2233\"*".into())]);
        // A term spanning words goes to the trigram table.
        let spanning = LeadFilter { q: Some("anna@mail".into()), ..LeadFilter::default() };
        let lite = Where::build(&spanning, LeadScope::All, Utc::now(), Dialect::Sqlite);
        assert_eq!(lite.sql(), "l.archived = FALSE AND l.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH $1)");
        assert_eq!(lite.binds, vec![Bind::Text("\"anna@mail\"".into())]);
    }

    #[test]
    fn search_as_the_leading_table_or_as_substring_tests() {
        let query = SearchQuery::parse("Анна 2233").unwrap();
        let mut lite = Where::build(&LeadFilter::default(), LeadScope::ResponsibleIs(4), Utc::now(), Dialect::Sqlite);
        assert_eq!(lite.search_from(Dialect::Sqlite, &query).tables, SearchFrom::WORDS.tables);
        assert_eq!(lite.sql(), "l.responsible_id = $1 AND l.archived = FALSE AND leads_words MATCH $2");
        let mut pg = Where::default();
        assert_eq!(pg.search_from(Dialect::Postgres, &query), SearchFrom::LEAD_SEARCH);
        assert_eq!(pg.sql(), "s.search_text LIKE $1 ESCAPE '\\' AND s.search_text LIKE $2 ESCAPE '\\'");
        assert_eq!(pg.binds, vec![Bind::Text("%анна%".into()), Bind::Text("%2233%".into())]);
        let mut walked = Where::default();
        walked.contains_all(Dialect::Postgres, &query);
        assert_eq!(walked.sql(), "strpos(s.search_text, $1) > 0 AND strpos(s.search_text, $2) > 0");
        assert_eq!(walked.binds, vec![Bind::Text("анна".into()), Bind::Text("2233".into())]);
        let mut walked = Where::default();
        walked.contains_all(Dialect::Sqlite, &query);
        assert_eq!(walked.sql(), "instr(l.search_text, $1) > 0 AND instr(l.search_text, $2) > 0");
    }

    #[test]
    fn words_with_letters_go_to_the_word_indexes() {
        let query = SearchQuery::parse("Анна Александровна").unwrap();
        let mut pg = Where::default();
        assert_eq!(pg.search_from(Dialect::Postgres, &query), SearchFrom::LEAD_SEARCH);
        assert_eq!(pg.sql(), "s.search_grams @> $1::integer[] AND strpos(s.search_text, $2) > 0 AND strpos(s.search_text, $3) > 0");
        assert_eq!(pg.binds.len(), 3);
        // Over `leads l` (list, board, export), the same conditions as a subquery.
        let mut listed = Where::build(&LeadFilter::default(), LeadScope::ResponsibleIs(4), Utc::now(), Dialect::Postgres);
        listed.search(Dialect::Postgres, &query);
        assert_eq!(
            listed.sql(),
            "l.responsible_id = $1 AND l.archived = FALSE AND l.id IN (SELECT s.lead_id FROM lead_search s WHERE \
             s.search_grams @> $2::integer[] AND strpos(s.search_text, $3) > 0 AND strpos(s.search_text, $4) > 0)"
        );
        // SQLite's prefix index keeps twelve letters: a longer term is tested on the row.
        let mut lite = Where::default();
        lite.search_from(Dialect::Sqlite, &query);
        assert_eq!(lite.sql(), "leads_words MATCH $1 AND instr(l.search_text, $2) > 0");
        assert_eq!(lite.binds, vec![Bind::Text("\"анна\"* \"александровн\"*".into()), Bind::Text("александровна".into())]);
    }

    #[test]
    fn empty_filter_shows_live_leads_only() {
        let w = Where::build(&LeadFilter::default(), LeadScope::All, Utc::now(), Dialect::Sqlite);
        assert_eq!(w.sql(), "l.archived = FALSE");
        assert!(w.binds.is_empty());
    }
}
