//! `veille export`: a selection of the archive with all its fields, as
//! NDJSON (ready for Quickwit's ingest API), CSV or one Markdown file.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{Context, Status};
use crate::corpus::{Article, Corpus, PubDate, StoredArticle};
use crate::index::search::{SearchOptions, Sort};

const EXAMPLES: &str = "\
Without a query, every article of the corpus is exported; with one, the
articles it finds (same language as `veille search`). Newest first.

Examples:
  veille export > archive.ndjson
  veille export --format csv 'theme:eau depuis:2025' -o eau-2025.csv
  veille export --format markdown 'site:la-lime type:communique'
  veille export | curl -XPOST http://localhost:7280/api/v1/veille/ingest --data-binary @-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (Quickwit's ingest format)
    Ndjson,
    /// One row per article, body included
    Csv,
    /// One Markdown file, articles one after the other
    Markdown,
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
}

/// An exported article: dates as RFC 3339 datetimes, which Quickwit reads.
#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    url: Option<&'a str>,
    canonical_url: Option<&'a str>,
    site: &'a str,
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
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    extra: &'a toml::Table,
}

fn datetime(date: Option<PubDate>) -> Option<String> {
    date.map(|d| match d {
        PubDate::Date(day) => format!("{day}T00:00:00Z"),
        PubDate::DateTime(_) => d.to_string(),
    })
}

fn record(a: &Article) -> Record<'_> {
    Record {
        id: &a.id,
        url: a.url.as_deref(),
        canonical_url: a.canonical_url.as_deref(),
        site: &a.site,
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
        extra: &a.extra,
    }
}

/// The selected articles, newest first, and how many files could not be read.
fn select(context: &Context, args: &ExportArgs) -> anyhow::Result<(Vec<StoredArticle>, usize)> {
    let home = context.home()?;
    let corpus = home.corpus();
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        let (mut articles, errors) = corpus.load()?;
        for error in &errors {
            tracing::warn!("{error}; skipped");
        }
        articles.sort_by_key(|s| std::cmp::Reverse(s.article.published.map(|p| p.timestamp())));
        return Ok((articles, errors.len()));
    }
    let (searcher, _) = super::index::searcher(context, &home)?;
    let limit = searcher.num_docs().max(1) as usize;
    let options = SearchOptions {
        limit,
        sort: Sort::Date,
        snippets: false,
        all_reprises: true,
        ..SearchOptions::default()
    };
    let results = searcher.search(&query, &options).map_err(|e| match e {
        crate::index::IndexError::Query(q) => {
            anyhow::anyhow!("cannot read the query: {q}\n{}", q.pointer(&query))
        }
        other => other.into(),
    })?;
    let mut articles = Vec::with_capacity(results.hits.len());
    let mut broken = 0;
    for hit in results.hits {
        let path = corpus.dir().join(&hit.path);
        match Corpus::read(&path) {
            Ok(article) => articles.push(StoredArticle { path, article }),
            Err(e) => {
                broken += 1;
                tracing::warn!("{e}; skipped (run `veille index` if the corpus changed)");
            }
        }
    }
    Ok((articles, broken))
}

pub fn run(context: &Context, args: ExportArgs) -> anyhow::Result<Status> {
    let (articles, broken) = select(context, &args)?;
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?)
        }
        None => Box::new(io::stdout().lock()),
    };
    let mut out = io::BufWriter::new(sink);
    match args.format {
        Format::Ndjson => {
            for stored in &articles {
                serde_json::to_writer(&mut out, &record(&stored.article))?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "id",
                "url",
                "site",
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
                let mut meta = vec![a.site.clone()];
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
