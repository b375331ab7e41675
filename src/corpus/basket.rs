//! Baskets: named selections of article ids, in the user's order, gathered in
//! the terminal UI for a brochure (`veille brochure --basket NAME`).
//!
//! One basket per file, `corpus/baskets/<name>.toml`, meant to be edited by
//! hand and kept in git:
//!
//! ```toml
//! # Basket "ia" — articles chosen for a brochure, in order.
//! title = "Synthèse de critiques de l'IA"
//! articles = [
//!     "01971fcbb984603c",
//!     "f6d4916b379243ac",
//! ]
//! ```
//!
//! Keys other than `title` and `articles` are kept, in their order, when the
//! file is rewritten; comments are not (the explanatory line is written anew
//! on every save). A save writes `title`, then `articles`, then the other keys.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Value;

use super::atomic::{sync_dir, write_atomic};
use crate::config::line_at;

/// The basket used when none is named.
pub const DEFAULT: &str = "panier";

/// Longest basket name, in characters.
pub const MAX_NAME_LEN: usize = 64;

const EXTENSION: &str = "toml";

/// A basket error always names the file it is about (or the bad name).
#[derive(Debug, thiserror::Error)]
pub enum BasketError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: {message}", path.display())]
    Invalid { path: PathBuf, line: usize, message: String },
    #[error(
        "basket name {0:?} must be 1–64 characters among a-z, 0-9, '-' and '_' \
         (and not a name reserved by Windows such as \"con\")"
    )]
    BadName(String),
}

impl BasketError {
    fn io(path: &Path, source: io::Error) -> Self {
        BasketError::Io { path: path.to_path_buf(), source }
    }
}

/// A named, ordered selection of article ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Basket {
    /// The file stem: 1–64 characters among `a-z 0-9 - _`.
    pub name: String,
    /// The brochure's title, if the user gave one.
    pub title: Option<String>,
    /// Article ids, in the user's order, each once.
    pub articles: Vec<String>,
    /// Other top-level keys of the file (notes…), in file order, written back
    /// after `articles`.
    pub extra: toml::Table,
}

/// The typed keys, read apart from the table so that serde's type errors
/// come with the position of the offending value.
#[derive(Deserialize)]
struct Known {
    title: Option<String>,
    articles: Option<Vec<String>>,
}

/// Where the values of the typed keys are, to name the key in an error.
#[derive(Deserialize)]
struct KnownSpans {
    title: Option<toml::Spanned<Value>>,
    articles: Option<toml::Spanned<Value>>,
}

/// Device names Windows reserves whatever the extension (`con.toml` too).
const WINDOWS_RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];

fn check_name(name: &str) -> Result<(), BasketError> {
    let chars_ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    let reserved = WINDOWS_RESERVED.contains(&name)
        || (name.len() == 4
            && (name.starts_with("com") || name.starts_with("lpt"))
            && name.as_bytes()[3].is_ascii_digit());
    if chars_ok && !reserved { Ok(()) } else { Err(BasketError::BadName(name.to_string())) }
}

impl Basket {
    /// An empty basket; fails on a name that is not safe as a file name.
    pub fn new(name: &str) -> Result<Basket, BasketError> {
        check_name(name)?;
        Ok(Basket { name: name.to_string(), ..Basket::default() })
    }

    /// The file of basket `name` in `dir`: `dir/<name>.toml` (the name is not checked).
    pub fn path(dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.{EXTENSION}"))
    }

    /// Reads basket `name`; a missing file is an `Io` error of kind `NotFound`.
    pub fn load(dir: &Path, name: &str) -> Result<Basket, BasketError> {
        check_name(name)?;
        let path = Basket::path(dir, name);
        let text = fs::read_to_string(&path).map_err(|e| BasketError::io(&path, e))?;
        Basket::parse(name, &path, &text)
    }

    /// Reads basket `name`, or an empty basket of that name if it has no file yet.
    pub fn load_or_new(dir: &Path, name: &str) -> Result<Basket, BasketError> {
        match Basket::load(dir, name) {
            Err(BasketError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Basket::new(name)
            }
            other => other,
        }
    }

