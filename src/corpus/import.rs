//! Importing an existing archive from JSON Lines: one article per line.
//!
//! A line is `{"id": …, "title": …, "body": …}` with optional `url`, `site`,
//! `site_name` (the site as people say it, shown instead of its id),
//! `subtitle`, `published`, `authors`, `kind`, `lang`, `tags`; other fields
//! are kept as extra front-matter keys. A bad line is reported with its
//! number and skipped; the others are imported. Lines are parsed on all
//! cores and written in batches with one filesystem flush each; a batch is
//! put in place on its own thread while the next one is parsed and staged.

use std::collections::HashMap;
use std::io::BufRead;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value as Json;

use super::{Article, Corpus, Error, Kind, Outcome, PubDate};

/// Lines parsed and written together.
const BATCH_LINES: usize = 4096;

/// A line that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: Vec<LineError>,
    /// Problems with files already in the corpus, met while looking up ids.
    pub corpus_errors: Vec<String>,
    /// The disk ran out of room: the first line that could not be written
    /// and why. The import stopped there; lines after it were not read, and
    /// the lines of the batches in flight were written or not as a whole
    /// file each (running the import again completes it).
    pub stopped: Option<(usize, Error)>,
}

impl Report {
    pub fn imported(&self) -> usize {
        self.created + self.updated + self.unchanged
    }
}

/// Options of an import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site given to lines that have none.
    pub default_site: String,
    /// The language of a short text that declares none (the archive's:
    /// `[archive] lang` of veille.toml).
    pub default_lang: crate::language::Language,
}

impl Default for Options {
    fn default() -> Self {
        Options { default_site: "import".into(), default_lang: crate::language::Language::French }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IdField {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        let items = match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        };
        items.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    }
}

#[derive(Deserialize)]
struct Record {
    id: Option<IdField>,
    title: Option<String>,
    body: Option<String>,
    url: Option<String>,
    site: Option<String>,
    site_name: Option<String>,
    subtitle: Option<String>,
    published: Option<String>,
    authors: Option<OneOrMany>,
    kind: Option<String>,
    lang: Option<String>,
    tags: Option<OneOrMany>,
    #[serde(flatten)]
    other: serde_json::Map<String, Json>,
}

/// Why a line cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadLine(pub String);

/// Converts one JSON line into an article.
pub fn parse_line(line: &str, options: &Options) -> Result<Article, BadLine> {
    parse_record(line, options).map_err(BadLine)
}

fn parse_record(line: &str, options: &Options) -> Result<Article, String> {
    let record: Record = serde_json::from_str(line).map_err(|e| {
        let message = e.to_string();
        // serde_json ends messages with "at line 1 column N": keep the column only.
        match message.rsplit_once(" at line 1 column ") {
            Some((what, column)) => format!("invalid JSON at column {column}: {what}"),
            None => format!("invalid JSON: {message}"),
        }
    })?;
    let id = match record.id {
        Some(IdField::Text(s)) => s.trim().to_string(),
        Some(IdField::Number(n)) => n.to_string(),
        None => return Err("missing `id`".into()),
    };
    if id.is_empty() {
        return Err("`id` is empty".into());
    }
    if id.len() > 512 || id.chars().any(char::is_control) {
        return Err("`id` must be at most 512 bytes without control characters".into());
    }
    let body = record.body.unwrap_or_default();
    // The title stays what the archive gave, even empty: readers show the
    // start of the body instead, and search does not weigh it as a title.
    let title = record.title.map(|t| t.trim().to_string()).unwrap_or_default();
    if title.is_empty() && body.trim().is_empty() {
        return Err("neither `title` nor `body` has any text".into());
    }
    let site = record.site.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut article = Article::new(id, site.unwrap_or_else(|| options.default_site.clone()), title);
    article.site_name = record.site_name.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    article.body = body;
    article.url = record.url.filter(|u| !u.trim().is_empty());
    article.subtitle = record.subtitle.filter(|s| !s.trim().is_empty());
    article.published = match record.published.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(PubDate::parse(s).map_err(|e| format!("`published`: {e}"))?),
    };
    article.authors = record.authors.map(OneOrMany::into_vec).unwrap_or_default();
    article.tags = record.tags.map(OneOrMany::into_vec).unwrap_or_default();
    article.kind = match record.kind.as_deref() {
        None | Some("") => Kind::Article,
        Some(kind) => kind.parse::<Kind>().map_err(|e| format!("`kind`: {e}"))?,
    };
    article.lang = record.lang.filter(|l| !l.trim().is_empty());
    // Given or not, the language is checked against the text.
    crate::language::settle(&mut article, None, options.default_lang);
    for (key, value) in record.other {
        if let Some(value) = json_to_toml(value) {
            article.extra.insert(key, value);
        }
    }
    Ok(article)
}

