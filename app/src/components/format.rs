//! Dates as each language writes them.

use crate::i18n::*;
use chrono::{Datelike, NaiveDate, NaiveDateTime};

const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `29.11.2026` in Russian, `29 Nov 2026` in English.
pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::ru => d.format("%d.%m.%Y").to_string(),
        Locale::en => format!("{} {} {}", d.day(), EN_MONTHS[d.month0() as usize], d.year()),
    }
}

/// A date as [`date`] writes it, then the 24-hour time: `29.11.2026 14:30`.
pub fn date_time(d: NaiveDateTime, locale: Locale) -> String {
    format!("{} {}", date(d.date(), locale), d.format("%H:%M"))
}

/// A call's length as a clock shows it: `1:35`, `1:02:05`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A month and its year: `февраль 2027`, `February 2027`.
pub fn month(d: NaiveDate, locale: Locale) -> String {
    let name = match d.month() {
        1 => td_string!(locale, months.m1),
        2 => td_string!(locale, months.m2),
        3 => td_string!(locale, months.m3),
        4 => td_string!(locale, months.m4),
        5 => td_string!(locale, months.m5),
        6 => td_string!(locale, months.m6),
        7 => td_string!(locale, months.m7),
        8 => td_string!(locale, months.m8),
        9 => td_string!(locale, months.m9),
        10 => td_string!(locale, months.m10),
        11 => td_string!(locale, months.m11),
        _ => td_string!(locale, months.m12),
    };
    format!("{name} {}", d.year())
}

/// A count of leads as each language groups thousands: `12 345` (no-break space), `12,345`,
/// with "+" past the cap: `10 000+`.
pub fn count(c: domain::count::Count, locale: Locale) -> String {
    match locale {
        Locale::ru => c.grouped("\u{a0}"),
        Locale::en => c.grouped(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_locale() {
        let d = NaiveDate::from_ymd_opt(2027, 2, 5).unwrap();
        assert_eq!(date(d, Locale::ru), "05.02.2027");
        assert_eq!(date(d, Locale::en), "5 Feb 2027");
        assert_eq!(date_time(d.and_hms_opt(9, 5, 0).unwrap(), Locale::ru), "05.02.2027 09:05");
        assert_eq!((month(d, Locale::ru).as_str(), month(d, Locale::en).as_str()), ("февраль 2027", "February 2027"));
    }

    #[test]
    fn call_lengths_read_as_a_clock() {
        assert_eq!([0, 9, 95, 600, 3725].map(duration), ["0:00", "0:09", "1:35", "10:00", "1:02:05"]);
    }

    #[test]
    fn counts_per_locale() {
        let many = domain::count::Count::capped(123_456);
        assert_eq!((count(many, Locale::ru), count(many, Locale::en)), ("10\u{a0}000+".to_string(), "10,000+".to_string()));
        assert_eq!(count(domain::count::Count::exact(1234), Locale::en), "1,234");
    }
}
