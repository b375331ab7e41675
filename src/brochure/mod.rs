//! Brochures: a basket, a query or a theme of the archive as a print-ready
//! French booklet, the way infokiosques.net distributes them: a PDF "page
//! par page" to read (A5), a PDF "cahier" to print, fold and staple, and
//! HTML, Markdown and EPUB copies.
//!
//! [`select`] gathers the articles (basket order, else by date);
//! [`write`] writes the formats asked for. French typography is applied in
//! Rust before layout ([`typography`]); the PDF's data and imposition are
//! [`pdf`]'s, its typesetting by Typst `typeset`'s with the built-in
//! `fonts` (both only with the default feature `brochure-pdf`); every other
//! format is written here.

pub mod blocks;
pub mod epub;
#[cfg(feature = "brochure-pdf")]
pub mod fonts;
pub mod html;
pub mod markdown;
pub mod model;
pub mod pdf;
#[cfg(feature = "brochure-pdf")]
pub mod typeset;
pub mod typography;

use std::path::{Path, PathBuf};

pub use model::{Brochure, Piece};

use crate::corpus::reference::Reference;
use crate::corpus::{Corpus, slug};
use crate::index::search::{Hit, SearchOptions, Searcher, Sort};

#[derive(Debug, thiserror::Error)]
pub enum BrochureError {
    #[error("nothing to print: {0}")]
    Empty(String),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(transparent)]
    Basket(#[from] crate::corpus::basket::BasketError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Where the articles of a brochure come from.
#[derive(Debug, Clone)]
pub enum Selection {
    Basket(String),
    Query(String),
    Theme(String),
}

/// The formats a brochure is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The reading copy, page by page (A5 unless --paper a4).
    Pdf,
    /// The imposed booklet: A4 landscape, 2 pages a side, saddle-stitch order.
    Cahier,
    Html,
    Markdown,
    Epub,
    /// Every format.
    All,
}

/// An article chosen for a brochure, with the other places its text appeared.
#[derive(Debug, Clone)]
pub struct Selected {
    pub hit: Hit,
    /// URLs of its reprises (printed once, listed on the sources page).
    pub also: Vec<String>,
}

/// The articles of a selection: basket order, else oldest first; a text
/// selected under several reprises is kept once (its first place).
pub fn select(
    searcher: &Searcher,
    baskets_dir: &Path,
    selection: &Selection,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Vec<Selected>, BrochureError> {
    let mut hits = match selection {
        Selection::Basket(name) => {
            use crate::corpus::basket::{Basket, BasketError};
            let basket = match Basket::load(baskets_dir, name) {
                Err(BasketError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    let known = Basket::list(baskets_dir).unwrap_or_default();
                    let known = if known.is_empty() {
                        "there is none yet: fill one in the TUI with `b`".to_string()
                    } else {
                        format!("the baskets are: {}", known.join(", "))
                    };
                    return Err(BrochureError::Empty(format!("no basket named {name:?} ({known})")));
                }
                other => other?,
            };
            let hits = searcher.by_ids(&basket.articles)?;
            if hits.len() < basket.articles.len() {
                tracing::warn!(
                    "basket {name:?}: {} articles are not in the index (run `veille index`?)",
                    basket.articles.len() - hits.len()
                );
            }
            hits
        }
        Selection::Query(query) | Selection::Theme(query) => {
            let text = match selection {
                Selection::Theme(id) => format!("theme:{id}"),
                _ => query.clone(),
            };
            let total = searcher.num_docs() as usize;
            let options = SearchOptions {
                all_reprises: true,
                limit: total.max(1),
                sort: Sort::Date,
                snippets: false,
                ..Default::default()
            };
            let mut hits = searcher.search(&text, &options)?.hits;
            hits.reverse();
            hits
        }
    };
    if from.is_some() || to.is_some() {
        hits.retain(|h| {
            let Some(date) =
                h.published.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            else {
                return false;
            };
            from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t)
        });
    }
    if hits.is_empty() {
        let what = match selection {
            Selection::Basket(name) => format!("the basket {name:?} holds no article of the index"),
            Selection::Query(q) => format!("no article matches {q:?}"),
            Selection::Theme(t) => format!("no article in the theme {t:?}"),
        };
        let dates = if from.is_some() || to.is_some() { " in that date range" } else { "" };
        return Err(BrochureError::Empty(format!("{what}{dates}")));
    }
    let mut printed = std::collections::HashSet::new();
    let mut selected = Vec::with_capacity(hits.len());
    for hit in hits {
        let cluster = searcher.reprises().cluster_of(&hit.id);
        if !printed.insert(cluster[0].clone()) {
            continue;
        }
        let others: Vec<String> = cluster.into_iter().filter(|id| *id != hit.id).collect();
        let also = searcher.by_ids(&others)?.into_iter().filter_map(|h| h.url).collect();
        selected.push(Selected { hit, also });
    }
    Ok(selected)
}

