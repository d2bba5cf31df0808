//! Editing a lead's fields: validated like creation, refused on a stale version, and every changed
//! field written to the timeline (old → new) in the same transaction.

use crate::db::{AsConn, Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{leads, with_pool};
use domain::error::Invalid;
use domain::event::{LeadEvent, LeadEventKind};
use domain::lead::{changes, FieldChange, Gearbox, Gender, Lead, LeadDraft};
use domain::phone::Phone;
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

/// Dictionary fields: the column, its table, and how the timeline names the entry.
const REFERENCES: [(&str, &str); 4] =
    [("branch_id", "branches"), ("category_id", "categories"), ("channel_id", "channels"), ("contact_source_id", "contact_sources")];

/// The fields a lead's search text is made of.
const SEARCHED: [&str; 7] = ["first_name", "patronymic", "surname", "company_name", "email", "phone", "extra_phone"];

/// Saves `draft` over lead `lead_id` as `actor`, when nobody changed the lead since
/// `expected_version`. The stage and the responsible are not edited here (they move and transfer).
/// Returns the fresh lead; a `Conflict` names the current version so the form can offer it.
pub async fn update_lead(db: &Db, actor: &User, lead_id: Id, expected_version: i64, mut draft: LeadDraft) -> Result<Lead> {
    let old = leads::lead_for(db, actor, lead_id, true).await?;
    draft.stage_id = Some(old.stage_id);
    draft.responsible_id = old.responsible_id;
    let new = draft.validate(chrono::Utc::now().date_naive())?;
    if old.version != expected_version {
        return Err(AppError::Conflict { current_version: old.version }.into());
    }
    let diff = changes(&old, &new);
    if diff.is_empty() {
        return Ok(old);
    }
    let search_text = new.search_text();
    let searched = diff.iter().any(|c| SEARCHED.contains(&c.field));
    let update_sql =
        "UPDATE leads SET person_id = $1, first_name = $2, patronymic = $3, surname = $4, phone = $5, extra_phone = $6, email = $7, \
         gender = $8, birth_date = $9, desired_start = $10, branch_id = $11, category_id = $12, gearbox = $13, channel_id = $14, \
         contact_source_id = $15, client_type = $16, company_name = $17, search_text = $18, sort_name = $19, updated_at = $20, \
         version = version + 1 WHERE id = $21 AND version = $22";
    let at = now();
    let channel_id = new.channel_id.unwrap_or(old.channel_id);
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut entries: Vec<FieldChange> = Vec::with_capacity(diff.len());
        for change in diff {
            let Some((_, table)) = REFERENCES.iter().find(|(f, _)| *f == change.field) else {
                entries.push(change);
                continue;
            };
            // An id the form sent must exist; the timeline keeps the names as they read today.
            let name_sql = format!("SELECT name FROM {table} WHERE id = $1");
            let mut old_name = None;
            if let Some(id) = change.old.as_deref().and_then(|v| v.parse::<Id>().ok()) {
                old_name = sqlx::query_scalar::<_, String>(&name_sql).bind(id).fetch_optional(&mut *tx).await?;
            }
            let mut new_name = None;
            if let Some(id) = change.new.as_deref().and_then(|v| v.parse::<Id>().ok()) {
                let found = sqlx::query_scalar::<_, String>(&name_sql).bind(id).fetch_optional(&mut *tx).await?;
                new_name = Some(found.ok_or_else(|| AppError::invalid(change.field, Invalid::NotFound))?);
            }
            let named = FieldChange { field: change.field, old: old_name, new: new_name };
            entries.push(named);
        }
        let person_id: Option<Id> = match &new.phone {
            Some(phone) if Some(phone) != old.phone.as_ref() => {
                sqlx::query("INSERT INTO persons (phone, created_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING").bind(phone.as_str()).bind(at).execute(&mut *tx).await?;
                Some(sqlx::query_scalar("SELECT id FROM persons WHERE phone = $1").bind(phone.as_str()).fetch_one(&mut *tx).await?)
            }
            Some(_) => old.person_id,
            None => None,
        };
        let update = sqlx::query(update_sql)
            .bind(person_id)
            .bind(&new.first_name)
            .bind(&new.patronymic)
            .bind(&new.surname)
            .bind(new.phone.as_ref().map(Phone::as_str))
            .bind(new.extra_phone.as_ref().map(Phone::as_str))
            .bind(&new.email)
            .bind(new.gender.map(Gender::as_str))
            .bind(new.birth_date)
            .bind(new.desired_start)
            .bind(new.branch_id)
            .bind(new.category_id)
            .bind(new.gearbox.map(Gearbox::as_str))
            .bind(channel_id)
            .bind(new.contact_source_id)
            .bind(new.client_type.as_str())
            .bind(&new.company_name)
            .bind(&search_text)
            .bind(new.sort_name())
            .bind(at)
            .bind(lead_id)
            .bind(expected_version);
        let changed = update.execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(crate::db::stale_or_gone!(tx, "leads", lead_id).into());
        }
        if searched {
            crate::search::reindex_lead(&mut tx.conn(), lead_id, &search_text).await?;
        }
        if old.tags != new.tags {
            sqlx::query("DELETE FROM lead_tags WHERE lead_id = $1").bind(lead_id).execute(&mut *tx).await?;
            for tag in &new.tags {
                sqlx::query("INSERT INTO tags (name, position, active) VALUES ($1, 0, TRUE) ON CONFLICT (name) DO NOTHING").bind(tag).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO lead_tags (lead_id, tag_id) SELECT $1, id FROM tags WHERE name = $2").bind(lead_id).bind(tag).execute(&mut *tx).await?;
            }
        }
        for entry in entries {
            let event = TimelineEvent::FieldChanged { field: entry.field.to_string(), old: entry.old, new: entry.new };
            crate::timeline::write_entry!(tx, lead_id, actor.id, event, at)?;
        }
        tx.commit().await?;
    });
    let fresh = leads::get_lead(db, lead_id).await?.ok_or(AppError::NotFound)?;
    let event = LeadEvent::about(LeadEventKind::Updated, &fresh, None, actor.id);
    db.events.publish(&db.pool, event).await;
    Ok(fresh)
}
