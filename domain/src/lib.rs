//! Voronka's domain: the types and rules shared by the browser (WASM) and the server.
//!
//! Nothing here performs I/O. Validation, phone normalisation, the access rules and the error
//! type live here so the form and the server run the very same checks.

pub mod access;
pub mod api;
pub mod automation;
pub mod board;
pub mod config;
pub mod count;
pub mod dictionary;
pub mod error;
pub mod event;
pub mod filter;
pub mod group;
pub mod import;
pub mod import_record;
pub mod lead;
pub mod list;
pub mod notification;
pub mod phone;
pub mod preset;
pub mod report;
pub mod search;
pub mod settings;
pub mod stage;
pub mod task;
pub mod timeline;
pub mod user;

pub use error::{AppError, Field};

/// Database identifiers are 64-bit integers on both SQLite and PostgreSQL.
pub type Id = i64;
