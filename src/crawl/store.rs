//! Where a crawl's results go, in an order that survives being killed at
//! any instant: raw answers are appended to the WARC file; the articles
//! extracted from them are written in batches; then the crawl state records
//! that these URLs are done. A batch is flushed as: WARC fsync → article
//! files (temp, one `syncfs`, renames) → state commit. A run killed before
//! the commit fetches the batch's URLs again on the next run; their
//! articles keep their ids and files, so nothing is lost or duplicated.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::corpus::{self, Article, Corpus, Outcome, WarcRef};

use super::state::{Changes, Pending, State, StateError, UrlState};
use crate::archive::warc::{self, Exchange, WarcWriter};

/// A batch is flushed after this many pages or this long, whichever first.
const BATCH_PAGES: usize = 64;
const BATCH_TIME: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Corpus(#[from] corpus::Error),
    /// A record could not be appended (the error names the file).
    #[error(transparent)]
    Warc(std::io::Error),
}

/// What the flushed batches did to the corpus.
#[derive(Debug, Default, Clone)]
pub struct Saved {
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// The articles created, in the order they were saved.
    pub created: Vec<NewArticle>,
}

/// An article a run added to the corpus, as a digest lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewArticle {
    pub id: String,
    pub title: String,
    pub site: String,
    pub published: Option<String>,
    pub url: Option<String>,
}

impl NewArticle {
    fn of(article: &Article) -> NewArticle {
        NewArticle {
            id: article.id.clone(),
            title: article.display_title(),
            site: article.site.clone(),
            published: article.published.map(|p| p.date().to_string()),
            url: article.url.clone(),
        }
    }
}

struct PendingArticle {
    article: Article,
    key: String,
    state: UrlState,
}

pub struct Store {
    state: State,
    warc: WarcWriter,
    warc_dir: std::path::PathBuf,
    warc_open: Option<String>,
    writer: corpus::Writer,
    /// Which article holds a body (by sha256), so that one text found at
    /// two URLs is kept once.
    bodies: HashMap<String, String>,
    articles: Vec<PendingArticle>,
    /// The URL (key) that gave each article of this run.
    claimed: HashMap<String, String>,
    changes: Changes,
    since: Instant,
    pub saved: Saved,
}