/// JSON values as TOML ones; `null` (which TOML lacks) is dropped.
fn json_to_toml(value: Json) -> Option<toml::Value> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(b) => toml::Value::Boolean(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => toml::Value::String(s),
        Json::Array(items) => toml::Value::Array(items.into_iter().filter_map(json_to_toml).collect()),
        Json::Object(map) => {
            toml::Value::Table(map.into_iter().filter_map(|(k, v)| Some((k, json_to_toml(v)?))).collect())
        }
    })
}

/// Imports every line of `input` into `corpus`. Only an I/O failure of the
/// input or of the corpus as a whole is an error; bad lines are in the report.
pub fn import(
    corpus: &Corpus,
    mut input: impl BufRead,
    options: &Options,
    mut progress: impl FnMut(&Report),
) -> Result<Report, Error> {
    let (mut writer, corpus_errors) = corpus.writer()?;
    let mut report = Report {
        corpus_errors: corpus_errors.iter().map(ToString::to_string).collect(),
        ..Report::default()
    };
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut line_number = 0usize;
    let mut buffer = Vec::new();
    let mut committing: Option<Committing> = None;
    // A full disk ends the import: every later write would fail too.
    while report.stopped.is_none() {
        let mut lines = Vec::with_capacity(BATCH_LINES);
        while lines.len() < BATCH_LINES {
            buffer.clear();
            let read = match input.read_until(b'\n', &mut buffer) {
                Ok(read) => read,
                Err(source) => {
                    // What was staged before is still saved.
                    if let Some(previous) = committing.take() {
                        tally(&mut report, previous);
                    }
                    return Err(Error::Io { path: "<input>".into(), source });
                }
            };
            if read == 0 {
                break;
            }
            line_number += 1;
            let bytes = if line_number == 1 {
                buffer.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buffer)
            } else {
                &buffer
            };
            match std::str::from_utf8(bytes) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => lines.push((line_number, text.to_string())),
                Err(e) => report.failed.push(LineError {
                    line: line_number,
                    message: format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1),
                }),
            }
        }
        if lines.is_empty() {
            break;
        }
        let parsed: Vec<(usize, Result<Article, BadLine>)> =
            lines.into_par_iter().map(|(n, text)| (n, parse_line(&text, options))).collect();
        let mut batch = Vec::with_capacity(parsed.len());
        let mut batch_lines = Vec::with_capacity(parsed.len());
        for (n, result) in parsed {
            match result {
                Ok(article) => match first_line_of.get(&article.id) {
                    Some(first) => report.failed.push(LineError {
                        line: n,
                        message: format!("id {:?} already given on line {first}", article.id),
                    }),
                    None => {
                        first_line_of.insert(article.id.clone(), n);
                        batch_lines.push(n);
                        batch.push(article);
                    }
                },
                Err(BadLine(message)) => report.failed.push(LineError { line: n, message }),
            }
        }
        let staging = writer.stage_all(batch);
        // The previous batch was being put in place while this one was
        // read, parsed and staged; one batch commits at a time, in order.
        if let Some(previous) = committing.take() {
            tally(&mut report, previous);
            progress(&report);
        }
        committing = Some((batch_lines, std::thread::spawn(move || staging.commit())));
    }
    if let Some(last) = committing.take() {
        tally(&mut report, last);
        progress(&report);
    }
    report.failed.sort_by_key(|e| e.line);
    Ok(report)
}

/// The line numbers of a batch and the thread putting its files in place.
type Committing = (Vec<usize>, std::thread::JoinHandle<Vec<Result<Outcome, Error>>>);

