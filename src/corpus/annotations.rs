//! The collective's own marks on an article: its labels (`à-lire`,
//! `brochure-eau`), a free-text note and a read mark.
//!
//! They live in the article file, in a `[collective]` table at the end of
//! the front matter, apart from the site's own `tags`, so that they travel
//! with `git pull`:
//!
//! ```toml
//! [collective]
//! labels = [
//!     "à-lire",
//!     "important",
//! ]
//! note = "À citer dans la revue 48."
//! read = true
//! ```
//!
//! The layout is chosen for git's line-by-line merge: one label per line,
//! sorted, so that two clones adding or removing different labels change
//! different lines; the note and the read mark have a line each, and the
//! table is always last, so that a crawl rewriting the article's own keys
//! touches other lines. Two additions at the very same place of the list
//! (two first labels of an article) still meet on one line for git's text
//! merge: [`merge3`] is the 3-way merge of the `veille merge-file` driver,
//! which unites such additions (docs/files.md says how to set it up).
//!
//! This module also holds the read-modify-write of those marks
//! ([`annotate`]): under a lock file of its own, it reads the file again,
//! changes only the marks and writes atomically, so that two commands
//! tagging at once both count.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use toml::Value;
use unicode_normalization::UnicodeNormalization;

use super::{Article, Error, atomic};

/// The front-matter table the marks live in.
pub const TABLE: &str = "collective";

/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 64;

/// The collective's marks on one article.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Annotations {
    /// Labels, normalised (see [`label`]), sorted.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub labels: BTreeSet<String>,
    /// A free-text note (Markdown), never empty when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Someone opened the article.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read: bool,
}

/// A label veille refuses, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{label:?} is not a label: {why}")]
pub struct LabelError {
    pub label: String,
    pub why: &'static str,
}

/// A label as stored and searched: trimmed, lower-case, NFC. Refuses
/// spaces (a label is one word: `à-lire`, `revue-48`), quotes and the
/// characters of the query language, and a leading `+` or `-` (which
/// `veille tag` reads as add and remove).
pub fn label(text: &str) -> Result<String, LabelError> {
    let label: String = text.trim().nfc().collect::<String>().to_lowercase();
    let refuse = |why| Err(LabelError { label: text.to_string(), why });
    if label.is_empty() {
        return refuse("it is empty");
    }
    if label.chars().any(char::is_whitespace) {
        return refuse("it holds a space (join the words with a dash: à-lire)");
    }
    if label.chars().any(|c| c.is_control() || "\"'`,;:()[]{}#=\\".contains(c)) {
        return refuse("it holds punctuation a label cannot hold (\"'`,;:()[]{}#=\\)");
    }
    if label.starts_with(['+', '-']) {
        return refuse("it starts with + or - (which add and remove labels)");
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return refuse("it is longer than 64 characters");
    }
    Ok(label)
}

impl Annotations {
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.note.is_none() && !self.read
    }

    /// Sets the note; an empty or blank text removes it.
    pub fn set_note(&mut self, note: &str) {
        let note = note.trim();
        self.note = (!note.is_empty()).then(|| note.to_string());
    }

    /// Reads the `[collective]` table of a front matter; the error says
    /// which of its keys is wrong.
    pub(super) fn from_toml(value: Value) -> Result<Annotations, String> {
        let Value::Table(mut table) = value else {
            return Err(format!("expected a table, found {}", value.type_str()));
        };
        let mut out = Annotations::default();
        match table.remove("labels") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(s) => {
                            out.labels.insert(label(&s).map_err(|e| format!("`labels`: {e}"))?);
                        }
                        other => {
                            return Err(format!("`labels`: expected strings, found {}", other.type_str()));
                        }
                    }
                }
            }
            Some(other) => return Err(format!("`labels`: expected a list, found {}", other.type_str())),
        }
        match table.remove("note") {
            None => {}
            Some(Value::String(s)) => out.set_note(&s),
            Some(other) => return Err(format!("`note`: expected a string, found {}", other.type_str())),
        }
        match table.remove("read") {
            None => {}
            Some(Value::Boolean(b)) => out.read = b,
            Some(other) => return Err(format!("`read`: expected true or false, found {}", other.type_str())),
        }
        if let Some(key) = table.keys().next() {
            return Err(format!("unknown key `{key}` (expected labels, note, read)"));
        }
        Ok(out)
    }

    /// The `[collective]` table as written at the end of the front matter
    /// (empty when there is nothing to write): one label per line, sorted.
    pub(super) fn to_toml_section(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let mut out = format!("\n[{TABLE}]\n");
        if !self.labels.is_empty() {
            out.push_str("labels = [\n");
            for label in &self.labels {
                out.push_str("    ");
                out.push_str(&toml_string(label));
                out.push_str(",\n");
            }
            out.push_str("]\n");
        }
        if let Some(note) = &self.note {
            out.push_str("note = ");
            out.push_str(&toml_string(note));
            out.push('\n');
        }
        if self.read {
            out.push_str("read = true\n");
        }
        out
    }
}