    /// Parses the text of the file at `path` (for error messages) as basket `name`.
    fn parse(name: &str, path: &Path, text: &str) -> Result<Basket, BasketError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let invalid = |e: toml::de::Error| BasketError::Invalid {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |span| line_at(text, span.start)),
            message: e.message().trim().to_string(),
        };
        let mut extra: toml::Table = toml::from_str(text).map_err(invalid)?;
        let known: Known = toml::from_str(text).map_err(|e| {
            // Name the key whose value is wrong: serde's message does not.
            let key = e.span().and_then(|error| {
                let spans: KnownSpans = toml::from_str(text).ok()?;
                let inside = |value: &Option<toml::Spanned<Value>>| {
                    value.as_ref().is_some_and(|v| v.span().contains(&error.start))
                };
                [("title", &spans.title), ("articles", &spans.articles)]
                    .into_iter()
                    .find_map(|(key, value)| inside(value).then_some(key))
            });
            match (key, invalid(e)) {
                (Some(key), BasketError::Invalid { path, line, message }) => {
                    BasketError::Invalid { path, line, message: format!("`{key}`: {message}") }
                }
                (_, other) => other,
            }
        })?;
        extra.remove("title");
        extra.remove("articles");
        let mut basket = Basket {
            name: name.to_string(),
            title: known.title.filter(|t| !t.trim().is_empty()),
            articles: Vec::new(),
            extra,
        };
        for id in known.articles.unwrap_or_default() {
            if !basket.contains(&id) {
                basket.articles.push(id);
            }
        }
        Ok(basket)
    }

    /// The file text: the explanatory comment, `title`, `articles` one per
    /// line, then the other keys.
    pub fn to_file_string(&self) -> String {
        let mut table = toml::Table::new();
        if let Some(title) = &self.title {
            table.insert("title".into(), Value::String(title.clone()));
        }
        let articles = self.articles.iter().cloned().map(Value::String).collect();
        table.insert("articles".into(), Value::Array(articles));
        for (key, value) in &self.extra {
            if key != "title" && key != "articles" {
                table.insert(key.clone(), value.clone());
            }
        }
        let body = toml::to_string_pretty(&table).expect("a TOML table always serialises");
        format!("# Basket {:?} — articles chosen for a brochure, in order.\n{body}", self.name)
    }

    /// Writes `dir/<name>.toml` atomically, creating `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), BasketError> {
        check_name(&self.name)?;
        let path = Basket::path(dir, &self.name);
        write_atomic(&path, self.to_file_string().as_bytes()).map_err(|e| BasketError::io(&path, e))
    }

    /// Names of the baskets in `dir`, sorted; none when `dir` does not exist.
    /// Only `*.toml` files whose stem is a valid name count (temporary files,
    /// subdirectories and hand-made `Notes.toml` do not).
    pub fn list(dir: &Path) -> Result<Vec<String>, BasketError> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(BasketError::io(dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| BasketError::io(dir, e))?.path();
            if path.extension().is_none_or(|ext| ext != EXTENSION) || !path.is_file() {
                continue;
            }
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                && check_name(stem).is_ok()
            {
                names.push(stem.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes basket `name`'s file; a missing file is an `Io` error of kind `NotFound`.
    pub fn delete(dir: &Path, name: &str) -> Result<(), BasketError> {
        check_name(name)?;
        let path = Basket::path(dir, name);
        fs::remove_file(&path).map_err(|e| BasketError::io(&path, e))?;
        sync_dir(dir).map_err(|e| BasketError::io(dir, e))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.articles.iter().any(|a| a == id)
    }

    /// Adds `id` at the end, or removes it if present; true if it is now in the basket.
    pub fn toggle(&mut self, id: &str) -> bool {
        if self.remove(id) {
            false
        } else {
            self.articles.push(id.to_string());
            true
        }
    }

    /// Removes `id`; true if it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.articles.len();
        self.articles.retain(|a| a != id);
        self.articles.len() != before
    }

    /// Swaps the article at `index` with the one before; its new index, or
    /// `None` if it is first or `index` is out of range.
    pub fn move_up(&mut self, index: usize) -> Option<usize> {
        if index == 0 || index >= self.articles.len() {
            return None;
        }
        self.articles.swap(index - 1, index);
        Some(index - 1)
    }

    /// Swaps the article at `index` with the one after; its new index, or
    /// `None` if it is last or `index` is out of range.
    pub fn move_down(&mut self, index: usize) -> Option<usize> {
        if index >= self.articles.len().saturating_sub(1) {
            return None;
        }
        self.articles.swap(index, index + 1);
        Some(index + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basket(ids: &[&str]) -> Basket {
        let mut b = Basket::new("t").unwrap();
        b.articles = ids.iter().map(|s| s.to_string()).collect();
        b
    }

    #[test]
    fn round_trip_keeps_title_and_unknown_keys_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let text = "# mine\nnote = \"à relire\"\ntitle = \"Synthèse de critiques de l'IA\"\n\
                    articles = [\"01971fcbb984603c\", \"f6d4916b379243ac\"]\nauteur = \"Lea\"\n\
                    [meta]\nrevu = 2024-05-01\n";
        fs::write(Basket::path(dir.path(), "ia"), text).unwrap();
        let loaded = Basket::load(dir.path(), "ia").unwrap();
        assert_eq!(loaded.name, "ia");
        assert_eq!(loaded.title.as_deref(), Some("Synthèse de critiques de l'IA"));
        assert_eq!(loaded.articles, ["01971fcbb984603c", "f6d4916b379243ac"]);
        let keys: Vec<_> = loaded.extra.keys().map(String::as_str).collect();
        assert_eq!(keys, ["note", "auteur", "meta"]);

        loaded.save(dir.path()).unwrap();
        let again = Basket::load(dir.path(), "ia").unwrap();
        assert_eq!(again, loaded);
        let saved = fs::read_to_string(Basket::path(dir.path(), "ia")).unwrap();
        let (note, auteur) = (saved.find("note =").unwrap(), saved.find("auteur =").unwrap());
        assert!(saved.find("articles =").unwrap() < note && note < auteur, "{saved}");
        assert!(saved.contains("revu = 2024-05-01"), "{saved}");
    }

    #[test]
    fn saved_file_starts_with_the_comment_and_lists_one_id_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let baskets = dir.path().join("corpus/baskets");
        let mut b = Basket::new("ia").unwrap();
        b.title = Some("Titre \"cité\"\nsur deux lignes".into());
        b.toggle("a1");
        b.toggle("b2");
        b.save(&baskets).unwrap();
        let saved = fs::read_to_string(baskets.join("ia.toml")).unwrap();
        assert!(
            saved.starts_with("# Basket \"ia\" — articles chosen for a brochure, in order.\n"),
            "{saved}"
        );
        assert!(saved.contains("\n    \"a1\",\n    \"b2\",\n]"), "{saved}");
        let table: toml::Table = toml::from_str(&saved).unwrap();
        assert_eq!(table["title"].as_str(), b.title.as_deref());
        assert_eq!(Basket::load(&baskets, "ia").unwrap(), b);
    }

    #[test]
    fn empty_basket_saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let b = Basket::new(DEFAULT).unwrap();
        b.save(dir.path()).unwrap();
        assert_eq!(Basket::load(dir.path(), DEFAULT).unwrap(), b);
    }

    #[test]
    fn missing_file_is_not_found_for_load_and_empty_for_load_or_new() {
        let dir = tempfile::tempdir().unwrap();
        match Basket::load(dir.path(), "nope") {
            Err(BasketError::Io { source, .. }) => assert_eq!(source.kind(), io::ErrorKind::NotFound),
            other => panic!("{other:?}"),
        }
        assert_eq!(Basket::load_or_new(dir.path(), "nope").unwrap(), Basket::new("nope").unwrap());
        assert!(matches!(Basket::load_or_new(dir.path(), "../x"), Err(BasketError::BadName(_))));
    }

    #[test]
    fn duplicate_ids_are_read_once_at_their_first_position() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(Basket::path(dir.path(), "d"), "articles = [\"a\", \"b\", \"a\", \"c\", \"b\"]\n").unwrap();
        assert_eq!(Basket::load(dir.path(), "d").unwrap().articles, ["a", "b", "c"]);
    }

    #[test]
    fn invalid_files_report_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        for (text, line) in [
            ("title = \"x\"\narticles = [\"a\",\n  \"b\"\n  oops\n]\n", 4),
            ("title = \"x\"\n\narticles = [\"a\", 3]\n", 3),
            ("title = 5\narticles = []\n", 1),
            ("\narticles = \"a\"\n", 2),
        ] {
            fs::write(Basket::path(dir.path(), "bad"), text).unwrap();
            let err = Basket::load(dir.path(), "bad").unwrap_err();
            assert!(matches!(err, BasketError::Invalid { line: l, .. } if l == line), "{err:?} for {text:?}");
            let message = err.to_string();
            assert!(message.contains(&format!("bad.toml:{line}: ")), "{message}");
            if line != 4 {
                assert!(message.contains("`title`") || message.contains("`articles`"), "{message}");
            }
        }
    }

    #[test]
    fn bad_names_are_rejected() {
        let long = "a".repeat(65);
        for name in ["../x", "a b", "", long.as_str(), "a/b", "..", "A", "é", "x.y", "con", "com1", "lpt9"] {
            assert!(matches!(Basket::new(name), Err(BasketError::BadName(_))), "{name:?}");
            assert!(matches!(Basket::load(Path::new("."), name), Err(BasketError::BadName(_))), "{name:?}");
        }
        for name in ["ia", "a", "panier_2024-05", &"a".repeat(64), "console", "com", "comx"] {
            assert!(Basket::new(name).is_ok(), "{name:?}");
        }
        let bad = Basket { name: "a/b".into(), ..Basket::default() };
        assert!(matches!(bad.save(Path::new(".")), Err(BasketError::BadName(_))));
    }

    #[test]
    fn list_is_sorted_and_skips_other_files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Basket::list(&dir.path().join("missing")).unwrap().is_empty());
        for name in ["zeta", "alpha", "m-2"] {
            Basket::new(name).unwrap().save(dir.path()).unwrap();
        }
        fs::write(dir.path().join("notes.txt"), "").unwrap();
        fs::write(dir.path().join("Upper.toml"), "").unwrap();
        fs::write(dir.path().join(".veille-x.toml"), "").unwrap();
        fs::write(dir.path().join("noext"), "").unwrap();
        fs::create_dir(dir.path().join("sub.toml")).unwrap();
        fs::create_dir(dir.path().join("old")).unwrap();
        fs::write(dir.path().join("old/inner.toml"), "").unwrap();
        assert_eq!(Basket::list(dir.path()).unwrap(), ["alpha", "m-2", "zeta"]);
    }

    #[test]
    fn delete_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        Basket::new("a").unwrap().save(dir.path()).unwrap();
        Basket::delete(dir.path(), "a").unwrap();
        assert!(Basket::list(dir.path()).unwrap().is_empty());
        match Basket::delete(dir.path(), "a") {
            Err(BasketError::Io { source, .. }) => assert_eq!(source.kind(), io::ErrorKind::NotFound),
            other => panic!("{other:?}"),
        }
        assert!(matches!(Basket::delete(dir.path(), "../a"), Err(BasketError::BadName(_))));
    }

    #[test]
    fn toggle_and_remove() {
        let mut b = basket(&[]);
        assert!(b.toggle("a"));
        assert!(b.toggle("b"));
        assert!(b.toggle("c"));
        assert!(b.contains("b"));
        assert!(!b.toggle("a"), "toggling a present id removes it");
        assert_eq!(b.articles, ["b", "c"]);
        assert!(b.toggle("a"), "added back at the end");
        assert_eq!(b.articles, ["b", "c", "a"]);
        assert!(b.remove("a"));
        assert!(!b.remove("a"));
        assert!(b.remove("b"));
        assert!(b.remove("c"));
        assert!(b.articles.is_empty());
        assert!(!b.contains("c"));
    }

    #[test]
    fn moves_at_the_edges() {
        let mut b = basket(&["a", "b", "c"]);
        assert_eq!(b.move_up(0), None);
        assert_eq!(b.move_down(2), None);
        assert_eq!(b.move_up(3), None);
        assert_eq!(b.move_down(3), None);
        assert_eq!(b.move_up(usize::MAX), None);
        assert_eq!(b.move_down(usize::MAX), None);
        assert_eq!(b.articles, ["a", "b", "c"]);
        assert_eq!(b.move_up(2), Some(1));
        assert_eq!(b.articles, ["a", "c", "b"]);
        assert_eq!(b.move_down(0), Some(1));
        assert_eq!(b.articles, ["c", "a", "b"]);
        assert_eq!(b.move_down(1), Some(2));
        assert_eq!(b.articles, ["c", "b", "a"]);
        assert_eq!(b.move_up(1), Some(0));
        assert_eq!(b.articles, ["b", "c", "a"]);
        let mut empty = basket(&[]);
        assert_eq!(empty.move_up(0), None);
        assert_eq!(empty.move_down(0), None);
    }
}
