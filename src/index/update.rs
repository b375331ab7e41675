//! Incremental indexing: bring the index in line with `corpus/articles/`.
//!
//! Each indexed document remembers its file's path, sha256, mtime and size.
//! A file whose mtime and size are unchanged is not even read (as git does);
//! one whose checksum is unchanged is not re-indexed; new and changed files
//! are (re)indexed and files that disappeared are removed. Everything lands
//! in one commit: readers see the old index or the new one, never a mix.
//! A file that cannot be read or parsed is reported and skipped.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

use rayon::prelude::*;
use tantivy::schema::Facet;
use tantivy::{DateTime, IndexWriter, TantivyDocument, TantivyError, Term};

use super::manifest::{self, Entry, Lookup};
use super::scan::{self, DirCache};
use super::{FORMAT, Fields, Index, IndexError, analyzer};
use crate::corpus::{Article, Corpus, sha256_hex};
use crate::language::Language;

/// Which file holds each id in a run: the first in path order. Keyed by
/// the id's 64-bit hash, and checked against the file on a hit: a million
/// ids and paths kept as strings weighed 165 MB.
#[derive(Default)]
struct Owners {
    by_key: HashMap<u64, usize>,
}

impl Owners {
    fn insert(&mut self, id: &str, position: usize) {
        self.by_key.insert(super::id_key(id), position);
    }

    /// The file holding `id`, if one of this run does.
    fn get(&self, id: &str, listing: &scan::Listing) -> Option<std::path::PathBuf> {
        let position = *self.by_key.get(&super::id_key(id))?;
        let path = listing.path(listing.files.get(position)?);
        // Two ids with one hash (about one chance in 10^8 at a million
        // ids) are told apart by the file's own id.
        Corpus::read(&path).is_ok_and(|article| article.id == id).then_some(path)
    }
}

/// Hands the heap's free pages back to the system. The documents and
/// tantivy's indexing arenas are freed once the segments are written, but
/// glibc keeps the pages in its per-thread arenas, where the clustering of
/// the reprises, which comes next, cannot use them: at a million articles
/// that counted hundreds of megabytes twice in the peak.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Files read at a time: enough to keep every core busy, few enough that
/// what they leave behind stays small.
const SCAN_CHUNK: usize = 4096;

/// Memory tantivy may use while indexing, across its threads.
const WRITER_MEMORY: usize = 256 << 20;

/// What an indexing run did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files that could not be indexed, with why.
    pub failed: Vec<String>,
    /// Bytes of article files read and indexed.
    pub bytes: u64,
    /// Whether the index was built from nothing.
    pub rebuilt: bool,
    /// What was wrong with the index when it was found damaged and built
    /// again from the corpus.
    pub healed: Option<String>,
}

/// The state of one corpus file compared with the index.
enum Scan {
    Unchanged { id: String },
    Changed { article: Box<Article>, meta: FileMeta, is_new: bool },
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
struct FileMeta {
    mtime: i64,
    size: u64,
}

impl From<&fs::Metadata> for FileMeta {
    fn from(meta: &fs::Metadata) -> FileMeta {
        FileMeta { mtime: scan::mtime_nanos(meta), size: meta.len() }
    }
}

/// Reads a file and the size and date of what was read: one path lookup
/// (a rebuild reads 82k files; looking each up twice cost a tenth of the
/// kernel's share).
fn read_with_meta(path: &Path) -> std::io::Result<(FileMeta, Vec<u8>)> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let meta = FileMeta::from(&file.metadata()?);
    let mut bytes = Vec::with_capacity(usize::try_from(meta.size).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes)?;
    Ok((meta, bytes))
}

/// Path of an article file as the index stores it: relative to `corpus/`.
fn relative(corpus: &Corpus, path: &Path) -> String {
    scan::relative(corpus.dir(), path)
}

/// What the index holds for each article file: its path relative to
/// `corpus/` → (id, sha256 of the whole file), as of the last commit.
/// `veille check --deep` compares it with the files.
pub fn indexed_files(index: &Index) -> Result<HashMap<String, (String, String)>, IndexError> {
    Ok(manifest::all(index)?.into_iter().map(|(path, entry)| (path, (entry.id, entry.sha256))).collect())
}

/// The path of an article file as the index stores it.
pub fn indexed_path(corpus: &Corpus, path: &Path) -> String {
    relative(corpus, path)
}

