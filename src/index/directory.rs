//! The index directory as searches open it: tantivy's memory-mapped
//! directory, except for the document store, which is read with `pread`.
//!
//! A search reads the stored fields of its hits (title, body for the
//! snippet…): over a session, nearly every block of the store. Mapped, each
//! block read stays resident in the process (the TUI's memory doubled);
//! read into a buffer, it is decompressed and dropped, and the file stays
//! in the kernel's page cache, shared and reclaimable. Postings, term
//! dictionaries and fast fields stay mapped: they are small and hot.
//!
//! Writes go through it too: its atomic writes keep files readable by
//! the home's group (see [`Directory::atomic_write`] below).

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle,
    WritePtr,
};

/// [`MmapDirectory`] with `.store` files read by `pread`.
#[derive(Clone, Debug)]
pub struct SearchDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
}

impl SearchDirectory {
    pub fn open(root: &Path) -> Result<SearchDirectory, tantivy::TantivyError> {
        let mmap = MmapDirectory::open_with_madvice(root, tantivy::directory::Advice::Random)
            .map_err(tantivy::TantivyError::from)?;
        Ok(SearchDirectory { mmap, root: root.to_path_buf() })
    }
}

/// A file read with `pread`, range by range.
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let mut buffer = vec![0u8; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for SearchDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if path.extension().is_some_and(|e| e == "store") {
            let full = self.root.join(path);
            let io = |e: io::Error| match e.kind() {
                io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
                _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
            };
            let file = File::open(&full).map_err(io)?;
            let len = file.metadata().map_err(io)?.len() as usize;
            return Ok(Arc::new(ReadFile { file, len }));
        }
        self.mmap.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    /// `meta.json` and `.managed.json` as veille writes every file (see
    /// [`crate::corpus::atomic`]): tantivy's own writes leave them 0600, and
    /// the other members of a collective could not open the index.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        crate::corpus::atomic::write_atomic(&self.root.join(path), data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.mmap.acquire_lock(lock) {
            Err(LockError::IoError(e)) if e.kind() == io::ErrorKind::PermissionDenied => {
                // A member of the collective who may read the index but not
                // write the lock file another member made (umask 022): a
                // reader's lock is taken on the file open for reading, as
                // flock(2) allows.
                use std::os::fd::AsRawFd;
                let file = File::open(self.root.join(&lock.filepath)).map_err(LockError::wrap_io_error)?;
                let operation = if lock.is_blocking { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
                loop {
                    // SAFETY: flock on a descriptor this function owns.
                    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
                        return Ok(DirectoryLock::from(Box::new(file)));
                    }
                    let e = io::Error::last_os_error();
                    match e.raw_os_error() {
                        Some(libc::EINTR) => continue,
                        Some(libc::EWOULDBLOCK) => return Err(LockError::LockBusy),
                        _ => return Err(LockError::wrap_io_error(e)),
                    }
                }
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}
