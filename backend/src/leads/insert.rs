//! Writing new leads' rows: one lead (a creation) or a file's worth (an import) with the same
//! statement, and what follows a lead's row: its tags and its first timeline entries.

use crate::db::{with_conn, Conn};
use crate::error::Result;
use crate::timeline::Entry;
use chrono::{DateTime, Utc};
use domain::lead::{Gearbox, Gender, ValidLead};
use domain::phone::Phone;
use domain::timeline::TimelineEvent;
use domain::Id;
use std::collections::HashMap;

/// A validated lead's row, with what the caller resolved for it.
pub(crate) struct NewLead<'a> {
    pub lead: &'a ValidLead,
    pub person_id: Option<Id>,
    pub channel_id: Id,
    pub responsible_id: Id,
    /// Who wrote it.
    pub registrar_id: Id,
    /// When it was created: now, or the date an import file gives.
    pub created_at: DateTime<Utc>,
    /// When it was written: now.
    pub written_at: DateTime<Utc>,
    pub search_text: String,
    /// The import that brings it, with the row's key, so the same row is never imported twice.
    pub import: Option<(Id, &'a str)>,
}

/// Rows per INSERT: 28 binds each, 14,000 a statement, under SQLite's 32,766 and PostgreSQL's
/// 65,535.
const ROWS_PER_INSERT: usize = 500;

/// Inserts the leads' rows; answers their ids in the order given.
pub(crate) async fn insert_leads(conn: &mut Conn<'_>, leads: &[NewLead<'_>]) -> Result<Vec<Id>> {
    let mut ids = Vec::with_capacity(leads.len());
    for chunk in leads.chunks(ROWS_PER_INSERT) {
        let mut inserted: Vec<Id> = with_conn!(&mut *conn, c => {
            // The query builder's placeholders: unnumbered on SQLite (see timeline::write_batch).
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO leads (person_id, first_name, patronymic, surname, phone, extra_phone, email, gender, birth_date, \
                 desired_start, stage_id, stage_reason_id, stage_changed_at, branch_id, category_id, gearbox, channel_id, \
                 contact_source_id, client_type, company_name, responsible_id, registrar_id, archived, created_at, updated_at, \
                 version, search_text, sort_name, import_id, import_key) ",
            );
            q.push_values(chunk, |mut b, new| {
                let lead = new.lead;
                b.push_bind(new.person_id)
                    .push_bind(&lead.first_name)
                    .push_bind(&lead.patronymic)
                    .push_bind(&lead.surname)
                    .push_bind(lead.phone.as_ref().map(Phone::as_str))
                    .push_bind(lead.extra_phone.as_ref().map(Phone::as_str))
                    .push_bind(&lead.email)
                    .push_bind(lead.gender.map(Gender::as_str))
                    .push_bind(lead.birth_date)
                    .push_bind(lead.desired_start)
                    .push_bind(lead.stage_id)
                    .push_bind(lead.stage_reason_id)
                    .push_bind(new.created_at)
                    .push_bind(lead.branch_id)
                    .push_bind(lead.category_id)
                    .push_bind(lead.gearbox.map(Gearbox::as_str))
                    .push_bind(new.channel_id)
                    .push_bind(lead.contact_source_id)
                    .push_bind(lead.client_type.as_str())
                    .push_bind(&lead.company_name)
                    .push_bind(new.responsible_id)
                    .push_bind(new.registrar_id)
                    .push("FALSE")
                    .push_bind(new.created_at)
                    .push_bind(new.written_at)
                    .push("1")
                    .push_bind(&new.search_text)
                    .push_bind(lead.sort_name())
                    .push_bind(new.import.map(|(import_id, _)| import_id))
                    .push_bind(new.import.map(|(_, key)| key));
            });
            q.push(" RETURNING id");
            q.build_query_scalar::<Id>().fetch_all(&mut *c).await
        })?;
        if inserted.len() != chunk.len() {
            // Never seen: an INSERT without a conflict clause writes every row or fails.
            let answered = format!("{} leads inserted, {} ids answered", chunk.len(), inserted.len());
            return Err(sqlx::Error::Protocol(answered).into());
        }
        // Neither database promises RETURNING's order, but both number a statement's rows in the
        // order of its VALUES (SQLite's next row id, PostgreSQL's sequence called row by row).
        inserted.sort_unstable();
        ids.extend(inserted);
    }
    Ok(ids)
}

/// The persons with these phones, found or created (a new one dated at the time given with its
/// phone): phone → person id. Two statements for any number of phones up to a batch's.
pub(crate) async fn persons_by_phone(conn: &mut Conn<'_>, phones: &[(&str, DateTime<Utc>)]) -> Result<HashMap<String, Id>> {
    let mut found = HashMap::with_capacity(phones.len());
    for chunk in phones.chunks(ROWS_PER_INSERT * 2) {
        let rows: Vec<(Id, String)> = with_conn!(&mut *conn, c => {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO persons (phone, created_at) ");
            q.push_values(chunk, |mut b, (phone, created_at)| {
                b.push_bind(*phone).push_bind(*created_at);
            });
            q.push(" ON CONFLICT (phone) DO NOTHING");
            q.build().execute(&mut *c).await?;
            let mut q = sqlx::QueryBuilder::new("SELECT id, phone FROM persons WHERE phone IN (");
            let mut list = q.separated(", ");
            for (phone, _) in chunk {
                list.push_bind(*phone);
            }
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await
        })?;
        found.extend(rows.into_iter().map(|(id, phone)| (phone, id)));
    }
    Ok(found)
}

/// Stores a new lead's tags, creating the tags the school does not have yet.
pub(crate) async fn insert_tags(conn: &mut Conn<'_>, lead_id: Id, tags: &[String]) -> Result<()> {
    with_conn!(conn, c => {
        for tag in tags {
            sqlx::query("INSERT INTO tags (name, position, active) VALUES ($1, 0, TRUE) ON CONFLICT (name) DO NOTHING").bind(tag).execute(&mut *c).await?;
            sqlx::query("INSERT INTO lead_tags (lead_id, tag_id) SELECT $1, id FROM tags WHERE name = $2").bind(lead_id).bind(tag).execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// A new lead's first timeline entries: "created" when it was (an import's date from the file),
/// "imported" now, and its notes, dated at its creation.
pub(crate) fn first_entries(lead_id: Id, new: &NewLead<'_>, more_notes: &[String]) -> Vec<Entry> {
    let entry = |event, at| Entry { lead_id, author_id: Some(new.registrar_id), event, at };
    let mut entries = vec![entry(TimelineEvent::Created, new.created_at)];
    if let Some((import_id, _)) = new.import {
        entries.push(entry(TimelineEvent::Imported { import_id }, new.written_at));
    }
    for text in new.lead.note.iter().chain(more_notes) {
        entries.push(entry(TimelineEvent::Note { text: text.clone() }, new.created_at));
    }
    entries
}
