//! The corpus: article files under `corpus/articles/`, the record of the archive.
//!
//! This module owns where articles live on disk
//! (`articles/<site>/<yyyy>/<mm>/<slug>.md`), listing and reading them
//! (a broken file is reported, never fatal to a listing), and writing them
//! atomically without ever giving two articles the same file.

pub mod annotations;
mod article;
pub mod atomic;
pub mod basket;
pub mod canonical;
pub mod citations;
pub mod import;
pub mod markdown;
pub mod merge;
pub mod reference;
pub mod slug;
pub mod text;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use annotations::Annotations;
pub use article::{
    Article, DateError, FRENCH_MONTHS, FormatError, Kind, KindError, PubDate, WarcRef, canonical_body,
    id_from_url, sha256_hex,
};

/// A corpus error always names the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// A write the disk had no room for: a run stops at the first one.
    #[error("{} ({} to write): {source}", path.display(), crate::home::space::human_bytes(*bytes))]
    NoRoom { path: PathBuf, bytes: u64, source: io::Error },
    #[error("{}:{}: {}", path.display(), error.line, error.message)]
    Format { path: PathBuf, error: FormatError },
    #[error("{}: {message}", path.display())]
    Conflict { path: PathBuf, message: String },
}

impl Error {
    fn io(path: &Path, source: io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// A failed write of `bytes` to `path`.
    pub(crate) fn writing(path: &Path, bytes: usize, source: io::Error) -> Self {
        match crate::home::space::Shortage::of(&source) {
            Some(_) => Error::NoRoom { path: path.to_path_buf(), bytes: bytes as u64, source },
            None => Error::io(path, source),
        }
    }

    /// A full disk, a used-up quota or a failing device: every later
    /// write would fail too, so the run stops (see [`crate::home::space`]).
    pub fn is_shortage(&self) -> bool {
        match self {
            Error::NoRoom { .. } => true,
            Error::Io { source, .. } => crate::home::space::Shortage::of(source).is_some(),
            _ => false,
        }
    }
}

/// An article together with the file it was read from.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub path: PathBuf,
    pub article: Article,
}

/// What saving an article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// The `corpus/` directory of a home.
#[derive(Debug, Clone)]
pub struct Corpus {
    dir: PathBuf,
    catalog: Option<SharedCatalog>,
}

/// What a writer can learn of the corpus without reading every file (the
/// index knows which file holds each id it indexed, and which directories
/// changed since): at a million articles, reading every file's id took
/// longer than the import of a hundred articles it was for.
pub trait Catalog: Send + Sync {
    /// `None` when the catalog cannot help (no index yet): the writer then
    /// reads every file.
    fn survey(&self, corpus: &Corpus) -> Option<Survey>;
}

/// Which file holds an id, as a [`Catalog`] knows it.
pub type IdLookup = Box<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;

/// What a [`Catalog`] tells a writer.
pub struct Survey {
    /// The file of an id the catalog vouches for (its directory did not change).
    pub lookup: IdLookup,
    /// The article files it does not vouch for: the writer reads their ids.
    pub unknown: Vec<PathBuf>,
    /// Temporary files of unfinished writes met on the way.
    pub temporaries: Vec<PathBuf>,
}

#[derive(Clone)]
struct SharedCatalog(std::sync::Arc<dyn Catalog>);

impl std::fmt::Debug for SharedCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalog")
    }
}

