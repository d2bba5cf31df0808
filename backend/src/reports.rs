//! The funnel reports (see `domain::report` for what each covers). Three reads — the leads in
//! range, their stage changes and first contacts from the timeline, the groups — and the
//! arithmetic in Rust: the timeline's events are JSON text on both databases, and one pass over
//! the rows is cheaper than six GROUP BY queries with JSON extraction in two dialects.

use crate::db::Db;
use crate::error::Result;
use crate::{dictionaries, settings, stages, users, with_pool};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::access::{can, Action};
use domain::report::{median, month_of, FunnelRow, ReasonRow, ReportFilter, Reports, ResponsibleRow, ShareRow, WaitingRow};
use domain::stage::{Stage, StageKind};
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::Id;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: Id,
    stage_id: Id,
    stage_reason_id: Option<Id>,
    branch_id: Option<Id>,
    channel_id: Id,
    responsible_id: Option<Id>,
    created_at: DateTime<Utc>,
    stage_changed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    lead_id: Id,
    kind: String,
    data: String,
    created_at: DateTime<Utc>,
}

/// The leads the filter covers: created in range, not duplicates, narrowed by branch, channel and
/// responsible. `$1`, `$2` are the UTC bounds, `$3`–`$5` the optional narrowing ids.
const COHORT: &str = "FROM leads l WHERE l.duplicate_of IS NULL AND l.created_at >= $1 AND l.created_at < $2 \
     AND ($3 IS NULL OR l.branch_id = $3) AND ($4 IS NULL OR l.channel_id = $4) AND ($5 IS NULL OR l.responsible_id = $5)";

/// The start of a local day on the school's clock, in UTC (the earliest, across a DST change).
fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&local).earliest().map_or_else(|| Utc.from_utc_datetime(&local), |d| d.with_timezone(&Utc))
}

/// What the timeline says about one lead.
#[derive(Default)]
struct History {
    /// Stage changes in order: (from, to).
    changes: Vec<(Option<Id>, Id)>,
    /// The first note, call, stage change or task done after creation.
    first_contact: Option<DateTime<Utc>>,
}

