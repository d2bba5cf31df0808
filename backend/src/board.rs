//! The board: the shown stages as columns, each with its count and first cards.

use crate::db::Db;
use crate::error::Result;
use crate::filter::Where;
use crate::rows::now;
use crate::{bind_all, settings, stages, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{can, lead_scope, Action};
use domain::board::{Board, BoardCard, BoardColumn};
use domain::filter::LeadFilter;
use domain::lead::full_name;
use domain::user::{initials, User};
use domain::Id;
use std::collections::HashMap;

/// Cards per column on first load.
pub const PAGE: i64 = 50;

#[derive(sqlx::FromRow)]
struct CardRow {
    id: Id,
    first_name: String,
    patronymic: Option<String>,
    surname: Option<String>,
    phone: Option<String>,
    category: Option<String>,
    branch: Option<String>,
    desired_start: Option<NaiveDate>,
    responsible: Option<String>,
    stage_changed_at: DateTime<Utc>,
    postponed_until: Option<DateTime<Utc>>,
    next_task_due: Option<DateTime<Utc>>,
    version: i64,
}

const CARD_SELECT: &str = "SELECT l.id, l.first_name, l.patronymic, l.surname, l.phone, c.name AS category, b.name AS branch, \
     l.desired_start, u.display_name AS responsible, l.stage_changed_at, l.postponed_until, l.version, \
     (SELECT MIN(t.due_at) FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL) AS next_task_due \
     FROM leads l \
     LEFT JOIN categories c ON c.id = l.category_id \
     LEFT JOIN branches b ON b.id = l.branch_id \
     LEFT JOIN users u ON u.id = l.responsible_id";

/// Reads the board as `user` may see it: the scope of the access rules, then the filter.
pub async fn load_board(db: &Db, user: &User, filter: &LeadFilter) -> Result<Board> {
    let settings = settings::settings_or_default(db).await?;
    can(user, Action::ViewLead { responsible: Some(user.id) }, settings.lead_visibility)?;
    let scope = lead_scope(user, settings.lead_visibility);
    let at = now();
    let shown: Vec<_> = stages::list_stages(db).await?.into_iter().filter(|s| s.shown_on_board).collect();
    let base = Where::build(filter, scope, at);

    let count_sql = format!("SELECT l.stage_id, COUNT(*) FROM leads l WHERE {} GROUP BY l.stage_id", base.sql());
    let counts: Vec<(Id, i64)> = with_pool!(db, pool => bind_all!(sqlx::query_as(&count_sql), &base.binds).fetch_all(pool).await)?;
    let counts: HashMap<Id, i64> = counts.into_iter().collect();

    let stage_p = base.next_placeholder();
    let card_sql =
        format!("{CARD_SELECT} WHERE {} AND l.stage_id = {stage_p} ORDER BY l.stage_changed_at DESC, l.id DESC LIMIT {PAGE}", base.sql());
    let mut columns = Vec::with_capacity(shown.len());
    for stage in shown {
        let count = counts.get(&stage.id).copied().unwrap_or(0);
        let rows: Vec<CardRow> = if count == 0 {
            Vec::new()
        } else {
            with_pool!(db, pool => bind_all!(sqlx::query_as::<_, CardRow>(&card_sql), &base.binds).bind(stage.id).fetch_all(pool).await)?
        };
        columns.push(BoardColumn { stage, count, cards: rows.into_iter().map(card).collect() });
    }
    attach_tags(db, &mut columns).await?;
    Ok(Board { columns, now: at })
}

fn card(r: CardRow) -> BoardCard {
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
        version: r.version,
    }
}

async fn attach_tags(db: &Db, columns: &mut [BoardColumn]) -> Result<()> {
    let ids: Vec<String> = columns.iter().flat_map(|c| c.cards.iter().map(|card| card.id.to_string())).collect();
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
    for card in columns.iter_mut().flat_map(|c| c.cards.iter_mut()) {
        card.tags = by_lead.remove(&card.id).unwrap_or_default();
    }
    Ok(())
}
