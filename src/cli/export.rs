//! `veille export`: a selection of the archive with all its fields, as
//! NDJSON (ready for Quickwit's ingest API), CSV or one Markdown file, or
//! as references (CSL-JSON, RIS, BibTeX: see [`crate::corpus::reference`]).
//!
//! NDJSON carries, beside each French text field, the terms veille's own
//! analyzer gives it (`title_stems`, `subtitle_stems`, `tags_stems`,
//! `body_stems`, space-separated): Quickwit has no French stemmer, stop
//! list or elision, so an index built on them (docs/quickwit-index.yaml)
//! matches as veille's does, and `veille analyze` gives a query the same
//! treatment. Dates kept among the front matter's own keys become RFC 3339
//! strings.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{Context, Status};
use crate::config::SiteNames;
use crate::corpus::reference::{self, Reference};
use crate::corpus::{Annotations, Article, PubDate, StoredArticle};

const EXAMPLES: &str = "\
Without a query, every article of the corpus is exported; with one, the
articles it finds (same language as `veille search`). Newest first.

Quickwit (docs/quickwit-index.yaml, docs/quickwit.md): ingest with `quickwit
index ingest`, which sends any size in batches; its HTTP ingest API takes at
most 10 MiB a request, so for curl split the file first (`split -C 9M`).
Quickwit does not replace a document by id: each night, ingest only what
`--since` the last run brought, or delete and recreate the index.

Examples:
  veille export > archive.ndjson
  quickwit index ingest --index veille --input-path archive.ndjson
  veille export --since 2026-12-01 > new.ndjson
  split -C 9M archive.ndjson part- && for f in part-*; do
    curl -XPOST http://127.0.0.1:7280/api/v1/veille/ingest --data-binary @$f; done
  veille export --format csv 'theme:eau depuis:2025' -o eau-2025.csv
  veille export --format markdown 'site:la-lime type:communique'
  veille export --format csl-json etiquette:brochure-eau -o sources.json
  pandoc --citeproc --bibliography sources.json brochure.md -o brochure.html
  veille export --format bibtex 'theme:eau depuis:2026' -o eau.bib
  veille export --format ris etiquette:à-lire -o zotero.ris";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (Quickwit's ingest format)
    Ndjson,
    /// One row per article, body included
    Csv,
    /// One Markdown file, articles one after the other
    Markdown,
    /// References as CSL-JSON (pandoc's citeproc, Zotero)
    CslJson,
    /// References as RIS (Zotero, EndNote)
    Ris,
    /// References as biblatex entries (@online), readable by BibTeX too
    Bibtex,
}

/// Export articles with all their fields (NDJSON, CSV, Markdown)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ExportArgs {
    /// What to export (default: everything)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    pub format: Format,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the articles archived (fetched, or their file written) on or
    /// after this day: what a nightly run brought, to add to a Quickwit index
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<chrono::NaiveDate>,
}

/// An exported article: dates as RFC 3339 datetimes, which Quickwit reads.
#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    url: Option<&'a str>,
    canonical_url: Option<&'a str>,
    site: &'a str,
    /// The site as people say it (sources.toml, else the article's own).
    site_name: &'a str,
    title: &'a str,
    subtitle: Option<&'a str>,
    authors: &'a [String],
    published: Option<String>,
    fetched: Option<String>,
    lang: Option<&'a str>,
    kind: &'a str,
    tags: &'a [String],
    links: &'a [String],
    sha256: String,
    body: &'a str,
    /// The terms veille's analyzer of the article's language gives each field, space-separated.
    title_stems: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtitle_stems: Option<String>,
    tags_stems: String,
    body_stems: String,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    extra: serde_json::Map<String, serde_json::Value>,
    /// The collective's labels, note and read mark.
    #[serde(skip_serializing_if = "Annotations::is_empty")]
    collective: &'a Annotations,
}

/// The terms of `text` as veille's index holds them, space-separated; the
/// tag of a language other than French written `en_` rather than `en:`,
/// which Quickwit's query language would read as a field name.
pub fn stems(analyzer: &mut tantivy::tokenizer::TextAnalyzer, text: &str) -> String {
    let terms = crate::index::analyzer::terms(analyzer, text);
    let mut out = String::with_capacity(text.len() / 2);
    for (_, term) in terms {
        if !out.is_empty() {
            out.push(' ');
        }
        match term.split_once(':') {
            Some((tag, stem)) => {
                out.push_str(tag);
                out.push('_');
                out.push_str(stem);
            }
            None => out.push_str(&term),
        }
    }
    out
}

/// A front-matter value as JSON; TOML dates and datetimes as RFC 3339
/// strings (serde would write `{"$__toml_private_datetime": …}`).
fn json_of(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(n) => J::from(*n),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(rfc3339(d)),
        toml::Value::Array(items) => J::Array(items.iter().map(json_of).collect()),
        toml::Value::Table(table) => J::Object(table.iter().map(|(k, v)| (k.clone(), json_of(v))).collect()),
    }
}

/// A TOML date, time or datetime in RFC 3339: a day alone is its midnight
/// UTC (as `published` is), a local datetime is taken as UTC.
fn rfc3339(d: &toml::value::Datetime) -> String {
    match (&d.date, &d.time, &d.offset) {
        (Some(date), None, _) => format!("{date}T00:00:00Z"),
        (Some(date), Some(time), None) => format!("{date}T{time}Z"),
        _ => d.to_string(),
    }
}

fn datetime(date: Option<PubDate>) -> Option<String> {
    date.map(|d| match d {
        PubDate::Date(day) => format!("{day}T00:00:00Z"),
        PubDate::DateTime(_) => d.to_string(),
    })
}

