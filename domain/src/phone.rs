//! Russian phone numbers: parsing the formats people type and files carry, normalised to
//! `+7XXXXXXXXXX`, and the digit string search matches against.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised Russian phone number, always `+7` followed by ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    #[error("the phone number holds characters other than digits, spaces, brackets, dashes and a leading +")]
    BadCharacter,
    #[error("a Russian phone number has 10 digits, or 11 starting with 7 or 8")]
    WrongLength,
    #[error("the number does not start like a Russian number")]
    WrongPrefix,
}

impl Phone {
    /// Accepts `+79171234578`, `89171234578`, `79171234578`, `9171234578`, `+7(999) 125-99-99`,
    /// `8 (917) 123-45-78` and the like; refuses anything that cannot be a Russian number.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(11);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '\u{a0}' | '-' | '(' | ')' | '.' => {}
                _ => return Err(PhoneError::BadCharacter),
            }
        }
        let national = match digits.len() {
            11 if digits.starts_with('7') => &digits[1..],
            // A leading 8 is the domestic trunk prefix; "+8…" is not a Russian number.
            11 if digits.starts_with('8') && !plus => &digits[1..],
            11 => return Err(PhoneError::WrongPrefix),
            10 if !plus => {
                // Russian area and mobile codes start with 3, 4, 8 or 9.
                if !matches!(digits.as_bytes()[0], b'3' | b'4' | b'8' | b'9') {
                    return Err(PhoneError::WrongPrefix);
                }
                &digits[..]
            }
            0 => return Err(PhoneError::Empty),
            _ => return Err(PhoneError::WrongLength),
        };
        Ok(Phone(format!("+7{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The eleven digits (`7XXXXXXXXXX`) that digit search matches against.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// `+7 (987) 651-22-33`, the way a manager reads a number aloud.
    pub fn display(&self) -> String {
        let d = &self.0[2..];
        format!("+7 ({}) {}-{}-{}", &d[0..3], &d[3..6], &d[6..8], &d[8..10])
    }
}

/// A stored phone as people read it: [`Phone::display`], or the text as stored when it is not a
/// number this reads (a record kept as it was typed).
pub fn shown(stored: &str) -> String {
    Phone::parse(stored).map(|p| p.display()).unwrap_or_else(|_| stored.to_string())
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Phone::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

/// The digits of a search query as stored numbers hold them: a full 11-digit number typed with
/// the domestic `8` is matched as `7…`. Returns `None` when fewer than four digits were typed.
pub fn search_digits(query: &str) -> Option<String> {
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    if digits.len() == 11 && digits.starts_with('8') {
        return Some(format!("7{}", &digits[1..]));
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_phone_is_shown_formatted_or_as_it_was_kept() {
        assert_eq!(shown("+79876512233"), "+7 (987) 651-22-33");
        assert_eq!(shown("доб. 12"), "доб. 12");
    }

    #[test]
    fn accepts_the_formats_of_seed_001() {
        for (input, want) in [
            ("+79171234578", "+79171234578"),
            ("81234657885", "+71234657885"),
            ("79171234578", "+79171234578"),
            ("9171234578", "+79171234578"),
            ("+7(999) 125-99-99", "+79991259999"),
            ("8 (917) 123-45-78", "+79171234578"),
            (" 8-917-123-45-78 ", "+79171234578"),
            ("+7 987 651 22 33", "+79876512233"),
            ("4951234567", "+74951234567"),
        ] {
            assert_eq!(Phone::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn refuses_what_cannot_be_a_russian_number() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("12345"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("+7917123457"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("891712345789"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("+89171234578"), Err(PhoneError::WrongPrefix));
        assert_eq!(Phone::parse("59171234578"), Err(PhoneError::WrongPrefix));
        assert_eq!(Phone::parse("1171234578"), Err(PhoneError::WrongPrefix));
        assert_eq!(Phone::parse("8917abc4578"), Err(PhoneError::BadCharacter));
        assert_eq!(Phone::parse("+"), Err(PhoneError::Empty));
    }

    #[test]
    fn displays_and_digits() {
        let p = Phone::parse("89876512233").unwrap();
        assert_eq!(p.display(), "+7 (987) 651-22-33");
        assert_eq!(p.digits(), "79876512233");
    }

    #[test]
    fn search_digits_from_any_format() {
        assert_eq!(search_digits("987651").as_deref(), Some("987651"));
        assert_eq!(search_digits("89876512233").as_deref(), Some("79876512233"));
        assert_eq!(search_digits("+7 987 651").as_deref(), Some("7987651"));
        assert_eq!(search_digits("98"), None);
    }

    #[test]
    fn serde_refuses_bad_numbers() {
        assert!(serde_json::from_str::<Phone>("\"123\"").is_err());
        let p: Phone = serde_json::from_str("\"8 917 123 45 78\"").unwrap();
        assert_eq!(p.as_str(), "+79171234578");
    }
}
