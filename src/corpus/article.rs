//! The article record and its file format.
//!
//! An article file is TOML front matter between two `+++` lines followed by a
//! Markdown body. Known keys map to typed fields of [`Article`]; every other
//! key is kept verbatim in [`Article::extra`] so that a read/write round trip
//! never drops what a user or a later version of veille put there.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use toml::Value;

use super::annotations::{self, Annotations};

/// What sort of text an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Article,
    /// A statement signed by a collective.
    Communique,
    /// A text published as a PDF, linked from a `parent` page.
    Document,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Article, Kind::Communique, Kind::Document, Kind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Communique => "communique",
            Kind::Document => "document",
            Kind::Other => "other",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// French month names, January first: how pages print them (read by
/// extraction) and how brochures write them.
pub const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A value of `kind` veille does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {0:?} (expected one of: article, communique, document, other)")]
pub struct KindError(pub String);

/// A text that is no date veille reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date (expected 2025-03-11 or 2025-03-11T18:30:00+01:00)")]
pub struct DateError(pub String);

impl FromStr for Kind {
    type Err = KindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "article" => Ok(Kind::Article),
            "communique" | "communiqué" => Ok(Kind::Communique),
            "document" => Ok(Kind::Document),
            "other" | "autre" => Ok(Kind::Other),
            other => Err(KindError(other.to_string())),
        }
    }
}

/// A publication date: a calendar day, or an instant with its UTC offset.
///
/// Sites give either; keeping which one we got avoids inventing a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PubDate {
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
}

impl PubDate {
    /// Parses `2025-03-11`, RFC 3339 (`2025-03-11T18:30:00+01:00`), or a
    /// datetime without offset (`2025-03-11T18:30:00`, `2025-03-11 18:30`),
    /// which is taken as UTC.
    pub fn parse(s: &str) -> Result<PubDate, DateError> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(PubDate::Date(d));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(PubDate::DateTime(dt));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(PubDate::DateTime(Utc.from_utc_datetime(&naive).fixed_offset()));
            }
        }
        Err(DateError(s.to_string()))
    }

    pub fn date(&self) -> NaiveDate {
        match self {
            PubDate::Date(d) => *d,
            PubDate::DateTime(dt) => dt.date_naive(),
        }
    }

    /// The instant it names, a day taken at midnight UTC.
    pub fn instant(&self) -> chrono::DateTime<chrono::FixedOffset> {
        match self {
            PubDate::Date(d) => d.and_time(chrono::NaiveTime::MIN).and_utc().fixed_offset(),
            PubDate::DateTime(dt) => *dt,
        }
    }

    /// Seconds since the epoch, a day taken at midnight UTC; for sorting and indexing.
    pub fn timestamp(&self) -> i64 {
        self.instant().timestamp()
    }

    fn to_toml(self) -> Value {
        // Both forms print as valid TOML date / offset datetime literals.
        let datetime = self
            .to_string()
            .parse::<toml::value::Datetime>()
            .expect("chrono prints RFC 3339, which TOML reads");
        Value::Datetime(datetime)
    }
}

impl fmt::Display for PubDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PubDate::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            PubDate::DateTime(dt) => {
                write!(f, "{}", dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
        }
    }
}

impl Serialize for PubDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where the raw HTTP response of an article lies in the WARC archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarcRef {
    /// File name under `corpus/raw/`.
    pub file: String,
    /// Byte offset of the response record in that file.
    pub offset: u64,
}

/// One archived text: the record veille keeps on disk.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Article {
    /// Stable identifier (derived from the canonical URL when crawled).
    pub id: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    /// Source id of the site the article comes from.
    pub site: String,
    /// The site's name as people say it ("La Lime"), when the article
    /// carries it (imports); sources.toml's names come first (see
    /// [`crate::config::SiteNames`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<PubDate>,
    pub fetched: Option<PubDate>,
    pub lang: Option<String>,
    pub kind: Kind,
    /// The site's own keywords.
    pub tags: Vec<String>,
    /// Outgoing links of the body.
    pub links: Vec<String>,
    /// sha256 of the body as stored in the file (see [`Article::body_sha256`]).
    pub sha256: Option<String>,
    pub warc: Option<WarcRef>,
    /// The collective's labels, note and read mark (`[collective]`).
    #[serde(skip_serializing_if = "Annotations::is_empty")]
    pub annotations: Annotations,
    /// Front-matter keys veille does not know, kept in their order.
    #[serde(skip)]
    pub extra: toml::Table,
    /// The Markdown body.
    pub body: String,
}

