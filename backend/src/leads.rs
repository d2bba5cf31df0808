//! Leads: creation with its person, tags and timeline, and reading one back.

use crate::db::{with_conn, AsConn, Conn, Db, WritePool};
use crate::error::Result;
use crate::filter::{Bind, Where};
use crate::rows::now;
use crate::{settings, stages, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::event::{LeadEvent, LeadEventKind};
use domain::lead::{ClientType, Gearbox, Gender, Lead, LeadDraft, ValidLead};
use domain::phone::Phone;
use domain::settings::LeadVisibility;
use domain::user::User;
use domain::{AppError, Id};
use std::collections::HashMap;

mod insert;
pub(crate) use insert::{first_entries, insert_leads, insert_tags, persons_by_phone, NewLead};

/// Creates a lead as `actor`: validates, checks every reference, links the person by phone,
/// stores tags and writes the "created" entry (and the note, if any) in one transaction, with what
/// the automation rules do on a new lead.
pub async fn create_lead(db: &Db, actor: &User, draft: LeadDraft) -> Result<Lead> {
    create_lead_with(db, actor, draft, true).await
}

/// [`create_lead`], with the automation rules on or off (an import may switch them off).
pub async fn create_lead_with(db: &Db, actor: &User, draft: LeadDraft, run_rules: bool) -> Result<Lead> {
    let rules = if run_rules { crate::automation::active_rules(db).await? } else { crate::automation::ActiveRules::default() };
    let settings = settings::settings_or_default(db).await?;
    can(actor, Action::CreateLead, settings.lead_visibility)?;
    let lead = draft.validate(Utc::now().date_naive())?;
    let stage = stages::list_stages(db).await?.into_iter().find(|s| s.id == lead.stage_id);
    let stage = stage.ok_or_else(|| AppError::invalid("stage_id", Invalid::NotFound))?;
    stage.check_reason(lead.stage_reason_id)?;
    let at = now();
    let id: Id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = {
            let mut conn = tx.conn();
            let (id, responsible) = insert_lead(&mut conn, &rules, &lead, actor, at).await?;
            let facts = crate::automation::LeadFacts { lead_id: id, stage_id: lead.stage_id, responsible_id: Some(responsible) };
            crate::automation::after_lead_created(&mut conn, &rules, &facts, actor, at).await?;
            id
        };
        tx.commit().await?;
        id
    });
    let lead = get_lead(db, id).await?.ok_or(AppError::NotFound)?;
    db.events.publish(&db.pool, LeadEvent::about(LeadEventKind::Created, &lead, None, actor.id)).await;
    Ok(lead)
}