/// A string as a TOML literal (a multi-line one for a text with line
/// breaks, so that a note's lines merge one by one too).
fn toml_string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The 3-way merge of the marks of `base`, `ours` and `theirs`: a label
/// added on either side is added, one removed on either side is removed; a
/// note changed on one side takes that change, changed on both it keeps
/// both texts (nothing is lost; the people merge the words); read on either
/// side is read.
pub fn merge3(base: &Annotations, ours: &Annotations, theirs: &Annotations) -> Annotations {
    let mut labels: BTreeSet<String> = base
        .labels
        .iter()
        .filter(|l| ours.labels.contains(*l) && theirs.labels.contains(*l))
        .cloned()
        .collect();
    for side in [ours, theirs] {
        labels.extend(side.labels.difference(&base.labels).cloned());
    }
    let note = if ours.note == base.note {
        theirs.note.clone()
    } else if theirs.note == base.note || ours.note == theirs.note {
        ours.note.clone()
    } else {
        match (&ours.note, &theirs.note) {
            (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        }
    };
    Annotations { labels, note, read: ours.read || theirs.read }
}

/// Changes the marks of the article in `path` with `change`, reading the
/// file again under the marks' lock `lock_dir/annotations.lock` (another
/// command's change made meanwhile is kept), and writes it atomically when
/// they changed. Returns the article as written, and whether it changed.
pub fn annotate(
    path: &Path,
    lock_dir: &Path,
    change: impl FnOnce(&mut Annotations),
) -> Result<(Article, bool), Error> {
    let _lock = crate::home::lock::FileLock::acquire(&lock_dir.join("annotations.lock"))
        .map_err(|source| Error::Io { path: lock_dir.join("annotations.lock"), source })?;
    let mut article = super::Corpus::read(path)?;
    let before = article.annotations.clone();
    change(&mut article.annotations);
    if article.annotations == before {
        return Ok((article, false));
    }
    let text = article.to_file_string();
    atomic::write_atomic(path, text.as_bytes()).map_err(|e| Error::writing(path, text.len(), e))?;
    Ok((article, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(labels: &[&str], note: Option<&str>, read: bool) -> Annotations {
        Annotations {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            note: note.map(str::to_string),
            read,
        }
    }

    #[test]
    fn labels_are_one_normalised_word() {
        assert_eq!(label(" À-Lire ").unwrap(), "à-lire");
        assert_eq!(label("a\u{300}-lire").unwrap(), "à-lire", "NFC");
        assert!(label("à lire").unwrap_err().to_string().contains("space"));
        assert!(label("").is_err());
        assert!(label("-x").is_err());
        assert!(label("a:b").is_err());
        assert!(label(&"x".repeat(65)).is_err());
    }

    #[test]
    fn the_section_has_one_label_per_line() {
        let a = marks(&["important", "à-lire"], Some("Deux lignes\net « guillemets »"), true);
        let section = a.to_toml_section();
        assert!(section.contains("labels = [\n    \"important\",\n    \"à-lire\",\n]\n"), "{section}");
        let table: toml::Table = toml::from_str(&section).unwrap();
        let back = Annotations::from_toml(table[TABLE].clone()).unwrap();
        assert_eq!(back, a);
        assert_eq!(Annotations::default().to_toml_section(), "");
    }

    #[test]
    fn a_3_way_merge_keeps_both_sides() {
        let base = marks(&["a", "b"], None, false);
        let ours = marks(&["a", "b", "c"], Some("note"), false);
        let theirs = marks(&["b", "d"], None, true);
        assert_eq!(merge3(&base, &ours, &theirs), marks(&["b", "c", "d"], Some("note"), true));
        let both = merge3(&base, &marks(&[], Some("un"), false), &marks(&[], Some("deux"), false));
        assert_eq!(both.note.as_deref(), Some("un\n\ndeux"));
    }
}
