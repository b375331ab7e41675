//! veille: a press archive for technocritical collectives.
//!
//! The library holds every concern of the tool, one module each (see
//! `DESIGN.md` in the shared folder): `home` finds and creates a veille home,
//! `config` reads its settings files, `corpus` owns the article record on
//! disk. The binary in `main.rs` only parses the command line and calls in.

pub mod brochure;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod crawl;
pub mod extract;
pub mod home;
pub mod index;
pub mod tui;

pub use corpus::{Article, Corpus, Kind, PubDate};
pub use home::Home;
