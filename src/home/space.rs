//! Running out of room: which write failures mean the disk is full (or the
//! quota reached, or the device failing), and the advice that goes with it.
//!
//! A full disk is not a bad article: a run that meets one stops at once,
//! since every later write would fail the same way, and keeps what it wrote.
//! Every file veille writes is put in place whole or not at all (articles,
//! baskets and brochures through a temporary file and a rename, WARC
//! records cut back to the last whole one, index commits through tantivy's
//! atomic `meta.json`), so once space is freed the same command completes
//! the work and writes nothing twice.

use std::error::Error;
use std::io;
use std::sync::Arc;

/// Why a write could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortage {
    /// ENOSPC: the filesystem is full.
    DiskFull,
    /// EDQUOT: the user's quota on it is used up.
    Quota,
    /// EFBIG: a file grew past the size limit (`ulimit -f`) or the filesystem's.
    FileSize,
    /// EIO: the device reported an error.
    Device,
}

/// errno values, spelled out for the cases the standard library files
/// under a catch-all kind.
const EIO: i32 = 5;
const EFBIG: i32 = 27;
const ENOSPC: i32 = 28;
const EDQUOT: i32 = 122;

impl Shortage {
    /// The shortage an I/O error reports, if it is one.
    pub fn of(error: &io::Error) -> Option<Shortage> {
        match error.kind() {
            io::ErrorKind::StorageFull => return Some(Shortage::DiskFull),
            io::ErrorKind::QuotaExceeded => return Some(Shortage::Quota),
            io::ErrorKind::FileTooLarge => return Some(Shortage::FileSize),
            _ => {}
        }
        error.raw_os_error().and_then(Shortage::of_errno)
    }

    fn of_errno(errno: i32) -> Option<Shortage> {
        match errno {
            ENOSPC => Some(Shortage::DiskFull),
            EDQUOT => Some(Shortage::Quota),
            EFBIG => Some(Shortage::FileSize),
            EIO => Some(Shortage::Device),
            _ => None,
        }
    }

    /// The shortage anywhere in an error or its sources. Some crates keep
    /// only the text of the I/O error they met (tantivy's merge threads,
    /// redb's storage errors), so the `(os error N)` that Rust's
    /// `io::Error` prints is read from each layer's text as well.
    pub fn find(error: &(dyn Error + 'static)) -> Option<Shortage> {
        let mut layer = Some(error);
        while let Some(e) = layer {
            let io =
                e.downcast_ref::<io::Error>().or_else(|| e.downcast_ref::<Arc<io::Error>>().map(|a| &**a));
            if let Some(shortage) = io.and_then(Shortage::of) {
                return Some(shortage);
            }
            if let Some(shortage) = os_error_in(&e.to_string()).and_then(Shortage::of_errno) {
                return Some(shortage);
            }
            layer = e.source();
        }
        None
    }

    /// What to do about it, to follow the message of the failed write.
    pub fn advice(self) -> &'static str {
        match self {
            Shortage::DiskFull => {
                "the disk is full: free some space and run the same command again \
                 (what was written is kept, nothing is written twice)"
            }
            Shortage::Quota => {
                "the disk quota is used up: free some space or ask for a larger quota, \
                 then run the same command again (what was written is kept)"
            }
            Shortage::FileSize => {
                "a file reached the size limit (see `ulimit -f`): raise it and run the \
                 same command again (what was written is kept)"
            }
            Shortage::Device => {
                "the disk reported an input/output error: check it (`dmesg`, `smartctl`) \
                 before running again, then `veille check --deep`"
            }
        }
    }
}

/// The errno in a text ending like Rust's `io::Error` display: `… (os error 28)`.
fn os_error_in(text: &str) -> Option<i32> {
    let at = text.find("(os error ")?;
    let digits = &text[at + "(os error ".len()..];
    let end = digits.find(')')?;
    digits[..end].parse().ok()
}

/// A number of bytes as people read it (`8.1 kB`, `45.0 MB`).
pub fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("index: {0}")]
    struct Wrapped(#[source] Arc<io::Error>);

    #[derive(Debug, thiserror::Error)]
    #[error("state: {0}")]
    struct Flattened(String);

    #[test]
    fn shortages_are_found_through_wrappers_and_flattened_texts() {
        let full = io::Error::from_raw_os_error(ENOSPC);
        assert_eq!(Shortage::of(&full), Some(Shortage::DiskFull));
        let quota = io::Error::from_raw_os_error(EDQUOT);
        assert_eq!(Shortage::of(&quota), Some(Shortage::Quota));
        assert_eq!(Shortage::of(&io::Error::from_raw_os_error(EIO)), Some(Shortage::Device));
        assert_eq!(Shortage::of(&io::Error::from(io::ErrorKind::NotFound)), None);

        let wrapped = Wrapped(Arc::new(io::Error::from_raw_os_error(ENOSPC)));
        assert_eq!(Shortage::find(&wrapped), Some(Shortage::DiskFull));
        let flattened = Flattened(io::Error::from_raw_os_error(EDQUOT).to_string());
        assert_eq!(Shortage::find(&flattened), Some(Shortage::Quota));
        let anyhow = anyhow::Error::new(io::Error::from_raw_os_error(ENOSPC)).context("cannot write x.md");
        assert_eq!(Shortage::find(anyhow.as_ref()), Some(Shortage::DiskFull));
        let unrelated = anyhow::anyhow!("no article with id \"x\"");
        assert_eq!(Shortage::find(unrelated.as_ref()), None);
    }
}