/// A front matter or body problem, with the 1-based line of the file it is on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

impl FormatError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        FormatError { line, message: message.into() }
    }
}

const FENCE: &str = "+++";

/// The keys with typed fields, in the order they are written.
const KNOWN_KEYS: [&str; 17] = [
    "id",
    "url",
    "canonical_url",
    "site",
    "site_name",
    "title",
    "subtitle",
    "authors",
    "published",
    "fetched",
    "lang",
    "kind",
    "tags",
    "links",
    "sha256",
    "warc",
    annotations::TABLE,
];

/// sha256 (lower-case hex) of some text or bytes.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    let digest = Sha256::digest(data.as_ref());
    let mut out = String::with_capacity(64);
    for byte in digest {
        use std::fmt::Write;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The id of an article found at `canonical_url`: stable across runs and
/// machines, equal for every variant of the URL (see [`super::canonical::key`]),
/// short enough to type (64 bits of sha256, in hex).
pub fn id_from_url(canonical_url: &str) -> String {
    sha256_hex(super::canonical::key(canonical_url))[..16].to_string()
}

/// The form a body is stored in: no leading blank lines, no trailing
/// whitespace, so that writing and reading again gives the same text.
pub fn canonical_body(body: &str) -> &str {
    body.trim_start_matches(['\n', '\r']).trim_end()
}

impl Article {
    /// A new article with the fields every article has.
    pub fn new(id: impl Into<String>, site: impl Into<String>, title: impl Into<String>) -> Self {
        Article { id: id.into(), site: site.into(), title: title.into(), ..Default::default() }
    }

    /// The title, or for an untitled text its first words, for display.
    pub fn display_title(&self) -> String {
        if !self.title.trim().is_empty() {
            return self.title.clone();
        }
        let first = self.body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(sans titre)");
        let mut shown: String = first.chars().take(80).collect();
        if shown.chars().count() < first.chars().count() {
            shown.push('…');
        }
        shown
    }

    /// sha256 of the canonical body: what the index compares to know whether
    /// an article changed, whatever the stored `sha256` says.
    pub fn body_sha256(&self) -> String {
        sha256_hex(canonical_body(&self.body))
    }

    /// Reads an article file's text.
    pub fn parse(text: &str) -> Result<Article, FormatError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (front, front_first_line, table, body) = split_front_matter(text)?;
        let mut fields = Fields { table, front, first_line: front_first_line };
        let article = Article {
            id: fields.required_string("id")?,
            url: fields.string("url")?,
            canonical_url: fields.string("canonical_url")?,
            site: fields.required_string("site")?,
            site_name: fields.string("site_name")?.filter(|s| !s.trim().is_empty()),
            title: fields.string("title")?.unwrap_or_default(),
            subtitle: fields.string("subtitle")?,
            authors: fields.string_list("authors")?,
            published: fields.date("published")?,
            fetched: fields.date("fetched")?,
            lang: fields.string("lang")?,
            kind: fields.kind("kind")?,
            tags: fields.string_list("tags")?,
            links: fields.string_list("links")?,
            sha256: fields.string("sha256")?,
            warc: fields.warc("warc")?,
            annotations: fields.annotations()?,
            extra: std::mem::take(&mut fields.table),
            body: canonical_body(body).to_string(),
        };
        if article.id.trim().is_empty() {
            return Err(FormatError::new(fields.line_of("id"), "`id` is empty"));
        }
        Ok(article)
    }

    /// The file text for this article. `sha256` is always written as the
    /// checksum of the body being written.
    pub fn to_file_string(&self) -> String {
        let mut table = toml::Table::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                table.insert(key.to_string(), value);
            }
        };
        let string = |s: &Option<String>| s.as_ref().map(|s| Value::String(s.clone()));
        let list = |v: &[String]| Some(Value::Array(v.iter().cloned().map(Value::String).collect()));
        put("id", Some(Value::String(self.id.clone())));
        put("url", string(&self.url));
        put("canonical_url", string(&self.canonical_url));
        put("site", Some(Value::String(self.site.clone())));
        put("site_name", string(&self.site_name));
        put("title", Some(Value::String(self.title.clone())));
        put("subtitle", string(&self.subtitle));
        put("authors", list(&self.authors));
        put("published", self.published.map(PubDate::to_toml));
        put("fetched", self.fetched.map(PubDate::to_toml));
        put("lang", string(&self.lang));
        put("kind", Some(Value::String(self.kind.as_str().to_string())));
        put("tags", list(&self.tags));
        put("links", list(&self.links));
        put("sha256", Some(Value::String(self.body_sha256())));
        put(
            "warc",
            self.warc.as_ref().map(|w| {
                let mut t = toml::Table::new();
                t.insert("file".into(), Value::String(w.file.clone()));
                t.insert("offset".into(), Value::Integer(w.offset.min(i64::MAX as u64) as i64));
                Value::Table(t)
            }),
        );
        for (key, value) in &self.extra {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                table.insert(key.clone(), value.clone());
            }
        }
        let mut front = toml::to_string(&table).expect("a TOML table always serialises");
        // Last, in a layout of its own that git merges line by line.
        front.push_str(&self.annotations.to_toml_section());
        let body = canonical_body(&self.body);
        let mut out = String::with_capacity(front.len() + body.len() + 16);
        out.push_str(FENCE);
        out.push('\n');
        out.push_str(&front);
        if !front.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(FENCE);
        out.push('\n');
        if !body.is_empty() {
            out.push('\n');
            out.push_str(body);
            out.push('\n');
        }
        out
    }
}

