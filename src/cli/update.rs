//! `veille update`, the nightly command (crawl, extract, index under the
//! home lock, quiet unless something needs a human), and `veille log`,
//! which reads the log of past runs.

use std::io::Write;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;

use super::crawl::{CrawlTarget, crawl};
use super::index::update_index;
use super::{Context, Status};
use crate::crawl::{Options, Summary, human_bytes};
use crate::home::{Home, runlog};
use crate::index::search::{Searcher, parse_themes};

const EXAMPLES: &str = "\
The one line for a crontab: crawl every source (incremental), extract the new
pages into articles, bring the index up to date. Prints nothing when all went
well (cron mails only when something needs a human); warnings name the failing
sources. Each run is logged in corpus/state/runs.jsonl: see `veille log`.

Examples:
  veille update                          what cron runs every night
  veille update --summary                one line of figures
  veille update --digest nouveaux.md     list the new articles, to mail
  veille update --feeds /var/www/flux     one Atom feed per theme, refreshed each night
  veille update --no-crawl               only bring the index up to date
  veille update --wait                   wait for a running update instead of exiting

Exit status: 0 all went well, 1 some sources failed (the others were archived),
2 fatal (home missing, configuration invalid, disk full), 75 another update,
crawl, index or reextract holds the home (EX_TEMPFAIL), 130/143 stopped by
SIGINT/SIGTERM (the next run completes the work).";

/// Crawl, extract and index: the nightly update, safe to kill at any point
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub target: CrawlTarget,
    /// Do not crawl: only bring the index up to date with corpus/
    #[arg(long)]
    pub no_crawl: bool,
    /// Print one line of figures (new, changed, unchanged, failed articles,
    /// bytes downloaded and saved, duration)
    #[arg(long)]
    pub summary: bool,
    /// Print the run's record as JSON
    #[arg(long, conflicts_with = "summary")]
    pub json: bool,
    /// Write the list of this run's new articles (title, site, date, URL,
    /// themes) to FILE as Markdown
    #[arg(long, value_name = "FILE.md")]
    pub digest: Option<std::path::PathBuf>,
    /// Write an Atom feed of each theme (its 30 newest articles) to
    /// DIR/<theme>.xml after indexing
    #[arg(long, value_name = "DIR")]
    pub feeds: Option<std::path::PathBuf>,
    /// Wait for another update/crawl/index to finish instead of exiting with 75
    #[arg(long)]
    pub wait: bool,
}

pub fn run(context: &Context, args: UpdateArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    // Configuration errors are fatal and found before anything is locked or fetched.
    home.settings()?;
    home.sources()?;
    let _lock = home.lock("update", args.wait)?;
    let started = Instant::now();
    let started_at = chrono::Local::now();
    let (summary, signal) = if args.no_crawl {
        (Summary::default(), None)
    } else {
        crawl(context, &home, Options::from(args.target))?
    };
    let index = if signal.is_none() {
        Some(update_index(context, &home, crate::index::update::Scope::Changed)?)
    } else {
        None
    };
    let failed_sources: Vec<_> =
        summary.failed_sources().map(|s| json!({"id": s.id, "why": s.failed})).collect();
    let index_failures = index.as_ref().map_or(0, |r| r.failed.len());
    let status = match signal {
        Some(code) => Status::Interrupted(code),
        None if !failed_sources.is_empty() || index_failures > 0 => Status::Partial,
        None => Status::Success,
    };
    if let (Some(path), None) = (&args.digest, signal) {
        write_digest(context, &home, path, &summary)?;
    }
    if let (Some(dir), None) = (&args.feeds, signal) {
        super::publish::theme_feeds(context, &home, dir)?;
    }
    let unchanged = index.as_ref().map_or(0, |r| r.unchanged);
    let record = json!({
        "started": started_at.to_rfc3339(),
        "seconds": started.elapsed().as_secs_f64(),
        "status": match status {
            Status::Success => "ok".to_string(),
            Status::Partial => "some sources failed".to_string(),
            Status::Interrupted(code) => format!("stopped by signal (exit {code})"),
        },
        "crawled": !args.no_crawl,
        "new": summary.new,
        "changed": summary.changed,
        "unchanged": unchanged,
        "failed": summary.errors,
        "fetched": summary.fetched,
        "not_modified": summary.not_modified,
        "bytes_downloaded": summary.bytes_downloaded,
        "bytes_saved": summary.bytes_saved,
        "unconditional": summary.unconditional,
        "listings_left": summary.listings_left,
        "failed_sources": failed_sources,
        "index": index.as_ref().map(|r| json!({
            "added": r.added, "updated": r.updated, "removed": r.removed, "unchanged": r.unchanged,
            "failed": r.failed.len(),
        })),
        "new_articles": summary.new_articles.iter().map(|a| &a.id).collect::<Vec<_>>(),
    });
    if let Err(e) = runlog::append(&home.state_dir(), &record) {
        tracing::warn!("cannot write the run log: {e}");
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &record)?;
        writeln!(out)?;
    } else if args.summary {
        writeln!(out, "{}", summary_line(&record))?;
    }
    Ok(status)
}

