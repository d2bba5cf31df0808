//! Leads: one person's interest in one licence category.

use crate::error::{AppError, Invalid};
use crate::phone::Phone;
use crate::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gearbox {
    Manual,
    Automatic,
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientType {
    #[default]
    Person,
    Company,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
    };
}
str_enum!(Gender { Male => "male", Female => "female" });
str_enum!(Gearbox { Manual => "manual", Automatic => "automatic", Either => "either" });
str_enum!(ClientType { Person => "person", Company => "company" });

/// A lead as stored, with every field of the SPEC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: Id,
    pub person_id: Option<Id>,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub surname: Option<String>,
    pub phone: Option<Phone>,
    pub extra_phone: Option<Phone>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub desired_start: Option<NaiveDate>,
    pub stage_id: Id,
    pub stage_reason_id: Option<Id>,
    pub stage_changed_at: DateTime<Utc>,
    pub branch_id: Option<Id>,
    pub category_id: Option<Id>,
    pub gearbox: Option<Gearbox>,
    pub channel_id: Id,
    pub contact_source_id: Option<Id>,
    pub client_type: ClientType,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub postponed_until: Option<DateTime<Utc>>,
    pub responsible_id: Option<Id>,
    pub registrar_id: Option<Id>,
    pub archived: bool,
    pub duplicate_of: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change; an edit names the version it started from.
    pub version: i64,
}

impl Lead {
    /// "Петров Евгений Иванович", or the first name alone.
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, self.patronymic.as_deref(), self.surname.as_deref())
    }
}

pub fn full_name(first: &str, patronymic: Option<&str>, surname: Option<&str>) -> String {
    [surname, Some(first), patronymic].into_iter().flatten().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// What a form, an import row or an API call gives to create a lead. Text as typed; `validate`
/// turns it into a [`ValidLead`] or says which field is wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDraft {
    pub first_name: String,
    pub patronymic: String,
    pub surname: String,
    pub phone: String,
    pub extra_phone: String,
    pub email: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub desired_start: Option<NaiveDate>,
    pub stage_id: Option<Id>,
    pub stage_reason_id: Option<Id>,
    pub branch_id: Option<Id>,
    pub category_id: Option<Id>,
    pub gearbox: Option<Gearbox>,
    pub channel_id: Option<Id>,
    pub contact_source_id: Option<Id>,
    pub client_type: ClientType,
    pub company_name: String,
    pub tags: Vec<String>,
    pub responsible_id: Option<Id>,
    pub note: String,
}

/// A draft that passed validation: trimmed, phones normalised, empty text as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLead {
    pub first_name: String,
    pub patronymic: Option<String>,
    pub surname: Option<String>,
    pub phone: Option<Phone>,
    pub extra_phone: Option<Phone>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub desired_start: Option<NaiveDate>,
    pub stage_id: Id,
    pub stage_reason_id: Option<Id>,
    pub branch_id: Option<Id>,
    pub category_id: Option<Id>,
    pub gearbox: Option<Gearbox>,
    /// `None` means "the first channel", resolved by the backend.
    pub channel_id: Option<Id>,
    pub contact_source_id: Option<Id>,
    pub client_type: ClientType,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub responsible_id: Option<Id>,
    pub note: Option<String>,
}

impl ValidLead {
    /// What search indexes for this lead (see [`crate::search`]).
    pub fn search_text(&self) -> String {
        let names = [Some(self.first_name.as_str()), self.patronymic.as_deref(), self.surname.as_deref(), self.company_name.as_deref()];
        let phones = [self.phone.as_ref().map(Phone::as_str), self.extra_phone.as_ref().map(Phone::as_str)];
        crate::search::search_text(&names, self.email.as_deref(), &phones)
    }

    pub fn sort_name(&self) -> String {
        crate::search::sort_name(&self.first_name, self.patronymic.as_deref(), self.surname.as_deref())
    }
}

