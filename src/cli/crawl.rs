//! `veille crawl`: fetch what is new on the followed sites, archive it,
//! extract its articles into the corpus.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use anyhow::Context as _;
use clap::Args;

use super::{Context, Status};
use crate::crawl::{Crawler, Options, Summary};
use crate::home::Home;

const EXAMPLES: &str = "\
Sources are the [[source]] tables of corpus/sources.toml. Every run reads
robots.txt, the feeds and the sitemaps again (with conditional requests, so an
unchanged feed costs a few hundred bytes), fetches the pages it has not archived
yet, and checks archived ones on each source's `recrawl` schedule. Every answer
is kept in corpus/raw/*.warc.gz; articles go to corpus/articles/. Killed at any
point, the next run picks up where this one stopped.

Examples:
  veille crawl                          every source
  veille crawl --source ricochets       one source
  veille crawl --dry-run                what would be fetched, nothing written
  veille crawl --max-pages 50 --json    a short run, figures as JSON
  veille crawl --resolve site.test:80:127.0.0.1   crawl a local mirror

Exit status: 0 all sources crawled, 1 some source failed (robots.txt
unreadable, host failing), 2 fatal error, 130/143 stopped by SIGINT/SIGTERM.";

/// What to crawl: shared by `crawl` and `update`.
#[derive(Debug, Clone, Args)]
pub struct CrawlTarget {
    /// Only the source with this id
    #[arg(long, value_name = "ID")]
    pub source: Option<String>,
    /// Stop after this many requests
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u64>,
    /// Answer HOST with ADDR instead of DNS, as curl's --resolve (PORT is
    /// accepted for curl compatibility; the URL's port is used)
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, SocketAddr)>,
}

impl From<CrawlTarget> for Options {
    fn from(target: CrawlTarget) -> Options {
        Options {
            source: target.source,
            max_pages: target.max_pages,
            resolve: target.resolve,
            ..Options::default()
        }
    }
}

/// Fetch new and changed pages of the followed sites into the archive
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CrawlArgs {
    #[command(flatten)]
    pub target: CrawlTarget,
    /// Read robots.txt, feeds and sitemaps and list the pages that would be
    /// fetched; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Check every archived article again now (conditional requests)
    #[arg(long)]
    pub recheck: bool,
    /// Print the run's figures as JSON
    #[arg(long)]
    pub json: bool,
    /// Wait for another update/crawl/index to finish instead of exiting with 75
    #[arg(long)]
    pub wait: bool,
}

fn parse_resolve(text: &str) -> Result<(String, SocketAddr), String> {
    let mut parts = text.splitn(3, ':');
    let host = parts.next().filter(|h| !h.is_empty()).ok_or("expected HOST:PORT:ADDR")?;
    let (port, addr) = match (parts.next(), parts.next()) {
        (Some(port), Some(addr)) => (port, addr),
        (Some(addr), None) => ("0", addr),
        _ => return Err("expected HOST:PORT:ADDR".into()),
    };
    let port: u16 = port.parse().map_err(|_| format!("{port:?} is not a port"))?;
    let ip: IpAddr =
        addr.trim_matches(['[', ']']).parse().map_err(|_| format!("{addr:?} is not an IP address"))?;
    Ok((host.to_ascii_lowercase(), SocketAddr::new(ip, port)))
}

/// Exit codes of a run stopped by a signal (128 + signal number).
pub const EXIT_SIGINT: u8 = 130;
pub const EXIT_SIGTERM: u8 = 143;

/// Sets `flag` on SIGINT or SIGTERM and remembers which exit code it means.
pub fn watch_signals(runtime: &tokio::runtime::Runtime, flag: Arc<AtomicBool>, code: Arc<AtomicU8>) {
    runtime.spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
        else {
            return;
        };
        let which = tokio::select! {
            _ = int.recv() => EXIT_SIGINT,
            _ = term.recv() => EXIT_SIGTERM,
        };
        code.store(which, Ordering::SeqCst);
        flag.store(true, Ordering::SeqCst);
        tracing::warn!("stopping at the next safe point");
    });
}

/// Runs a crawl in `home`; also used by `veille update`.
pub fn crawl(context: &Context, home: &Home, options: Options) -> anyhow::Result<(Summary, Option<u8>)> {
    let settings = home.settings()?;
    let sources = home.sources()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the crawler's runtime")?;
    let corpus = home.corpus();
    let crawler = runtime.block_on(async {
        Crawler::new(&corpus, &home.state_dir(), &home.raw_dir(), settings, sources, options)
    })?;
    let bar = (context.out.stderr_is_terminal && !context.global.quiet).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} requests {elapsed} {wide_msg}")
                .expect("valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    let crawler = match &bar {
        Some(bar) => {
            let bar = bar.clone();
            crawler.with_progress(Arc::new(move |url: &str| {
                bar.inc(1);
                bar.set_message(url.to_string());
            }))
        }
        None => crawler,
    };
    let code = Arc::new(AtomicU8::new(0));
    watch_signals(&runtime, crawler.cancel_flag(), code.clone());
    let summary = runtime.block_on(crawler.run())?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let signal = match code.load(Ordering::SeqCst) {
        0 => None,
        c => Some(c),
    };
    Ok((summary, signal))
}

pub fn run(context: &Context, args: CrawlArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let options = Options { dry_run: args.dry_run, recheck: args.recheck, ..Options::from(args.target) };
    // A dry run writes nothing, so it needs no lock.
    let _lock = if args.dry_run { None } else { Some(home.lock("crawl", args.wait)?) };
    let dry_run = options.dry_run;
    let (summary, signal) = crawl(context, &home, options)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if dry_run {
        for url in &summary.planned {
            writeln!(out, "{url}")?;
        }
        if !context.global.quiet {
            eprintln!("{} pages would be fetched", summary.planned.len());
        }
    } else if !context.global.quiet {
        writeln!(out, "crawl: {}", summary.line())?;
    }
    if let Some(code) = signal {
        return Ok(Status::Interrupted(code));
    }
    Ok(if summary.failed_sources().next().is_some() { Status::Partial } else { Status::Success })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_takes_curl_form() {
        assert_eq!(
            parse_resolve("spip.test:8080:127.0.0.1").unwrap(),
            ("spip.test".into(), "127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(parse_resolve("a.test:127.0.0.1").unwrap().1, "127.0.0.1:0".parse().unwrap());
        assert!(parse_resolve("a.test:x:127.0.0.1").is_err());
        assert!(parse_resolve("a.test:80:nope").is_err());
    }
}

const REEXTRACT_EXAMPLES: &str = "\
Every page the crawler archived in corpus/raw/ is read back from its WARC
record and extracted again with the current extractor and each source's
profile; no network is used. An article file changes only where the output
changed; a page that no longer gives an article keeps the one it gave.

Examples:
  veille reextract                   after upgrading veille
  veille reextract --source sablier  after changing a source's profile";

/// Rebuild articles from the raw archive with the current extractor (offline)
#[derive(Debug, Args)]
#[command(after_help = REEXTRACT_EXAMPLES)]
pub struct ReextractArgs {
    /// Only the source with this id
    #[arg(long, value_name = "ID")]
    pub source: Option<String>,
    /// Print the figures as JSON
    #[arg(long)]
    pub json: bool,
    /// Wait for another update/crawl/index to finish instead of exiting with 75
    #[arg(long)]
    pub wait: bool,
}

pub fn reextract(context: &Context, args: ReextractArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let settings = home.settings()?;
    let sources = home.sources()?;
    let _lock = home.lock("reextract", args.wait)?;
    // PDFs were kept under their own, larger cap.
    let max_body =
        settings.crawl.max_body_megabytes.max(settings.crawl.pdf_max_megabytes).saturating_mul(1024 * 1024);
    let report = crate::crawl::reextract::reextract(
        &home.corpus(),
        &home.state_dir(),
        &home.raw_dir(),
        &sources,
        args.source.as_deref(),
        max_body,
        &crate::extract::pdf::Limits::from(&settings.crawl),
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else if !context.global.quiet {
        writeln!(
            out,
            "reextract: {} archived pages read: {} new, {} changed, {} unchanged articles, {} not articles, {} failed",
            report.pages, report.new, report.changed, report.unchanged, report.not_articles, report.failed
        )?;
    }
    Ok(if report.failed > 0 { Status::Partial } else { Status::Success })
}
