//! Importing leads from a spreadsheet laid out as the template (seed 001): the fixed columns, the
//! header check, and one row turned into a lead draft with every problem named by its column.
//! Pure: the backend reads the file and supplies the school's dictionaries.

use crate::lead::{Gearbox, Gender, LeadDraft};
use crate::phone::Phone;
use crate::search::fold;
use crate::Id;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The template's columns, in their fixed order: (Russian header, English header).
pub const COLUMNS: [(&str, &str); 20] = [
    ("Фамилия", "Surname"),
    ("Имя/обращение", "First name"),
    ("Отчество", "Patronymic"),
    ("Телефон", "Phone"),
    ("Доп. телефон", "Extra phone"),
    ("E-mail", "E-mail"),
    ("Пол", "Gender"),
    ("Дата рождения", "Birth date"),
    ("Желаемая дата начала", "Desired start"),
    ("Категория", "Category"),
    ("Учебный класс", "Branch"),
    ("АКПП", "Gearbox"),
    ("Канал привлечения", "Channel"),
    ("Источник обращения", "Contact source"),
    ("Статус обработки", "Stage"),
    ("Ответственный", "Responsible"),
    ("Теги", "Tags"),
    ("Дата создания", "Created"),
    ("Примечание", "Note"),
    ("Примечание 2", "Note 2"),
];

mod col {
    pub const SURNAME: usize = 0;
    pub const FIRST_NAME: usize = 1;
    pub const PATRONYMIC: usize = 2;
    pub const PHONE: usize = 3;
    pub const EXTRA_PHONE: usize = 4;
    pub const EMAIL: usize = 5;
    pub const GENDER: usize = 6;
    pub const BIRTH_DATE: usize = 7;
    pub const DESIRED_START: usize = 8;
    pub const CATEGORY: usize = 9;
    pub const BRANCH: usize = 10;
    pub const GEARBOX: usize = 11;
    pub const CHANNEL: usize = 12;
    pub const SOURCE: usize = 13;
    pub const STAGE: usize = 14;
    pub const RESPONSIBLE: usize = 15;
    pub const TAGS: usize = 16;
    pub const CREATED: usize = 17;
    pub const NOTE: usize = 18;
    pub const NOTE_2: usize = 19;
}

/// A cell as the file gives it: text, a number (Excel dates are day numbers), or a date-time
/// (XLSX date cells).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            // Whole numbers without ".0": a phone typed as a number stays its digits.
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::DateTime(d) => d.format("%d.%m.%Y %H:%M:%S").to_string(),
        }
    }
}

/// Why the header row is not the template's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderMismatch {
    /// 0-based column; `COLUMNS.len()` or more when the file has too few or too many columns.
    pub column: usize,
    pub expected: String,
    pub found: String,
}

/// Checks the header row against the template, in Russian or in English, ignoring case, `ё`/`е`
/// and surrounding spaces. Empty trailing columns are allowed.
pub fn check_headers(row: &[Cell]) -> Result<(), HeaderMismatch> {
    let found: Vec<String> = row.iter().map(Cell::text).collect();
    let last = found.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
    for (i, (ru, en)) in COLUMNS.iter().enumerate() {
        let cell = found.get(i).cloned().unwrap_or_default();
        if fold(&cell) != fold(ru) && fold(&cell) != fold(en) {
            return Err(HeaderMismatch { column: i, expected: ru.to_string(), found: cell });
        }
    }
    if last > COLUMNS.len() {
        return Err(HeaderMismatch { column: COLUMNS.len(), expected: String::new(), found: found[COLUMNS.len()].clone() });
    }
    Ok(())
}

/// The school's names an import row may use, each with its id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportContext {
    /// In board order; an empty stage cell means the first.
    pub stages: Vec<(Id, String)>,
    pub branches: Vec<(Id, String)>,
    pub categories: Vec<(Id, String)>,
    /// Active channels in order; an unknown one falls back to the first (seed 001).
    pub channels: Vec<(Id, String)>,
    pub sources: Vec<(Id, String)>,
    /// Active users: (id, login, display name).
    pub users: Vec<(Id, String, String)>,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong,
    Phone,
    Email,
    Date,
    DateInFuture,
    DateTooOld,
    /// Not one of the school's values; `allowed` lists them.
    Unknown {
        allowed: Vec<String>,
    },
    /// An unknown channel: the first channel was used instead (seed 001).
    ChannelFallback {
        used: String,
    },
    Gender,
    Gearbox,
}

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// 0-based column of the template.
    pub column: usize,
    pub severity: Severity,
    pub problem: Problem,
}