/// Splits a file into (front matter, line number of its first line, its table, body).
///
/// The front matter ends at the first `+++` line after which it reads as
/// TOML: the TOML writer puts a string with line breaks on several lines
/// (`"""…"""`), so a title holding a `+++` line is written with that line
/// inside the front matter (caught by the `article` fuzz target). Only a
/// multi-line string can hold such a line, so later fences are tried only
/// when the front matter has one; otherwise the first fence's error stands.
fn split_front_matter(text: &str) -> Result<(&str, usize, toml::Table, &str), FormatError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Err(FormatError::new(1, "missing front matter: the file must start with a `+++` line"));
    }
    let start = first.len();
    let mut offset = start;
    let mut first_error = None;
    for line in lines {
        if line.trim_end() == FENCE {
            let front = &text[start..offset];
            match toml::from_str::<toml::Table>(front) {
                Ok(table) => return Ok((front, 2, table, &text[offset + line.len()..])),
                Err(e) => {
                    let line = e
                        .span()
                        .map(|span| 2 + front[..span.start.min(front.len())].matches('\n').count())
                        .unwrap_or(2);
                    let error = FormatError::new(line, format!("front matter: {}", e.message().trim()));
                    let error = first_error.get_or_insert(error);
                    if !front.contains("\"\"\"") && !front.contains("'''") {
                        return Err(error.clone());
                    }
                }
            }
        }
        offset += line.len();
    }
    Err(first_error
        .unwrap_or_else(|| FormatError::new(1, "front matter is not closed: no second `+++` line")))
}

/// Typed access to the front matter table; each accessor removes its key so
/// that what remains is the unknown keys.
struct Fields<'a> {
    table: toml::Table,
    front: &'a str,
    first_line: usize,
}

