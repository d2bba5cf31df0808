//! Dates as each language writes them.

use crate::i18n::Locale;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_locale() {
        let d = NaiveDate::from_ymd_opt(2027, 2, 5).unwrap();
        assert_eq!(date(d, Locale::ru), "05.02.2027");
        assert_eq!(date(d, Locale::en), "5 Feb 2027");
        assert_eq!(date_time(d.and_hms_opt(9, 5, 0).unwrap(), Locale::ru), "05.02.2027 09:05");
    }
}
