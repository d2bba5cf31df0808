//! Rows as both databases return them, mapped to domain types. `FromRow` derives are generic over
//! the database, so one struct serves SQLite and PostgreSQL.

use chrono::{DateTime, Utc};
use domain::dictionary::DictionaryEntry;
use domain::settings::{LeadVisibility, SchoolSettings};
use domain::stage::{Reason, Stage, StageKind};
use domain::user::{Lang, Role, User};
use domain::Id;

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: Id,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub lang: String,
}

pub const USER_COLUMNS: &str = "id, login, display_name, role, active, lang";
/// The columns of `SettingsRow`.
pub const SETTINGS_COLUMNS: &str = "name, timezone, lead_visibility, first_contact_minutes, calls_create_leads";

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            // The CHECK constraints keep these valid; fall back to the least privilege.
            role: Role::parse(&r.role).unwrap_or(Role::Sales),
            active: r.active,
            lang: Lang::parse(&r.lang).unwrap_or_default(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct StageRow {
    pub id: Id,
    pub name: String,
    pub color: String,
    pub position: i32,
    pub kind: String,
    pub shown_on_board: bool,
    pub enrolment: bool,
}

impl StageRow {
    pub fn into_stage(self, reasons: Vec<Reason>) -> Stage {
        Stage {
            id: self.id,
            name: self.name,
            color: self.color,
            position: self.position,
            kind: StageKind::parse(&self.kind).unwrap_or(StageKind::Open),
            shown_on_board: self.shown_on_board,
            enrolment: self.enrolment,
            reasons,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct ReasonRow {
    pub id: Id,
    pub stage_id: Id,
    pub name: String,
    pub position: i32,
    pub retired: bool,
}

impl From<ReasonRow> for Reason {
    fn from(r: ReasonRow) -> Self {
        Reason { id: r.id, stage_id: r.stage_id, name: r.name, position: r.position, retired: r.retired }
    }
}

#[derive(sqlx::FromRow)]
pub struct EntryRow {
    pub id: Id,
    pub name: String,
    pub position: i32,
    pub active: bool,
}

impl From<EntryRow> for DictionaryEntry {
    fn from(r: EntryRow) -> Self {
        DictionaryEntry { id: r.id, name: r.name, position: r.position, active: r.active }
    }
}

#[derive(sqlx::FromRow)]
pub struct SettingsRow {
    pub name: String,
    pub timezone: String,
    pub lead_visibility: String,
    pub first_contact_minutes: i32,
    pub calls_create_leads: bool,
}

impl From<SettingsRow> for SchoolSettings {
    fn from(r: SettingsRow) -> Self {
        SchoolSettings {
            name: r.name,
            timezone: r.timezone,
            lead_visibility: LeadVisibility::parse(&r.lead_visibility).unwrap_or_default(),
            first_contact_minutes: r.first_contact_minutes,
            calls_create_leads: r.calls_create_leads,
        }
    }
}

/// The time every write stamps, truncated to microseconds so both databases store it exactly.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
