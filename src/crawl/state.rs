//! What the crawler remembers between runs, in `corpus/state/crawl.redb`:
//! every URL it fetched (validators, when, what it gave), the frontier of
//! URLs found but not fetched yet, and the WARC files being written.
//!
//! The store is redb, an embedded transactional key-value store: a commit
//! is all or nothing, so a crawl killed at any instant finds on the next
//! run exactly the URLs whose page it had stored, and the frontier it had
//! not finished.

use std::path::{Path, PathBuf};

use redb::{Database, Durability, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::corpus::WarcRef;

const URLS: TableDefinition<&str, &[u8]> = TableDefinition::new("urls");
const FRONTIER: TableDefinition<&str, &[u8]> = TableDefinition::new("frontier");
const OPEN_WARCS: TableDefinition<&str, u64> = TableDefinition::new("open_warcs");

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: the crawl state is in use by another veille process")]
    Busy { path: PathBuf },
    #[error("{path}: crawl state: {message}")]
    Store { path: PathBuf, message: String },
}

/// What a URL is to the crawler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Robots,
    Feed,
    Sitemap,
    /// A page: an article or a listing of articles.
    Page,
    /// A PDF linked from a page.
    Document,
}

/// What the crawler knows of a URL it fetched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UrlState {
    /// The address fetched (the key is its canonical form).
    pub url: String,
    pub source: String,
    pub role: Option<Role>,
    /// Unix seconds of the last fetch that got an answer.
    pub fetched: i64,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// sha256 of the payload, to tell a changed page from a re-sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_sha256: Option<String>,
    /// Payload size, counted as saved when a conditional request gets a 304.
    #[serde(default)]
    pub size: u64,
    /// sha256 of the article body, to keep one text found at two URLs once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// The article this page gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc: Option<WarcRefState>,
    /// The sitemap's `<lastmod>` when last seen (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lastmod: Option<i64>,
    /// Where the address redirected to (for citations through redirects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected_to: Option<String>,
    /// Why the page gave no article, when it gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub depth: u32,
    /// For a page that gave no article (a listing): sha256 of the in-scope
    /// links it holds. Pages that stamp each answer with a nonce (SPIP's
    /// `data-ajax-env`) never come back byte for byte; their links do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links_sha256: Option<String>,
    /// A feed found on one of the site's pages (its `<link rel=alternate>`),
    /// read every run even when no page naming it is downloaded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub found_on_page: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarcRefState {
    pub file: String,
    pub offset: u64,
}

impl From<&WarcRef> for WarcRefState {
    fn from(r: &WarcRef) -> Self {
        WarcRefState { file: r.file.clone(), offset: r.offset }
    }
}

impl UrlState {
    /// Keeps what an earlier fetch of the same bytes gave (its article, where
    /// it was archived, its note): a server that ignores conditional requests
    /// and sends the same bytes again changes nothing.
    pub fn keep_outcome_of(&mut self, known: UrlState) {
        self.article = known.article;
        self.body_sha256 = known.body_sha256;
        self.warc = known.warc;
        self.note = known.note;
        self.links_sha256 = known.links_sha256;
    }
}

/// A URL waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub url: String,
    pub source: String,
    pub role: Role,
    pub depth: u32,
    /// For a document: the id of the article that links it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For a document: the text of the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Changes made together by one commit.
#[derive(Debug, Default)]
pub struct Changes {
    pub urls: Vec<(String, UrlState)>,
    pub enqueue: Vec<(String, Pending)>,
    pub done: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.urls.is_empty() && self.enqueue.is_empty() && self.done.is_empty()
    }
}

/// The crawl state of one home.
pub struct State {
    db: Database,
    path: PathBuf,
}

impl State {
    pub const FILE: &str = "crawl.redb";

    /// Opens (creating if needed) the state in `dir`.
    pub fn open(dir: &Path) -> Result<State, StateError> {
        let path = dir.join(Self::FILE);
        let err = |message: String| StateError::Store { path: path.clone(), message };
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        if !path.exists() {
            State::create(dir, &path)?;
        }
        match State::open_guarded(&path) {
            Err(StateError::Store { message, .. }) => {
                // The state is derived from the crawl: a file that cannot be
                // read (a bad sector, a torn copy) is kept aside, and the
                // crawl goes on as a first one would, its articles found
                // again under their ids; what is lost is one night's
                // conditional requests.
                let aside = dir.join(format!(
                    "{}.damaged-{}",
                    Self::FILE,
                    chrono::Utc::now().format("%Y%m%dT%H%M%S")
                ));
                std::fs::rename(&path, &aside).map_err(|e| err(e.to_string()))?;
                tracing::warn!(
                    "{}: the crawl state cannot be read ({message}); moved aside to {}, the crawl starts \
                     again from the feeds and sitemaps (nothing archived is lost)",
                    path.display(),
                    aside.display()
                );
                State::create(dir, &path)?;
                State::open_existing(&path)
            }
            other => other,
        }
    }

