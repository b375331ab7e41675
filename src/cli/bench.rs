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
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn run(context: &Context, args: BenchArgs) -> anyhow::Result<Status> {
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
