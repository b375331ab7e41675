//! `veille list`, `veille show` and `veille check`: reading the corpus as it is.

use std::io::{self, Write};

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use super::output::counted;
use super::{Context, Status};
use crate::corpus::{Article, Corpus, Kind, PubDate, StoredArticle};

const LIST_EXAMPLES: &str = "\
Examples:
  veille list                          every article, newest first
  veille list --site la-lime --limit 5
  veille list --kind communique --since 2025-01-01
  veille list --json | jq -r .title";

/// List the articles of the corpus, newest first
#[derive(Debug, Args)]
#[command(after_help = LIST_EXAMPLES)]
pub struct ListArgs {
    /// Only this site (source id)
    #[arg(long, value_name = "ID")]
    pub site: Option<String>,
    /// Only this kind: article, communique, document, other
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Only articles published on or after this date (2025-01-01)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<PubDate>,
    /// At most N articles
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One JSON object per line instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Print one article: its file, or its fields as JSON
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  veille show 3f2a9c0d1e2b4a5c\n  veille show 3f2a        (a unique id prefix is enough)\n  veille show --json 3f2a | jq .links"
)]
pub struct ShowArgs {
    /// The article id, or a unique prefix of it (4 characters at least)
    pub id: String,
    /// Print the fields and body as one JSON object
    #[arg(long, conflicts_with = "path")]
    pub json: bool,
    /// Print only the path of the article file
    #[arg(long)]
    pub path: bool,
}

/// Check the home: settings, sources, themes, every article file; with --deep, all that can rot
#[derive(Debug, Args)]
#[command(after_help = "Each problem is one line: the file (and line), what is wrong, and how to\n\
repair it. The exit status is 1 when there is any, so `veille check` fits a\n\
git pre-commit hook.\n\n\
--deep also verifies what can rot unnoticed: each article's text against its\n\
sha256, each WARC record of corpus/raw/ against its digests, each article's\n\
`warc` pointer against the record it names, the index against the files\n\
(same ids, same checksums), and the baskets against the archive. It reads\n\
everything once and writes nothing (unless --repair): a weekly cron line.\n\n\
Examples:\n  veille check\n  veille --home ~/archive check -q && echo ok\n  \
veille check --deep --json | jq '.problems[]'\n\n\
Weekly, from cron (mail only when something is wrong):\n  \
0 4 * * 0  veille --home ~/archive check --deep -q || echo \"veille check found problems\"")]
pub struct CheckArgs {
    /// Also verify checksums, WARC digests, the index and the baskets
    #[arg(long)]
    pub deep: bool,
    /// With --deep: cut off WARC records an interrupted run left half-written
    #[arg(long, requires = "deep")]
    pub repair: bool,
    /// Print what was checked and every problem as JSON
    #[arg(long)]
    pub json: bool,
}

fn parse_kind(s: &str) -> Result<Kind, crate::corpus::KindError> {
    s.parse()
}

fn parse_date(s: &str) -> Result<PubDate, crate::corpus::DateError> {
    PubDate::parse(s)
}

/// An article as `--json` prints it.
#[derive(Serialize)]
struct JsonArticle<'a> {
    path: String,
    #[serde(flatten)]
    article: &'a Article,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
}

fn load(corpus: &Corpus) -> anyhow::Result<(Vec<StoredArticle>, usize)> {
    let (articles, errors) = corpus.load()?;
    for error in &errors {
        tracing::warn!("{error}; skipped");
    }
    Ok((articles, errors.len()))
}

pub fn list(context: &Context, args: ListArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let (mut articles, broken) = load(&home.corpus())?;
    articles.retain(|s| {
        let a = &s.article;
        args.site.as_ref().is_none_or(|site| &a.site == site)
            && args.kind.is_none_or(|kind| a.kind == kind)
            && args.since.is_none_or(|since| a.published.is_some_and(|p| p.date() >= since.date()))
    });
    // Newest first; undated last; ties in path order.
    articles.sort_by_key(|s| std::cmp::Reverse(s.article.published.map(|p| p.timestamp())));
    let names = home.site_names_or_ids();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for stored in articles.iter().take(args.limit.unwrap_or(usize::MAX)) {
        let a = &stored.article;
        if args.json {
            let path = stored.path.strip_prefix(home.root()).unwrap_or(&stored.path).display().to_string();
            serde_json::to_writer(&mut out, &JsonArticle { path, article: a, body: None })?;
            writeln!(out)?;
        } else {
            let date = a.published.map_or("----------".to_string(), |p| p.date().to_string());
            writeln!(
                out,
                "{}  {}  {:<10}  {:<16}  {}",
                date,
                context.out.dim(&a.id),
                a.kind,
                names.display(&a.site, a.site_name.as_deref()),
                context.out.bold(&a.title)
            )?;
        }
    }
    out.flush()?;
    Ok(if broken == 0 { Status::Success } else { Status::Partial })
}

