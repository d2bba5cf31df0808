//! Reusable pieces of the interface.

pub mod board;
pub mod chart;
pub mod enrol;
pub mod errors;
pub mod filter_bar;
pub mod format;
pub mod header;
pub mod hydration;
pub mod import_text;
pub mod lead;
pub mod page;
pub mod phone_matches;
pub mod pulse;
pub mod report_tables;
pub mod search;
pub mod tasks;
pub mod timezone;
pub mod toast;