fn scan(path: &Path, known: Option<&Entry>) -> Scan {
    let failed = |e: std::io::Error| Scan::Failed(format!("{}: {e}", path.display()));
    if let Some(entry) = known {
        match fs::metadata(path) {
            Ok(meta) => {
                let meta = FileMeta::from(&meta);
                if entry.mtime == meta.mtime && entry.size == meta.size {
                    return Scan::Unchanged { id: entry.id.clone() };
                }
            }
            Err(e) => return failed(e),
        }
    }
    let (meta, bytes) = match read_with_meta(path) {
        Ok(read) => read,
        Err(e) => return failed(e),
    };
    let sha256 = sha256_hex(&bytes);
    if let Some(entry) = known
        && entry.sha256 == sha256
    {
        return Scan::Unchanged { id: entry.id.clone() };
    }
    match Corpus::parse(path, bytes) {
        Ok(mut article) => {
            // The checksum of the whole file, so that edits of the front matter count.
            article.sha256 = Some(sha256);
            Scan::Changed { article: Box::new(article), meta, is_new: known.is_none() }
        }
        Err(e) => Scan::Failed(e.to_string()),
    }
}

/// Characters of the body that make its lead.
const LEAD_CHARS: usize = 300;

/// The first sentences of a text, up to about [`LEAD_CHARS`] characters.
fn lead(body: &str) -> &str {
    crate::corpus::text::lead(body, LEAD_CHARS)
}

thread_local! {
    /// The analyzers of the languages other than French met by this
    /// indexing thread (each keeps a memo of the words it stemmed).
    static LANGUAGE_ANALYZERS: std::cell::RefCell<
        HashMap<Language, (tantivy::tokenizer::TextAnalyzer, tantivy::tokenizer::TextAnalyzer)>,
    > = Default::default();
}

/// The language an article is indexed in: its `lang` (settled when it was
/// extracted or imported, see [`crate::language::decide`]), else what its
/// text says (a file written before languages were), else French.
fn article_language(article: &Article, body: &str) -> Language {
    match article.lang.as_deref() {
        Some(code) => Language::from_code(code).unwrap_or(Language::French),
        None => crate::language::decide(None, &article.title, body, Language::French),
    }
}

/// The index document of an article whose body's plain text (and page
/// starts) `body` and `pages` are.
fn document(
    fields: &Fields,
    article: &Article,
    path: &str,
    meta: FileMeta,
    body: String,
    pages: &[(usize, u32)],
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &article.id);
    doc.add_u64(fields.id_key, super::id_key(&article.id));
    doc.add_text(fields.path, path);
    if let Some(url) = article.canonical_url.as_ref().or(article.url.as_ref()) {
        doc.add_text(fields.url, url);
    }
    doc.add_facet(fields.site, Facet::from_path([article.site.as_str()]));
    if let Some(name) = &article.site_name {
        doc.add_text(fields.site_name, name);
    }
    doc.add_facet(fields.kind, Facet::from_path([article.kind.as_str()]));
    let language = article_language(article, &body);
    doc.add_text(fields.lang, language.code());
    if language == Language::French {
        // French goes through the fields' own analyzers (registered on the index).
        for author in &article.authors {
            doc.add_text(fields.authors, author);
        }
        for tag in &article.tags {
            doc.add_text(fields.tags, tag);
        }
        doc.add_text(fields.title, &article.title);
        if let Some(subtitle) = &article.subtitle {
            doc.add_text(fields.subtitle, subtitle);
        }
        doc.add_text(fields.lead, lead(&body));
        doc.add_text(fields.body, body);
    } else {
        // Another language: its own analysis, its terms given ready-made
        // (tantivy stores such a value as its plain text).
        LANGUAGE_ANALYZERS.with_borrow_mut(|analyzers| {
            let (text, names) = analyzers
                .entry(language)
                .or_insert_with(|| (analyzer::of_language(language), analyzer::names_of(language)));
            for author in &article.authors {
                doc.add_pre_tokenized_text(fields.authors, analyzer::pre_tokenized(names, author));
            }
            for tag in &article.tags {
                doc.add_pre_tokenized_text(fields.tags, analyzer::pre_tokenized(text, tag));
            }
            doc.add_pre_tokenized_text(fields.title, analyzer::pre_tokenized(text, &article.title));
            if let Some(subtitle) = &article.subtitle {
                doc.add_pre_tokenized_text(fields.subtitle, analyzer::pre_tokenized(text, subtitle));
            }
            doc.add_pre_tokenized_text(fields.lead, analyzer::pre_tokenized(text, lead(&body)));
            doc.add_pre_tokenized_text(fields.body, analyzer::pre_tokenized(text, &body));
        });
    }
    if !pages.is_empty() {
        let pages: Vec<String> = pages.iter().map(|(at, page)| format!("{at}:{page}")).collect();
        doc.add_text(fields.pages, pages.join(" "));
    }
    if let Some(published) = article.published {
        doc.add_date(fields.published, DateTime::from_timestamp_secs(published.timestamp()));
    }
    doc.add_text(fields.sha256, article.sha256.as_deref().unwrap_or_default());
    doc.add_i64(fields.mtime, meta.mtime);
    doc.add_u64(fields.size, meta.size);
    for label in &article.annotations.labels {
        doc.add_text(fields.labels, label);
    }
    if let Some(note) = &article.annotations.note {
        doc.add_text(fields.note, note);
    }
    doc.add_u64(fields.read, u64::from(article.annotations.read));
    doc
}