impl Corpus {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Corpus { dir: dir.into(), catalog: None }
    }

    /// The same corpus, whose writers ask `catalog` before reading every file.
    pub fn with_catalog(self, catalog: std::sync::Arc<dyn Catalog>) -> Self {
        Corpus { catalog: Some(SharedCatalog(catalog)), ..self }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn articles_dir(&self) -> PathBuf {
        self.dir.join("articles")
    }

    /// Every article file, sorted by path. Temporary files (names starting
    /// with a dot) and non-`.md` files are not articles.
    pub fn article_paths(&self) -> Result<Vec<PathBuf>, Error> {
        self.walk(None)
    }

    /// The article files, and in `temporaries` (when given) the temporary
    /// files of unfinished writes met on the way: one walk for both.
    fn walk(&self, mut temporaries: Option<&mut Vec<PathBuf>>) -> Result<Vec<PathBuf>, Error> {
        let root = self.articles_dir();
        if !root.exists() {
            return Ok(Vec::new());
        }
        let mut paths = Vec::new();
        let walker = walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().filter_entry(|e| {
            e.depth() == 0
                || !e.file_name().to_string_lossy().starts_with('.')
                || (e.file_type().is_file() && atomic::is_temporary(e.path()))
        });
        for entry in walker {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&root).to_path_buf();
                Error::Io { path, source: e.into() }
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            if atomic::is_temporary(entry.path()) {
                if let Some(temporaries) = temporaries.as_deref_mut() {
                    temporaries.push(entry.into_path());
                }
            } else if entry.path().extension().is_some_and(|ext| ext == "md") {
                paths.push(entry.into_path());
            }
        }
        Ok(paths)
    }

    /// Reads one article file.
    pub fn read(path: &Path) -> Result<Article, Error> {
        let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
        Corpus::parse(path, bytes)
    }

    /// Parses the bytes of the article file at `path` (for errors).
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Article, Error> {
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            Error::Format {
                path: path.to_path_buf(),
                error: FormatError { line, message: "not valid UTF-8".into() },
            }
        })?;
        Article::parse(&text).map_err(|error| Error::Format { path: path.to_path_buf(), error })
    }

    /// Reads every article, in path order, on all cores. Files that cannot be
    /// read are returned apart so the caller can report them and go on.
    pub fn load(&self) -> Result<(Vec<StoredArticle>, Vec<Error>), Error> {
        let paths = self.article_paths()?;
        let results: Vec<_> = paths
            .into_par_iter()
            .map(|path| Corpus::read(&path).map(|article| StoredArticle { path, article }))
            .collect();
        let mut articles = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for result in results {
            match result {
                Ok(stored) => articles.push(stored),
                Err(e) => errors.push(e),
            }
        }
        Ok((articles, errors))
    }

    /// Finds an article by id, or by a unique id prefix of at least 4
    /// characters. Only ids are read from every file; the match is parsed.
    pub fn find(&self, id: &str) -> Result<Option<StoredArticle>, Error> {
        let paths = self.article_paths()?;
        let ids: Vec<(PathBuf, String)> =
            paths.into_par_iter().filter_map(|path| read_id(&path).ok().map(|found| (path, found))).collect();
        let found = match ids.iter().find(|(_, found)| found == id) {
            Some(exact) => Some(exact),
            None if id.len() >= 4 => {
                let mut matches = ids.iter().filter(|(_, found)| found.starts_with(id));
                match (matches.next(), matches.next()) {
                    (Some(one), None) => Some(one),
                    (Some(_), Some(_)) => {
                        return Err(Error::Conflict {
                            path: self.articles_dir(),
                            message: format!(
                                "id prefix {id:?} matches several articles; give more characters"
                            ),
                        });
                    }
                    _ => None,
                }
            }
            None => None,
        };
        match found {
            Some((path, _)) => Ok(Some(StoredArticle { path: path.clone(), article: Corpus::read(path)? })),
            None => Ok(None),
        }
    }

    /// Opens a writer, which needs to know which ids and files exist.
    pub fn writer(&self) -> Result<(Writer, Vec<Error>), Error> {
        Writer::open(self)
    }

    /// Where an article belongs: `articles/<site>/<yyyy>/<mm>/` (or
    /// `<site>/undated/`) and its slug, before collisions are resolved.
    fn home_of(&self, article: &Article) -> (PathBuf, String) {
        let mut dir = self.articles_dir();
        dir.push(slug::slugify(&article.site, 64, "site"));
        match &article.published {
            Some(date) => {
                let date = date.date();
                dir.push(format!("{:04}", chrono::Datelike::year(&date).clamp(0, 9999)));
                dir.push(format!("{:02}", chrono::Datelike::month(&date)));
            }
            None => dir.push("undated"),
        }
        let stem = if article.title.trim().is_empty() {
            // Untitled: the first words of the text name the file, else the id.
            let first_line = article.body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
            let fallback = slug::slugify(&article.id, slug::MAX_SLUG_LEN, "article");
            slug::slugify(first_line, slug::MAX_SLUG_LEN, &fallback)
        } else {
            slug::slugify(&article.title, slug::MAX_SLUG_LEN, "article")
        };
        (dir, stem)
    }
}

