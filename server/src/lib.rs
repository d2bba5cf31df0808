#![recursion_limit = "256"]
//! The `voronka` binary's parts: the command line, the HTTP server with its guards and sessions.

pub mod api;
pub mod cli;
mod cli_errors;
mod export;
pub mod guard;
pub mod http;
mod import_cli;
mod import_http;
pub mod live;
mod reports_http;
pub mod sessions;