/// One field an edit changed, with the old and new values as the timeline shows them. Fields that
/// name a dictionary entry carry its id here; the backend writes the entry's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields an edit may change (the stage moves, the responsible transfers: both have their own
/// paths), compared one by one.
pub fn changes(old: &Lead, new: &ValidLead) -> Vec<FieldChange> {
    fn s<T: ToString>(v: Option<T>) -> Option<String> {
        v.map(|v| v.to_string())
    }
    let phone = |p: &Option<Phone>| p.as_ref().map(|p| p.as_str().to_string());
    let tags = |t: &[String]| (!t.is_empty()).then(|| t.join(", "));
    let candidates = [
        ("first_name", Some(old.first_name.clone()), Some(new.first_name.clone())),
        ("patronymic", old.patronymic.clone(), new.patronymic.clone()),
        ("surname", old.surname.clone(), new.surname.clone()),
        ("phone", phone(&old.phone), phone(&new.phone)),
        ("extra_phone", phone(&old.extra_phone), phone(&new.extra_phone)),
        ("email", old.email.clone(), new.email.clone()),
        ("gender", s(old.gender.map(Gender::as_str)), s(new.gender.map(Gender::as_str))),
        ("birth_date", s(old.birth_date), s(new.birth_date)),
        ("desired_start", s(old.desired_start), s(new.desired_start)),
        ("branch_id", s(old.branch_id), s(new.branch_id)),
        ("category_id", s(old.category_id), s(new.category_id)),
        ("gearbox", s(old.gearbox.map(Gearbox::as_str)), s(new.gearbox.map(Gearbox::as_str))),
        ("channel_id", Some(old.channel_id.to_string()), new.channel_id.map(|c| c.to_string()).or(Some(old.channel_id.to_string()))),
        ("contact_source_id", s(old.contact_source_id), s(new.contact_source_id)),
        ("client_type", Some(old.client_type.as_str().to_string()), Some(new.client_type.as_str().to_string())),
        ("company_name", old.company_name.clone(), new.company_name.clone()),
        ("tags", tags(&old.tags), tags(&new.tags)),
    ];
    candidates.into_iter().filter(|(_, o, n)| o != n).map(|(field, old, new)| FieldChange { field, old, new }).collect()
}

pub const MAX_NAME_LEN: usize = 100;
pub const MAX_NOTE_LEN: usize = 10_000;

fn text(field: &str, value: &str, max: usize) -> Result<Option<String>, AppError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::invalid(field, Invalid::TooLong));
    }
    Ok((!v.is_empty()).then(|| v.to_string()))
}

fn phone(field: &str, value: &str) -> Result<Option<Phone>, AppError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    Phone::parse(value).map(Some).map_err(|_| AppError::invalid(field, Invalid::Phone))
}

/// A plain shape check: one `@`, a dotted domain, no spaces. Deliverability is not our concern.
pub fn validate_email(email: &str) -> Result<(), AppError> {
    let bad = || AppError::invalid("email", Invalid::Email);
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '-'));
    if local.is_empty() || !domain_ok {
        return Err(bad());
    }
    Ok(())
}

/// A #tag: trimmed, without the leading `#`, lower-case, at most 50 characters.
pub fn normalise_tag(tag: &str) -> Option<String> {
    let t = tag.trim().trim_start_matches('#').trim().to_lowercase();
    (!t.is_empty() && t.chars().count() <= 50).then_some(t)
}

impl LeadDraft {
    /// The edit form's starting point: the lead as it is.
    pub fn from_lead(lead: &Lead) -> LeadDraft {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let phone = |p: &Option<Phone>| p.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
        LeadDraft {
            first_name: lead.first_name.clone(),
            patronymic: text(&lead.patronymic),
            surname: text(&lead.surname),
            phone: phone(&lead.phone),
            extra_phone: phone(&lead.extra_phone),
            email: text(&lead.email),
            gender: lead.gender,
            birth_date: lead.birth_date,
            desired_start: lead.desired_start,
            stage_id: Some(lead.stage_id),
            stage_reason_id: lead.stage_reason_id,
            branch_id: lead.branch_id,
            category_id: lead.category_id,
            gearbox: lead.gearbox,
            channel_id: Some(lead.channel_id),
            contact_source_id: lead.contact_source_id,
            client_type: lead.client_type,
            company_name: text(&lead.company_name),
            tags: lead.tags.clone(),
            responsible_id: lead.responsible_id,
            note: String::new(),
        }
    }