/// Inserts a validated lead on an open write transaction: checks what it refers to, takes the
/// first active channel when it names none, the responsible it names (or the rules' choice, see
/// [`crate::automation::responsible_for_new_lead`]), links the person by phone, stores its tags
/// and writes the "created" entry and its note. Answers its id and responsible.
async fn insert_lead(
    conn: &mut Conn<'_>,
    rules: &crate::automation::ActiveRules,
    lead: &ValidLead,
    actor: &User,
    at: DateTime<Utc>,
) -> Result<(Id, Id)> {
    let responsible = match lead.responsible_id {
        Some(id) => id,
        None => crate::automation::responsible_for_new_lead(conn, rules, lead.branch_id, actor).await?,
    };
    let references = [
        ("branch_id", "branches", lead.branch_id),
        ("category_id", "categories", lead.category_id),
        ("channel_id", "channels", lead.channel_id),
        ("contact_source_id", "contact_sources", lead.contact_source_id),
    ];
    let channel_id = with_conn!(&mut *conn, c => {
        for (field, table, id) in references {
            if let Some(id) = id {
                let found: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id = $1")).bind(id).fetch_one(&mut *c).await?;
                if found == 0 {
                    return Err(AppError::invalid(field, Invalid::NotFound).into());
                }
            }
        }
        let channel_id: Id = match lead.channel_id {
            Some(id) => id,
            None => sqlx::query_scalar("SELECT id FROM channels WHERE active = TRUE ORDER BY position, id LIMIT 1")
                .fetch_optional(&mut *c)
                .await?
                .ok_or_else(|| AppError::invalid("channel_id", Invalid::Required))?,
        };
        let active: Option<bool> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(responsible).fetch_optional(&mut *c).await?;
        match active {
            None => return Err(AppError::invalid("responsible_id", Invalid::NotFound).into()),
            Some(false) => return Err(AppError::invalid("responsible_id", Invalid::Inactive).into()),
            Some(true) => {}
        }
        channel_id
    });
    let person_id = match &lead.phone {
        Some(phone) => {
            let persons = persons_by_phone(conn, &[(phone.as_str(), at)]).await?;
            Some(*persons.get(phone.as_str()).ok_or(sqlx::Error::RowNotFound)?)
        }
        None => None,
    };
    let new = NewLead {
        lead,
        person_id,
        channel_id,
        responsible_id: responsible,
        registrar_id: actor.id,
        created_at: at,
        written_at: at,
        search_text: lead.search_text(),
        import: None,
    };
    let id = insert_leads(conn, std::slice::from_ref(&new)).await?[0];
    insert_tags(conn, id, &lead.tags).await?;
    crate::search::index_new_lead(conn, id, &new.search_text).await?;
    crate::timeline::write_batch(conn, &first_entries(id, &new, &[])).await?;
    Ok((id, responsible))
}

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: Id,
    person_id: Option<Id>,
    first_name: String,
    patronymic: Option<String>,
    surname: Option<String>,
    phone: Option<String>,
    extra_phone: Option<String>,
    email: Option<String>,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    desired_start: Option<NaiveDate>,
    stage_id: Id,
    stage_reason_id: Option<Id>,
    stage_changed_at: DateTime<Utc>,
    branch_id: Option<Id>,
    category_id: Option<Id>,
    gearbox: Option<String>,
    channel_id: Id,
    contact_source_id: Option<Id>,
    client_type: String,
    company_name: Option<String>,
    postponed_until: Option<DateTime<Utc>>,
    responsible_id: Option<Id>,
    registrar_id: Option<Id>,
    archived: bool,
    duplicate_of: Option<Id>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

/// The other leads of `lead`'s person (same phone) that `user` may see, oldest first.
pub async fn person_leads(db: &Db, user: &User, lead: &Lead) -> Result<Vec<Lead>> {
    let Some(person) = lead.person_id else { return Ok(Vec::new()) };
    let ids: Vec<Id> = with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM leads WHERE person_id = $1 AND id <> $2 ORDER BY created_at, id LIMIT 50")
        .bind(person)
        .bind(lead.id)
        .fetch_all(pool)
        .await)?;
    visible_of(db, user, ids).await
}

/// The leads `user` may see whose phone is `phone` (the person's leads), oldest first.
pub async fn phone_matches(db: &Db, user: &User, phone: &Phone) -> Result<Vec<Lead>> {
    let ids: Vec<Id> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT l.id FROM leads l JOIN persons p ON p.id = l.person_id WHERE p.phone = $1 ORDER BY l.created_at, l.id LIMIT 20"
    )
    .bind(phone.as_str())
    .fetch_all(pool)
    .await)?;
    visible_of(db, user, ids).await
}

/// The leads of `ids` that `user` may see, in the same order.
async fn visible_of(db: &Db, user: &User, ids: Vec<Id>) -> Result<Vec<Lead>> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    let leads = get_leads(db, &ids).await?;
    Ok(leads.into_iter().filter(|lead| can(user, Action::ViewLead { responsible: lead.responsible_id }, visibility).is_ok()).collect())
}

/// The lead `actor` asks for by id: `NotFound` when they may not see it (so ids of others' leads
/// reveal nothing), and with `edit`, `Forbidden` when they may see but not change it.
pub async fn lead_for(db: &Db, actor: &User, lead_id: Id, edit: bool) -> Result<Lead> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    lead_under(db, actor, lead_id, edit, visibility).await
}

