//! veille: a press archive for technocritical collectives.
//!
//! The modules follow the data, one stage each:
//!
//! ```text
//! crawl → archive → extract → corpus → index → search | tui | brochure | publish
//! ```
//!
//! - [`crawl`] finds what is new on the followed sites (feeds, sitemaps,
//!   links), fetches it politely and keeps its state (validators, frontier).
//! - [`archive`] keeps every HTTP exchange as WARC records in `corpus/raw/`
//!   and reads pages back from them, without the network.
//! - [`extract`] makes an article of a page or a PDF: title, dates, authors,
//!   the body as Markdown; site profiles (SPIP, WordPress, custom selectors).
//! - [`corpus`] owns the article files (`corpus/articles/`): their format,
//!   atomic writes, imports, baskets, citations between articles, the
//!   collective's labels and notes, articles as bibliographic references.
//! - [`index`] is the French search index derived from the corpus: its
//!   analysis, updates, the query language, ranking and search
//!   ([`index::search`]), themes and reprises (the same text on many sites).
//! - [`tui`] is the terminal interface, [`brochure`] makes PDF, HTML, EPUB
//!   and Markdown brochures of a selection, [`publish`] its Atom feeds and
//!   the collective's press review.
//! - [`home`] finds and creates a veille home and holds its lock and run
//!   log; [`config`] reads its settings files (`veille.toml`,
//!   `sources.toml`, `themes.toml`).
//! - [`language`] says which language an article is in (declared or
//!   detected), which picks the analysis the index gives it.
//! - [`editor`] hands a text to the person's $EDITOR.
//! - [`cli`] is one module per command; `main.rs` only parses the command
//!   line and calls in.

pub mod archive;
pub mod brochure;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod crawl;
pub mod editor;
pub mod extract;
pub mod home;
pub mod index;
pub mod language;
pub mod publish;
pub mod tui;

pub use corpus::{Article, Corpus, Kind, PubDate};
pub use home::Home;
