//! Which parts of `corpus/articles/` may have changed since the last index
//! run, without listing or stat-ing a million files.
//!
//! A directory's mtime changes whenever a name in it is created, removed or
//! renamed, so a directory whose mtime is the one seen by the last run holds
//! no new, renamed or deleted file (the trick of git's untracked cache).
//! The cache, `index/directories.json`, remembers each directory's mtime and
//! its subdirectories; a run stats the directories only (a few hundred for a
//! million articles), lists those that changed, and leaves the others.
//!
//! What it does not see: a file rewritten in place (same name, so the
//! directory's mtime does not move) by a program that does not write a new
//! file and rename it. veille itself, git, `sed -i`, vim and most editors
//! rename; `nano` and some IDEs rewrite in place. So a run stats every file
//! when the cache is missing or unreadable, when the last such full scan is
//! older than [`FULL_SCAN_DAYS`] days, and with `veille index --full`.
//!
//! A directory seen changing within [`RACY_NANOS`] of the run is listed
//! again next time whatever its mtime: a file created in the same clock tick
//! as the listing would leave the mtime as it was (git's "racy" entries).
//! Files that could not be indexed (unreadable, broken front matter, an id
//! another file has) are remembered and looked at again on every run, so
//! their warning repeats until they are fixed, as it did before the cache.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::corpus::atomic;

/// The cache file, next to the index (derived like it).
pub const CACHE_FILE: &str = "directories.json";
/// Written in the cache; another value means the cache is not used.
const VERSION: u32 = 1;
/// Days after which a run stats every file again, to see files rewritten in place.
pub const FULL_SCAN_DAYS: i64 = 7;
/// A directory whose mtime is this close to the run's start is listed again
/// next run (two seconds: far above any filesystem's timestamp granularity).
pub const RACY_NANOS: i64 = 2_000_000_000;

/// What the last run saw of the directories.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DirCache {
    version: u32,
    /// When every file was last stat-ed (Unix seconds).
    full_scan_at: i64,
    /// Directory (relative to `corpus/`, `/`-separated) → what was seen.
    dirs: BTreeMap<String, CachedDir>,
    /// Files (relative to `corpus/`) that could not be indexed: looked at again every run.
    #[serde(default)]
    pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedDir {
    /// The directory's mtime in nanoseconds when it was listed; 0: list it again.
    mtime: i64,
    /// Its subdirectories' names, sorted.
    subdirs: Vec<String>,
}

impl DirCache {
    /// Reads the cache; `None` when it is missing, of another version, or
    /// unreadable (the run then stats every file and writes a new one).
    pub fn load(index_dir: &Path) -> Option<DirCache> {
        let path = index_dir.join(CACHE_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!("{}: {e}; every article file is looked at", path.display());
                return None;
            }
        };
        match serde_json::from_slice::<DirCache>(&bytes) {
            Ok(cache) if cache.version == VERSION => Some(cache),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!("{}: {e}; every article file is looked at", path.display());
                None
            }
        }
    }

    /// Whether the last full scan is recent enough to trust unchanged directories.
    pub fn is_fresh(&self, now: i64) -> bool {
        now - self.full_scan_at < FULL_SCAN_DAYS * 86_400 && now >= self.full_scan_at
    }

    /// Files that could not be indexed last time.
    pub fn pending(&self) -> &[String] {
        &self.pending
    }

    /// Writes the cache atomically; the files in `pending` are looked at again next run.
    pub fn save(mut self, index_dir: &Path, pending: Vec<String>) -> io::Result<()> {
        self.pending = pending;
        self.pending.sort();
        self.pending.dedup();
        let bytes = serde_json::to_vec(&self).map_err(io::Error::other)?;
        atomic::write_atomic(&index_dir.join(CACHE_FILE), &bytes)
    }

    /// Forgets the cache on disk (the index is being rebuilt or healed).
    pub fn remove(index_dir: &Path) {
        let _ = fs::remove_file(index_dir.join(CACHE_FILE));
    }
}

/// An article file of a [`Listing`]: its directory (by number) and name.
/// A million absolute paths took 210 MB; this takes a third.
#[derive(Debug, Clone)]
pub struct FileRef {
    dir: u32,
    name: Box<str>,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Listing {
    /// The directories the files are in.
    dirs: Vec<PathBuf>,
    /// Article files of the directories listed, in path order (the order a
    /// full walk sorted by name gives): see [`Listing::path`].
    pub files: Vec<FileRef>,
    /// Directories listed (relative to `corpus/`): those that changed, or all of them.
    pub listed: Vec<String>,
    /// Directories of the cache that are gone.
    pub gone: Vec<String>,
    /// Temporary files of unfinished writes met in the directories listed.
    pub temporaries: Vec<PathBuf>,
    /// Whether every directory was listed.
    pub complete: bool,
    /// The cache to save once the index is committed.
    pub cache: DirCache,
}

impl Listing {
    /// The absolute path of a file of the listing.
    pub fn path(&self, file: &FileRef) -> PathBuf {
        self.dirs[file.dir as usize].join(&*file.name)
    }

