//! One module per page.

pub mod board;
pub mod login;
pub mod not_found;
pub mod setup;
