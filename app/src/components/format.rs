//! Dates as each language writes them.

use crate::i18n::Locale;
use chrono::{Datelike, NaiveDate};

const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `29.11.2026` in Russian, `29 Nov 2026` in English.
pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::ru => d.format("%d.%m.%Y").to_string(),
        Locale::en => format!("{} {} {}", d.day(), EN_MONTHS[d.month0() as usize], d.year()),
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
    }
}
