//! Training groups and the contracts that enrol leads into them.

use crate::error::Invalid;
use crate::{AppError, Id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Recruiting,
    Started,
    Finished,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingGroup {
    pub id: Id,
    pub name: String,
    pub category_id: Id,
    pub branch_id: Option<Id>,
    pub start_date: NaiveDate,
    pub capacity: i32,
    pub status: GroupStatus,
    /// Contracts not cancelled.
    pub seats_taken: i32,
}

impl TrainingGroup {
    pub fn seats_left(&self) -> i32 {
        (self.capacity - self.seats_taken).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: Id,
    pub lead_id: Id,
    pub group_id: Id,
    pub number: String,
    pub signed_on: NaiveDate,
    /// In kopecks, so sums are exact.
    pub price_kopecks: i64,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

impl GroupStatus {
    pub const ALL: [GroupStatus; 3] = [GroupStatus::Recruiting, GroupStatus::Started, GroupStatus::Finished];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Recruiting => "recruiting",
            GroupStatus::Started => "started",
            GroupStatus::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<GroupStatus> {
        GroupStatus::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// Leads are enrolled into groups still recruiting or already started (late joiners), never
    /// into finished ones.
    pub fn takes_students(self) -> bool {
        self != GroupStatus::Finished
    }
}

/// The largest group a school runs; a typo like 2000 is refused.
pub const MAX_CAPACITY: i32 = 500;

/// A training group as its form gives it (new: `id` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDraft {
    pub id: Option<Id>,
    pub name: String,
    pub category_id: Option<Id>,
    pub branch_id: Option<Id>,
    pub start_date: Option<NaiveDate>,
    pub capacity: i32,
    pub status: GroupStatus,
}

/// A checked group draft: the category and start date are present, the name trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidGroup {
    pub name: String,
    pub category_id: Id,
    pub branch_id: Option<Id>,
    pub start_date: NaiveDate,
    pub capacity: i32,
    pub status: GroupStatus,
}

impl GroupDraft {
    pub fn validate(&self) -> Result<ValidGroup, AppError> {
        let name = crate::config::checked_name("name", &self.name)?;
        let category_id = self.category_id.ok_or_else(|| AppError::invalid("category_id", Invalid::Required))?;
        let start_date = self.start_date.ok_or_else(|| AppError::invalid("start_date", Invalid::Required))?;
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            return Err(AppError::invalid("capacity", Invalid::OutOfRange));
        }
        Ok(ValidGroup { name, category_id, branch_id: self.branch_id, start_date, capacity: self.capacity, status: self.status })
    }
}

/// A group with the names its row shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub group: TrainingGroup,
    pub category: String,
    pub branch: Option<String>,
}

/// Parses roubles as people type them: "45000", "45 000", "45 000,50", "45000.5", "45 000 ₽".
/// Answers kopecks. Negative amounts and more than two decimals are refused.
pub fn parse_price(text: &str) -> Result<i64, AppError> {
    let bad = || AppError::invalid("price", Invalid::Price);
    let cleaned: String = text
        .trim()
        .trim_end_matches('₽')
        .trim_end_matches("руб.")
        .trim_end_matches("руб")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Err(AppError::invalid("price", Invalid::Required));
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let rubles: i64 = whole.parse().map_err(|_| bad())?;
    let kopecks: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    // A hundred million roubles is no driving course.
    if rubles >= 100_000_000 {
        return Err(bad());
    }
    Ok(rubles * 100 + kopecks)
}

/// Kopecks as roubles for people: "45 000" or "45 000,50".
pub fn format_price(kopecks: i64) -> String {
    let rubles = kopecks / 100;
    let digits = rubles.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    match kopecks % 100 {
        0 => grouped,
        k => format!("{grouped},{k:02}"),
    }
}

/// The largest contract number.
pub const MAX_CONTRACT_NUMBER_LEN: usize = 40;

/// Enrolling a lead: the group, the contract's number (suggested from the sequence, editable),
/// date and price as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentDraft {
    pub lead_id: Id,
    pub group_id: Option<Id>,
    pub number: String,
    pub signed_on: Option<NaiveDate>,
    pub price: String,
    /// The lead's version the form was opened with.
    pub expected_version: i64,
}