    /// Makes an empty store at `path`.
    fn create(dir: &Path, path: &Path) -> Result<(), StateError> {
        let err = |message: String| StateError::Store { path: path.to_path_buf(), message };
        // A store is made under a temporary name and renamed once whole,
        // so that a run killed while creating it leaves nothing half-made.
        let fresh = dir.join(format!("{}.new", Self::FILE));
        let _ = std::fs::remove_file(&fresh);
        let db = Database::create(&fresh).map_err(|e| err(e.to_string()))?;
        let txn = db.begin_write().map_err(|e| err(e.to_string()))?;
        {
            txn.open_table(URLS).map_err(|e| err(e.to_string()))?;
            txn.open_table(FRONTIER).map_err(|e| err(e.to_string()))?;
            txn.open_table(OPEN_WARCS).map_err(|e| err(e.to_string()))?;
        }
        txn.commit().map_err(|e| err(e.to_string()))?;
        drop(db);
        std::fs::rename(&fresh, path).map_err(|e| err(e.to_string()))?;
        crate::corpus::atomic::sync_dir(dir).map_err(|e| err(e.to_string()))?;
        Ok(())
    }

    /// [`State::open_existing`], a panic of the store's reader (redb 2.6
    /// asserts, rather than returns an error, on a file cut short) taken as
    /// the damage it is. The panic hook is silenced meanwhile: the warning
    /// the caller prints says what happened.
    fn open_guarded(path: &Path) -> Result<State, StateError> {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let opened = std::panic::catch_unwind(|| State::open_existing(path));
        std::panic::set_hook(hook);
        opened.unwrap_or_else(|_| {
            Err(StateError::Store { path: path.to_path_buf(), message: "the file is cut short".into() })
        })
    }