impl Fields<'_> {
    /// Line of `key = …` in the file, for error messages.
    fn line_of(&self, key: &str) -> usize {
        for (index, line) in self.front.lines().enumerate() {
            let line = line.trim_start();
            if line.strip_prefix('[').and_then(|l| l.strip_prefix(key)).is_some_and(|l| l.starts_with(']')) {
                return self.first_line + index;
            }
            if let Some(rest) = line.strip_prefix(key) {
                let rest = rest.trim_start();
                if rest.starts_with('=') {
                    return self.first_line + index;
                }
            }
        }
        self.first_line
    }

    fn err(&self, key: &str, message: String) -> FormatError {
        FormatError::new(self.line_of(key), format!("`{key}`: {message}"))
    }

    fn string(&mut self, key: &str) -> Result<Option<String>, FormatError> {
        match self.table.remove(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.err(key, format!("expected a string, found {}", other.type_str()))),
        }
    }

    fn required_string(&mut self, key: &str) -> Result<String, FormatError> {
        match self.string(key)? {
            Some(s) => Ok(s),
            None => Err(FormatError::new(self.first_line, format!("missing required key `{key}`"))),
        }
    }

    fn string_list(&mut self, key: &str) -> Result<Vec<String>, FormatError> {
        match self.table.remove(key) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s]),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s),
                    other => Err(self.err(key, format!("expected strings, found {}", other.type_str()))),
                })
                .collect(),
            Some(other) => {
                Err(self.err(key, format!("expected a list of strings, found {}", other.type_str())))
            }
        }
    }

    fn date(&mut self, key: &str) -> Result<Option<PubDate>, FormatError> {
        match self.table.remove(key) {
            None => Ok(None),
            // A local datetime (no offset) is read as UTC, like strings are.
            Some(Value::Datetime(dt)) => {
                PubDate::parse(&dt.to_string()).map(Some).map_err(|e| self.err(key, e.to_string()))
            }
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => PubDate::parse(&s).map(Some).map_err(|e| self.err(key, e.to_string())),
            Some(other) => Err(self.err(key, format!("expected a date, found {}", other.type_str()))),
        }
    }

    fn kind(&mut self, key: &str) -> Result<Kind, FormatError> {
        match self.string(key)? {
            None => Ok(Kind::default()),
            Some(s) => s.parse().map_err(|e: KindError| self.err(key, e.to_string())),
        }
    }

    fn annotations(&mut self) -> Result<Annotations, FormatError> {
        match self.table.remove(annotations::TABLE) {
            None => Ok(Annotations::default()),
            Some(value) => Annotations::from_toml(value).map_err(|e| self.err(annotations::TABLE, e)),
        }
    }

    fn warc(&mut self, key: &str) -> Result<Option<WarcRef>, FormatError> {
        match self.table.remove(key) {
            None => Ok(None),
            Some(Value::Table(mut t)) => {
                let file = match t.remove("file") {
                    Some(Value::String(s)) => s,
                    _ => return Err(self.err(key, "expected `file` (a string)".into())),
                };
                let offset = match t.remove("offset") {
                    Some(Value::Integer(n)) if n >= 0 => n as u64,
                    _ => {
                        return Err(self.err(key, "expected `offset` (a non-negative integer)".into()));
                    }
                };
                Ok(Some(WarcRef { file, offset }))
            }
            Some(other) => {
                Err(self.err(key, format!("expected a table {{ file, offset }}, found {}", other.type_str())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Article {
        let mut extra = toml::Table::new();
        extra.insert("note".into(), Value::String("gardé".into()));
        extra.insert("score".into(), Value::Integer(3));
        Article {
            id: "a1b2c3".into(),
            url: Some("https://exemple.example/spip.php?article12".into()),
            canonical_url: Some("https://exemple.example/spip.php?article12".into()),
            site: "exemple".into(),
            site_name: Some("L’Exemple".into()),
            title: "L’eau, « bien commun » — et \"guillemets\"".into(),
            subtitle: Some("Sous-titre".into()),
            authors: vec!["Zoé Étienne".into(), "Collectif Œuvre".into()],
            published: Some(PubDate::parse("2025-02-11").unwrap()),
            fetched: Some(PubDate::parse("2026-11-20T03:12:00+01:00").unwrap()),
            lang: Some("fr".into()),
            kind: Kind::Communique,
            tags: vec!["eau".into()],
            links: vec!["https://exemple.example/a".into()],
            sha256: None,
            warc: Some(WarcRef { file: "2026-11-20.warc.gz".into(), offset: 1234 }),
            annotations: Annotations {
                labels: ["à-lire".to_string(), "revue-48".to_string()].into(),
                note: Some("Une note\nsur deux lignes, avec +++ et \"\"\".".into()),
                read: true,
            },
            extra,
            body: "## Intertitre\n\n> Citation\n\n- un\n- deux\n\nTexte[^1] 🌊 عربى.\n\n[^1]: Note.".into(),
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let article = full();
        let text = article.to_file_string();
        let back = Article::parse(&text).unwrap();
        assert_eq!(back.sha256.as_deref(), Some(article.body_sha256().as_str()));
        assert_eq!(Article { sha256: None, ..back.clone() }, article);
        assert_eq!(back.to_file_string(), text, "writing again gives the same bytes");
    }

    #[test]
    fn round_trip_with_empty_optional_fields() {
        let article = Article::new("x", "site", "");
        let text = article.to_file_string();
        let back = Article::parse(&text).unwrap();
        assert_eq!(Article { sha256: None, ..back }, article);
    }

    #[test]
    fn unknown_keys_and_tables_survive() {
        let text = "+++\nid = \"x\"\nsite = \"s\"\ntitle = \"t\"\nzeta = [1, 2]\nalpha = 2024-01-02T03:04:05Z\n[perso]\nlu = true\n+++\n\nCorps.\n";
        let article = Article::parse(text).unwrap();
        assert_eq!(article.extra.keys().collect::<Vec<_>>(), ["zeta", "alpha", "perso"]);
        let again = Article::parse(&article.to_file_string()).unwrap();
        assert_eq!(again.extra, article.extra);
        assert!(article.to_file_string().contains("[perso]\nlu = true"));
    }

    #[test]
    fn dates_keep_their_precision() {
        for s in ["2025-03-11", "2025-03-11T18:30:00+01:00", "2025-03-11T18:30:00Z"] {
            let d = PubDate::parse(s).unwrap();
            assert_eq!(d.to_string(), s);
        }
        assert_eq!(PubDate::parse("2025-03-11 18:30").unwrap().to_string(), "2025-03-11T18:30:00Z");
        assert!(PubDate::parse("11 mars").is_err());
        let text = "+++\nid = \"x\"\nsite = \"s\"\npublished = 2025-03-11T18:30:00\n+++\n";
        assert_eq!(Article::parse(text).unwrap().published.unwrap().to_string(), "2025-03-11T18:30:00Z");
    }

    #[test]
    fn errors_name_the_line() {
        let bad_toml = "+++\nid = \"x\"\nsite = \"s\"\ntitle = \"pas fermé\n+++\nbody";
        assert_eq!(Article::parse(bad_toml).unwrap_err().line, 4);
        let bad_date = "+++\nid = \"x\"\nsite = \"s\"\n\npublished = \"hier\"\n+++\n";
        let err = Article::parse(bad_date).unwrap_err();
        assert_eq!(err.line, 5);
        assert!(err.message.contains("published"), "{err}");
        let bad_kind = "+++\nid = \"x\"\nsite = \"s\"\nkind = \"tract\"\n+++\n";
        assert_eq!(Article::parse(bad_kind).unwrap_err().line, 4);
        assert_eq!(Article::parse("no front matter").unwrap_err().line, 1);
        assert!(Article::parse("+++\nid = \"x\"\n").unwrap_err().message.contains("not closed"));
        assert!(Article::parse("+++\nsite = \"s\"\n+++\n").unwrap_err().message.contains("`id`"));
    }

    #[test]
    fn a_fence_line_inside_a_string_survives_the_round_trip() {
        // Caught by the `article` fuzz target: the title is written as a
        // multi-line string whose middle line is the closing fence.
        let mut article = Article::new("x", "s", "a\n+++\nb");
        article.extra.insert("note".into(), Value::String("+++\n'''\\\n+++".into()));
        let text = article.to_file_string();
        assert!(text.lines().filter(|l| *l == FENCE).count() > 2, "{text}");
        let back = Article::parse(&text).unwrap();
        assert_eq!((back.title.as_str(), &back.extra), ("a\n+++\nb", &article.extra));
        let broken = "+++\nid = \"x\"\nsite = \"s\"\ntitle = \"\"\"\na\n+++\n\nCorps.\n";
        assert_eq!(Article::parse(broken).unwrap_err().line, 6, "the first fence's error is told");
    }

    #[test]
    fn crlf_and_bom_are_read() {
        let text = "\u{feff}+++\r\nid = \"x\"\r\nsite = \"s\"\r\n+++\r\n\r\nCorps.\r\n";
        let article = Article::parse(text).unwrap();
        assert_eq!(article.body, "Corps.");
    }

    #[test]
    fn kind_accepts_french_spelling() {
        assert_eq!("Communiqué".parse::<Kind>().unwrap(), Kind::Communique);
        assert!("tract".parse::<Kind>().is_err());
    }
}
