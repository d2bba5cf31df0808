//! One module per page.

pub mod board;
pub mod lead;
pub mod login;
pub mod not_found;
pub mod setup;
