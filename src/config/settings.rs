//! `veille.toml`: the home's settings. Every key is optional.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, parse_toml, read_optional};

/// The text `veille init` writes: every setting with its default, explained.
pub const TEMPLATE: &str = include_str!("veille.toml");

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub archive: Archive,
    pub crawl: Crawl,
    pub tui: Tui,
}

/// The terminal UI's settings; names of actions, keys and colours are
/// checked by the UI, which owns them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Tui {
    /// Click and scroll with the mouse.
    pub mouse: bool,
    /// Mark an article read (`lu:oui`) when it is opened.
    pub mark_read: bool,
    /// Keys replacing an action's defaults: `quit = ["q", "ctrl-q"]`.
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    /// Colours of the UI's parts: `accent = "cyan"`, `match = "#ffaf00"`.
    pub colors: std::collections::BTreeMap<String, String>,
}

impl Default for Tui {
    fn default() -> Self {
        Tui { mouse: false, mark_read: true, keys: Default::default(), colors: Default::default() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Archive {
    /// The collective's name, printed on brochure covers.
    pub name: String,
    /// Language of the archive, for analysis and typography.
    pub lang: String,
}

impl Default for Archive {
    fn default() -> Self {
        Archive { name: String::new(), lang: "fr".into() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Crawl {
    /// URL or e-mail address sent in the User-Agent so that site admins can reach the archive.
    pub contact: String,
    /// Minimum delay between two requests to one host, in seconds.
    pub delay_seconds: f64,
    /// Hosts fetched at the same time (one connection per host).
    pub concurrency: usize,
    /// Give up on a request after this many seconds.
    pub timeout_seconds: f64,
    /// Largest body kept, as transferred and once decompressed.
    pub max_body_megabytes: u64,
    pub max_redirects: u32,
    /// Tries after a failed request.
    pub retries: u32,
    /// First wait before trying again, doubled each time.
    pub backoff_seconds: f64,
    /// Consecutive failed URLs after which a host is left alone for the run.
    pub host_failures: u32,
    /// Listing pages followed through pagination links, per source and run.
    pub max_pagination: u32,
    /// Days a listing page served without validators may go without being
    /// downloaded again while the site's feeds and sitemaps show nothing
    /// new (0: every run).
    pub listing_days: u32,
    /// Size at which a WARC file is closed and the next one started.
    pub warc_file_megabytes: u64,
    /// Largest document kept (PDF, ODT, DOCX, EPUB: the `pdf_` keys are older than the other formats).
    pub pdf_max_megabytes: u64,
    /// Pages of a PDF read at most.
    pub pdf_max_pages: usize,
    /// Time to read one PDF.
    pub pdf_seconds: f64,
    /// Memory to read one PDF (the child process's data segment).
    pub pdf_memory_megabytes: u64,
    /// Scanned pages read by OCR (tesseract) when it is installed.
    pub ocr: bool,
}

impl Default for Crawl {
    fn default() -> Self {
        Crawl {
            contact: String::new(),
            delay_seconds: 1.0,
            concurrency: 4,
            timeout_seconds: 30.0,
            max_body_megabytes: 10,
            max_redirects: 5,
            retries: 3,
            backoff_seconds: 2.0,
            host_failures: 5,
            max_pagination: 30,
            listing_days: 7,
            warc_file_megabytes: 256,
            pdf_max_megabytes: 50,
            pdf_max_pages: 2_000,
            pdf_seconds: 60.0,
            pdf_memory_megabytes: 1_024,
            ocr: true,
        }
    }
}

impl Settings {
    /// Reads `veille.toml`; a missing file means all defaults.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let Some(text) = read_optional(path)? else {
            return Ok(Settings::default());
        };
        let settings: Settings = parse_toml(path, &text)?;
        let invalid = |key: &str, message: &str| {
            let line = text.lines().position(|l| l.trim_start().starts_with(key)).map_or(1, |i| i + 1);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                message: format!("`crawl.{key}`: {message}"),
            }
        };
        if !(settings.crawl.delay_seconds >= 0.0 && settings.crawl.delay_seconds.is_finite()) {
            return Err(invalid("delay_seconds", "must be a number of seconds ≥ 0"));
        }
        if settings.crawl.concurrency == 0 {
            return Err(invalid("concurrency", "must be at least 1"));
        }
        if !(settings.crawl.timeout_seconds > 0.0 && settings.crawl.timeout_seconds.is_finite()) {
            return Err(invalid("timeout_seconds", "must be a number of seconds > 0"));
        }
        if !(settings.crawl.pdf_seconds > 0.0 && settings.crawl.pdf_seconds.is_finite()) {
            return Err(invalid("pdf_seconds", "must be a number of seconds > 0"));
        }
        if !(settings.crawl.backoff_seconds >= 0.0 && settings.crawl.backoff_seconds.is_finite()) {
            return Err(invalid("backoff_seconds", "must be a number of seconds ≥ 0"));
        }
        for (key, value) in [
            ("max_body_megabytes", settings.crawl.max_body_megabytes),
            ("warc_file_megabytes", settings.crawl.warc_file_megabytes),
            ("host_failures", u64::from(settings.crawl.host_failures)),
            ("pdf_max_megabytes", settings.crawl.pdf_max_megabytes),
            ("pdf_max_pages", settings.crawl.pdf_max_pages as u64),
            ("pdf_memory_megabytes", settings.crawl.pdf_memory_megabytes),
        ] {
            if value == 0 {
                return Err(invalid(key, "must be at least 1"));
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_gives_the_defaults() {
        let parsed: Settings = toml::from_str(TEMPLATE).unwrap();
        assert_eq!(parsed.crawl, Crawl::default());
        assert_eq!(parsed.archive.lang, "fr");
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veille.toml");
        std::fs::write(&path, "[archive]\nname = \"x\"\n\n[crawl]\ndelai = 2\n").unwrap();
        let err = Settings::load(&path).unwrap_err().to_string();
        assert!(err.contains("veille.toml:5:") && err.contains("delai"), "{err}");
        std::fs::write(&path, "[crawl]\nconcurrency = 0\n").unwrap();
        let err = Settings::load(&path).unwrap_err().to_string();
        assert!(err.contains("veille.toml:2:"), "{err}");
    }
}
