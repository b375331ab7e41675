//! The zip package an ODT, DOCX or EPUB file is, read within a budget of
//! inflated bytes: a zip bomb (a few kilobytes that inflate to gigabytes)
//! ends as a status, not as an exhausted worker.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

/// Entries a package may hold: real documents have tens, EPUBs hundreds.
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackageError {
    #[error("not a zip package ({0})")]
    NotZip(String),
    #[error("more than {0} files inside")]
    TooManyEntries(usize),
    #[error("inflates to more than {0} MB (a zip bomb?)")]
    TooBig(u64),
    #[error("encrypted: a password is needed to read it")]
    Encrypted,
    #[error("{0} cannot be read ({1})")]
    Entry(String, String),
}

pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Inflated bytes still allowed.
    budget: u64,
    limit: u64,
}

impl<'a> Package<'a> {
    /// Opens `bytes` as a zip package whose entries may inflate to `max_inflated` bytes in all.
    pub fn open(bytes: &'a [u8], max_inflated: u64) -> Result<Package<'a>, PackageError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| PackageError::NotZip(e.to_string()))?;
        if zip.len() > MAX_ENTRIES {
            return Err(PackageError::TooManyEntries(MAX_ENTRIES));
        }
        Ok(Package { zip, budget: max_inflated, limit: max_inflated })
    }

    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The entry `name` as bytes, `None` when the package has none.
    pub fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, PackageError> {
        let Some(index) = self.zip.index_for_name(name) else { return Ok(None) };
        let entry = self.zip.by_index(index).map_err(|e| match e {
            ZipError::UnsupportedArchive(why) if why.to_lowercase().contains("password") => {
                PackageError::Encrypted
            }
            ZipError::InvalidPassword => PackageError::Encrypted,
            other => PackageError::Entry(name.to_string(), other.to_string()),
        })?;
        if entry.encrypted() {
            return Err(PackageError::Encrypted);
        }
        // The sizes a zip declares may lie: what counts is what inflates.
        let mut out = Vec::new();
        entry
            .take(self.budget.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| PackageError::Entry(name.to_string(), e.to_string()))?;
        if out.len() as u64 > self.budget {
            return Err(PackageError::TooBig(self.limit / (1024 * 1024)));
        }
        self.budget -= out.len() as u64;
        Ok(Some(out))
    }

    /// The entry `name` as text (UTF-8, broken bytes replaced).
    pub fn text(&mut self, name: &str) -> Result<Option<String>, PackageError> {
        Ok(self.bytes(name)?.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Inflates every entry once, within the budget: for packages a crate
    /// reads by itself (EPUB), whose reads this budget does not see.
    pub fn check_all(&mut self) -> Result<(), PackageError> {
        let mut total = 0u64;
        for index in 0..self.zip.len() {
            let entry = self
                .zip
                .by_index(index)
                .map_err(|e| PackageError::Entry(format!("#{index}"), e.to_string()))?;
            if entry.encrypted() {
                return Err(PackageError::Encrypted);
            }
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("#{index}"));
            let left = self.limit.saturating_sub(total);
            let read = std::io::copy(&mut entry.take(left.saturating_add(1)), &mut std::io::sink())
                .map_err(|e| PackageError::Entry(name, e.to_string()))?;
            total += read;
            if total > self.limit {
                return Err(PackageError::TooBig(self.limit / (1024 * 1024)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn entries_are_read_within_the_budget() {
        let bytes = zip(&[("a.xml", b"<a/>"), ("zeros", &vec![0u8; 3 << 20])]);
        let mut package = Package::open(&bytes, 2 << 20).unwrap();
        assert!(package.has("a.xml") && !package.has("b.xml"));
        assert_eq!(package.text("a.xml").unwrap().as_deref(), Some("<a/>"));
        assert_eq!(package.text("b.xml").unwrap(), None);
        assert_eq!(package.bytes("zeros").unwrap_err(), PackageError::TooBig(2));
        assert_eq!(Package::open(&bytes, 2 << 20).unwrap().check_all().unwrap_err(), PackageError::TooBig(2));
        assert!(Package::open(&bytes, 4 << 20).unwrap().check_all().is_ok());
    }

    #[test]
    fn garbage_is_no_package() {
        assert!(matches!(Package::open(b"PK\x03\x04 nothing", 1 << 20), Err(PackageError::NotZip(_))));
    }
}
