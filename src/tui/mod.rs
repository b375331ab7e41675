//! The terminal UI (work in progress).

pub mod render;
pub mod sanitize;