impl Store {
    /// Opens the state, repairs WARC files a killed run left open, and
    /// prepares a new WARC file for this run.
    pub fn open(
        state_dir: &std::path::Path,
        raw_dir: &std::path::Path,
        corpus: &Corpus,
        warc_bytes: u64,
    ) -> Result<Store, StoreError> {
        let state = State::open(state_dir)?;
        let left_open = state.open_warcs()?;
        for name in &left_open {
            let path = raw_dir.join(name);
            if path.exists() {
                match warc::repair(&path) {
                    Ok(0) => {}
                    Ok(cut) => tracing::info!(
                        "{}: removed {cut} bytes of a record cut by an interrupted run",
                        path.display()
                    ),
                    Err(e) => {
                        tracing::warn!("{}: cannot check after an interrupted run: {e}", path.display())
                    }
                }
            }
        }
        state.warcs_closed(&left_open)?;
        let mut bodies = HashMap::new();
        for (_, url) in state.urls(None)? {
            if let (Some(article), Some(sha)) = (url.article, url.body_sha256) {
                bodies.entry(sha).or_insert(article);
            }
        }
        let (writer, errors) = corpus.writer()?;
        for e in errors {
            tracing::warn!("{e}");
        }
        Ok(Store {
            state,
            warc: WarcWriter::new(raw_dir, WarcWriter::run_prefix(), warc_bytes),
            warc_dir: raw_dir.to_path_buf(),
            warc_open: None,
            writer,
            bodies,
            articles: Vec::new(),
            claimed: HashMap::new(),
            changes: Changes::default(),
            since: Instant::now(),
            saved: Saved::default(),
        })
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Appends an exchange to the WARC archive.
    pub fn archive(&mut self, exchange: &Exchange) -> Result<WarcRef, StoreError> {
        let at = self.warc.append(exchange).map_err(StoreError::Warc)?;
        if self.warc_open.as_deref() != Some(at.file.as_str()) {
            // A new file: the state must know it is open before anything
            // relies on it, so that a crash leaves it to be repaired.
            self.state.warc_opened(&at.file)?;
            if let Some(previous) = self.warc_open.replace(at.file.clone()) {
                self.state.warcs_closed(&[previous])?;
            }
        }
        Ok(at)
    }

    fn io_error(&self, source: std::io::Error) -> StoreError {
        StoreError::Io { path: self.warc_dir.display().to_string(), source }
    }

    /// The article file of `id` as it is now, if there is one.
    pub fn existing(&self, id: &str) -> Option<Article> {
        self.writer.path_of(id).and_then(|path| Corpus::read(&path).ok())
    }

    /// The article that already holds this body, if another one does.
    pub fn same_text(&self, body_sha256: &str, id: &str) -> Option<&str> {
        self.bodies.get(body_sha256).map(String::as_str).filter(|other| *other != id)
    }

    /// Queues an article for the next flush, with the state of its URL.
    /// Two addresses that name one article (their `rel=canonical` is the
    /// same) give it once a run: the first one met keeps it, so that its
    /// file does not flip between them from run to run.
    pub fn article(&mut self, key: String, article: Article, mut state: UrlState) {
        match self.claimed.get(&article.id) {
            Some(first) if *first != key => {
                state.note = Some(format!("same article as {first} (one canonical address)"));
                state.article = Some(article.id);
                self.changes.urls.push((key, state));
                return;
            }
            _ => {
                self.claimed.insert(article.id.clone(), key.clone());
            }
        }
        if let Some(sha) = &state.body_sha256 {
            self.bodies.entry(sha.clone()).or_insert_with(|| article.id.clone());
        }
        self.articles.push(PendingArticle { article, key, state });
    }

    /// Records what is known of a URL that gave no article.
    pub fn url(&mut self, key: String, state: UrlState) {
        self.changes.urls.push((key, state));
    }

    /// Adds URLs to the persistent frontier.
    pub fn enqueue(&mut self, key: String, pending: Pending) {
        self.changes.enqueue.push((key, pending));
    }

    /// Removes a URL from the persistent frontier.
    pub fn done(&mut self, key: String) {
        self.changes.done.push(key);
    }

    /// Flushes when the batch is big or old enough.
    pub fn maybe_flush(&mut self) -> Result<(), StoreError> {
        if self.articles.len() + self.changes.urls.len() >= BATCH_PAGES || self.since.elapsed() >= BATCH_TIME
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Makes everything queued durable, in the safe order.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.since = Instant::now();
        if self.articles.is_empty() && self.changes.is_empty() {
            return Ok(());
        }
        self.warc.sync().map_err(|e| self.io_error(e))?;
        let pending = std::mem::take(&mut self.articles);
        let (articles, rest): (Vec<Article>, Vec<(String, UrlState)>) =
            pending.into_iter().map(|p| (p.article, (p.key, p.state))).unzip();
        let described: Vec<NewArticle> = articles.iter().map(NewArticle::of).collect();
        let mut no_room = None;
        for ((result, (key, state)), described) in
            self.writer.save_all(articles).into_iter().zip(rest).zip(described)
        {
            let id = &described.id;
            match result {
                Ok(outcome) => {
                    match outcome {
                        Outcome::Created => {
                            self.saved.new += 1;
                            self.saved.created.push(described);
                        }
                        Outcome::Updated => self.saved.changed += 1,
                        Outcome::Unchanged => self.saved.unchanged += 1,
                    }
                    self.changes.urls.push((key, state));
                }
                Err(e) => {
                    // The URL stays in the frontier: the next run tries again.
                    self.changes.done.retain(|k| k != &key);
                    if e.is_shortage() {
                        no_room.get_or_insert(e);
                    } else {
                        self.saved.failed += 1;
                        tracing::warn!("article {id}: {e}");
                    }
                }
            }
        }
        let changes = std::mem::take(&mut self.changes);
        self.state.commit(&changes, true)?;
        // A full disk stops the crawl once what was written is recorded:
        // every later write would fail too.
        match no_room {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// Flushes and closes the run's WARC file.
    pub fn finish(mut self) -> Result<Saved, StoreError> {
        self.flush()?;
        let open = self.warc_open.take();
        let Store { warc, state, warc_dir, saved, .. } = self;
        warc.finish().map_err(|source| StoreError::Io { path: warc_dir.display().to_string(), source })?;
        if let Some(name) = open {
            state.warcs_closed(&[name])?;
        }
        Ok(saved)
    }
}
