//! Server functions, grouped like the backend's services. Each one authenticates, calls one
//! service and returns `AppError`; nothing here holds business rules.

pub mod automation;
pub mod board;
pub mod groups;
pub mod import;
pub mod lead;
pub mod list;
pub mod session;
pub mod settings;
pub mod tasks;
pub mod tokens;