    /// Opens a store that exists, its tables made once, so that readers
    /// never meet a missing one.
    fn open_existing(path: &Path) -> Result<State, StateError> {
        let db = match Database::create(path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StateError::Busy { path: path.into() });
            }
            Err(e) => return Err(StateError::Store { path: path.into(), message: e.to_string() }),
        };
        let state = State { db, path: path.to_path_buf() };
        let txn = state.db.begin_write().map_err(|e| state.err(e))?;
        {
            txn.open_table(URLS).map_err(|e| state.err(e))?;
            txn.open_table(FRONTIER).map_err(|e| state.err(e))?;
            txn.open_table(OPEN_WARCS).map_err(|e| state.err(e))?;
        }
        txn.commit().map_err(|e| state.err(e))?;
        Ok(state)
    }

    fn err(&self, e: impl std::fmt::Display) -> StateError {
        StateError::Store { path: self.path.clone(), message: e.to_string() }
    }

    fn decode<T: for<'de> Deserialize<'de>>(&self, key: &str, bytes: &[u8]) -> Result<T, StateError> {
        serde_json::from_slice(bytes).map_err(|e| self.err(format!("entry {key:?}: {e}")))
    }

    /// What is known of `url`.
    pub fn url(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = txn.open_table(URLS).map_err(|e| self.err(e))?;
        match table.get(url).map_err(|e| self.err(e))? {
            Some(value) => Ok(Some(self.decode(url, value.value())?)),
            None => Ok(None),
        }
    }

    /// Where the archive holds the page of `url` (any variant of it), and
    /// the source it belongs to.
    pub fn archived(&self, url: &str) -> Result<Option<(WarcRefState, String)>, StateError> {
        let Some(known) = self.url(&crate::corpus::canonical::key(url))? else { return Ok(None) };
        Ok(known.warc.map(|at| (at, known.source)))
    }

    /// Every known URL of a source (all sources when `source` is None).
    pub fn urls(&self, source: Option<&str>) -> Result<Vec<(String, UrlState)>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = txn.open_table(URLS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(|e| self.err(e))? {
            let (k, v) = entry.map_err(|e| self.err(e))?;
            let state: UrlState = self.decode(k.value(), v.value())?;
            if source.is_none_or(|s| s == state.source) {
                out.push((k.value().to_string(), state));
            }
        }
        Ok(out)
    }

    /// Addresses that redirected: canonical key → the address reached.
    pub fn redirects(&self) -> Result<std::collections::HashMap<String, String>, StateError> {
        Ok(self.urls(None)?.into_iter().filter_map(|(k, s)| s.redirected_to.map(|t| (k, t))).collect())
    }

    /// URLs found and not fetched yet, of one source (all when None).
    pub fn frontier(&self, source: Option<&str>) -> Result<Vec<(String, Pending)>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = txn.open_table(FRONTIER).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(|e| self.err(e))? {
            let (k, v) = entry.map_err(|e| self.err(e))?;
            let pending: Pending = self.decode(k.value(), v.value())?;
            if source.is_none_or(|s| s == pending.source) {
                out.push((k.value().to_string(), pending));
            }
        }
        Ok(out)
    }

    /// Applies `changes` in one transaction. `durable` waits for the disk;
    /// otherwise the commit is atomic but may be lost to a power cut (not
    /// to a killed process) until the next durable one.
    pub fn commit(&self, changes: &Changes, durable: bool) -> Result<(), StateError> {
        let mut txn = self.db.begin_write().map_err(|e| self.err(e))?;
        txn.set_durability(if durable { Durability::Immediate } else { Durability::Eventual });
        {
            let mut urls = txn.open_table(URLS).map_err(|e| self.err(e))?;
            let mut frontier = txn.open_table(FRONTIER).map_err(|e| self.err(e))?;
            for (url, pending) in &changes.enqueue {
                let bytes = serde_json::to_vec(pending).expect("serialisable");
                frontier.insert(url.as_str(), bytes.as_slice()).map_err(|e| self.err(e))?;
            }
            for url in &changes.done {
                frontier.remove(url.as_str()).map_err(|e| self.err(e))?;
            }
            for (url, state) in &changes.urls {
                let bytes = serde_json::to_vec(state).expect("serialisable");
                urls.insert(url.as_str(), bytes.as_slice()).map_err(|e| self.err(e))?;
            }
        }
        txn.commit().map_err(|e| self.err(e))
    }

    /// Remembers that a WARC file is being written (durably, before any record).
    pub fn warc_opened(&self, name: &str) -> Result<(), StateError> {
        let txn = self.db.begin_write().map_err(|e| self.err(e))?;
        txn.open_table(OPEN_WARCS).map_err(|e| self.err(e))?.insert(name, 0).map_err(|e| self.err(e))?;
        txn.commit().map_err(|e| self.err(e))
    }

    /// Forgets WARC files that were closed cleanly.
    pub fn warcs_closed(&self, names: &[String]) -> Result<(), StateError> {
        let txn = self.db.begin_write().map_err(|e| self.err(e))?;
        {
            let mut table = txn.open_table(OPEN_WARCS).map_err(|e| self.err(e))?;
            for name in names {
                table.remove(name.as_str()).map_err(|e| self.err(e))?;
            }
        }
        txn.commit().map_err(|e| self.err(e))
    }

    /// WARC files a previous run left open (it was killed).
    pub fn open_warcs(&self) -> Result<Vec<String>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = txn.open_table(OPEN_WARCS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(|e| self.err(e))? {
            out.push(entry.map_err(|e| self.err(e))?.0.value().to_string());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_read_back_and_a_second_opener_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(dir.path()).unwrap();
        let mut changes = Changes::default();
        let page = || Pending {
            url: String::new(),
            source: "a".into(),
            role: Role::Page,
            depth: 1,
            parent: None,
            label: None,
        };
        changes.enqueue.push(("http://a.test/1".into(), page()));
        changes.enqueue.push(("http://a.test/2".into(), page()));
        state.commit(&changes, true).unwrap();
        let mut changes = Changes::default();
        changes.done.push("http://a.test/1".into());
        let fetched =
            UrlState { source: "a".into(), status: 200, etag: Some("\"x\"".into()), ..Default::default() };
        changes.urls.push(("http://a.test/1".into(), fetched.clone()));
        state.commit(&changes, false).unwrap();
        assert_eq!(state.url("http://a.test/1").unwrap(), Some(fetched));
        let frontier = state.frontier(Some("a")).unwrap();
        assert_eq!(frontier.len(), 1);
        assert_eq!(frontier[0].0, "http://a.test/2");
        assert!(state.frontier(Some("b")).unwrap().is_empty());
        assert!(matches!(State::open(dir.path()), Err(StateError::Busy { .. })));
        drop(state);
        assert!(State::open(dir.path()).is_ok());
    }

    #[test]
    fn a_damaged_state_is_moved_aside_and_the_crawl_starts_again() {
        for damage in ["garbage", "truncated", "empty"] {
            let dir = tempfile::tempdir().unwrap();
            let state = State::open(dir.path()).unwrap();
            let mut changes = Changes::default();
            let fetched = UrlState { source: "a".into(), status: 200, ..Default::default() };
            changes.urls.push(("http://a.test/1".into(), fetched));
            state.commit(&changes, false).unwrap();
            drop(state);
            let path = dir.path().join(State::FILE);
            let bytes = std::fs::read(&path).unwrap();
            match damage {
                "garbage" => std::fs::write(&path, vec![0x5a; bytes.len()]).unwrap(),
                "truncated" => std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap(),
                _ => std::fs::write(&path, b"").unwrap(),
            }
            let state = State::open(dir.path()).unwrap_or_else(|e| panic!("{damage}: {e}"));
            assert_eq!(state.url("http://a.test/1").unwrap(), None, "{damage}: a fresh state");
            let aside: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("crawl.redb.damaged-"))
                .collect();
            // An empty file holds nothing to keep: the store starts in it.
            let kept = if damage == "empty" { 0 } else { 1 };
            assert_eq!(aside.len(), kept, "{damage}: the damaged file is kept aside: {aside:?}");
        }
    }
}
