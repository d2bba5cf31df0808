//! One module per page.

pub mod automation;
pub mod board;
pub mod calls;
pub mod groups;
pub mod import;
pub mod lazy;
pub mod lead;
pub mod list;
pub mod login;
pub mod new_lead;
pub mod not_found;
pub mod reports;
pub mod settings;
pub mod setup;
pub mod signed_in;
pub mod tasks;
pub mod tokens;