/// Reads the id of an article file cheaply: the `id = "…"` line when it is a
/// plain string, else a full parse.
fn read_id(path: &Path) -> Result<String, Error> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let quick = text.lines().skip(1).take_while(|l| l.trim_end() != "+++").find_map(|line| {
        let value = line.strip_prefix("id = \"")?.strip_suffix('"')?;
        (!value.contains(['\\', '"'])).then(|| value.to_string())
    });
    match quick {
        Some(id) => Ok(id),
        None => Article::parse(&text)
            .map(|a| a.id)
            .map_err(|error| Error::Format { path: path.to_path_buf(), error }),
    }
}

/// A temporary file this old is no run's work in progress: a batch is
/// written and renamed within seconds.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Saves articles into the corpus: one file per id, never two articles in one
/// file, an existing article's unknown keys kept.
pub struct Writer {
    corpus: Corpus,
    by_id: HashMap<String, PathBuf>,
    /// Files read or placed by this writer; with a catalog, other files
    /// exist that are not here (the disk is asked).
    taken: HashSet<PathBuf>,
    /// The catalog's lookup, for the ids of files this writer did not read.
    lookup: Option<IdLookup>,
    /// Next collision suffix to try per (dir, stem), so that thousands of
    /// equal titles do not cost a quadratic search.
    next_suffix: HashMap<PathBuf, u32>,
}

struct Placement {
    target: PathBuf,
    previous: Option<PathBuf>,
}

impl Writer {
    fn open(corpus: &Corpus) -> Result<(Writer, Vec<Error>), Error> {
        let survey = corpus.catalog.as_ref().and_then(|catalog| catalog.0.survey(corpus));
        let (paths, temporaries, lookup) = match survey {
            Some(survey) => (survey.unknown, survey.temporaries, Some(survey.lookup)),
            None => {
                let mut temporaries = Vec::new();
                let paths = corpus.walk(Some(&mut temporaries))?;
                (paths, temporaries, None)
            }
        };
        let removed = atomic::remove_abandoned(&temporaries, ABANDONED_AFTER);
        if removed > 0 {
            tracing::info!("removed {removed} temporary files left by an interrupted run");
        }
        let ids: Vec<_> = paths.par_iter().map(|p| read_id(p)).collect();
        let mut writer = Writer {
            corpus: corpus.clone(),
            by_id: HashMap::with_capacity(paths.len()),
            taken: HashSet::with_capacity(paths.len()),
            lookup,
            next_suffix: HashMap::new(),
        };
        let mut errors = Vec::new();
        for (path, id) in paths.into_iter().zip(ids) {
            match id {
                Ok(id) => {
                    if let Some(first) = writer.by_id.get(&id) {
                        errors.push(Error::Conflict {
                            path: path.clone(),
                            message: format!("id {id:?} is also used by {}", first.display()),
                        });
                    } else {
                        writer.by_id.insert(id, path.clone());
                    }
                }
                Err(e) => errors.push(e),
            }
            writer.taken.insert(path);
        }
        Ok((writer, errors))
    }

    /// The file of an article already in the corpus.
    pub fn path_of(&self, id: &str) -> Option<PathBuf> {
        self.by_id.get(id).cloned().or_else(|| self.lookup.as_ref().and_then(|lookup| lookup(id)))
    }

    /// Chooses the file for `article`: its existing file if it stays in the
    /// same directory (so paths are stable when a title is corrected), else a
    /// fresh name in the right directory.
    fn place(&mut self, article: &Article) -> Placement {
        let (dir, stem) = self.corpus.home_of(article);
        let previous = self.path_of(&article.id);
        if let Some(prev) = &previous
            && prev.parent() == Some(dir.as_path())
        {
            return Placement { target: prev.clone(), previous };
        }
        let key = dir.join(&stem);
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(1);
        let target = loop {
            let name = if n == 1 { format!("{stem}.md") } else { format!("{stem}-{n}.md") };
            let candidate = dir.join(name);
            n += 1;
            // `taken` holds every article file found when the writer opened,
            // unless a catalog spared it the reading: then the disk knows.
            if !self.taken.contains(&candidate) && (self.lookup.is_none() || !candidate.exists()) {
                break candidate;
            }
        };
        self.next_suffix.insert(key, n);
        self.taken.insert(target.clone());
        self.by_id.insert(article.id.clone(), target.clone());
        Placement { target, previous }
    }