/// A checked enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEnrolment {
    pub lead_id: Id,
    pub group_id: Id,
    pub number: String,
    pub signed_on: NaiveDate,
    pub price_kopecks: i64,
    pub expected_version: i64,
}

impl EnrolmentDraft {
    pub fn validate(&self) -> Result<ValidEnrolment, AppError> {
        let group_id = self.group_id.ok_or_else(|| AppError::invalid("group_id", Invalid::Required))?;
        let number = self.number.trim().to_string();
        if number.is_empty() {
            return Err(AppError::invalid("contract_number", Invalid::Required));
        }
        if number.chars().count() > MAX_CONTRACT_NUMBER_LEN {
            return Err(AppError::invalid("contract_number", Invalid::TooLong));
        }
        let signed_on = self.signed_on.ok_or_else(|| AppError::invalid("signed_on", Invalid::Required))?;
        let price_kopecks = parse_price(&self.price)?;
        Ok(ValidEnrolment { lead_id: self.lead_id, group_id, number, signed_on, price_kopecks, expected_version: self.expected_version })
    }
}

/// A lead's contract as its card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub contract: Contract,
    pub group_name: String,
    pub group_start: NaiveDate,
}

/// What the enrolment dialog offers for one lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentOptions {
    pub lead_name: String,
    pub lead_version: i64,
    /// Groups of the lead's category (and branch, when both have one) still taking students,
    /// full ones included so the dialog can show them as full.
    pub groups: Vec<GroupRow>,
    pub next_number: String,
    pub today: NaiveDate,
    /// Set when the lead cannot be enrolled at all: no category, or already enrolled.
    pub blocked: Option<Invalid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_as_people_type_them() {
        for (text, kopecks) in [
            ("45000", 4_500_000),
            ("45 000", 4_500_000),
            ("45\u{a0}000,50", 4_500_050),
            ("45000.5", 4_500_050),
            ("45 000 ₽", 4_500_000),
            ("0", 0),
        ] {
            assert_eq!(parse_price(text), Ok(kopecks), "{text}");
        }
        for bad in ["-5", "abc", "1,234", "12.345", "1e5", ",5", "100000000"] {
            assert_eq!(parse_price(bad), Err(AppError::invalid("price", Invalid::Price)), "{bad}");
        }
        assert_eq!(parse_price(" "), Err(AppError::invalid("price", Invalid::Required)));
        assert_eq!(format_price(4_500_050), "45\u{a0}000,50");
        assert_eq!(format_price(100), "1");
        assert_eq!(format_price(123_456_700), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn drafts_name_the_field_at_fault() {
        let group = GroupDraft {
            id: None,
            name: "  B-12  ".into(),
            category_id: Some(1),
            branch_id: None,
            start_date: NaiveDate::from_ymd_opt(2027, 2, 1),
            capacity: 25,
            status: GroupStatus::Recruiting,
        };
        assert_eq!(group.validate().unwrap().name, "B-12");
        assert_eq!(GroupDraft { capacity: 0, ..group.clone() }.validate(), Err(AppError::invalid("capacity", Invalid::OutOfRange)));
        assert_eq!(GroupDraft { start_date: None, ..group.clone() }.validate(), Err(AppError::invalid("start_date", Invalid::Required)));
        let enrol = EnrolmentDraft {
            lead_id: 1,
            group_id: Some(2),
            number: " 2027-0001 ".into(),
            signed_on: NaiveDate::from_ymd_opt(2027, 1, 10),
            price: "45 000".into(),
            expected_version: 3,
        };
        let valid = enrol.validate().unwrap();
        assert_eq!((valid.number.as_str(), valid.price_kopecks), ("2027-0001", 4_500_000));
        assert_eq!(
            EnrolmentDraft { number: " ".into(), ..enrol.clone() }.validate(),
            Err(AppError::invalid("contract_number", Invalid::Required))
        );
        assert_eq!(EnrolmentDraft { group_id: None, ..enrol }.validate(), Err(AppError::invalid("group_id", Invalid::Required)));
    }
}
