//! veille's integration tests: one binary (one link of the library instead
//! of one per file), one module per concern, one shared [`support`].
//!
//! Everything runs offline: the real `veille` binary on temporary homes,
//! crawls against HTTP servers the tests start on 127.0.0.1.

mod support;

mod brochure;
mod cli;
mod collective;
mod crawl;
mod demo_corpus;
mod disk_full;
mod documents;
mod extract;
mod languages;
mod pdf;
mod reprises;
mod scale;
mod search;
mod tui;
mod tui_terminal;
mod update;
