//! The home's configuration files: `veille.toml`, `corpus/sources.toml`,
//! `corpus/themes.toml`. Parsing, defaults and validation live here; every
//! error names the file and the line.

pub mod settings;
pub mod sources;
pub mod themes;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

pub use settings::Settings;
pub use sources::{Profile, SiteNames, Source};
pub use themes::Theme;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {message}", path.display())]
    Invalid { path: PathBuf, line: usize, message: String },
}

/// 1-based line holding byte `offset` of `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count()
}

/// Reads a config file; `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    crate::home::read_if_present(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })
}

/// Deserialises TOML text, turning serde's message into `file:line: message`.
pub(crate) fn parse_toml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |span| line_at(text, span.start)),
        message: e.message().trim().to_string(),
    })
}

/// An error about the item spanning `span` of `text`.
pub(crate) fn invalid_at(
    path: &Path,
    text: &str,
    span: Range<usize>,
    message: impl Into<String>,
) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line: line_at(text, span.start),
        message: message.into(),
    }
}

/// Ids of sources and themes: short, lower case, usable in queries (`site:ID`).
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' || b == b'.')
        && !id.starts_with(['-', '.']);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "id {id:?} must be 1–64 characters among a-z, 0-9, '-', '_', '.' (not starting with '-' or '.')"
        ))
    }
}