/// The `--summary` line, from a run record (also what `veille log` prints).
fn summary_line(record: &serde_json::Value) -> String {
    let n = |key: &str| record[key].as_u64().unwrap_or(0);
    let failed_sources = record["failed_sources"].as_array().map_or(0, Vec::len);
    format!(
        "{} update: {} new, {} changed, {} unchanged, {} failed articles{}; {} downloaded, {} saved by conditional requests{}; {:.1} s{}",
        record["started"].as_str().unwrap_or("").get(..16).unwrap_or("").replace('T', " "),
        n("new"),
        n("changed"),
        n("unchanged"),
        n("failed"),
        if failed_sources > 0 { format!(", {failed_sources} sources failed") } else { String::new() },
        human_bytes(n("bytes_downloaded")),
        human_bytes(n("bytes_saved")),
        crate::crawl::report::thrift(n("unconditional"), n("listings_left")),
        record["seconds"].as_f64().unwrap_or(0.0),
        match record["status"].as_str() {
            Some("ok") | None => String::new(),
            Some(other) => format!(" ({other})"),
        }
    )
}

/// Markdown cells and link texts must not break the digest's layout.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]").replace('\n', " ")
}

fn write_digest(
    context: &Context,
    home: &Home,
    path: &std::path::Path,
    summary: &Summary,
) -> anyhow::Result<()> {
    let themes = home.themes().unwrap_or_default();
    let (parsed, _) = parse_themes(&themes, &home.themes_file());
    let (searcher, _) = super::index::searcher(context, home)?;
    let ids: Vec<String> = summary.new_articles.iter().map(|a| a.id.clone()).collect();
    let of = themes_of(&searcher, &ids, &themes, &parsed);
    let label = |id: &str| themes.iter().find(|t| t.id == id).map_or(id.to_string(), |t| t.label.clone());
    let mut text = format!(
        "# Nouveaux articles — {}\n\n{} nouveaux articles.\n\n",
        chrono::Local::now().format("%Y-%m-%d"),
        summary.new_articles.len()
    );
    let names = home.site_names_or_ids();
    for a in &summary.new_articles {
        let title = escape(&a.title);
        let title = match &a.url {
            Some(url) => format!("[{title}](<{url}>)"),
            None => title,
        };
        text.push_str(&format!("- **{title}** — {}", escape(names.display(&a.site, None))));
        if let Some(date) = &a.published {
            text.push_str(&format!(", {date}"));
        }
        if let Some(list) = of.get(&a.id) {
            let labels: Vec<String> = list.iter().map(|t| escape(&label(t))).collect();
            text.push_str(&format!(" ({})", labels.join(", ")));
        }
        text.push('\n');
    }
    crate::corpus::atomic::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write the digest {}", path.display()))
}

fn themes_of(
    searcher: &Searcher,
    ids: &[String],
    themes: &[crate::config::Theme],
    parsed: &std::collections::HashMap<String, crate::index::query::Node>,
) -> std::collections::HashMap<String, Vec<String>> {
    searcher.themes_of(ids, themes, parsed).unwrap_or_else(|e| {
        tracing::warn!("themes of the new articles: {e}");
        Default::default()
    })
}

const LOG_EXAMPLES: &str = "\
Examples:
  veille log              the last 10 runs, one line each
  veille log -n 1 --json  the last run's full record";

/// Show the last runs of `veille update`
#[derive(Debug, Args)]
#[command(after_help = LOG_EXAMPLES)]
pub struct LogArgs {
    /// How many runs
    #[arg(short = 'n', long, default_value_t = 10)]
    pub count: usize,
    /// Print the records as JSON lines
    #[arg(long)]
    pub json: bool,
}

pub fn log(context: &Context, args: LogArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let runs = runlog::last(&home.state_dir(), args.count)
        .with_context(|| format!("cannot read the run log in {}", home.state_dir().display()))?;
    let mut out = std::io::stdout().lock();
    if runs.is_empty() && !context.global.quiet {
        eprintln!("no update has run in this home yet");
    }
    for run in &runs {
        if args.json {
            serde_json::to_writer(&mut out, run)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", summary_line(run))?;
            for failed in run["failed_sources"].as_array().into_iter().flatten() {
                writeln!(
                    out,
                    "    {}: {}",
                    failed["id"].as_str().unwrap_or("?"),
                    failed["why"].as_str().unwrap_or("")
                )?;
            }
        }
    }
    Ok(Status::Success)
}
