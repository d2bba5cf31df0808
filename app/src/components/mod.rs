//! Reusable pieces of the interface.

pub mod card;
pub mod errors;
pub mod format;
pub mod header;
pub mod hydration;
