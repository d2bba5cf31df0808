//! The list (journal) of leads: the shared filter, a sort order and keyset pages with a total
//! (capped, see `domain::count`).

use crate::db::Db;
use crate::error::Result;
use crate::filter::{Bind, Dialect, Where};
use crate::rows::now;
use crate::{bind_all, settings, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::access::{can, lead_scope, Action, LeadScope};
use domain::count::Count;
use domain::filter::LeadFilter;
use domain::lead::full_name;
use domain::list::{ListCursor, ListPage, ListRow, ListSort, ListView, SortKey, SortValue};
use domain::user::User;
use domain::Id;

/// A missing desired start sorts after every real one, the same on both databases.
const NO_DATE: &str = "9999-12-31";

fn no_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date")
}

/// The columns of a list row, over `leads l` joined to its stage `s` ([`ROW_JOINS`]). The
/// dictionary names are scalar subqueries rather than joins: PostgreSQL plans a seven-table join
/// afresh for each search (its patterns are custom-planned), which took longer than running it.
pub const ROW_COLUMNS: &str = "l.id, l.first_name, l.patronymic, l.surname, l.phone, l.email, l.stage_id, s.name AS stage, \
     s.color AS stage_color, (SELECT c.name FROM categories c WHERE c.id = l.category_id) AS category, \
     (SELECT b.name FROM branches b WHERE b.id = l.branch_id) AS branch, \
     (SELECT ch.name FROM channels ch WHERE ch.id = l.channel_id) AS channel, \
     (SELECT u.display_name FROM users u WHERE u.id = l.responsible_id) AS responsible, l.responsible_id, \
     l.desired_start, l.created_at, l.stage_changed_at, l.archived, l.version, l.sort_name, \
     (SELECT MIN(t.due_at) FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL) AS next_task_due";

/// The stage a list row shows, joined onto `leads l`.
pub const ROW_JOINS: &str = "JOIN stages s ON s.id = l.stage_id";

/// List rows of every lead; callers add the `WHERE`.
pub const ROW_SELECT: &str = const_format::concatcp!("SELECT ", ROW_COLUMNS, " FROM leads l ", ROW_JOINS);

#[derive(sqlx::FromRow)]
struct RowDb {
    id: Id,
    first_name: String,
    patronymic: Option<String>,
    surname: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    stage_id: Id,
    stage: String,
    stage_color: String,
    category: Option<String>,
    branch: Option<String>,
    channel: Option<String>,
    responsible: Option<String>,
    responsible_id: Option<Id>,
    desired_start: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    stage_changed_at: DateTime<Utc>,
    archived: bool,
    version: i64,
    sort_name: String,
    next_task_due: Option<DateTime<Utc>>,
}

impl RowDb {
    fn into_row(self, tz: Tz, key: SortKey) -> ListRow {
        let value = match key {
            SortKey::Created => SortValue::Time(self.created_at),
            SortKey::StageChanged => SortValue::Time(self.stage_changed_at),
            SortKey::Name => SortValue::Text(self.sort_name.clone()),
            SortKey::DesiredStart => SortValue::Date(self.desired_start.unwrap_or_else(no_date)),
        };
        ListRow {
            id: self.id,
            name: full_name(&self.first_name, self.patronymic.as_deref(), self.surname.as_deref()),
            phone: self.phone,
            email: self.email,
            stage_id: self.stage_id,
            stage: self.stage,
            stage_color: self.stage_color,
            category: self.category,
            branch: self.branch,
            channel: self.channel,
            responsible: self.responsible,
            responsible_id: self.responsible_id,
            desired_start: self.desired_start,
            created_at: self.created_at,
            stage_changed_at: self.stage_changed_at,
            next_task_due: self.next_task_due,
            next_task_due_local: self.next_task_due.map(|d| d.with_timezone(&tz).naive_local()),
            archived: self.archived,
            version: self.version,
            cursor: ListCursor { value, id: self.id },
        }
    }
}

/// The SQL expression a sort key orders by. Names compare byte-wise on both databases (they are
/// folded to lower case, so that is alphabetical).
pub fn sort_expr(key: SortKey, dialect: Dialect) -> String {
    match (key, dialect) {
        (SortKey::Created, _) => "l.created_at".into(),
        (SortKey::StageChanged, _) => "l.stage_changed_at".into(),
        (SortKey::Name, Dialect::Sqlite) => "l.sort_name".into(),
        (SortKey::Name, Dialect::Postgres) => "l.sort_name COLLATE \"C\"".into(),
        (SortKey::DesiredStart, _) => format!("COALESCE(l.desired_start, '{NO_DATE}')"),
    }
}

pub fn order_by(view: &ListView, dialect: Dialect) -> String {
    let dir = if view.sort.desc { "DESC" } else { "ASC" };
    format!("ORDER BY {} {dir}, l.id {dir}", sort_expr(view.sort.key, dialect))
}

/// Which side of a cursor, in the list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    After,
    AtOrAfter,
    Before,
}

