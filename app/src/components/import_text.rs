//! The import preview's problems in words, shared by the import page and `voronka import`.

use crate::components::errors::reason_text_in;
use crate::i18n::*;
use domain::error::Invalid;
use domain::import::{FileProblem, Problem, COLUMNS};

/// Why an import row's cell was refused or warned about.
pub fn problem_text(locale: Locale, problem: &Problem) -> String {
    match problem {
        Problem::Required => reason_text_in(locale, Invalid::Required),
        Problem::TooLong => reason_text_in(locale, Invalid::TooLong),
        Problem::Phone => reason_text_in(locale, Invalid::Phone),
        Problem::Email => reason_text_in(locale, Invalid::Email),
        Problem::Date => td_string!(locale, import.bad_date).to_string(),
        Problem::DateInFuture => reason_text_in(locale, Invalid::DateInFuture),
        Problem::DateTooOld => reason_text_in(locale, Invalid::DateTooOld),
        Problem::Unknown { allowed } => format!("{}: {}", td_string!(locale, import.unknown), allowed.join(", ")),
        Problem::ChannelFallback { used } => format!("{} «{used}»", td_string!(locale, import.channel_fallback)),
        Problem::Gender => td_string!(locale, import.bad_gender).to_string(),
        Problem::Gearbox => td_string!(locale, import.bad_gearbox).to_string(),
    }
}

/// Why a whole file was refused.
pub fn file_problem_text(locale: Locale, problem: &FileProblem) -> String {
    match problem {
        FileProblem::Empty => td_string!(locale, import.file_empty).to_string(),
        FileProblem::NotSpreadsheet => td_string!(locale, import.file_not_spreadsheet).to_string(),
        FileProblem::TooLarge { max_bytes } => format!("{} {} MB", td_string!(locale, import.file_too_large), max_bytes / 1024 / 1024),
        FileProblem::TooManyRows { max_rows } => format!("{} {max_rows}", td_string!(locale, import.file_too_many_rows)),
        FileProblem::Headers(m) => format!(
            "{} {}: «{}» — {} «{}»",
            td_string!(locale, import.file_headers),
            m.column + 1,
            m.found,
            td_string!(locale, import.expected),
            COLUMNS.get(m.column).map_or("", |c| c.0)
        ),
    }
}
