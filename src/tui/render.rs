//! Markdown to terminal lines (being written).