/// One data row, read: the lead it makes (when it has no errors), its creation time and notes,
/// every problem, and the key that recognises the same row in a later import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedRow {
    /// 1-based line in the file, the header being line 1.
    pub line: usize,
    pub draft: Option<LeadDraft>,
    pub created_at: Option<NaiveDateTime>,
    pub notes: Vec<String>,
    pub issues: Vec<Issue>,
    pub key: String,
}

impl ParsedRow {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

/// Dates as files carry them: `01.01.2000 12:34:00`, `01.01.2000 12:34`, `01.01.2000`, ISO
/// `2000-01-01[ 12:34[:00]]`, an XLSX date cell, or an Excel day number.
pub fn parse_date_time(cell: &Cell) -> Option<NaiveDateTime> {
    match cell {
        Cell::Empty => None,
        Cell::DateTime(d) => Some(*d),
        Cell::Number(n) => excel_serial(*n),
        Cell::Text(t) => {
            let t = t.trim();
            const WITH_TIME: [&str; 6] =
                ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"];
            const DATE_ONLY: [&str; 3] = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"];
            WITH_TIME
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
                .or_else(|| DATE_ONLY.iter().find_map(|f| NaiveDate::parse_from_str(t, f).ok()).and_then(|d| d.and_hms_opt(0, 0, 0)))
                .or_else(|| t.parse::<f64>().ok().and_then(excel_serial))
        }
    }
}

/// Excel's day number (1900 system, day 1 = 1 January 1900, with its phantom 29 February 1900),
/// between 1 (1900) and 2958465 (9999).
fn excel_serial(n: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&n) || !n.is_finite() {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let seconds = (n * 86_400.0).round() as i64;
    epoch.checked_add_signed(Duration::seconds(seconds))
}

fn lookup(list: &[(Id, String)], value: &str) -> Option<Id> {
    let wanted = fold(value);
    list.iter().find(|(_, name)| fold(name) == wanted).map(|(id, _)| *id)
}

fn names(list: &[(Id, String)]) -> Vec<String> {
    list.iter().map(|(_, n)| n.clone()).collect()
}

/// Reads one data row as the template lays it out.
pub fn parse_row(line: usize, cells: &[Cell], ctx: &ImportContext) -> ParsedRow {
    let get = |i: usize| cells.get(i).map(Cell::text).unwrap_or_default();
    let cell = |i: usize| cells.get(i).cloned().unwrap_or(Cell::Empty);
    let mut issues = Vec::new();
    let mut error = |column: usize, problem: Problem| issues.push(Issue { column, severity: Severity::Error, problem });
    let mut draft = LeadDraft {
        first_name: get(col::FIRST_NAME),
        surname: get(col::SURNAME),
        patronymic: get(col::PATRONYMIC),
        ..LeadDraft::default()
    };
    if draft.first_name.is_empty() {
        error(col::FIRST_NAME, Problem::Required);
    }
    for (column, target) in [(col::PHONE, &mut draft.phone), (col::EXTRA_PHONE, &mut draft.extra_phone)] {
        let raw = get(column);
        if raw.is_empty() {
            continue;
        }
        match Phone::parse(&raw) {
            Ok(p) => *target = p.as_str().to_string(),
            Err(_) => error(column, Problem::Phone),
        }
    }
    draft.email = get(col::EMAIL);
    draft.gender = match fold(&get(col::GENDER)).as_str() {
        "" => None,
        "м" | "муж" | "мужской" | "male" | "m" => Some(Gender::Male),
        "ж" | "жен" | "женский" | "female" | "f" => Some(Gender::Female),
        _ => {
            error(col::GENDER, Problem::Gender);
            None
        }
    };
    for (column, target) in [(col::BIRTH_DATE, &mut draft.birth_date), (col::DESIRED_START, &mut draft.desired_start)] {
        if get(column).is_empty() {
            continue;
        }
        match parse_date_time(&cell(column)) {
            Some(d) => *target = Some(d.date()),
            None => error(column, Problem::Date),
        }
    }
    let mut find = |column: usize, list: &[(Id, String)]| -> Option<Id> {
        let value = get(column);
        if value.is_empty() {
            return None;
        }
        let found = lookup(list, &value);
        if found.is_none() {
            error(column, Problem::Unknown { allowed: names(list) });
        }
        found
    };
    draft.category_id = find(col::CATEGORY, &ctx.categories);
    draft.branch_id = find(col::BRANCH, &ctx.branches);
    draft.contact_source_id = find(col::SOURCE, &ctx.sources);
    draft.stage_id = match get(col::STAGE) {
        s if s.is_empty() => ctx.stages.first().map(|(id, _)| *id),
        _ => find(col::STAGE, &ctx.stages),
    };
    draft.gearbox = match fold(&get(col::GEARBOX)).as_str() {
        "" => None,
        "да" | "акпп" | "автомат" | "automatic" | "yes" | "1" => Some(Gearbox::Automatic),
        "нет" | "мкпп" | "механика" | "manual" | "no" | "0" => Some(Gearbox::Manual),
        "любая" | "неважно" | "either" | "any" => Some(Gearbox::Either),
        _ => {
            error(col::GEARBOX, Problem::Gearbox);
            None
        }
    };
    let responsible = get(col::RESPONSIBLE);
    if !responsible.is_empty() {
        let wanted = fold(&responsible);
        let found = ctx.users.iter().find(|(_, login, name)| fold(login) == wanted || fold(name) == wanted).map(|(id, _, _)| *id);
        if found.is_none() {
            let allowed = ctx.users.iter().map(|(_, login, name)| format!("{name} ({login})")).collect();
            error(col::RESPONSIBLE, Problem::Unknown { allowed });
        }
        draft.responsible_id = found;
    }
    draft.tags = get(col::TAGS)
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.trim_start_matches('#').to_string())
        .collect();
    let created_at = if get(col::CREATED).is_empty() {
        None
    } else {
        let parsed = parse_date_time(&cell(col::CREATED));
        if parsed.is_none() {
            error(col::CREATED, Problem::Date);
        }
        parsed
    };
    let notes: Vec<String> = [get(col::NOTE), get(col::NOTE_2)].into_iter().filter(|n| !n.is_empty()).collect();
    // The channel last: its fallback is a warning, not an error.
    let channel = get(col::CHANNEL);
    draft.channel_id = match lookup(&ctx.channels, &channel) {
        Some(id) => Some(id),
        None => {
            if !channel.is_empty() {
                let used = ctx.channels.first().map(|(_, n)| n.clone()).unwrap_or_default();
                issues.push(Issue { column: col::CHANNEL, severity: Severity::Warning, problem: Problem::ChannelFallback { used } });
            }
            ctx.channels.first().map(|(id, _)| *id)
        }
    };
    // What the lead's own validation refuses (lengths, e-mail, dates in the future) is named too.
    if !issues.iter().any(|i| i.severity == Severity::Error) {
        if let Err(crate::AppError::Validation { field, reason }) = draft.validate(ctx.today) {
            let column = column_of(&field);
            let problem = match reason {
                crate::error::Invalid::Email => Problem::Email,
                crate::error::Invalid::DateInFuture => Problem::DateInFuture,
                crate::error::Invalid::DateTooOld => Problem::DateTooOld,
                crate::error::Invalid::Phone => Problem::Phone,
                crate::error::Invalid::Required => Problem::Required,
                _ => Problem::TooLong,
            };
            issues.push(Issue { column, severity: Severity::Error, problem });
        }
    }
    let key = row_key(&draft, created_at, &notes);
    let failed = issues.iter().any(|i| i.severity == Severity::Error);
    ParsedRow { line, draft: (!failed).then_some(draft), created_at, notes, issues, key }
}

