//! Writing an import's leads a batch at a time: their rows in multi-row inserts (a statement per
//! lead cost a round trip each, most of an import's time on PostgreSQL), then their tags, the
//! automation rules, their timeline entries and their search index.

use crate::automation::{self, ActiveRules, LeadFacts};
use crate::db::Conn;
use crate::error::Result;
use crate::leads::{first_entries, insert_leads, insert_tags, persons_by_phone, NewLead};
use chrono::{DateTime, Utc};
use domain::import::ParsedRow;
use domain::lead::ValidLead;
use domain::user::User;
use domain::Id;
use std::collections::HashMap;

/// Leads per batch. SQLite's FTS5 tables write their pending entries out at every statement and
/// whenever a key is lower than the last (the word index is keyed by creation, migration 0014,
/// and an import's old dates come in any order), so each batch is indexed in one go, in key
/// order; a larger batch would hold more of the file in memory for little gain.
pub(super) const BATCH_LEADS: usize = 1000;

/// A checked row waiting for its batch.
pub(super) struct Staged<'r> {
    pub lead: ValidLead,
    pub row: &'r ParsedRow,
    pub created_at: DateTime<Utc>,
    pub channel_id: Id,
    pub responsible_id: Id,
}

/// The import the batches belong to, and what each of them needs from it.
pub(super) struct ImportRun<'a> {
    pub import_id: Id,
    pub rules: &'a ActiveRules,
    pub actor: &'a User,
    pub at: DateTime<Utc>,
    /// Each phone's oldest creation time in the file: a person the import creates is dated then.
    pub first_seen: HashMap<String, DateTime<Utc>>,
}

/// Writes the staged leads and everything that goes with them, in the import's transaction:
/// first their persons, so each lead's row has its person (an update of every row afterwards
/// took 12 of a 100,000-row import's 31 seconds on PostgreSQL).
pub(super) async fn write_batch(conn: &mut Conn<'_>, run: &ImportRun<'_>, staged: &[Staged<'_>]) -> Result<()> {
    let mut phones: HashMap<&str, DateTime<Utc>> = HashMap::new();
    for s in staged {
        if let Some(phone) = &s.lead.phone {
            let first = run.first_seen.get(phone.as_str()).copied().unwrap_or(s.created_at);
            phones.insert(phone.as_str(), first);
        }
    }
    // In phone order: two imports sharing phones then take the persons' locks in the same order.
    let mut phones: Vec<(&str, DateTime<Utc>)> = phones.into_iter().collect();
    phones.sort_unstable_by_key(|(phone, _)| *phone);
    let persons = persons_by_phone(conn, &phones).await?;
    let new: Vec<NewLead> = staged
        .iter()
        .map(|s| NewLead {
            lead: &s.lead,
            person_id: s.lead.phone.as_ref().and_then(|p| persons.get(p.as_str()).copied()),
            channel_id: s.channel_id,
            responsible_id: s.responsible_id,
            registrar_id: run.actor.id,
            created_at: s.created_at,
            written_at: run.at,
            search_text: s.lead.search_text(),
            import: Some((run.import_id, s.row.key.as_str())),
        })
        .collect();
    let ids = insert_leads(conn, &new).await?;
    let mut timeline = Vec::with_capacity(new.len() * 2);
    for ((staged, new), &lead_id) in staged.iter().zip(&new).zip(&ids) {
        insert_tags(conn, lead_id, &staged.lead.tags).await?;
        timeline.extend(first_entries(lead_id, new, &staged.row.notes));
        let facts = LeadFacts { lead_id, stage_id: staged.lead.stage_id, responsible_id: Some(staged.responsible_id) };
        automation::after_lead_created(conn, run.rules, &facts, run.actor, run.at).await?;
    }
    crate::timeline::write_batch(conn, &timeline).await?;
    let indexed: Vec<(Id, String)> = ids.into_iter().zip(new).map(|(id, new)| (id, new.search_text)).collect();
    crate::search::index_new_leads(conn, &indexed).await
}
