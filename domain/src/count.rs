//! How many leads match: exact up to a cap, "more than" past it.
//!
//! Counting a million leads costs what reading them does, and past ten thousand nobody reads the
//! exact figure off a board column or a list header. So the board and the list count at most
//! [`CAP`]` + 1` rows and say "10 000+"; a search (the header's box, or a list filtered by what
//! was typed) stops at [`SEARCH_CAP`] ("1 000+"), each column of a searched board at
//! [`COLUMN_SEARCH_CAP`] ("50+", a page of cards); the reports count exactly.

use serde::{Deserialize, Serialize};

/// The largest count stated exactly.
pub const CAP: i64 = 10_000;

/// The largest count of a search's hits stated exactly. Each hit is read from the search index
/// and then from the lead, so counting a common surname (twelve thousand leads in a school of a
/// million) to [`CAP`] took 80–140 ms on PostgreSQL; to this cap it takes a tenth of that, and
/// "more than a thousand" tells the person to type more just as well.
pub const SEARCH_CAP: i64 = 1_000;

/// The largest count of a search's hits in one board column stated exactly: a column's first
/// page. A column shows fifty cards, and past them "50+" says what "show more" does, and asks
/// for more letters as well as a thousand would. A common word (a surname that is also a
/// patronymic: six in a hundred leads) is answered by walking each column until fifty-one match,
/// where counting to a thousand and one meant reading every lead of the column
/// (`backend::board`, session 18). A hundred until session 33: a surname in under one lead of
/// a hundred walked each large column to its hundred and first hit (16,700 of 89,000 leads), and
/// on a million leads the board took 23–26 ms at p95 on PostgreSQL and 31–34 on SQLite, where
/// fifty takes 20–23 and 24–25.
pub const COLUMN_SEARCH_CAP: i64 = crate::board::COLUMN_PAGE;

/// A count of leads, exact unless `more` says there are more than `value`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub value: i64,
    /// There are more than `value` (which is then the cap it was counted to).
    pub more: bool,
}

impl Count {
    pub fn exact(value: i64) -> Count {
        Count { value, more: false }
    }

    /// Reads a count taken with `LIMIT CAP + 1`: a result over the cap means "more than the cap".
    pub fn capped(counted: i64) -> Count {
        Count::capped_at(counted, CAP)
    }

    /// As [`Count::capped`] with another cap (tests use small ones).
    pub fn capped_at(counted: i64, cap: i64) -> Count {
        if counted > cap {
            Count { value: cap, more: true }
        } else {
            Count::exact(counted)
        }
    }

    /// After a lead came (+1) or went (−1). A count past the cap stays "more than" — it is still
    /// true, and the next load states it again.
    pub fn add(&mut self, delta: i64) {
        if !self.more {
            self.value = (self.value + delta).max(0);
        }
    }

    /// "More than the cap" once `seen` leads are on screen: when more than the cap were loaded
    /// (a searched column pages past its hundred), at least those. Exact counts stay as they are.
    pub fn at_least(self, seen: i64) -> Count {
        if self.more && seen > self.value {
            Count { value: seen, more: true }
        } else {
            self
        }
    }

    pub fn is_zero(&self) -> bool {
        self.value == 0 && !self.more
    }

    /// The count with thousands grouped by `separator` (a narrow no-break space in Russian, a
    /// comma in English) and "+" when there are more: `10 000+`.
    pub fn grouped(&self, separator: &str) -> String {
        let digits = self.value.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + 4);
        if self.value < 0 {
            out.push('-');
        }
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(digit);
        }
        if self.more {
            out.push('+');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_over_the_cap_read_as_more_than_the_cap() {
        assert_eq!(Count::capped(0), Count::exact(0));
        assert_eq!(Count::capped(CAP), Count::exact(CAP));
        assert_eq!(Count::capped(CAP + 1), Count { value: CAP, more: true });
    }

    #[test]
    fn a_count_past_the_cap_grows_with_what_was_loaded() {
        let many = Count { value: 100, more: true };
        assert_eq!(many.at_least(50), many);
        assert_eq!(many.at_least(150), Count { value: 150, more: true });
        assert_eq!(Count::exact(7).at_least(9), Count::exact(7), "an exact count is never replaced");
    }

    #[test]
    fn moves_change_exact_counts_only() {
        let mut exact = Count::exact(3);
        exact.add(1);
        assert_eq!(exact, Count::exact(4));
        exact.add(-5);
        assert_eq!(exact, Count::exact(0), "never below zero");
        let mut many = Count::capped(CAP + 1);
        many.add(-1);
        assert_eq!(many, Count { value: CAP, more: true });
        assert!(!many.is_zero());
        assert!(Count::exact(0).is_zero());
    }

    #[test]
    fn grouped_thousands_and_the_plus() {
        assert_eq!(Count::exact(7).grouped(" "), "7");
        assert_eq!(Count::exact(999).grouped(","), "999");
        assert_eq!(Count::exact(1000).grouped(","), "1,000");
        assert_eq!(Count::exact(123_456).grouped("\u{202f}"), "123\u{202f}456");
        assert_eq!(Count::capped(50_000).grouped(","), "10,000+");
    }
}
