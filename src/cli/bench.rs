//! `veille bench`: indexing throughput and query latency on the current
//! home, the figures the search issue sets targets for.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Context, Status};
use crate::index::search::SearchOptions;

const EXAMPLES: &str = "\
Rebuilds the index of the home (unless --no-index), then runs every query of
the file several times, one at a time, with snippets, and prints latency
percentiles. Run it on a quiet machine; compare figures of one run only.

Examples:
  veille --home /tmp/bench init && veille --home /tmp/bench import corpus-fr.jsonl
  veille --home /tmp/bench bench --queries ../shared/eval/search/spf/queries.tsv";

/// Measure indexing speed and query latency on this home
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct BenchArgs {
    /// Queries, one per line (`qid<TAB>query` or just the query)
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Keep the index as it is instead of rebuilding it
    #[arg(long)]
    pub no_index: bool,
    /// Passes over the queries (the first one warms up and is not counted)
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,
    /// Hits per query (snippets are computed for each)
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Measure the terminal UI instead: time to first frame, then the
    /// queries typed key by key (the first --tui-queries of the file) through
    /// the real UI state, index and drawing code; keeps the index as it is
    #[arg(long, requires = "queries")]
    pub tui: bool,
    /// Queries typed with --tui
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub tui_queries: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn read_queries(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let queries: Vec<String> = BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_once('\t').map_or(l.clone(), |(_, q)| q.to_string()))
        .collect();
    if queries.is_empty() {
        bail!("{} holds no query", path.display());
    }
    Ok(queries)
}

fn peak_rss_megabytes() -> f64 {
    // SAFETY: getrusage fills the struct we pass; no other memory is touched.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn tui(context: &Context, args: &BenchArgs) -> anyhow::Result<Status> {
    use crate::tui::{app::App, replay, view, worker};
    let started = Instant::now();
    let home = context.home()?;
    let (searcher, themes) = super::index::searcher(context, &home)?;
    let setup = crate::tui::Setup::from_home(&home)?;
    let basket = crate::corpus::basket::Basket::new(crate::corpus::basket::DEFAULT)?;
    let mut app = App::new(setup.lang, setup.keymap, setup.styles, basket, Vec::new());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))?;
    terminal.draw(|frame| view::draw(frame, &app))?;
    let first_frame = started.elapsed().as_secs_f64() * 1e3;
    let (parsed, _) = crate::index::search::parse_themes(&themes, &home.themes_file());
    let sources = worker::Sources {
        citations: Default::default(),
        searcher,
        baskets_dir: home.baskets_dir(),
        themes,
        parsed,
        corpus_dir: home.corpus_dir(),
    };
    let counting = Instant::now();
    let counts = worker::answer(&sources, worker::Request::ThemeCounts);
    let counts_ms = counting.elapsed().as_secs_f64() * 1e3;
    app.update(crate::tui::app::Msg::Worker(counts));
    let queries = read_queries(args.queries.as_deref().expect("clap requires --queries"))?;
    let queries: Vec<String> = queries.into_iter().take(args.tui_queries).collect();
    let mut figures = replay::replay(&mut app, &sources, &queries);
    figures.key_to_frame.sort_by(f64::total_cmp);
    figures.key_to_results.sort_by(f64::total_cmp);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "tui: {} articles; first frame {first_frame:.0} ms; theme counts and timelines {counts_ms:.0} ms (in the background)",
        sources.searcher.num_docs()
    )?;
    for (what, sorted) in
        [("key → frame", &figures.key_to_frame), ("key → results frame", &figures.key_to_results)]
    {
        writeln!(
            out,
            "tui: {what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} keystrokes ({} queries typed)",
            percentile(sorted, 50.0),
            percentile(sorted, 99.0),
            sorted.last().copied().unwrap_or(0.0),
            figures.keystrokes,
            queries.len()
        )?;
    }
    // The index is memory-mapped: its pages count in RSS but belong to the
    // page cache, which the kernel reclaims; the heap is the anonymous part.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or("?".to_string(), |kb| format!("{:.0} MB", kb / 1024.0))
    };
    writeln!(
        out,
        "tui: peak RSS {:.0} MB (now: {} anonymous, {} of memory-mapped index files)",
        peak_rss_megabytes(),
        field("RssAnon:"),
        field("RssFile:")
    )?;
    Ok(Status::Success)
}

pub fn run(context: &Context, args: BenchArgs) -> anyhow::Result<Status> {
    if args.tui {
        return tui(context, &args);
    }
    let home = context.home()?;
    let mut out = io::stdout().lock();
    if !args.no_index {
        let started = Instant::now();
        let report = super::index::update_index(context, &home, true)?;
        let seconds = started.elapsed().as_secs_f64();
        let docs = report.added + report.updated;
        let megabytes = report.bytes as f64 / 1e6;
        writeln!(
            out,
            "index: {docs} articles, {megabytes:.1} MB in {seconds:.2}s = {:.0} docs/s, {:.1} MB/s ({} threads)",
            docs as f64 / seconds,
            megabytes / seconds,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        )?;
    }
    let (searcher, _) = super::index::searcher(context, &home)?;
    writeln!(
        out,
        "index size: {:.1} MB for {} articles",
        searcher.index().size_on_disk() as f64 / 1e6,
        searcher.num_docs()
    )?;
    let Some(path) = &args.queries else { return Ok(Status::Success) };
    let queries = read_queries(path)?;
    let options = SearchOptions { limit: args.limit, ..SearchOptions::default() };
    let mut latencies = Vec::with_capacity(queries.len() * args.runs);
    let mut failures = 0;
    for pass in 0..args.runs.max(2) {
        for query in &queries {
            let started = Instant::now();
            let result = searcher.search(query, &options);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            if result.is_err() {
                failures += 1;
            }
            if pass > 0 {
                latencies.push(ms);
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let mean = latencies.iter().sum::<f64>() / latencies.len() as f64;
    writeln!(
        out,
        "queries: {} × {} passes, top {} with snippets: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean {:.2} ms{}",
        queries.len(),
        args.runs.max(2) - 1,
        args.limit,
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(0.0),
        mean,
        if failures > 0 { format!(" ({failures} queries failed to parse)") } else { String::new() }
    )?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }
}