/// [`lead_for`] with the school's visibility setting already read.
pub async fn lead_under(db: &Db, actor: &User, lead_id: Id, edit: bool, visibility: LeadVisibility) -> Result<Lead> {
    let lead = get_lead(db, lead_id).await?.ok_or(AppError::NotFound)?;
    can(actor, Action::ViewLead { responsible: lead.responsible_id }, visibility).map_err(|_| AppError::NotFound)?;
    if edit {
        can(actor, Action::EditLead { responsible: lead.responsible_id }, visibility)?;
    }
    Ok(lead)
}

/// Reads a lead with its tags. Access is the caller's to check.
pub async fn get_lead(db: &Db, id: Id) -> Result<Option<Lead>> {
    Ok(get_leads(db, &[id]).await?.pop())
}

/// Reads leads with their tags in the order of `ids`, leaving out ids that name no lead: two
/// statements however many (a page of the API, a person's other leads). Access is the caller's
/// to check.
pub async fn get_leads(db: &Db, ids: &[Id]) -> Result<Vec<Lead>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    w.any_of("l.id", ids);
    let mut leads = query_leads(db, &format!("SELECT l.* FROM leads l WHERE {}", w.sql()), &w.binds).await?;
    let position: HashMap<Id, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    leads.sort_by_key(|lead| position.get(&lead.id).copied());
    Ok(leads)
}

/// The leads `sql` selects (every column of `leads l`, in the order it gives) with their tags,
/// read in one more statement.
pub(crate) async fn query_leads(db: &Db, sql: &str, binds: &[Bind]) -> Result<Vec<Lead>> {
    let rows: Vec<LeadRow> = with_pool!(db, pool => crate::bind_all!(sqlx::query_as(sql), binds).fetch_all(pool).await)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    w.any_of("lt.lead_id", &rows.iter().map(|r| r.id).collect::<Vec<_>>());
    let tag_sql = format!("SELECT lt.lead_id, t.name FROM lead_tags lt JOIN tags t ON t.id = lt.tag_id WHERE {} ORDER BY t.name", w.sql());
    let tag_rows: Vec<(Id, String)> = with_pool!(db, pool => crate::bind_all!(sqlx::query_as(&tag_sql), &w.binds).fetch_all(pool).await)?;
    let mut tags: HashMap<Id, Vec<String>> = HashMap::new();
    for (lead_id, name) in tag_rows {
        tags.entry(lead_id).or_default().push(name);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let tags = tags.remove(&r.id).unwrap_or_default();
            lead_from_row(r, tags)
        })
        .collect())
}

fn lead_from_row(r: LeadRow, tags: Vec<String>) -> Lead {
    Lead {
        id: r.id,
        person_id: r.person_id,
        first_name: r.first_name,
        patronymic: r.patronymic,
        surname: r.surname,
        phone: r.phone.and_then(|p| Phone::parse(&p).ok()),
        extra_phone: r.extra_phone.and_then(|p| Phone::parse(&p).ok()),
        email: r.email,
        gender: r.gender.as_deref().and_then(Gender::parse),
        birth_date: r.birth_date,
        desired_start: r.desired_start,
        stage_id: r.stage_id,
        stage_reason_id: r.stage_reason_id,
        stage_changed_at: r.stage_changed_at,
        branch_id: r.branch_id,
        category_id: r.category_id,
        gearbox: r.gearbox.as_deref().and_then(Gearbox::parse),
        channel_id: r.channel_id,
        contact_source_id: r.contact_source_id,
        client_type: ClientType::parse(&r.client_type).unwrap_or_default(),
        company_name: r.company_name,
        tags,
        postponed_until: r.postponed_until,
        responsible_id: r.responsible_id,
        registrar_id: r.registrar_id,
        archived: r.archived,
        duplicate_of: r.duplicate_of,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    }
}
