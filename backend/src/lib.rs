//! Voronka's server side. Every service takes the acting user, enforces `domain::access`,
//! validates, and writes a change with its timeline entry in one transaction.
//!
//! SQL is shared between SQLite and PostgreSQL where the dialects agree (`$1` placeholders work on
//! both); [`with_pool!`] runs one block of code against whichever pool is configured.

pub mod actions;
pub mod auth;
pub mod automation;
pub mod backup;
pub mod board;
pub mod calls;
pub mod config;
pub mod configure;
pub mod db;
pub mod demo;
pub mod dictionaries;
pub mod edits;
pub mod enrolment;
pub mod error;
pub mod events;
pub mod export;
pub mod filter;
pub mod groups;
pub mod import;
pub mod intake;
pub mod leads;
pub mod list;
pub mod moves;
pub mod notifications;
pub mod reports;
mod rows;
pub mod search;
pub mod search_stats;
pub mod settings;
pub mod staff;
pub mod stages;
pub mod tasks;
pub mod timeline;
pub mod tokens;
pub mod users;

pub use db::Db;
pub use error::{Error, Result};
#[cfg(feature = "testing")]
pub mod testing;