    /// Every file's absolute path, in path order.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|file| self.path(file)).collect()
    }

    /// Adds a file found elsewhere, where path order puts it.
    pub fn insert(&mut self, path: &Path) {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
        let at = match self.files.binary_search_by(|file| self.path(file).as_path().cmp(path)) {
            Ok(_) => return,
            Err(at) => at,
        };
        let file = FileRef { dir: self.dir_number(dir), name: name.to_string_lossy().into() };
        self.files.insert(at, file);
    }

    fn dir_number(&mut self, dir: &Path) -> u32 {
        self.dirs.push(dir.to_path_buf());
        u32::try_from(self.dirs.len() - 1).expect("fewer than 4 billion directories")
    }
}

/// Nanoseconds since the epoch of a time (0 before it).
fn nanos(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64)
}

/// A file's or directory's mtime in nanoseconds (0 when unknown), as the
/// index and the cache store it.
pub fn mtime_nanos(meta: &fs::Metadata) -> i64 {
    meta.modified().map_or(0, nanos)
}

/// Now, in nanoseconds since the epoch.
pub fn now_nanos() -> i64 {
    nanos(SystemTime::now())
}

/// The path of `path` relative to `base`, `/`-separated.
pub fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Walks `corpus/articles/`: lists every directory when `previous` is
/// `None`, else only those whose mtime moved since `previous` (and reuses
/// the others' subdirectories). `started` is the run's start in
/// nanoseconds (for racy directories).
pub fn walk(
    corpus_dir: &Path,
    previous: Option<&DirCache>,
    started: i64,
) -> Result<Listing, crate::corpus::Error> {
    let root = corpus_dir.join("articles");
    let mut listing = Listing {
        complete: previous.is_none(),
        cache: DirCache {
            version: VERSION,
            full_scan_at: match previous {
                Some(cache) => cache.full_scan_at,
                None => started / 1_000_000_000,
            },
            ..DirCache::default()
        },
        ..Listing::default()
    };
    if root.is_dir() {
        visit(corpus_dir, &root, previous, started, &mut listing)?;
    }
    if let Some(previous) = previous {
        listing.gone =
            previous.dirs.keys().filter(|dir| !listing.cache.dirs.contains_key(*dir)).cloned().collect();
    }
    Ok(listing)
}

fn visit(
    corpus_dir: &Path,
    dir: &Path,
    previous: Option<&DirCache>,
    started: i64,
    listing: &mut Listing,
) -> Result<(), crate::corpus::Error> {
    let io_error =
        |path: &Path, source: io::Error| crate::corpus::Error::Io { path: path.to_path_buf(), source };
    let rel = relative(corpus_dir, dir);
    // The mtime is read before the listing: a name added after this stat
    // moves it, and the next run lists the directory again.
    let mtime = mtime_nanos(&fs::metadata(dir).map_err(|e| io_error(dir, e))?);
    let racy = mtime == 0 || mtime >= started - RACY_NANOS;
    let cached = previous.and_then(|cache| cache.dirs.get(&rel)).filter(|c| c.mtime == mtime && c.mtime != 0);
    let subdirs = match cached {
        Some(cached) => cached.subdirs.clone(),
        None => {
            listing.listed.push(rel.clone());
            let mut names: Vec<(String, bool)> = Vec::new();
            let mut has_temporaries = false;
            for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
                let entry = entry.map_err(|e| io_error(dir, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| io_error(&path, e))?;
                if kind.is_file() && atomic::is_temporary(&path) {
                    listing.temporaries.push(path);
                    has_temporaries = true;
                } else if name.starts_with('.') {
                    continue;
                } else if kind.is_dir() {
                    names.push((name, true));
                } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "md") {
                    names.push((name, false));
                }
            }
            // Sorted by name, files and directories together, and visited in
            // that order, as a walk sorted by file name does: "first in path
            // order" names the same file whether a run lists one directory or all.
            names.sort();
            let subdirs: Vec<String> =
                names.iter().filter(|(_, is_dir)| *is_dir).map(|(n, _)| n.clone()).collect();
            // A temporary file will be renamed or removed: look again next run.
            let mtime = if racy || has_temporaries { 0 } else { mtime };
            listing.cache.dirs.insert(rel, CachedDir { mtime, subdirs });
            let number = listing.dir_number(dir);
            for (name, is_dir) in names {
                if is_dir {
                    visit(corpus_dir, &dir.join(name), previous, started, listing)?;
                } else {
                    listing.files.push(FileRef { dir: number, name: name.into() });
                }
            }
            return Ok(());
        }
    };
    listing
        .cache
        .dirs
        .insert(rel, CachedDir { mtime: if racy { 0 } else { mtime }, subdirs: subdirs.clone() });
    for name in &subdirs {
        let child = dir.join(name);
        match fs::symlink_metadata(&child) {
            Ok(meta) if meta.is_dir() => visit(corpus_dir, &child, previous, started, listing)?,
            // Cannot happen without the parent's mtime moving, unless the
            // clock or a copy lies: the directory is gone.
            _ => {}
        }
    }
    Ok(())
}

