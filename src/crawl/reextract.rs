//! `veille reextract`: the articles made again from the raw archive with
//! the current extractor, without the network. Each page the crawler
//! archived is read back from its WARC record and extracted; an article
//! file changes only where the extractor's output changed.

use std::path::Path;

use serde::Serialize;

use super::scope::Scope;
use super::state::{Role, State, StateError};
use crate::archive;
use crate::config::sources::Source;
use crate::corpus::{self, Corpus, Outcome, PubDate, WarcRef};
use crate::extract;

#[derive(Debug, thiserror::Error)]
pub enum ReextractError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Corpus(#[from] corpus::Error),
    #[error("no source with id {0:?} in sources.toml")]
    UnknownSource(String),
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Archived pages read again.
    pub pages: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Pages that are no article (listings…), as before or now.
    pub not_articles: u64,
    /// Records missing or unreadable.
    pub failed: u64,
}

/// Extracts again every archived page of `sources` (one source when `only`).
pub fn reextract(
    corpus: &Corpus,
    state_dir: &Path,
    raw_dir: &Path,
    sources: &[Source],
    only: Option<&str>,
    max_body: u64,
    pdf_limits: &extract::pdf::Limits,
) -> Result<Report, ReextractError> {
    if let Some(id) = only
        && !sources.iter().any(|s| s.id == id)
    {
        return Err(ReextractError::UnknownSource(id.to_string()));
    }
    let state = State::open(state_dir)?;
    let (mut writer, errors) = corpus.writer()?;
    for e in errors {
        tracing::warn!("{e}");
    }
    let mut report = Report::default();
    let mut batch = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (_, known) in state.urls(only)? {
        let (Some(Role::Page | Role::Document), Some(at)) = (known.role, &known.warc) else { continue };
        if known.note.as_deref().is_some_and(|n| n.starts_with("same text as")) {
            continue;
        }
        let Some(source) = sources.iter().find(|s| s.id == known.source) else { continue };
        report.pages += 1;
        let page = match archive::read_page(raw_dir, &at.file, at.offset, max_body) {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!("{e}");
                report.failed += 1;
                continue;
            }
        };
        let archive::ArchivedPage { url, content_type, body } = page;
        let existing =
            known.article.as_ref().and_then(|id| writer.path_of(id)).and_then(|p| Corpus::read(&p).ok());
        let fetched = chrono::DateTime::from_timestamp(known.fetched, 0)
            .map(|d| PubDate::DateTime(d.fixed_offset()))
            .expect("a unix time in range");
        let warc_ref = WarcRef { file: at.file.clone(), offset: at.offset };
        if extract::document::is_document(&body) {
            let extracted = extract::pdf::worker::extract(&body, pdf_limits);
            let parent = existing.as_ref().and_then(|a| a.extra.get("parent")).and_then(|p| p.as_str());
            let link = extract::pdf::Link {
                parent,
                label: existing.as_ref().map(|a| a.title.as_str()),
                ..Default::default()
            };
            let mut article = extracted.into_article(&source.id, url.as_str(), &link);
            crate::language::settle(&mut article, Some(&source.lang), super::source_language(source));
            article.fetched = existing.as_ref().and_then(|a| a.fetched).or(Some(fetched));
            article.warc = existing.as_ref().and_then(|a| a.warc.clone()).or(Some(warc_ref));
            if let Some(existing) = &existing {
                // The linking page's date and authors were the fallbacks of the crawl.
                article.published = article.published.or(existing.published);
                if article.authors.is_empty() {
                    article.authors = existing.authors.clone();
                }
            }
            article.sha256 = Some(article.body_sha256());
            if let Some(id) = &known.article {
                article.id = id.clone();
            }
            if ids.insert(article.id.clone()) {
                batch.push(article);
            }
            if batch.len() >= BATCH {
                save(&mut writer, std::mem::take(&mut batch), &mut report)?;
            }
            continue;
        }
        let options = extract::Options {
            url: Some(url.as_str()),
            content_type: content_type.as_deref(),
            profile: source.profile,
            selectors: source.selectors.as_ref(),
        };
        let Ok(extracted) = extract::extract(&body, &options) else {
            // A page that gave an article keeps it: data is never dropped here.
            report.not_articles += 1;
            continue;
        };
        let mut article =
            super::article_from(extracted, source, &Scope::new(source), &url, Some(warc_ref), fetched);
        // Keep the article where it is: the id the crawl gave it, its first
        // fetch date, the documents the crawl found on it.
        if let Some(id) = &known.article {
            if let Some(existing) = existing {
                article.fetched = existing.fetched.or(article.fetched);
                article.warc = existing.warc.or(article.warc);
                if let Some(documents) = existing.extra.get("documents") {
                    article.extra.insert("documents".into(), documents.clone());
                }
            }
            article.id = id.clone();
        }
        if ids.insert(article.id.clone()) {
            batch.push(article);
        }
        if batch.len() >= BATCH {
            save(&mut writer, std::mem::take(&mut batch), &mut report)?;
        }
    }
    save(&mut writer, batch, &mut report)?;
    Ok(report)
}

/// Articles saved per filesystem flush (and held in memory at once).
const BATCH: usize = 512;

/// Saves a batch; a full disk ends the run (every later write would fail
/// too) once the batch's other articles are counted. Running it again
/// completes the work: articles already rewritten come out unchanged.
fn save(
    writer: &mut corpus::Writer,
    batch: Vec<corpus::Article>,
    report: &mut Report,
) -> Result<(), corpus::Error> {
    let mut no_room = None;
    for result in writer.save_all(batch) {
        match result {
            Ok(Outcome::Created) => report.new += 1,
            Ok(Outcome::Updated) => report.changed += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(e) if e.is_shortage() => {
                no_room.get_or_insert(e);
            }
            Err(e) => {
                tracing::warn!("{e}");
                report.failed += 1;
            }
        }
    }
    no_room.map_or(Ok(()), Err)
}