/// All reports for `filter`, for deputy and above.
pub async fn reports(db: &Db, actor: &User, filter: &ReportFilter) -> Result<Reports> {
    let school = settings::settings_or_default(db).await?;
    can(actor, Action::ViewReports, school.lead_visibility)?;
    let tz = settings::school_tz(&school.timezone);
    let (from, to) = (day_start(tz, filter.from), day_start(tz, filter.to + chrono::Duration::days(1)));
    let leads_sql = format!(
        "SELECT l.id, l.stage_id, l.stage_reason_id, l.branch_id, l.channel_id, l.responsible_id, l.created_at, l.stage_changed_at {COHORT}"
    );
    let entries_sql = format!(
        "SELECT t.lead_id, t.kind, t.data, t.created_at FROM timeline t \
         WHERE t.kind IN ('stage_changed', 'note', 'call', 'task_done') AND t.author_id IS NOT NULL \
         AND t.lead_id IN (SELECT l.id {COHORT}) ORDER BY t.lead_id, t.created_at, t.id"
    );
    let (leads, entries): (Vec<LeadRow>, Vec<EntryRow>) = with_pool!(db, pool => {
        let leads = sqlx::query_as::<_, LeadRow>(&leads_sql)
            .bind(from)
            .bind(to)
            .bind(filter.branch_id)
            .bind(filter.channel_id)
            .bind(filter.responsible_id)
            .fetch_all(pool)
            .await?;
        let entries = sqlx::query_as::<_, EntryRow>(&entries_sql)
            .bind(from)
            .bind(to)
            .bind(filter.branch_id)
            .bind(filter.channel_id)
            .bind(filter.responsible_id)
            .fetch_all(pool)
            .await?;
        (leads, entries)
    });
    let created: HashMap<Id, DateTime<Utc>> = leads.iter().map(|l| (l.id, l.created_at)).collect();
    let mut history: HashMap<Id, History> = HashMap::new();
    for e in entries {
        let h = history.entry(e.lead_id).or_default();
        if e.kind == "stage_changed" {
            if let Ok(TimelineEvent::StageChanged { from, to, .. }) = serde_json::from_str(&e.data) {
                h.changes.push((from, to));
            }
        }
        // Entries written with the lead (imported notes, the form's first note) are no contact.
        if h.first_contact.is_none() && created.get(&e.lead_id).is_some_and(|c| e.created_at > *c) {
            h.first_contact = Some(e.created_at);
        }
    }
    let stages = stages::list_stages(db).await?;
    let dictionaries = dictionaries::all(db).await?;
    let people: HashMap<Id, String> = users::list_users(db).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let reason_names: HashMap<Id, String> =
        with_pool!(db, pool => sqlx::query_as::<_, (Id, String)>("SELECT id, name FROM stage_reasons").fetch_all(pool).await)?
            .into_iter()
            .collect();
    let kind_of: HashMap<Id, StageKind> = stages.iter().map(|s| (s.id, s.kind)).collect();
    let is = |lead: &LeadRow, kind: StageKind| kind_of.get(&lead.stage_id) == Some(&kind);

    let names = |entries: &[domain::dictionary::DictionaryEntry]| entries.iter().map(|e| (e.id, e.name.clone())).collect::<HashMap<_, _>>();
    let (channel_names, branch_names) = (names(&dictionaries.channels), names(&dictionaries.branches));
    let empty = History::default();
    let mut funnel = Funnel::new(&stages);
    let mut channels: BTreeMap<Option<Id>, (u64, u64)> = BTreeMap::new();
    let mut branches: BTreeMap<Option<Id>, (u64, u64)> = BTreeMap::new();
    let mut responsibles: BTreeMap<Option<Id>, Tally> = BTreeMap::new();
    let mut reasons: HashMap<(Id, Option<Id>), u64> = HashMap::new();
    let (mut won, mut lost) = (0, 0);
    for lead in &leads {
        let h = history.get(&lead.id).unwrap_or(&empty);
        funnel.count(lead, h);
        let is_won = is(lead, StageKind::Won);
        won += u64::from(is_won);
        for (map, key) in [(&mut channels, Some(lead.channel_id)), (&mut branches, lead.branch_id)] {
            let slot = map.entry(key).or_default();
            slot.0 += 1;
            slot.1 += u64::from(is_won);
        }
        let tally = responsibles.entry(lead.responsible_id).or_default();
        tally.leads += 1;
        if is_won {
            tally.won += 1;
            tally.days_to_won.push((lead.stage_changed_at - lead.created_at).num_seconds() as f64 / 86_400.0);
        }
        if let Some(first) = h.first_contact {
            tally.hours_to_contact.push((first - lead.created_at).num_seconds() as f64 / 3_600.0);
        }
        if is(lead, StageKind::Lost) {
            lost += 1;
            *reasons.entry((lead.stage_id, lead.stage_reason_id)).or_default() += 1;
        }
    }
    let share = |map: BTreeMap<Option<Id>, (u64, u64)>, names: &HashMap<Id, String>| {
        let mut rows: Vec<ShareRow> = map
            .into_iter()
            .map(|(id, (leads, won))| ShareRow { id, name: id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(), leads, won })
            .collect();
        rows.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.name.cmp(&b.name)));
        rows
    };
    let mut responsibles: Vec<ResponsibleRow> = responsibles
        .into_iter()
        .map(|(id, t)| ResponsibleRow {
            id,
            name: id.and_then(|id| people.get(&id).cloned()).unwrap_or_default(),
            leads: t.leads,
            won: t.won,
            avg_days_to_won: (!t.days_to_won.is_empty()).then(|| t.days_to_won.iter().sum::<f64>() / t.days_to_won.len() as f64),
            median_hours_to_first_contact: median(t.hours_to_contact),
        })
        .collect();
    responsibles.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.name.cmp(&b.name)));
    let stage_names: HashMap<Id, &str> = stages.iter().map(|s| (s.id, s.name.as_str())).collect();
    let mut reasons: Vec<ReasonRow> = reasons
        .into_iter()
        .map(|((stage, reason), leads)| ReasonRow {
            stage: stage_names.get(&stage).copied().unwrap_or_default().to_string(),
            reason: reason.and_then(|r| reason_names.get(&r).cloned()),
            leads,
        })
        .collect();
    reasons.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| (&a.stage, &a.reason).cmp(&(&b.stage, &b.reason))));
    Ok(Reports {
        filter: filter.clone(),
        total: leads.len() as u64,
        won,
        lost,
        funnel: funnel.rows,
        channels: share(channels, &channel_names),
        responsibles,
        branches: share(branches, &branch_names),
        reasons,
        waiting: waiting(db, filter.branch_id, &dictionaries).await?,
    })
}

#[derive(Default)]
struct Tally {
    leads: u64,
    won: u64,
    days_to_won: Vec<f64>,
    hours_to_contact: Vec<f64>,
}

struct Funnel {
    rows: Vec<FunnelRow>,
    index: HashMap<Id, usize>,
}