/// The directory part of a file path relative to `corpus/`.
pub fn parent_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Whether `rel` (a file relative to `corpus/`) is in one of `dirs`.
pub fn in_dirs(rel: &str, dirs: &HashSet<&str>) -> bool {
    dirs.contains(parent_of(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x").unwrap();
    }

    /// Moves a directory's mtime into the past, so that it is not racy.
    fn age(dir: &Path) {
        let old = SystemTime::now() - std::time::Duration::from_secs(60);
        fs::File::open(dir).unwrap().set_modified(old).unwrap();
    }

    #[test]
    fn unchanged_directories_are_not_listed_and_changed_ones_are() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path();
        let a = corpus.join("articles/a/2024/01");
        let b = corpus.join("articles/b/2024/02");
        write(&a.join("un.md"));
        write(&b.join("deux.md"));
        for dir in ["articles", "articles/a", "articles/a/2024", "articles/a/2024/01", "articles/b"] {
            age(&corpus.join(dir));
        }
        age(&corpus.join("articles/b/2024"));
        age(&b);

        let first = walk(corpus, None, now_nanos()).unwrap();
        assert!(first.complete);
        assert_eq!(first.files.len(), 2);
        assert_eq!(first.listed.len(), 7);

        let second = walk(corpus, Some(&first.cache), now_nanos()).unwrap();
        assert!(second.files.is_empty() && second.listed.is_empty() && second.gone.is_empty());

        // A new file moves its directory's mtime: that directory alone is listed.
        write(&b.join("trois.md"));
        let third = walk(corpus, Some(&second.cache), now_nanos()).unwrap();
        assert_eq!(third.listed, vec!["articles/b/2024/02"]);
        assert_eq!(third.paths(), vec![b.join("deux.md"), b.join("trois.md")]);
        // Just changed: racy, listed again next time.
        let fourth = walk(corpus, Some(&third.cache), now_nanos()).unwrap();
        assert_eq!(fourth.listed, vec!["articles/b/2024/02"]);

        // A removed directory is reported gone.
        fs::remove_dir_all(corpus.join("articles/a/2024")).unwrap();
        let fifth = walk(corpus, Some(&fourth.cache), now_nanos()).unwrap();
        assert!(fifth.listed.contains(&"articles/a".to_string()));
        assert_eq!(fifth.gone, vec!["articles/a/2024", "articles/a/2024/01"]);
    }

    #[test]
    fn files_come_in_the_order_of_a_walk_sorted_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path();
        for path in [
            "articles/s/b.md",
            "articles/s/a/z.md",
            "articles/s/c/y.md",
            "articles/s/a.md",
            "articles/s/a0.md",
        ] {
            write(&corpus.join(path));
        }
        let mut listing = walk(corpus, None, now_nanos()).unwrap();
        listing.insert(&corpus.join("articles/s/a0.md"));
        let rel: Vec<_> = listing.paths().iter().map(|p| relative(corpus, p)).collect();
        let mut walked: Vec<String> = walkdir::WalkDir::new(corpus.join("articles"))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| relative(corpus, e.path()))
            .collect();
        assert_eq!(rel, walked);
        walked.sort();
        assert_eq!(rel.len(), 5);
    }

    #[test]
    fn a_cache_from_another_version_or_damaged_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(DirCache::load(tmp.path()).is_none());
        fs::write(tmp.path().join(CACHE_FILE), "{not json").unwrap();
        assert!(DirCache::load(tmp.path()).is_none());
        let cache = DirCache { version: VERSION, full_scan_at: 5, ..DirCache::default() };
        cache.save(tmp.path(), vec!["b".into(), "a".into(), "a".into()]).unwrap();
        let loaded = DirCache::load(tmp.path()).unwrap();
        assert_eq!(loaded.pending(), ["a", "b"]);
        assert!(loaded.is_fresh(5 + 86_400));
        assert!(!loaded.is_fresh(5 + FULL_SCAN_DAYS * 86_400));
    }
}