/// Adds the keyset condition "on `side` of `cursor`" for `view`'s order.
pub fn keyset(w: &mut Where, view: &ListView, dialect: Dialect, cursor: &ListCursor, side: Side) {
    let expr = sort_expr(view.sort.key, dialect);
    let forward = if view.sort.desc { "<" } else { ">" };
    let backward = if view.sort.desc { ">" } else { "<" };
    let (cmp, id_cmp) = match side {
        Side::After => (forward, forward.to_string()),
        Side::AtOrAfter => (forward, format!("{forward}=")),
        Side::Before => (backward, backward.to_string()),
    };
    let bind = match &cursor.value {
        SortValue::Time(t) => Bind::Time(*t),
        SortValue::Text(t) => Bind::Text(t.clone()),
        SortValue::Date(d) => Bind::Date(*d),
    };
    let (v1, id, v2) = (w.next_placeholder(), format!("${}", w.binds.len() + 2), format!("${}", w.binds.len() + 3));
    w.conditions.push(format!("({expr} {cmp} {v1} OR ({expr} = {v2} AND l.id {id_cmp} {id}))"));
    w.binds.extend([bind.clone(), Bind::Int(cursor.id), bind]);
}

pub(crate) async fn fetch_rows(db: &Db, sql: &str, binds: &[Bind], timezone: &str, key: SortKey) -> Result<Vec<ListRow>> {
    let rows: Vec<RowDb> = with_pool!(db, pool => bind_all!(sqlx::query_as::<_, RowDb>(sql), binds).fetch_all(pool).await)?;
    let tz = settings::school_tz(timezone);
    Ok(rows.into_iter().map(|r| r.into_row(tz, key)).collect())
}

/// The list rows of `ids`, in that order (ids that name no lead are left out).
pub(crate) async fn rows_in_order(db: &Db, ids: &[Id], timezone: &str, key: SortKey) -> Result<Vec<ListRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    w.any_of("l.id", ids);
    let mut rows = fetch_rows(db, &format!("{ROW_SELECT} WHERE {}", w.sql()), &w.binds, timezone, key).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

pub(crate) async fn count(db: &Db, w: &Where) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM leads l WHERE {}", w.sql());
    Ok(with_pool!(db, pool => bind_all!(sqlx::query_scalar(&sql), &w.binds).fetch_one(pool).await)?)
}

/// `SELECT COUNT(*)` of the leads matching `condition`, reading at most `cap` + 1 of them.
pub fn capped_count_sql(condition: &str, cap: i64) -> String {
    format!("SELECT COUNT(*) FROM (SELECT 1 FROM leads l WHERE {condition} LIMIT {}) counted", cap + 1)
}

/// Counts the leads matching `w`, stopping after `cap` + 1 of them (see `domain::count`): the
/// cost is bounded by the cap, not by the size of the school.
pub async fn count_up_to(db: &Db, w: &Where, cap: i64) -> Result<Count> {
    let sql = capped_count_sql(&w.sql(), cap);
    let counted: i64 = with_pool!(db, pool => bind_all!(sqlx::query_scalar(&sql), &w.binds).fetch_one(pool).await)?;
    Ok(Count::capped_at(counted, cap))
}

/// The filter and access scope as `user` sees leads.
pub(crate) async fn visible(db: &Db, user: &User, filter: &LeadFilter) -> Result<(Where, domain::settings::SchoolSettings)> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let w = Where::build(filter, lead_scope(user, settings.lead_visibility), now(), db.dialect());
    Ok((w, settings))
}

/// A searched filter's leads for reading newest first and testing each term as a substring, as
/// the search box does past its cap; none for a filter without a search. Past the cap the list's
/// newest fifty are found sooner this way than by sorting every hit the index holds, which
/// PostgreSQL chose for a surname and first name it thought rare (6,000 hits sorted, 68 ms).
pub fn newest_first_walk(filter: &LeadFilter, scope: LeadScope, dialect: Dialect) -> Option<Where> {
    let query = filter.search()?;
    let mut walked = Where::build(&LeadFilter { q: None, ..filter.clone() }, scope, now(), dialect);
    walked.lead_contains_all(dialect, &query);
    Some(walked)
}

/// One page of the list after `after` (the first page without it), with the total.
pub async fn list_leads(db: &Db, user: &User, filter: &LeadFilter, view: &ListView, after: Option<&ListCursor>) -> Result<ListPage> {
    let (base, settings) = visible(db, user, filter).await?;
    let total = count_up_to(db, &base, filter.count_cap()).await?;
    let walk = total.more && view.sort == ListSort::default();
    let walked = walk.then(|| newest_first_walk(filter, lead_scope(user, settings.lead_visibility), db.dialect())).flatten();
    let mut w = walked.unwrap_or_else(|| base.clone());
    if let Some(cursor) = after {
        keyset(&mut w, view, db.dialect(), cursor, Side::After);
    }
    // One row more than shown says whether a next page exists.
    let sql = format!("{ROW_SELECT} WHERE {} {} LIMIT {}", w.sql(), order_by(view, db.dialect()), view.size + 1);
    let mut rows = fetch_rows(db, &sql, &w.binds, &settings.timezone, view.sort.key).await?;
    let next = if rows.len() as i64 > view.size {
        rows.truncate(view.size as usize);
        rows.last().map(|r| r.cursor.clone())
    } else {
        None
    };
    Ok(ListPage { rows, total, next, now: now() })
}