fn column_of(field: &str) -> usize {
    match field {
        "surname" => col::SURNAME,
        "patronymic" => col::PATRONYMIC,
        "phone" => col::PHONE,
        "extra_phone" => col::EXTRA_PHONE,
        "email" => col::EMAIL,
        "birth_date" => col::BIRTH_DATE,
        "desired_start" => col::DESIRED_START,
        "tags" => col::TAGS,
        "note" => col::NOTE,
        _ => col::FIRST_NAME,
    }
}

/// What identifies a row across imports: its person, names, category and creation time, folded
/// the way search folds, so re-saving the file in another program does not make it new.
fn row_key(d: &LeadDraft, created_at: Option<NaiveDateTime>, notes: &[String]) -> String {
    let parts = [
        fold(&d.surname),
        fold(&d.first_name),
        fold(&d.patronymic),
        d.phone.clone(),
        fold(&d.email),
        d.category_id.map(|c| c.to_string()).unwrap_or_default(),
        created_at.map(|c| c.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default(),
        notes.iter().map(|n| fold(n)).collect::<Vec<_>>().join("\u{1f}"),
    ];
    parts.join("\u{1e}")
}

/// The largest file accepted (seed 001's spreadsheets are far smaller).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most data rows in one file.
pub const MAX_ROWS: usize = 200_000;

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileProblem {
    Empty,
    NotSpreadsheet,
    TooLarge { max_bytes: u64 },
    TooManyRows { max_rows: u64 },
    Headers(HeaderMismatch),
}

/// Counts for the preview and the CLI report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTotals {
    pub rows: u64,
    /// Rows that import cleanly (warnings included).
    pub ok: u64,
    pub warnings: u64,
    pub errors: u64,
    /// Rows imported before (or repeated in this file): skipped.
    pub already: u64,
}