fn record<'a>(
    a: &'a Article,
    names: &'a SiteNames,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
) -> Record<'a> {
    let tags: Vec<String> = a.tags.iter().map(|t| stems(analyzer, t)).filter(|t| !t.is_empty()).collect();
    Record {
        title_stems: stems(analyzer, &a.title),
        subtitle_stems: a.subtitle.as_deref().map(|s| stems(analyzer, s)),
        tags_stems: tags.join(" "),
        body_stems: stems(analyzer, &crate::corpus::text::plain_text(&a.body)),
        extra: a.extra.iter().map(|(k, v)| (k.clone(), json_of(v))).collect(),
        id: &a.id,
        url: a.url.as_deref(),
        canonical_url: a.canonical_url.as_deref(),
        site: &a.site,
        site_name: names.display(&a.site, a.site_name.as_deref()),
        title: &a.title,
        subtitle: a.subtitle.as_deref(),
        authors: &a.authors,
        published: datetime(a.published),
        fetched: datetime(a.fetched),
        lang: a.lang.as_deref(),
        kind: a.kind.as_str(),
        tags: &a.tags,
        links: &a.links,
        sha256: a.body_sha256(),
        body: &a.body,
        collective: &a.annotations,
    }
}

/// Whether `stored` entered or changed in the archive on or after `since`:
/// its `fetched` date, else its file's modification time.
fn archived_since(stored: &StoredArticle, since: chrono::NaiveDate) -> bool {
    let day = match stored.article.fetched {
        Some(fetched) => fetched.date(),
        None => match std::fs::metadata(&stored.path).and_then(|m| m.modified()) {
            Ok(modified) => chrono::DateTime::<chrono::Utc>::from(modified).date_naive(),
            Err(_) => return true,
        },
    };
    day >= since
}

/// The selected articles, newest first, and how many files could not be read.
fn select(context: &Context, args: &ExportArgs) -> anyhow::Result<(Vec<StoredArticle>, usize)> {
    let home = context.home()?;
    super::selection::select(context, &home, &args.query.join(" "))
}

pub fn run(context: &Context, args: ExportArgs) -> anyhow::Result<Status> {
    let (mut articles, broken) = select(context, &args)?;
    if let Some(since) = args.since {
        articles.retain(|stored| archived_since(stored, since));
    }
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?)
        }
        None => Box::new(io::stdout().lock()),
    };
    let mut out = io::BufWriter::new(sink);
    let home = context.home()?;
    let names = home.site_names_or_ids();
    let references = || -> Vec<Reference> {
        let archive = home.settings().map(|s| s.archive.name).unwrap_or_default();
        articles
            .iter()
            .map(|stored| {
                let a = &stored.article;
                let location = stored.path.strip_prefix(home.root()).ok().map(|p| p.display().to_string());
                Reference::of(a, names.display(&a.site, a.site_name.as_deref()), &archive, location)
            })
            .collect()
    };
    match args.format {
        Format::CslJson => out.write_all(reference::csl_json(&references()).as_bytes())?,
        Format::Ris => {
            for r in references() {
                out.write_all(r.ris().as_bytes())?;
                out.write_all(b"\r\n")?;
            }
        }
        Format::Bibtex => {
            for (n, r) in references().iter().enumerate() {
                if n > 0 {
                    writeln!(out)?;
                }
                out.write_all(r.bibtex().as_bytes())?;
            }
        }
        Format::Ndjson => {
            let mut analyzers = std::collections::HashMap::new();
            for stored in &articles {
                // Each article's terms in its own language, as the index holds them.
                let language = stored
                    .article
                    .lang
                    .as_deref()
                    .and_then(crate::language::Language::from_code)
                    .unwrap_or(crate::language::Language::French);
                let analyzer = analyzers
                    .entry(language)
                    .or_insert_with(|| crate::index::analyzer::of_language(language));
                serde_json::to_writer(&mut out, &record(&stored.article, &names, analyzer))?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "id",
                "url",
                "site",
                "site_name",
                "title",
                "subtitle",
                "authors",
                "published",
                "kind",
                "lang",
                "tags",
                "links",
                "sha256",
                "body",
            ])?;
            for stored in &articles {
                let a = &stored.article;
                writer.write_record([
                    a.id.as_str(),
                    a.url.as_deref().unwrap_or_default(),
                    &a.site,
                    names.display(&a.site, a.site_name.as_deref()),
                    &a.title,
                    a.subtitle.as_deref().unwrap_or_default(),
                    &a.authors.join("; "),
                    &a.published.map(|p| p.to_string()).unwrap_or_default(),
                    a.kind.as_str(),
                    a.lang.as_deref().unwrap_or_default(),
                    &a.tags.join("; "),
                    &a.links.join(" "),
                    &a.body_sha256(),
                    &a.body,
                ])?;
            }
            writer.flush()?;
        }
        Format::Markdown => {
            for (n, stored) in articles.iter().enumerate() {
                let a = &stored.article;
                if n > 0 {
                    writeln!(out, "\n---\n")?;
                }
                writeln!(out, "# {}\n", a.title)?;
                if let Some(subtitle) = &a.subtitle {
                    writeln!(out, "*{subtitle}*\n")?;
                }
                let mut meta = vec![names.display(&a.site, a.site_name.as_deref()).to_string()];
                meta.extend(a.published.map(|p| p.date().to_string()));
                if !a.authors.is_empty() {
                    meta.push(a.authors.join(", "));
                }
                meta.extend(a.url.clone());
                writeln!(out, "{}\n", meta.join(" · "))?;
                writeln!(out, "{}", a.body)?;
            }
        }
    }
    out.flush()?;
    Ok(if broken == 0 { Status::Success } else { Status::Partial })
}