/// Reads the articles of `hits` into a brochure.
pub fn assemble(corpus: &Corpus, selected: &[Selected], title: &str) -> Result<Brochure, BrochureError> {
    let mut articles = Vec::with_capacity(selected.len());
    for Selected { hit, also } in selected {
        let path = corpus.dir().join(&hit.path);
        let article = Corpus::read(&path).map_err(|e| BrochureError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        // The hit's name comes from sources.toml; the article's own name
        // or its id when the hit has none.
        let site = if hit.site_name.is_empty() {
            article.site_name.clone().unwrap_or_else(|| article.site.clone())
        } else {
            hit.site_name.clone()
        };
        // The sources page cites what `veille export --format csl-json` does.
        let reference = Reference::of(&article, &site, "", None);
        articles.push(Piece {
            id: reference.id,
            title: reference.title,
            subtitle: reference.subtitle,
            authors: article.authors.clone(),
            site: reference.container,
            published: reference.issued.map(|d| d.to_string()),
            url: reference.url,
            archived: reference.accessed.map(|d| d.to_string()),
            body: article.body.clone(),
            also: also.clone(),
        });
    }
    Ok(Brochure {
        title: title.to_string(),
        subtitle: None,
        collective: String::new(),
        date: chrono::Local::now().date_naive(),
        intro: None,
        articles,
        timeline: Vec::new(),
        lang: "fr".into(),
    })
}

/// Writes the brochure in `formats` into `dir`; returns the files written.
pub fn write(
    b: &Brochure,
    formats: &[Format],
    dir: &Path,
    paper: pdf::Paper,
    look: &pdf::Look,
) -> Result<Vec<PathBuf>, BrochureError> {
    let all = formats.contains(&Format::All);
    let wants = |f: Format| all || formats.contains(&f);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BrochureError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let stem = slug::slugify(&b.title, 60, "brochure");
    let mut written = Vec::new();
    let mut put = |name: String, bytes: &[u8]| -> Result<(), BrochureError> {
        let path = dir.join(name);
        crate::corpus::atomic::write_atomic(&path, bytes).map_err(io(&path))?;
        written.push(path);
        Ok(())
    };
    if wants(Format::Pdf) || wants(Format::Cahier) {
        let reading = pdf::page_par_page(b, paper, look)?;
        if wants(Format::Pdf) {
            put(format!("{stem}.pdf"), &reading.bytes)?;
        }
        if wants(Format::Cahier) {
            let cahier = pdf::cahier(&reading, &b.title, b.date)?;
            put(format!("{stem}-cahier.pdf"), &cahier.bytes)?;
        }
    }
    if wants(Format::Html) {
        put(format!("{stem}.html"), html::render(b).as_bytes())?;
    }
    if wants(Format::Markdown) {
        put(format!("{stem}.md"), markdown::render(b).as_bytes())?;
    }
    if wants(Format::Epub) {
        let bytes = epub::write(b).map_err(io(&dir.join(format!("{stem}.epub"))))?;
        put(format!("{stem}.epub"), &bytes)?;
    }
    Ok(written)
}