/// Waits for a batch's commit and counts its outcomes.
fn tally(report: &mut Report, (lines, commit): Committing) {
    let results = commit.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for (n, result) in lines.into_iter().zip(results) {
        match result {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(e) if e.is_shortage() => match &report.stopped {
                Some((first, _)) if *first < n => {}
                _ => report.stopped = Some((n, e)),
            },
            Err(e) => report.failed.push(LineError { line: n, message: e.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options::default()
    }

    #[test]
    fn a_full_line_becomes_an_article() {
        let line = r#"{"id": "k1", "title": "Titre", "body": "Corps", "url": "https://x.example/a", "site": "kali", "site_name": " Kali ",
            "published": "2024-05-01", "authors": "Une Autrice", "kind": "communiqué", "lang": "fr",
            "tags": ["eau", "travail"], "source_rank": 3, "nothing": null}"#;
        let a = parse_line(line, &opts()).unwrap();
        assert_eq!(a.id, "k1");
        assert_eq!(a.site, "kali");
        assert_eq!(a.site_name.as_deref(), Some("Kali"));
        assert_eq!(a.authors, ["Une Autrice"]);
        assert_eq!(a.kind, Kind::Communique);
        assert_eq!(a.published.unwrap().to_string(), "2024-05-01");
        assert_eq!(a.extra.get("source_rank"), Some(&toml::Value::Integer(3)));
        assert!(!a.extra.contains_key("nothing"));
    }

    #[test]
    fn minimal_lines_and_numeric_ids() {
        let a = parse_line(r#"{"id": 42, "body": "Première ligne\nsuite"}"#, &opts()).unwrap();
        assert_eq!((a.id.as_str(), a.title.as_str(), a.site.as_str()), ("42", "", "import"));
    }

    #[test]
    fn bad_lines_say_why() {
        let cases = [
            (r#"{"title": "x"}"#, "missing `id`"),
            (r#"{"id": "", "title": "x"}"#, "empty"),
            (r#"{"id": "a", "title": "x", "published": "hier"}"#, "published"),
            (r#"{"id": "a", "title": "x", "kind": "tract"}"#, "kind"),
            (r#"{"id": "a"}"#, "neither"),
            (r#"{"id": "a", "title": 3}"#, "invalid JSON"),
            (r#"{"id": "a\u0000b", "title": "x"}"#, "control"),
            ("{nope", "column"),
        ];
        for (line, expected) in cases {
            let err = parse_line(line, &opts()).unwrap_err().0;
            assert!(err.contains(expected), "{line} -> {err}");
        }
    }

    #[test]
    fn import_reports_bad_lines_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let input = "{\"id\":\"a\",\"title\":\"Un\",\"body\":\"x\"}\n\nnot json\n{\"id\":\"b\",\"title\":\"Deux\"}\n{\"id\":\"a\",\"title\":\"Encore\"}\n";
        let report = import(&corpus, input.as_bytes(), &opts(), |_| {}).unwrap();
        assert_eq!(report.created, 2);
        let lines: Vec<_> = report.failed.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5]);
        assert!(report.failed[1].message.contains("line 1"));
        let report = import(&corpus, input.as_bytes(), &opts(), |_| {}).unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 2));
        assert_eq!(corpus.article_paths().unwrap().len(), 2);
    }

    fn lines(range: std::ops::Range<usize>) -> String {
        // Every title alike: each file name is the slug and a number.
        range
            .map(|i| format!("{{\"id\":\"n{i}\",\"title\":\"Même titre\",\"body\":\"texte {i}\"}}\n"))
            .collect()
    }

    fn temporary_files(dir: &std::path::Path) -> usize {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".veille-"))
            .count()
    }

    #[test]
    fn batches_committed_while_the_next_is_staged_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let n = 2 * BATCH_LINES + 10;
        let mut input = lines(0..n);
        input.push_str("pas du JSON\n");
        input.push_str(&lines(0..1)); // id n0 again, in the third batch
        let mut progress_calls = 0;
        let report = import(&corpus, input.as_bytes(), &opts(), |_| progress_calls += 1).unwrap();
        assert_eq!(report.created, n);
        let failed: Vec<_> = report.failed.iter().map(|e| e.line).collect();
        assert_eq!(failed, [n + 1, n + 2]);
        assert_eq!(progress_calls, 3, "one progress report per batch");
        let paths = corpus.article_paths().unwrap();
        assert_eq!(paths.len(), n, "equal titles in different batches get different files");
        assert_eq!(temporary_files(dir.path()), 0);
        let again = import(&corpus, input.as_bytes(), &opts(), |_| {}).unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, n));
    }

    /// Input that breaks after some bytes, as a network file system might.
    struct Breaking<'a>(&'a [u8]);

    impl std::io::Read for Breaking<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disque parti"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_keeps_the_batches_already_staged() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let input = lines(0..BATCH_LINES + 100);
        let err = import(&corpus, std::io::BufReader::new(Breaking(input.as_bytes())), &opts(), |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("disque parti"), "{err}");
        assert_eq!(corpus.article_paths().unwrap().len(), BATCH_LINES);
        assert_eq!(temporary_files(dir.path()), 0);
    }

    #[test]
    fn invalid_utf8_line_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(dir.path());
        let input: &[u8] = b"{\"id\":\"a\",\"title\":\"\xff\"}\n{\"id\":\"b\",\"title\":\"ok\"}\n";
        let report = import(&corpus, input, &opts(), |_| {}).unwrap();
        assert_eq!(report.created, 1);
        assert_eq!(report.failed[0].line, 1);
        assert!(report.failed[0].message.contains("UTF-8"));
    }
}