/// Segments with more documents are not merged again (see [`writer`]).
const MAX_MERGED_DOCS: usize = 200_000;

fn writer(index: &Index) -> Result<IndexWriter, IndexError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let writer = index.tantivy().writer_with_num_threads(threads, WRITER_MEMORY).map_err(|e| match e {
        TantivyError::LockFailure(..) => IndexError::Busy,
        other => IndexError::Tantivy(other),
    })?;
    // A merge reads each input segment's document store whole (tantivy
    // stacks the compressed blocks): merging the big segments of a
    // million-article index held hundreds of megabytes at once. Segments
    // past this size stay as they are, so a merge reads at most that much
    // at a time; an archive of a few hundred thousand articles still ends
    // in a few segments, which searches do not notice.
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_MERGED_DOCS);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

/// How much of the corpus a run looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The directories whose mtime moved since the last run, and every file
    /// once the last full scan is a week old (see [`scan`]).
    #[default]
    Changed,
    /// Every file's mtime and size (`veille index --full`).
    AllFiles,
    /// Everything, into an empty index (`veille index --rebuild`).
    Rebuild,
}

/// Brings the index in `dir` up to date with `corpus`; `rebuild` starts from
/// nothing. `progress` is called with (files done, files in all).
pub fn update(
    corpus: &Corpus,
    dir: &Path,
    rebuild: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, IndexError> {
    let scope = if rebuild { Scope::Rebuild } else { Scope::Changed };
    update_with(corpus, dir, scope, true, progress)
}

/// [`update`] with a [`Scope`], with reprises or without: `veille bench
/// --reprises` times a rebuild without them to tell what they cost. Without
/// them, the reprises files are left as they were (stale until the next run
/// with them).
#[doc(hidden)]
pub fn update_with(
    corpus: &Corpus,
    dir: &Path,
    scope: Scope,
    with_reprises: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, IndexError> {
    let started = scan::now_nanos();
    let (index, opened) = Index::open_or_create(dir)?;
    let created = opened != super::Opened::Existing;
    let mut writer = writer(&index)?;
    let reprises_file = dir.join(super::REPRISES_FILE);
    let clusters_file = dir.join(super::CLUSTERS_FILE);
    // The directories that did not change since the last run are trusted
    // only when the cache is there, recent, and about this index.
    let previous = match scope {
        Scope::Changed if !created => {
            DirCache::load(dir).filter(|cache| cache.is_fresh(started / 1_000_000_000))
        }
        _ => None,
    };
    let mut listing = scan::walk(corpus.dir(), previous.as_ref(), started)?;
    tracing::debug!(
        "{:.2} s: {} directories listed",
        (scan::now_nanos() - started) as f64 / 1e9,
        listing.listed.len()
    );
    let nothing_moved = !listing.complete
        && listing.listed.is_empty()
        && listing.gone.is_empty()
        && previous.as_ref().is_some_and(|cache| cache.pending().is_empty());
    // The fingerprints of unchanged articles come from the saved file; when
    // it is missing, outdated or damaged, every article is read again. When
    // no directory moved, they are not even read (at a million articles,
    // reading them was most of a run with nothing to do).
    let mut reprises = None;
    // (The clusters file, which searches read, must still be readable.)
    let reprises_untouched = with_reprises
        && nothing_moved
        && reprises_file.is_file()
        && super::reprises::Clusters::load(&clusters_file).is_ok();
    if with_reprises && scope != Scope::Rebuild && !created && !reprises_untouched {
        match super::reprises::Reprises::load(&reprises_file) {
            Ok(loaded) => reprises = loaded,
            Err(e) => tracing::warn!(
                "{}: {e}; the index is rebuilt to fingerprint every article again",
                reprises_file.display()
            ),
        }
    }
    let rebuild =
        scope == Scope::Rebuild || created || (with_reprises && reprises.is_none() && !reprises_untouched);
    let healed = match opened {
        super::Opened::Healed(problem) => Some(problem),
        _ => None,
    };
    let mut report = Report { rebuilt: rebuild, healed, ..Report::default() };
    if rebuild && !listing.complete {
        listing = scan::walk(corpus.dir(), None, started)?;
    }
    let lookup = if listing.complete { None } else { Some(Lookup::new(&index)?) };
    let known: HashMap<String, Entry> = if rebuild {
        writer.delete_all_documents()?;
        HashMap::new()
    } else if let Some(lookup) = &lookup {
        // On all cores: each directory costs term lookups and dictionary reads.
        let found: Vec<Vec<(String, Entry)>> = listing
            .listed
            .par_iter()
            .chain(listing.gone.par_iter())
            .map(|dir| lookup.files_in(dir))
            .collect::<Result<_, _>>()?;
        let mut known: HashMap<String, Entry> = found.into_iter().flatten().collect();
        // Files that failed last time are looked at again, wherever they are.
        let listed: HashSet<&str> = listing.listed.iter().map(String::as_str).collect();
        let mut elsewhere = Vec::new();
        for rel in previous.as_ref().map_or(&[][..], |cache| cache.pending()) {
            if scan::in_dirs(rel, &listed) {
                continue;
            }
            if let Some(entry) = lookup.file(rel)? {
                known.insert(rel.clone(), entry);
            }
            let path = corpus.dir().join(rel);
            if path.is_file() {
                elsewhere.push(path);
            }
        }
        for path in elsewhere {
            listing.insert(&path);
        }
        known
    } else {
        manifest::all(&index)?
    };
    // The files come in path order (component by component, the order of
    // a walk sorted by name): the first of two files claiming one id keeps it.
    let total = listing.files.len();
    tracing::debug!("{:.2} s: {total} files to look at", (scan::now_nanos() - started) as f64 / 1e9);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let fields = index.fields();
    let mut known = known;
    // The files this run looks at again (only some directories were
    // listed): another file of the index holding an id is elsewhere.
    let examined: HashSet<String> =
        if lookup.is_some() { known.keys().cloned().collect() } else { HashSet::new() };

    // Two files claiming one id: the first (in path order) keeps it.
    let mut owner = Owners::default();
    // Files to look at again next run (they could not be indexed).
    let mut pending: Vec<String> = Vec::new();
    // Reprises: removals first, so that an id moving to another file stays.
    let mut removed_ids: Vec<String> = Vec::new();
    let mut fingerprinted: Vec<super::reprises::Entry> = Vec::new();
    // Files are read a chunk at a time, on all cores, and handed to
    // tantivy's own threads, which analyse and index them meanwhile; what
    // each file leaves behind is its path and id (a million of everything
    // else did not fit in a small machine's memory).
    for (number, chunk) in listing.files.chunks(SCAN_CHUNK).enumerate() {
        // Per file: its relative path, its id, its size when it was
        // (re)indexed, and then its body's fingerprint and date, for the reprises.
        type Print = Option<(super::reprises::Fingerprint, Option<i64>)>;
        type Scanned = (String, Result<(String, Option<u64>, Print), String>);
        let results: Vec<Scanned> = chunk
            .par_iter()
            .map(|file| {
                let path = &listing.path(file);
                let rel = relative(corpus, path);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n.is_multiple_of(1024) {
                    progress(n, total);
                }
                let outcome = match scan(path, known.get(&rel)) {
                    Scan::Unchanged { id } => Ok((id, None, None)),
                    Scan::Changed { article, meta, is_new } => {
                        if !is_new {
                            writer.delete_term(Term::from_field_text(fields.path, &rel));
                        }
                        let (text, pages) = crate::corpus::text::plain_text_with_pages(&article.body);
                        let print = with_reprises.then(|| {
                            (super::reprises::fingerprint(&text), article.published.map(|p| p.timestamp()))
                        });
                        // add_document only fails when the writer died, which commit reports.
                        let _ = writer.add_document(document(&fields, &article, &rel, meta, text, &pages));
                        Ok((article.id, Some(meta.size), print))
                    }
                    Scan::Failed(message) => Err(message),
                };
                (rel, outcome)
            })
            .collect();

        for (position, (rel, outcome)) in (number * SCAN_CHUNK..).zip(results) {
            let before = known.remove(&rel);
            match outcome {
                Ok((id, indexed_size, print)) => {
                    // The other file holding this id: one read this run, or, when
                    // only some directories were listed, one the index holds
                    // elsewhere (a term lookup, for the files that changed).
                    let first_here = owner.get(&id, &listing).map(|path| relative(corpus, &path));
                    let elsewhere = match (&lookup, indexed_size) {
                        (_, _) if first_here.is_some() => None,
                        (Some(lookup), Some(_)) if before.as_ref().is_none_or(|e| e.id != id) => {
                            lookup.path_of(&id)?.filter(|other| *other != rel && !examined.contains(other))
                        }
                        _ => None,
                    };
                    if let Some(first) = first_here.clone().or(elsewhere) {
                        if first_here.is_some() || Path::new(&first) < Path::new(&rel) {
                            report.failed.push(format!(
                                "{}: id {id:?} is already used by {}; not indexed",
                                corpus.dir().join(&rel).display(),
                                corpus.dir().join(&first).display()
                            ));
                            writer.delete_term(Term::from_field_text(fields.path, &rel));
                            if let Some(entry) = before {
                                removed_ids.push(entry.id);
                                report.removed += 1;
                            }
                            pending.push(rel);
                            continue;
                        }
                        // This file comes first: the other one gives the id up.
                        report.failed.push(format!(
                            "{}: id {id:?} is already used by {}; not indexed",
                            corpus.dir().join(&first).display(),
                            corpus.dir().join(&rel).display()
                        ));
                        writer.delete_term(Term::from_field_text(fields.path, &first));
                        pending.push(first);
                        report.removed += 1;
                    }
                    if let Some((print, published)) = print {
                        if let Some(old) = before.as_ref().filter(|e| e.id != id) {
                            removed_ids.push(old.id.clone());
                        }
                        fingerprinted.push((id.clone(), print, published));
                    }
                    match (indexed_size, &before) {
                        (Some(size), Some(_)) => {
                            report.updated += 1;
                            report.bytes += size;
                        }
                        (Some(size), None) => {
                            report.added += 1;
                            report.bytes += size;
                        }
                        (None, _) => report.unchanged += 1,
                    }
                    owner.insert(&id, position);
                }
                Err(message) => {
                    report.failed.push(message);
                    // A file that broke keeps no stale document behind.
                    if let Some(entry) = before {
                        writer.delete_term(Term::from_field_text(fields.path, &rel));
                        removed_ids.push(entry.id);
                        report.removed += 1;
                    }
                    pending.push(rel);
                }
            }
        }
    }
    // What is left of the index's files was not found: gone.
    for (rel, entry) in known.drain() {
        writer.delete_term(Term::from_field_text(fields.path, &rel));
        if owner.get(&entry.id, &listing).is_none() {
            removed_ids.push(entry.id);
        }
        report.removed += 1;
    }
    drop(owner);
    drop(listing.files);
    // The files of the directories that were not listed are as they were.
    if let Some(lookup) = &lookup {
        report.unchanged +=
            usize::try_from(lookup.len()).unwrap_or(usize::MAX).saturating_sub(examined.len());
    }
    progress(total, total);
    // The reprises are clustered and saved while tantivy's threads finish
    // their segments, and saved before the commit: a run killed in between
    // fingerprints the same files again next time (inserting an id again
    // replaces it).
    let save_reprises = || -> Result<(), IndexError> {
        if !with_reprises || reprises_untouched {
            return Ok(());
        }
        let reprises = match reprises {
            // Nothing came or went: the saved files are right as they are
            // (unless the clusters file cannot be read: it is written again).
            Some(_)
                if removed_ids.is_empty()
                    && fingerprinted.is_empty()
                    && clusters_file.exists()
                    && super::reprises::Clusters::load(&clusters_file).is_ok() =>
            {
                return Ok(());
            }
            Some(mut reprises) => {
                for id in &removed_ids {
                    reprises.remove(id);
                }
                for (id, print, published) in fingerprinted {
                    reprises.insert(&id, print, published);
                }
                reprises
            }
            None => super::reprises::Reprises::from_articles(fingerprinted),
        };
        reprises
            .save(&reprises_file)
            .map_err(|source| IndexError::Io { path: reprises_file.clone(), source })?;
        let clusters_file = dir.join(super::CLUSTERS_FILE);
        reprises
            .save_clusters(&clusters_file)
            .map_err(|source| IndexError::Io { path: clusters_file, source })?;
        // Fingerprints of versions before 3, in JSON.
        let _ = std::fs::remove_file(dir.join("reprises.json"));
        Ok(())
    };
    // One after the other, not side by side: tantivy's last segments and
    // the clustering of a million fingerprints at once took 1.5 GB.
    let since = |at: i64| (scan::now_nanos() - at) as f64 / 1e9;
    tracing::debug!("{:.2} s: files read; tantivy finishes its segments", since(started));
    let mut prepared = writer.prepare_commit()?;
    release_free_memory();
    tracing::debug!("{:.2} s: segments ready; reprises", since(started));
    save_reprises()?;
    tracing::debug!("{:.2} s: reprises saved", since(started));
    prepared.set_payload(FORMAT);
    prepared.commit()?;
    tracing::debug!("{:.2} s: committed", since(started));
    // After the commit: a cache that ran ahead of the index would hide files from it.
    if let Err(e) = listing.cache.save(dir, pending) {
        tracing::warn!("{}: {e}; the next run looks at every file", dir.join(scan::CACHE_FILE).display());
        DirCache::remove(dir);
    }
    writer.wait_merging_threads()?;
    tracing::debug!("{:.2} s: merges done", since(started));
    Ok(report)
}

/// Memory of the writer that re-indexes a few articles: tantivy's least.
const SMALL_WRITER_MEMORY: usize = 15 << 20;

/// Re-indexes the article files `paths` at once (their labels or note
/// changed), in one commit, without a scan of the corpus. Their bodies did
/// not change, so the reprises stay as they are. Returns false, doing
/// nothing, when there is no index of this version yet (the next search
/// builds it from the files, marks included).
pub fn reindex_files(corpus: &Corpus, dir: &Path, paths: &[&Path]) -> Result<bool, IndexError> {
    let index = match Index::open(dir) {
        Ok(index) => index,
        Err(IndexError::Missing(_) | IndexError::Outdated(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut writer: IndexWriter =
        index.tantivy().writer_with_num_threads(1, SMALL_WRITER_MEMORY).map_err(|e| match e {
            TantivyError::LockFailure(..) => IndexError::Busy,
            other => IndexError::Tantivy(other),
        })?;
    let fields = index.fields();
    for path in paths {
        let rel = relative(corpus, path);
        let (meta, bytes) =
            read_with_meta(path).map_err(|source| IndexError::Io { path: path.to_path_buf(), source })?;
        let sha256 = sha256_hex(&bytes);
        let mut article = Corpus::parse(path, bytes)?;
        article.sha256 = Some(sha256);
        let (text, pages) = crate::corpus::text::plain_text_with_pages(&article.body);
        writer.delete_term(Term::from_field_text(fields.path, &rel));
        writer.add_document(document(&fields, &article, &rel, meta, text, &pages))?;
    }
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(FORMAT);
    prepared.commit()?;
    writer.wait_merging_threads()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_ends_on_a_sentence() {
        let body = format!(
            "{} Deuxième phrase qui dépasse la limite. {}",
            "Une phrase. ".repeat(20),
            "x".repeat(400)
        );
        let lead = lead(&body);
        assert!(lead.ends_with('.'));
        assert!(lead.chars().count() <= LEAD_CHARS);
        assert_eq!(super::lead("Court."), "Court.");
        assert_eq!(super::lead(&"é".repeat(500)).chars().count(), LEAD_CHARS);
    }
}
