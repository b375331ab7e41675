//! Crash-safe writes: a file is either its old content or its new one.
//!
//! One file: write a temporary file in the same directory, fsync it, rename it
//! over the target, fsync the directory. Many files (an import): stage all
//! temporary files, flush the filesystem once, rename them all, flush again;
//! the same guarantee for a fraction of the fsyncs.
//!
//! A file written here gets the mode any program would give it, 0666 less
//! the umask (0644 under umask 022, 0664 under 002, so that a collective's
//! members share a home), and a file it replaces keeps the mode it had (a
//! member's `chmod` survives the nightly update). Nothing veille writes holds
//! a secret.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

/// Prefix of temporary files; listings skip names starting with a dot.
const TEMP_PREFIX: &str = ".veille-";

/// A temporary file in `dir` for `target`, with the mode `target` will have:
/// that of the file it replaces (`target`, else `replaces`), or 0666 less
/// the umask. (A temporary file is otherwise made 0600, and a rename keeps it.)
fn temp_in(dir: &Path, target: &Path, replaces: Option<&Path>) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode asked at creation, less the umask, as open(2) does.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    let previous = fs::metadata(target).or_else(|e| replaces.map_or(Err(e), fs::metadata));
    if let Ok(previous) = previous {
        temp.as_file().set_permissions(previous.permissions())?;
    }
    Ok(temp)
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Makes the directory entries of `dir` (creations, renames) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically and durably, creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(path);
    fs::create_dir_all(dir)?;
    let mut temp = temp_in(dir, path, None)?;
    // Written through the `File`: NamedTempFile's own `Write` adds the
    // temporary name to errors, which says nothing to a person.
    temp.as_file_mut().write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// [`write_atomic`] for a file too large to build in memory first: `fill`
/// writes the temporary file (and may seek in it).
pub fn write_atomic_with<T>(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<T>) -> io::Result<T> {
    let dir = parent(path);
    fs::create_dir_all(dir)?;
    let mut temp = temp_in(dir, path, None)?;
    let value = fill(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)?;
    Ok(value)
}

/// A file written to its temporary name, waiting for [`Batch::commit`].
#[derive(Debug)]
pub struct Staged {
    temp: TempPath,
    target: PathBuf,
    /// A file the target replaces under another name (an article that moved).
    replaces: Option<PathBuf>,
}

/// Writes the temporary file for `target` without syncing it; call from any thread.
pub fn stage(target: &Path, bytes: &[u8], replaces: Option<PathBuf>) -> io::Result<Staged> {
    let dir = parent(target);
    let mut temp = match temp_in(dir, target, replaces.as_deref()) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir)?;
            temp_in(dir, target, replaces.as_deref())?
        }
        other => other?,
    };
    temp.as_file_mut().write_all(bytes)?;
    if !cfg!(target_os = "linux") {
        // Without syncfs(2) each file is flushed on its own.
        temp.as_file().sync_all()?;
    }
    Ok(Staged { temp: temp.into_temp_path(), target: target.to_path_buf(), replaces })
}

/// Staged files of one filesystem, committed together.
#[derive(Debug)]
pub struct Batch {
    /// Any path on the filesystem being written, for syncfs(2).
    anchor: PathBuf,
    staged: Vec<Staged>,
}

impl Batch {
    pub fn new(anchor: impl Into<PathBuf>) -> Self {
        Batch { anchor: anchor.into(), staged: Vec::new() }
    }

    pub fn push(&mut self, staged: Staged) {
        self.staged.push(staged);
    }

    pub fn len(&self) -> usize {
        self.staged.len()
    }

    /// Writes the `index`th staged file again with `bytes` before the
    /// commit (an article whose marks changed since it was staged).
    pub fn restage(&mut self, index: usize, bytes: &[u8]) -> io::Result<()> {
        let Some(staged) = self.staged.get(index) else { return Ok(()) };
        let mut file = File::create(&staged.temp)?;
        file.write_all(bytes)?;
        if !cfg!(target_os = "linux") {
            file.sync_all()?;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Flushes the staged contents, renames each into place, removes the files
    /// they replace, and flushes the renames. On error, files not yet renamed
    /// keep their old content and the temporary files are removed.
    pub fn commit(self) -> io::Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        sync_filesystem(&self.anchor)?;
        let mut dirs = HashSet::new();
        for staged in self.staged {
            staged.temp.persist(&staged.target).map_err(|e| e.error)?;
            dirs.insert(parent(&staged.target).to_path_buf());
            if let Some(old) = staged.replaces.filter(|old| *old != staged.target) {
                match fs::remove_file(&old) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                dirs.insert(parent(&old).to_path_buf());
            }
        }
        if cfg!(target_os = "linux") {
            sync_filesystem(&self.anchor)
        } else {
            dirs.iter().try_for_each(|dir| sync_dir(dir))
        }
    }
}

/// Whether `path` is one of our temporary files (hidden from listings).
pub fn is_temporary(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp"))
}

/// Removes those of the temporary files `candidates` that were last written
/// more than `age` ago: left behind by a run that was killed or lost power
/// between writing them and renaming them. Younger ones may belong to a run
/// still going and are left alone. Returns how many were removed.
pub fn remove_abandoned(candidates: &[PathBuf], age: std::time::Duration) -> usize {
    let now = std::time::SystemTime::now();
    let abandoned = |path: &&PathBuf| {
        is_temporary(path)
            && fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|elapsed| elapsed > age)
    };
    candidates
        .iter()
        .filter(abandoned)
        .filter(|path| match fs::remove_file(path) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("{}: could not remove this abandoned temporary file: {e}", path.display());
                false
            }
        })
        .count()
}

/// Flushes every dirty file of the filesystem holding `anchor` (one syscall
/// for a whole batch); elsewhere than Linux each file was already synced.
fn sync_filesystem(anchor: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let file = File::open(anchor)?;
        // SAFETY: syncfs only reads the descriptor, which `file` keeps open.
        if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = anchor;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.md");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> =
            fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["file.md"]);
    }

    #[test]
    fn staged_files_are_invisible_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.md");
        fs::write(&old, "old").unwrap();
        let target = dir.path().join("x/new.md");
        let mut batch = Batch::new(dir.path());
        batch.push(stage(&target, b"new", Some(old.clone())).unwrap());
        assert!(!target.exists(), "nothing visible before commit");
        batch.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert!(!old.exists(), "the replaced file is removed");
    }

    #[test]
    fn abandoned_temporary_files_are_removed_and_recent_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("site/undated");
        fs::create_dir_all(&sub).unwrap();
        let old = sub.join(".veille-abandonne.tmp");
        let recent = sub.join(".veille-en-cours.tmp");
        let article = sub.join("article.md");
        for path in [&old, &recent, &article] {
            fs::write(path, "x").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for path in [&old, &article] {
            File::options().write(true).open(path).unwrap().set_modified(two_hours_ago).unwrap();
        }
        let candidates = [old.clone(), recent.clone(), article.clone()];
        assert_eq!(remove_abandoned(&candidates, std::time::Duration::from_secs(3600)), 1);
        assert!(!old.exists());
        assert!(recent.exists() && article.exists());
    }

    #[test]
    fn dropped_batch_removes_its_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.md");
        let mut batch = Batch::new(dir.path());
        batch.push(stage(&target, b"x", None).unwrap());
        drop(batch);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