    /// `today` bounds the birth date (not in the future, not before 1900).
    pub fn validate(&self, today: NaiveDate) -> Result<ValidLead, AppError> {
        let first_name =
            text("first_name", &self.first_name, MAX_NAME_LEN)?.ok_or_else(|| AppError::invalid("first_name", Invalid::Required))?;
        let stage_id = self.stage_id.ok_or_else(|| AppError::invalid("stage_id", Invalid::Required))?;
        let email = text("email", &self.email, 254)?;
        if let Some(e) = &email {
            validate_email(e)?;
        }
        if let Some(b) = self.birth_date {
            if b > today {
                return Err(AppError::invalid("birth_date", Invalid::DateInFuture));
            }
            if b < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") {
                return Err(AppError::invalid("birth_date", Invalid::DateTooOld));
            }
        }
        if let Some(d) = self.desired_start {
            if d < NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") {
                return Err(AppError::invalid("desired_start", Invalid::DateTooOld));
            }
        }
        let company_name = text("company_name", &self.company_name, 200)?;
        if self.client_type == ClientType::Company && company_name.is_none() {
            return Err(AppError::invalid("company_name", Invalid::CompanyNameRequired));
        }
        let mut tags: Vec<String> = self.tags.iter().filter_map(|t| normalise_tag(t)).collect();
        tags.sort();
        tags.dedup();
        Ok(ValidLead {
            first_name,
            patronymic: text("patronymic", &self.patronymic, MAX_NAME_LEN)?,
            surname: text("surname", &self.surname, MAX_NAME_LEN)?,
            phone: phone("phone", &self.phone)?,
            extra_phone: phone("extra_phone", &self.extra_phone)?,
            email: email.map(|e| e.to_lowercase()),
            gender: self.gender,
            birth_date: self.birth_date,
            desired_start: self.desired_start,
            stage_id,
            stage_reason_id: self.stage_reason_id,
            branch_id: self.branch_id,
            category_id: self.category_id,
            gearbox: self.gearbox,
            channel_id: self.channel_id,
            contact_source_id: self.contact_source_id,
            client_type: self.client_type,
            company_name: if self.client_type == ClientType::Company { company_name } else { None },
            tags,
            responsible_id: self.responsible_id,
            note: text("note", &self.note, MAX_NOTE_LEN)?,
        })
    }
}

/// A move of a lead to another stage, from the board, the keyboard, the menu or the call list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveLead {
    pub lead_id: Id,
    pub to_stage: Id,
    pub reason: Option<Id>,
    pub expected_version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn draft() -> LeadDraft {
        LeadDraft { first_name: " Евгений ".into(), stage_id: Some(1), phone: "8 (987) 651-22-33".into(), ..LeadDraft::default() }
    }

    #[test]
    fn a_minimal_draft_is_valid_and_normalised() {
        let v = draft().validate(today()).unwrap();
        assert_eq!(v.first_name, "Евгений");
        assert_eq!(v.phone.unwrap().as_str(), "+79876512233");
        assert_eq!(v.surname, None);
        assert_eq!(v.email, None);
    }

    #[test]
    fn the_two_required_fields_of_seed_000() {
        let d = LeadDraft { first_name: "  ".into(), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("first_name", Invalid::Required)));
        let d = LeadDraft { stage_id: None, ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("stage_id", Invalid::Required)));
    }

    #[test]
    fn bad_fields_are_named() {
        let d = LeadDraft { phone: "12345".into(), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("phone", Invalid::Phone)));
        let d = LeadDraft { extra_phone: "abc".into(), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("extra_phone", Invalid::Phone)));
        let d = LeadDraft { email: "ivan@".into(), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("email", Invalid::Email)));
        let d = LeadDraft { birth_date: NaiveDate::from_ymd_opt(2030, 1, 1), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("birth_date", Invalid::DateInFuture)));
        let d = LeadDraft { birth_date: NaiveDate::from_ymd_opt(1850, 1, 1), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("birth_date", Invalid::DateTooOld)));
        let d = LeadDraft { client_type: ClientType::Company, ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("company_name", Invalid::CompanyNameRequired)));
        let d = LeadDraft { first_name: "я".repeat(101), ..draft() };
        assert_eq!(d.validate(today()), Err(AppError::invalid("first_name", Invalid::TooLong)));
    }

    #[test]
    fn emails_and_tags() {
        for ok in ["ivan@mail.ru", "a.b-c@school.example.org", "имя@почта.рф"] {
            assert!(validate_email(ok).is_ok(), "{ok}");
        }
        for bad in ["", "ivan", "@mail.ru", "ivan@mail", "ivan@@mail.ru", "iv an@mail.ru", "ivan@mail..ru"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        let d = LeadDraft { tags: vec!["#Лето".into(), "лето".into(), " ".into(), "#VIP".into()], ..draft() };
        assert_eq!(d.validate(today()).unwrap().tags, vec!["vip".to_string(), "лето".to_string()]);
    }

    #[test]
    fn full_name_order_is_surname_first() {
        assert_eq!(full_name("Евгений", Some("Иванович"), Some("Петров")), "Петров Евгений Иванович");
        assert_eq!(full_name("Евгений", None, Some("")), "Евгений");
    }
}