    /// Saves one article durably.
    pub fn save(&mut self, article: Article) -> Result<Outcome, Error> {
        self.save_all(vec![article]).pop().expect("one result per article")
    }

    /// Saves many articles with one filesystem flush. Results are in input order.
    pub fn save_all(&mut self, articles: Vec<Article>) -> Vec<Result<Outcome, Error>> {
        self.stage_all(articles).commit()
    }

    /// Writes the new contents of many articles to temporary files, where
    /// nobody sees them until [`Staging::commit`]. The writer's bookkeeping
    /// already counts them, so the next batch can be staged while this one
    /// commits on another thread (an import does).
    pub fn stage_all(&mut self, articles: Vec<Article>) -> Staging {
        let mut seen = HashSet::with_capacity(articles.len());
        let planned: Vec<_> = articles
            .into_iter()
            .map(|article| {
                if !seen.insert(article.id.clone()) {
                    return Err(Error::Conflict {
                        path: self.corpus.articles_dir(),
                        message: format!("id {:?} given twice in one batch", article.id),
                    });
                }
                let placement = self.place(&article);
                Ok((article, placement))
            })
            .collect();
        let prepared: Vec<Result<Prepared, Error>> = planned
            .into_par_iter()
            .map(|planned| {
                let (article, placement) = planned?;
                prepare(article, placement)
            })
            .collect();
        let mut batch = atomic::Batch::new(self.corpus.dir());
        let mut results = Vec::with_capacity(prepared.len());
        let mut marks = Vec::new();
        for result in prepared {
            results.push(result.map(|(outcome, staged, read)| {
                if let Some(staged) = staged {
                    if let Some(read) = read {
                        marks.push((batch.len(), read));
                    }
                    batch.push(staged);
                }
                outcome
            }));
        }
        Staging { articles_dir: self.corpus.articles_dir(), batch, results, marks }
    }
}

/// Articles written to temporary files, waiting to be put in place.
/// Dropping it removes the temporary files: no article changes.
#[must_use = "nothing is saved until the staging is committed"]
pub struct Staging {
    articles_dir: PathBuf,
    batch: atomic::Batch,
    results: Vec<Result<Outcome, Error>>,
    /// Staged articles that carry the marks their file had when it was
    /// read, by their index in `batch`: checked again at the commit.
    marks: Vec<(usize, MarksRead)>,
}

/// The collective's marks an article took from its file, and the file as
/// it was then: when `veille tag` rewrites the file between the staging and
/// the commit, the commit takes the marks again (see [`Staging::commit`]).
struct MarksRead {
    file: PathBuf,
    seen: Option<FileStamp>,
    article: Box<Article>,
}

/// What tells that a file was replaced: inode, size, modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    inode: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(FileStamp { inode, len: meta.len(), modified: meta.modified().ok() })
    }
}

impl Staging {
    /// Puts the staged files in place with one flush before and one after.
    /// Results are in the order the articles were given; when the commit
    /// fails, every article it would have written gets the error.
    ///
    /// Under the marks' lock (`corpus/state/annotations.lock`, which `veille
    /// tag` holds while it rewrites a file), an article whose file changed
    /// since it was read gets the marks the file has now: a label given
    /// while a crawl or an import was writing the article is kept.
    pub fn commit(self) -> Vec<Result<Outcome, Error>> {
        let Staging { articles_dir, mut batch, mut results, marks } = self;
        let lock_path = articles_dir.parent().unwrap_or(&articles_dir).join("state/annotations.lock");
        // No lock (a full disk, a read-only state directory): the write
        // goes on; only a tag given at this very moment could be lost.
        let _lock =
            if marks.is_empty() { None } else { crate::home::lock::FileLock::acquire(&lock_path).ok() };
        for (index, read) in marks {
            if FileStamp::of(&read.file) == read.seen {
                continue;
            }
            let Ok(now) = Corpus::read(&read.file) else { continue };
            if now.annotations != read.article.annotations {
                let article = Article { annotations: now.annotations, ..*read.article };
                if let Err(e) = batch.restage(index, article.to_file_string().as_bytes()) {
                    tracing::warn!("{}: {e}", read.file.display());
                }
            }
        }
        if let Err(e) = batch.commit() {
            let message = e.to_string();
            for result in &mut results {
                if matches!(result, Ok(Outcome::Created | Outcome::Updated)) {
                    *result = Err(Error::Io {
                        path: articles_dir.clone(),
                        source: io::Error::new(e.kind(), message.clone()),
                    });
                }
            }
        }
        results
    }
}

