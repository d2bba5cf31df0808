//! The import's row parser on arbitrary cells. Beyond "never panics", it checks the promise
//! `import::run` relies on: a row the preview passes (no errors) validates as a lead, so an
//! import cannot fail half-way on a row the user was told is fine.
#![no_main]

use chrono::NaiveDate;
use domain::import::{check_headers, parse_row, Cell, ImportContext};
use libfuzzer_sys::fuzz_target;

fn context() -> ImportContext {
    let named = |names: &[&str]| names.iter().enumerate().map(|(i, n)| (i as i64 + 1, n.to_string())).collect::<Vec<_>>();
    ImportContext {
        stages: named(&["Новый лид", "В работе", "Записан"]),
        branches: named(&["Класс на Пушкина"]),
        categories: named(&["B", "A"]),
        channels: named(&["Сайт", "Радио"]),
        sources: named(&["Звонок"]),
        users: vec![(1, "anna".into(), "Анна Петрова".into())],
        today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
    }
}

/// Cells from bytes: separated by 0x1F; a cell's first byte picks its kind (a number, an Excel
/// date-time, or text), the rest is its value.
fn cells(data: &[u8]) -> Vec<Cell> {
    data.split(|b| *b == 0x1F)
        .map(|raw| match raw.split_first() {
            None => Cell::Empty,
            Some((b'#', rest)) => {
                let text = String::from_utf8_lossy(rest);
                text.trim().parse::<f64>().map(Cell::Number).unwrap_or(Cell::Empty)
            }
            Some((b'@', rest)) if rest.len() >= 8 => {
                let seconds = i64::from_le_bytes(rest[..8].try_into().unwrap_or_default()) % 10_000_000_000;
                chrono::DateTime::from_timestamp(seconds, 0).map_or(Cell::Empty, |d| Cell::DateTime(d.naive_utc()))
            }
            Some(_) => Cell::Text(String::from_utf8_lossy(raw).into_owned()),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let ctx = context();
    let row = cells(data);
    let _ = check_headers(&row);
    let parsed = parse_row(2, &row, &ctx);
    if !parsed.has_errors() {
        let draft = parsed.draft.as_ref().expect("a row without errors has a lead draft");
        if let Err(e) = draft.validate(ctx.today) {
            panic!("the preview passed a row that does not validate: {e:?}\n{draft:?}");
        }
    }
    for issue in &parsed.issues {
        assert!(issue.column < domain::import::COLUMNS.len(), "an issue names a real column");
    }
});