pub fn show(context: &Context, args: ShowArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let Some(stored) = home.corpus().find(&args.id)? else {
        bail!("no article with id {:?} (try `veille list`)", args.id);
    };
    let mut out = io::stdout().lock();
    if args.path {
        writeln!(out, "{}", stored.path.display())?;
    } else if args.json {
        let path = stored.path.strip_prefix(home.root()).unwrap_or(&stored.path).display().to_string();
        let json = JsonArticle { path, article: &stored.article, body: Some(&stored.article.body) };
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else {
        let text = std::fs::read_to_string(&stored.path)
            .with_context(|| format!("cannot read {}", stored.path.display()))?;
        out.write_all(text.as_bytes())?;
    }
    Ok(Status::Success)
}

pub fn check(context: &Context, args: CheckArgs) -> anyhow::Result<Status> {
    use crate::home::check::{self, Options};
    let home = context.home()?;
    // --repair writes: it takes the home like any writing command.
    let _lock = if args.repair { Some(home.lock("check --repair", false)?) } else { None };
    let findings = check::check(&home, Options { deep: args.deep, repair: args.repair });
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &findings)?;
        writeln!(out)?;
    } else {
        for problem in &findings.problems {
            let at = match problem.line {
                Some(line) => format!("{}:{line}", problem.path),
                None => problem.path.clone(),
            };
            tracing::error!("{at}: {}; to repair: {}", problem.problem, problem.repair);
        }
        for path in &findings.repaired {
            tracing::warn!("{path}: a record cut by an interrupted run was cut off");
        }
        if !context.global.quiet {
            let mut parts = vec![
                counted(findings.articles, "article", "articles"),
                counted(findings.sources, "source", "sources"),
                counted(findings.themes, "theme", "themes"),
            ];
            if let (Some(files), Some(records)) = (findings.raw_files, findings.raw_records) {
                parts.push(format!(
                    "{} ({})",
                    counted(files, "WARC file", "WARC files"),
                    counted(records, "record", "records")
                ));
            }
            if let Some(indexed) = findings.indexed {
                parts.push(format!("{} indexed", counted(indexed, "article", "articles")));
            }
            if let Some(baskets) = findings.baskets {
                parts.push(counted(baskets, "basket", "baskets"));
            }
            writeln!(
                out,
                "{}; {}",
                parts.join(", "),
                counted(findings.problems.len(), "problem", "problems")
            )?;
        }
    }
    Ok(if findings.problems.is_empty() { Status::Success } else { Status::Partial })
}

/// Show what an article cites in the archive and what cites it
#[derive(Debug, Args)]
#[command(after_help = "Links of an article that lead to another article of the archive (after\n\
canonicalisation, and through the redirects the crawler met); links to pages\n\
outside the archive are left out.\n\nExamples:\n  veille links 3f2a\n  veille links --json 3f2a | jq .cited_by")]
pub struct LinksArgs {
    /// The article id, or a unique prefix of it
    pub id: String,
    /// Print {"id", "cites", "cited_by"} as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn links(context: &Context, args: LinksArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let Some(stored) = home.corpus().find(&args.id)? else {
        bail!("no article with id {:?} (try `veille list`)", args.id);
    };
    let (articles, errors) = home.corpus().load()?;
    for e in &errors {
        tracing::warn!("{e}; skipped");
    }
    let redirects = match crate::crawl::state::State::open(&home.state_dir()) {
        Ok(state) => state.redirects().unwrap_or_default(),
        Err(e) => {
            tracing::info!("{e}: citations through redirects are left out");
            Default::default()
        }
    };
    let citations =
        crate::corpus::citations::Citations::build(articles.iter().map(|s| &s.article), &redirects);
    let found = citations.of(&stored.article.id);
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &found)?;
        writeln!(out)?;
        return Ok(Status::Success);
    }
    let names = home.site_names_or_ids();
    let title = |id: &str| {
        articles
            .iter()
            .find(|s| s.article.id == id)
            .map(|s| {
                let site = names.display(&s.article.site, s.article.site_name.as_deref());
                format!("{id}  {} ({site})", s.article.display_title())
            })
            .unwrap_or_else(|| id.to_string())
    };
    writeln!(out, "{}", context.out.bold(&stored.article.display_title()))?;
    for (label, ids) in [("cites", &found.cites), ("cited by", &found.cited_by)] {
        writeln!(out, "{label}: {}", if ids.is_empty() { "—" } else { "" })?;
        for id in ids {
            writeln!(out, "  {}", title(id))?;
        }
    }
    Ok(Status::Success)
}

/// List the reprises of an article: the same text on other sites
#[derive(Debug, Args)]
#[command(after_help = "The texts of the archive whose body is the same as this article's, as found\n\
when indexing (MinHash over word shingles: a repost with another intro, a\n\
trimmed signature or typography changes is the same text). The original is the\n\
earliest published.\n\nExamples:\n  veille reprises 3f2a\n  veille reprises --json 3f2a | jq '.[].site'")]
pub struct ReprisesArgs {
    /// The article id, or a unique prefix of it
    pub id: String,
    /// Print the members as a JSON array (the original first)
    #[arg(long)]
    pub json: bool,
}

pub fn reprises(context: &Context, args: ReprisesArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let Some(stored) = home.corpus().find(&args.id)? else {
        bail!("no article with id {:?} (try `veille list`)", args.id);
    };
    let (searcher, _) = super::index::searcher(context, &home)?;
    let members = searcher.reprises().cluster_of(&stored.article.id);
    let hits = searcher.by_ids(&members)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &hits)?;
        writeln!(out)?;
        return Ok(Status::Success);
    }
    if hits.len() < 2 {
        writeln!(out, "{}: no reprise in the archive", stored.article.display_title())?;
        return Ok(Status::Success);
    }
    for (n, hit) in hits.iter().enumerate() {
        let role = if n == 0 { "original" } else { "reprise" };
        let date = hit.published.clone().unwrap_or_else(|| "sans date".into());
        writeln!(out, "{role:<9} {}  {} · {date}  {}", hit.id, hit.site_name, context.out.bold(&hit.title))?;
        if let Some(url) = &hit.url {
            writeln!(out, "          {}", context.out.dim(url))?;
        }
    }
    Ok(Status::Success)
}