impl Funnel {
    fn new(stages: &[Stage]) -> Funnel {
        let rows: Vec<FunnelRow> = stages
            .iter()
            .map(|s| FunnelRow { stage_id: s.id, stage: s.name.clone(), kind: s.kind, entered: 0, now_in: 0, dropped: 0 })
            .collect();
        let index = rows.iter().enumerate().map(|(i, r)| (r.stage_id, i)).collect();
        Funnel { rows, index }
    }

    fn count(&mut self, lead: &LeadRow, h: &History) {
        // Created in the first change's "from", or in the current stage if it never moved.
        let first = h.changes.first().and_then(|(from, _)| *from).unwrap_or(lead.stage_id);
        let entered: HashSet<Id> = std::iter::once(first).chain(h.changes.iter().map(|(_, to)| *to)).collect();
        for stage in entered {
            if let Some(&i) = self.index.get(&stage) {
                self.rows[i].entered += 1;
            }
        }
        if let Some(&i) = self.index.get(&lead.stage_id) {
            self.rows[i].now_in += 1;
            if self.rows[i].kind == StageKind::Lost {
                // The stage it was lost from: the "from" of its last move into where it is.
                let from = h.changes.iter().rev().find(|(_, to)| *to == lead.stage_id).and_then(|(from, _)| *from);
                if let Some(&j) = from.and_then(|f| self.index.get(&f)) {
                    self.rows[j].dropped += 1;
                }
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct WaitingLead {
    category_id: Option<Id>,
    branch_id: Option<Id>,
    desired_start: Option<NaiveDate>,
}

/// Leads in open stages (not archived, not duplicates) by category, branch and desired start
/// month, beside the seats left in groups (not finished) of that category starting that month in
/// that branch or in none; groups nobody waits for yet are rows too.
async fn waiting(db: &Db, branch: Option<Id>, dictionaries: &domain::dictionary::Dictionaries) -> Result<Vec<WaitingRow>> {
    let rows: Vec<WaitingLead> = with_pool!(db, pool => sqlx::query_as::<_, WaitingLead>(
        "SELECT l.category_id, l.branch_id, l.desired_start FROM leads l JOIN stages s ON s.id = l.stage_id \
         WHERE s.kind = 'open' AND l.archived = $1 AND l.duplicate_of IS NULL AND ($2 IS NULL OR l.branch_id = $2)",
    )
    .bind(false)
    .bind(branch)
    .fetch_all(pool)
    .await)?;
    let sql = format!("{} WHERE g.status <> 'finished' AND ($1 IS NULL OR g.branch_id IS NULL OR g.branch_id = $1)", crate::groups::SELECT);
    let groups: Vec<crate::groups::Row> =
        with_pool!(db, pool => sqlx::query_as::<_, crate::groups::Row>(&sql).bind(branch).fetch_all(pool).await)?;
    let groups: Vec<_> = groups.into_iter().map(crate::groups::Row::into_group).collect();
    type Key = (Option<Id>, Option<Id>, Option<NaiveDate>);
    let mut counts: BTreeMap<Key, u64> = BTreeMap::new();
    for r in &rows {
        *counts.entry((r.category_id, r.branch_id, r.desired_start.map(month_of))).or_default() += 1;
    }
    // A group of no branch serves the branch the report is narrowed to.
    for g in &groups {
        counts.entry((Some(g.group.category_id), g.group.branch_id.or(branch), Some(month_of(g.group.start_date)))).or_default();
    }
    let name = |entries: &[domain::dictionary::DictionaryEntry], id: Option<Id>| {
        id.and_then(|id| entries.iter().find(|e| e.id == id)).map(|e| e.name.clone())
    };
    let mut out: Vec<WaitingRow> = counts
        .into_iter()
        .map(|((category_id, branch_id, month), leads)| {
            let matching: Vec<_> = groups
                .iter()
                .filter(|g| {
                    Some(g.group.category_id) == category_id
                        && Some(month_of(g.group.start_date)) == month
                        && (g.group.branch_id.is_none() || g.group.branch_id == branch_id)
                })
                .collect();
            WaitingRow {
                category_id,
                category: name(&dictionaries.categories, category_id),
                branch_id,
                branch: name(&dictionaries.branches, branch_id),
                month,
                leads,
                seats_left: matching.iter().map(|g| g.group.seats_left() as u64).sum(),
                groups: matching.iter().map(|g| g.group.name.clone()).collect(),
            }
        })
        .collect();
    // Months in order (no desired start last), then category and branch by name.
    out.sort_by(|a, b| (a.month.is_none(), a.month, &a.category, &a.branch).cmp(&(b.month.is_none(), b.month, &b.category, &b.branch)));
    Ok(out)
}
