//! Phone normalisation, phone-digit search and the forms' date-time parsing on arbitrary text.
//! Beyond "never panics": a normalised phone is `+7` and ten digits, normalising it again or its
//! display form gives the same phone, and a parsed due time prints back to what parses to it.
#![no_main]

use domain::phone::{search_digits, Phone};
use domain::task::parse_due_local;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(phone) = Phone::parse(text) {
        let s = phone.as_str();
        assert!(s.len() == 12 && s.starts_with("+7") && s[1..].bytes().all(|b| b.is_ascii_digit()), "{s}");
        assert_eq!(Phone::parse(s).as_ref().map(Phone::as_str), Ok(s), "normalising is idempotent");
        assert_eq!(Phone::parse(&phone.display()).as_ref().map(Phone::as_str), Ok(s), "the display form reads back");
    }
    if let Some(digits) = search_digits(text) {
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{digits}");
    }
    if let Some(due) = parse_due_local(text) {
        let printed = due.format("%Y-%m-%dT%H:%M:%S").to_string();
        assert_eq!(parse_due_local(&printed), Some(due), "{printed}");
    }
});
