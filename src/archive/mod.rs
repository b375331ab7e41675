//! The raw archive: every HTTP exchange the crawler made, kept as WARC
//! records in `corpus/raw/` ([`warc`]), and the pages read back from it —
//! for re-extraction, for `veille extract URL`, and for the terminal UI's
//! offline copy of a PDF. Reading the archive needs nothing of the crawler:
//! an article's front matter holds the file and offset of its record.

pub mod coding;
pub mod warc;

use std::path::Path;

use url::Url;

/// A record of the archive that cannot be read as a page.
#[derive(Debug, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct ArchiveError {
    /// `file@offset`.
    pub place: String,
    pub problem: String,
}

/// A page as the crawler archived it.
#[derive(Debug)]
pub struct ArchivedPage {
    pub url: Url,
    pub content_type: Option<String>,
    /// The body with its content coding undone.
    pub body: Vec<u8>,
}

/// Reads the response record at `file`@`offset` of the raw archive in `raw_dir`.
pub fn read_page(
    raw_dir: &Path,
    file: &str,
    offset: u64,
    max_body: u64,
) -> Result<ArchivedPage, ArchiveError> {
    let path = raw_dir.join(file);
    let fail = |problem: String| ArchiveError { place: format!("{}@{offset}", path.display()), problem };
    let record = warc::read_at(&path, offset).map_err(|e| fail(e.to_string()))?;
    let http = record.http_response().ok_or_else(|| fail("not an HTTP response record".into()))?;
    let body = coding::decode_content(http.body, http.header("content-encoding"), max_body)
        .map_err(|e| fail(e.to_string()))?;
    let url = record
        .header("WARC-Target-URI")
        .and_then(|u| Url::parse(u).ok())
        .ok_or_else(|| fail("no WARC-Target-URI".into()))?;
    Ok(ArchivedPage { url, content_type: http.header("content-type").map(str::to_string), body })
}