impl ImportTotals {
    pub fn count(rows: &[ParsedRow], already: &[usize]) -> ImportTotals {
        let already: std::collections::HashSet<usize> = already.iter().copied().collect();
        let mut t = ImportTotals { rows: rows.len() as u64, ..ImportTotals::default() };
        for row in rows {
            if already.contains(&row.line) {
                t.already += 1;
            } else if row.has_errors() {
                t.errors += 1;
            } else {
                t.ok += 1;
                if !row.issues.is_empty() {
                    t.warnings += 1;
                }
            }
        }
        t
    }
}

/// The preview of a file: every row read, which were imported before, and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_name: String,
    /// SHA-256 of the file, kept on the import record.
    pub file_hash: String,
    pub rows: Vec<ParsedRow>,
    /// Lines of rows already imported.
    pub already: Vec<usize>,
    pub totals: ImportTotals,
}

/// The preview as the import page shows it: totals and the rows with problems (the first 500),
/// or why the file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub totals: ImportTotals,
    pub rows: Vec<ParsedRow>,
    pub problem: Option<FileProblem>,
}

/// A background import as its page polls it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub done: u64,
    pub total: u64,
    pub finished: bool,
    pub imported: Option<u64>,
    pub already: Option<u64>,
    /// `cancelled`, `row_errors:N`, `file` or an error code.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ImportContext {
        ImportContext {
            stages: vec![(1, "Новый лид".into()), (2, "В работе".into())],
            branches: vec![(10, "Класс на Пушкина".into())],
            categories: vec![(20, "B".into()), (21, "A".into())],
            channels: vec![(30, "Сайт".into()), (31, "ВКонтакте".into())],
            sources: vec![(40, "Звонок".into())],
            users: vec![(50, "anna".into(), "Анна Петрова".into())],
            today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    fn row(values: &[(usize, &str)]) -> Vec<Cell> {
        let mut cells = vec![Cell::Empty; COLUMNS.len()];
        for (i, v) in values {
            cells[*i] = Cell::Text(v.to_string());
        }
        cells
    }

    #[test]
    fn headers_in_either_language_in_the_fixed_order() {
        let ru: Vec<Cell> = COLUMNS.iter().map(|(r, _)| Cell::Text(r.to_string())).collect();
        let en: Vec<Cell> = COLUMNS.iter().map(|(_, e)| Cell::Text(format!(" {} ", e.to_uppercase()))).collect();
        assert!(check_headers(&ru).is_ok());
        assert!(check_headers(&en).is_ok());
        let mut swapped = ru.clone();
        swapped.swap(0, 1);
        assert_eq!(check_headers(&swapped).unwrap_err().column, 0);
        assert_eq!(check_headers(&ru[..5]).unwrap_err().column, 5);
        let mut extra = ru.clone();
        extra.push(Cell::Text("Лишний".into()));
        assert_eq!(check_headers(&extra).unwrap_err().column, COLUMNS.len());
    }

    #[test]
    fn phones_in_every_format_of_seed_001() {
        for phone in ["+79171234578", "89171234578", "79171234578", "9171234578", "8 (917) 123-45-78"] {
            let parsed = parse_row(2, &row(&[(1, "Евгений"), (3, phone)]), &ctx());
            assert_eq!(parsed.draft.unwrap().phone, "+79171234578", "{phone}");
        }
        let parsed = parse_row(2, &row(&[(1, "Евгений"), (3, "+7(999) 125-99-99")]), &ctx());
        assert_eq!(parsed.draft.unwrap().phone, "+79991259999");
        let bad = parse_row(3, &row(&[(1, "Евгений"), (3, "12345")]), &ctx());
        assert!(bad.draft.is_none());
        assert_eq!(bad.issues, vec![Issue { column: 3, severity: Severity::Error, problem: Problem::Phone }]);
        // A phone stored as a number in the spreadsheet.
        let mut cells = row(&[(1, "Евгений")]);
        cells[3] = Cell::Number(89171234578.0);
        assert_eq!(parse_row(2, &cells, &ctx()).draft.unwrap().phone, "+79171234578");
    }

    #[test]
    fn dates_as_text_cells_and_excel_numbers() {
        let at = |d: u32, h: u32, m: u32, s: u32| NaiveDate::from_ymd_opt(2000, 1, d).unwrap().and_hms_opt(h, m, s).unwrap();
        assert_eq!(parse_date_time(&Cell::Text("01.01.2000 12:34:00".into())), Some(at(1, 12, 34, 0)));
        assert_eq!(parse_date_time(&Cell::Text("01.01.2000".into())), Some(at(1, 0, 0, 0)));
        assert_eq!(parse_date_time(&Cell::Number(36526.5)), Some(at(1, 12, 0, 0)));
        assert_eq!(parse_date_time(&Cell::Text("36527".into())), Some(at(2, 0, 0, 0)));
        assert_eq!(parse_date_time(&Cell::DateTime(at(3, 1, 2, 3))), Some(at(3, 1, 2, 3)));
        for bad in ["31.02.2000", "вчера", "-5", "1e300"] {
            assert_eq!(parse_date_time(&Cell::Text(bad.into())), None, "{bad}");
        }
        let parsed = parse_row(2, &row(&[(1, "Ира"), (17, "15.03.2021 09:30:00"), (7, "абв")]), &ctx());
        assert_eq!(parsed.issues, vec![Issue { column: 7, severity: Severity::Error, problem: Problem::Date }]);
    }

    #[test]
    fn dictionaries_stages_and_the_channel_fallback() {
        let full = parse_row(
            2,
            &row(&[
                (1, "Евгений"),
                (9, "b"),
                (10, "класс на пушкина"),
                (12, "вконтакте"),
                (14, "В работе"),
                (15, "anna"),
                (16, "#скидка, лето"),
                (18, "Первая"),
                (19, "Вторая"),
            ]),
            &ctx(),
        );
        let draft = full.draft.unwrap();
        assert_eq!(
            (draft.category_id, draft.branch_id, draft.channel_id, draft.stage_id, draft.responsible_id),
            (Some(20), Some(10), Some(31), Some(2), Some(50))
        );
        assert_eq!(draft.tags, vec!["скидка", "лето"]);
        assert_eq!(full.notes, vec!["Первая", "Вторая"]);
        // Empty stage: the first; unknown channel: the first, with a warning.
        let fallback = parse_row(2, &row(&[(1, "Евгений"), (12, "Радио")]), &ctx());
        assert_eq!(fallback.draft.as_ref().unwrap().stage_id, Some(1));
        assert_eq!(fallback.draft.as_ref().unwrap().channel_id, Some(30));
        assert_eq!(fallback.issues[0].severity, Severity::Warning);
        assert!(!fallback.has_errors());
        // Unknown stage, branch, category, user: errors naming the allowed values.
        let unknown = parse_row(2, &row(&[(1, "Евгений"), (14, "Думает"), (9, "Z"), (15, "boris")]), &ctx());
        assert!(unknown.draft.is_none());
        let columns: Vec<usize> = unknown.issues.iter().map(|i| i.column).collect();
        assert_eq!(columns, vec![9, 14, 15]);
        assert_eq!(unknown.issues[1].problem, Problem::Unknown { allowed: vec!["Новый лид".into(), "В работе".into()] });
        // Required name, bad e-mail and a birth date in the future.
        assert_eq!(parse_row(2, &row(&[(3, "89171234578")]), &ctx()).issues[0].problem, Problem::Required);
        assert_eq!(parse_row(2, &row(&[(1, "А"), (5, "not-an-email")]), &ctx()).issues[0].problem, Problem::Email);
        assert_eq!(parse_row(2, &row(&[(1, "А"), (7, "01.01.2030")]), &ctx()).issues[0].problem, Problem::DateInFuture);
    }

    #[test]
    fn the_same_row_has_the_same_key() {
        let a = parse_row(2, &row(&[(0, "Иванов"), (1, "Пётр"), (3, "8 917 123-45-78"), (17, "01.01.2020")]), &ctx());
        let b = parse_row(9, &row(&[(0, "ИВАНОВ"), (1, "Петр"), (3, "+79171234578"), (17, "01.01.2020 00:00:00")]), &ctx());
        let c = parse_row(2, &row(&[(0, "Иванов"), (1, "Пётр"), (3, "8 917 123-45-79"), (17, "01.01.2020")]), &ctx());
        assert_eq!(a.key, b.key);
        assert_ne!(a.key, c.key);
    }
}
