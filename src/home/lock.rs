//! One writer at a time in a home: `update`, `crawl`, `index` and
//! `reextract` take an advisory lock on `corpus/state/lock` (flock(2)).
//! The kernel releases it when the process dies, however it dies, so a
//! stale lock cannot exist; the file only tells the next comer who holds it.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the home is busy: {holder} (lock {path}); try again later, or use --wait")]
    Busy { path: PathBuf, holder: String },
    #[error("{path}: cannot lock: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// Held while a command writes in the home; released on drop or death.
#[derive(Debug)]
pub struct HomeLock {
    file: File,
}

impl Drop for HomeLock {
    fn drop(&mut self) {
        // Say nobody holds it any more (the kernel drops the lock itself).
        let _ = self.file.set_len(0);
    }
}

fn flock(file: &File, wait: bool) -> io::Result<bool> {
    let mode = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
    loop {
        // SAFETY: flock on a file descriptor we own; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), mode) };
        if rc == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => return Ok(false),
            _ => return Err(e),
        }
    }
}

impl HomeLock {
    /// Takes the lock in `state_dir` for `command`; waits for it when `wait`.
    pub fn acquire(state_dir: &Path, command: &str, wait: bool) -> Result<HomeLock, LockError> {
        let path = state_dir.join("lock");
        let io_err = |source| LockError::Io { path: path.clone(), source };
        std::fs::create_dir_all(state_dir).map_err(io_err)?;
        let opened = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path);
        // A lock file another member made, that this one may not write
        // (umask 022): flock(2) works on a file open for reading.
        let mut file = match opened {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => File::open(&path).map_err(io_err)?,
            other => other.map_err(io_err)?,
        };
        if !flock(&file, false).map_err(io_err)? {
            if !wait {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder =
                    if holder.is_empty() { "another veille process".to_string() } else { holder.to_string() };
                return Err(LockError::Busy { path, holder });
            }
            tracing::info!("waiting for the home lock ({})", path.display());
            flock(&file, true).map_err(io_err)?;
        }
        let who = format!(
            "veille {command} (pid {}) running since {}",
            std::process::id(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        );
        // Who holds it, for the next taker's message (when it may be written).
        if file.set_len(0).is_ok() {
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            file.write_all(who.as_bytes()).map_err(io_err)?;
        }
        Ok(HomeLock { file })
    }
}

/// A short-held lock on one file, waited for: the article marks' edits
/// (`veille tag`, `veille note`, the TUI) take it around each
/// read-modify-write, which lasts milliseconds, so that they never have to
/// wait for a crawl holding the [`HomeLock`].
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock on `path` (created when missing), waiting for it.
    pub fn acquire(path: &Path) -> io::Result<FileLock> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let opened = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path);
        let file = match opened {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => File::open(path)?,
            other => other?,
        };
        flock(&file, true)?;
        Ok(FileLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = HomeLock::acquire(dir.path(), "update", false).unwrap();
        let err = HomeLock::acquire(dir.path(), "index", false).unwrap_err().to_string();
        assert!(err.contains("veille update (pid") && err.contains("busy"), "{err}");
        drop(held);
        assert!(HomeLock::acquire(dir.path(), "index", false).is_ok());
    }
}
