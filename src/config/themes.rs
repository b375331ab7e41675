//! `corpus/themes.toml`: themes are named saved queries, as in notmuch.
//!
//! Changing a theme needs no re-index: its query runs against the index
//! whenever counts or results are asked for.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, check_id, invalid_at, line_at, parse_toml, read_optional};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    /// French label shown in the interface.
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// A query in veille's query language.
    pub query: String,
    /// Line of the theme in themes.toml, for error messages.
    #[serde(skip)]
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    theme: Vec<Spanned<Theme>>,
}

/// Reads and validates the themes file; a missing file means no themes.
pub fn load(path: &Path) -> Result<Vec<Theme>, ConfigError> {
    let Some(text) = read_optional(path)? else {
        return Ok(Vec::new());
    };
    parse(path, &text)
}

/// Validates the text of a themes file; `path` only names it in errors.
/// Apart from [`load`] so that the parser can be fuzzed without files.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Theme>, ConfigError> {
    let file: File = parse_toml(path, text)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut themes = Vec::with_capacity(file.theme.len());
    for spanned in file.theme {
        let span = spanned.span();
        let mut theme = spanned.into_inner();
        theme.line = line_at(text, span.start);
        let fail = |message: String| {
            invalid_at(path, text, span.clone(), format!("theme {:?}: {message}", theme.id))
        };
        check_id(&theme.id).map_err(&fail)?;
        if let Some(first) = seen.insert(theme.id.clone(), theme.line) {
            return Err(fail(format!("id already used by the theme on line {first}")));
        }
        if theme.label.trim().is_empty() {
            return Err(fail("`label` is empty".into()));
        }
        if theme.query.trim().is_empty() {
            return Err(fail("`query` is empty".into()));
        }
        themes.push(theme);
    }
    Ok(themes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_carry_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("themes.toml");
        std::fs::write(&path, "[[theme]]\nid = \"eau\"\nlabel = \"Eau\"\nquery = \"eau\"\n\n[[theme]]\nid = \"ia\"\nlabel = \"IA\"\nquery = \"ia\"\n").unwrap();
        let themes = load(&path).unwrap();
        assert_eq!(themes.iter().map(|t| t.line).collect::<Vec<_>>(), [1, 6]);
        std::fs::write(&path, "[[theme]]\nid = \"Eau !\"\nlabel = \"Eau\"\nquery = \"eau\"\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("themes.toml:1:") && err.contains("Eau !"), "{err}");
    }
}