/// What staging one article gave: its outcome, its staged file, and the
/// marks it took from its file.
type Prepared = (Outcome, Option<atomic::Staged>, Option<MarksRead>);

/// Merges with the existing file (its unknown keys survive) and stages the
/// new content, or reports that nothing changed.
fn prepare(mut article: Article, placement: Placement) -> Result<Prepared, Error> {
    let mut outcome = Outcome::Created;
    let mut old_text = None;
    let mut marks_from = None;
    if let Some(prev) = &placement.previous {
        let seen = FileStamp::of(prev);
        let text = fs::read_to_string(prev).map_err(|e| Error::io(prev, e))?;
        let existing = Article::parse(&text).map_err(|error| Error::Format { path: prev.clone(), error })?;
        let mut extra = existing.extra;
        if article.kind == Kind::Document {
            // How a document was read is said afresh by each reading: the
            // status of a scan read before tesseract was installed goes.
            extra.remove("status");
            extra.remove("ocr");
        }
        extra.extend(std::mem::take(&mut article.extra));
        article.extra = extra;
        // The collective's marks are the collective's: a crawl or an
        // import writing the article again keeps them.
        if article.annotations.is_empty() {
            article.annotations = existing.annotations;
            marks_from = Some((prev.clone(), seen));
        }
        outcome = Outcome::Updated;
        old_text = Some(text);
    }
    let text = article.to_file_string();
    if placement.previous.as_ref() == Some(&placement.target) && old_text.as_deref() == Some(text.as_str()) {
        return Ok((Outcome::Unchanged, None, None));
    }
    let staged = atomic::stage(&placement.target, text.as_bytes(), placement.previous)
        .map_err(|e| Error::writing(&placement.target, text.len(), e))?;
    let read = marks_from.map(|(file, seen)| MarksRead { file, seen, article: Box::new(article) });
    Ok((outcome, Some(staged), read))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, date: Option<&str>) -> Article {
        let mut a = Article::new(id, "site", title);
        a.published = date.map(|d| PubDate::parse(d).unwrap());
        a.body = format!("Corps de {id}.");
        a
    }

    #[test]
    fn articles_are_filed_by_site_and_month() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        assert_eq!(w.save(article("1", "L’eau", Some("2025-03-11"))).unwrap(), Outcome::Created);
        assert_eq!(w.save(article("2", "Sans date", None)).unwrap(), Outcome::Created);
        let paths: Vec<_> = corpus
            .article_paths()
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(paths, ["articles/site/2025/03/l-eau.md", "articles/site/undated/sans-date.md"]);
    }

    #[test]
    fn equal_titles_get_distinct_files_and_saving_again_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        for id in ["a", "b", "c"] {
            assert_eq!(w.save(article(id, "Même titre", Some("2025-01-01"))).unwrap(), Outcome::Created);
        }
        assert_eq!(corpus.article_paths().unwrap().len(), 3);
        // A new writer (a new run) finds each id in its own file.
        let (mut w, errors) = corpus.writer().unwrap();
        assert!(errors.is_empty());
        for id in ["a", "b", "c"] {
            assert_eq!(w.save(article(id, "Même titre", Some("2025-01-01"))).unwrap(), Outcome::Unchanged);
        }
        let mut changed = article("b", "Même titre", Some("2025-01-01"));
        changed.body = "Nouveau corps.".into();
        assert_eq!(w.save(changed).unwrap(), Outcome::Updated);
        let (articles, _) = corpus.load().unwrap();
        assert_eq!(articles.len(), 3);
        assert_eq!(articles.iter().find(|s| s.article.id == "b").unwrap().article.body, "Nouveau corps.");
    }

    #[test]
    fn an_article_that_changes_month_moves_and_keeps_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("a", "Titre", Some("2025-01-01"))).unwrap();
        let path = corpus.article_paths().unwrap().pop().unwrap();
        let text = fs::read_to_string(&path).unwrap().replacen("+++\n\n", "lu = true\n+++\n\n", 1);
        fs::write(&path, text).unwrap();
        let (mut w, _) = corpus.writer().unwrap();
        assert_eq!(w.save(article("a", "Titre", Some("2024-06-01"))).unwrap(), Outcome::Updated);
        let (articles, _) = corpus.load().unwrap();
        assert_eq!(articles.len(), 1);
        assert!(articles[0].path.ends_with("site/2024/06/titre.md"));
        assert_eq!(articles[0].article.extra.get("lu"), Some(&toml::Value::Boolean(true)));
    }

    #[test]
    fn writing_an_article_again_keeps_the_collective_s_marks() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("a", "Titre", Some("2025-01-01"))).unwrap();
        let path = corpus.article_paths().unwrap().pop().unwrap();
        let (_, changed) = annotations::annotate(&path, dir.path(), |marks| {
            marks.labels.insert("à-lire".into());
            marks.set_note("Pour la revue.");
        })
        .unwrap();
        assert!(changed);
        let (mut w, _) = corpus.writer().unwrap();
        let mut again = article("a", "Titre corrigé", Some("2025-01-01"));
        again.body = "Corps changé.".into();
        assert_eq!(w.save(again).unwrap(), Outcome::Updated);
        let back = Corpus::read(&path).unwrap();
        assert_eq!(back.annotations.note.as_deref(), Some("Pour la revue."));
        assert!(back.annotations.labels.contains("à-lire"));
    }

    #[test]
    fn a_label_given_while_an_article_is_being_written_again_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("a", "Titre", Some("2025-01-01"))).unwrap();
        let path = corpus.article_paths().unwrap().pop().unwrap();
        let mut again = article("a", "Titre", Some("2025-01-01"));
        again.body = "Corps réécrit par le crawl.".into();
        let staging = w.stage_all(vec![again]);
        // `veille tag` between the crawl's read and its rename.
        annotations::annotate(&path, &dir.path().join("state"), |m| {
            m.labels.insert("à-lire".into());
        })
        .unwrap();
        assert!(staging.commit()[0].is_ok());
        let back = Corpus::read(&path).unwrap();
        assert_eq!(back.body, "Corps réécrit par le crawl.");
        assert!(back.annotations.labels.contains("à-lire"), "{back:?}");
    }

    #[test]
    fn a_broken_file_is_reported_and_the_rest_listed() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("a", "Bon", None)).unwrap();
        let broken = corpus.articles_dir().join("site/undated/casse.md");
        fs::write(&broken, "+++\nid = \"b\"\ntitle = [\n+++\n").unwrap();
        fs::write(corpus.articles_dir().join("site/undated/.veille-x.tmp"), "partial").unwrap();
        let (articles, errors) = corpus.load().unwrap();
        assert_eq!(articles.len(), 1);
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(message.contains("casse.md:"), "{message}");
    }

    #[test]
    fn opening_a_writer_removes_abandoned_temporary_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("a", "Bon", None)).unwrap();
        let undated = corpus.articles_dir().join("site/undated");
        let (old, young) = (undated.join(".veille-vieux.tmp"), undated.join(".veille-jeune.tmp"));
        let hidden = undated.join(".notes-perso.tmp");
        for path in [&old, &young, &hidden] {
            fs::write(path, "partiel").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for path in [&old, &hidden] {
            fs::File::options().write(true).open(path).unwrap().set_modified(two_hours_ago).unwrap();
        }
        let (_, errors) = corpus.writer().unwrap();
        assert!(errors.is_empty());
        assert!(!old.exists(), "an hour-old temporary file is gone");
        assert!(young.exists(), "a young one may be another run's");
        assert!(hidden.exists(), "other hidden files are not ours");
        assert_eq!(corpus.article_paths().unwrap().len(), 1);
    }

    #[test]
    fn find_by_id_or_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let (mut w, _) = corpus.writer().unwrap();
        w.save(article("abcdef12", "Un", None)).unwrap();
        w.save(article("abcdff34", "Deux", None)).unwrap();
        assert_eq!(corpus.find("abcdef12").unwrap().unwrap().article.title, "Un");
        assert_eq!(corpus.find("abcdf").unwrap().unwrap().article.title, "Deux");
        assert!(corpus.find("abcd").is_err());
        assert!(corpus.find("zzzz").unwrap().is_none());
    }
}
