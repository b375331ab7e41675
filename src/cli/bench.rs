//! `veille bench`: indexing throughput and query latency on the current
//! home, the TUI's memory, and what reprises cost and find (see docs/development.md).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Context, Status};
use crate::index::reprises::reposts::{self, Additions, Edits, Original, Rng};
use crate::index::search::SearchOptions;

const EXAMPLES: &str = "\
Rebuilds the index of the home (unless --no-index), then runs every query of
the file several times, one at a time, with snippets, and prints latency
percentiles. Run it on a quiet machine; compare figures of one run only.

Examples:
  veille --home /tmp/bench init && veille --home /tmp/bench import corpus-fr.jsonl
  veille --home /tmp/bench bench --queries spf/queries.tsv";

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
    /// Measure the reprises instead: time to fingerprint and cluster every
    /// article (against a full index rebuild in the same run), and precision
    /// and recall on reposts made from this home's articles (new intro,
    /// trimmed end, typography changes, 10–30% of sentences cut or added)
    /// against pairs of distinct articles sharing a theme
    #[arg(long, conflicts_with = "tui")]
    pub reprises: bool,
    /// Measure language detection instead, on labelled texts (`code<TAB>text`
    /// per line): how often the detector names the right language, how often
    /// it is sure, and what an article without a declared language is given
    /// (the archive's French when the text is short); needs no home
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tui", "reprises", "queries"])]
    pub languages: Option<PathBuf>,
    /// Also list the N slowest queries (median time of each over the passes)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub slowest: usize,
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
    // SAFETY: rusage is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we pass; no other memory is touched.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

/// Detection accuracy per language on `code<TAB>text` lines.
fn languages(path: &std::path::Path) -> anyhow::Result<Status> {
    use crate::language::{self, Language};
    #[derive(Default)]
    struct Tally {
        texts: usize,
        words: usize,
        detected: usize,
        sure: usize,
        sure_right: usize,
        given: usize,
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut tallies: std::collections::BTreeMap<Language, Tally> = Default::default();
    let started = Instant::now();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", path.display(), n + 1))?;
        let Some((code, text)) = line.split_once('\t') else { continue };
        let Some(expected) = Language::from_code(code) else {
            bail!("{}:{}: {code:?} is not a language veille analyses", path.display(), n + 1);
        };
        let tally = tallies.entry(expected).or_default();
        tally.texts += 1;
        tally.words += text.split_whitespace().count();
        if let Some(found) = language::detect(text) {
            tally.detected += usize::from(found.language == expected);
            tally.sure += usize::from(found.sure);
            tally.sure_right += usize::from(found.sure && found.language == expected);
        }
        tally.given += usize::from(language::decide(None, "", text, Language::French) == expected);
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut out = io::stdout().lock();
    writeln!(out, "lang  texts  words/text  detected  sure  right when sure  given (no lang declared)")?;
    let mut texts = 0;
    for (language, t) in &tallies {
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        texts += t.texts;
        writeln!(
            out,
            "{:4}  {:5}  {:10.1}  {:7.1}%  {:3.0}%  {:14.1}%  {:6.1}%",
            language.code(),
            t.texts,
            t.words as f64 / t.texts.max(1) as f64,
            pct(t.detected, t.texts),
            pct(t.sure, t.texts),
            pct(t.sure_right, t.sure),
            pct(t.given, t.texts),
        )?;
    }
    writeln!(out, "{texts} texts in {seconds:.2}s ({:.0} µs each)", seconds * 1e6 / texts.max(1) as f64)?;
    Ok(Status::Success)
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

/// What a site writes of its own when it reposts one of this home's
/// articles: sentences of another article, an intro, a footer.
struct OtherArticle<'a> {
    sentences: Vec<&'a str>,
}

impl Additions for OtherArticle<'_> {
    fn sentence(&mut self, rng: &mut Rng) -> String {
        rng.pick(&self.sentences).to_string()
    }

    fn intro(&mut self, rng: &mut Rng) -> String {
        let intros = [
            "Nous reprenons ici, avec l'accord de ses auteurs, un texte paru ailleurs cette semaine.",
            "Texte reçu par courriel, que nous relayons volontiers.",
            "Repris du site de ses auteurs ; les intertitres sont de la rédaction.",
        ];
        rng.pick(&intros).to_string()
    }

    fn read_more(&mut self, _: &mut Rng) -> String {
        "Lire la suite sur le site d'origine.".into()
    }

    fn footer(&mut self, rng: &mut Rng) -> String {
        rng.pick(&["Reproduction libre et encouragée.", "Pour nous écrire, passez au local."]).to_string()
    }
}

/// The sentences of `text`'s paragraphs (its lines).
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split_inclusive(". ").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
        })
        .collect()
}

/// A repost of `body` as sites make them (see [`reposts`]), with sentences
/// of `other` added; `seed` chooses the edits. A short last paragraph is
/// the signature.
fn repost(body: &str, other: &str, seed: u64) -> String {
    let mut paragraphs = paragraphs(body);
    let signature = match paragraphs.last() {
        Some(last) if paragraphs.len() > 1 && last.iter().map(String::len).sum::<usize>() <= 200 => {
            paragraphs.pop().map(|p| p.join(" ")).unwrap_or_default()
        }
        _ => String::new(),
    };
    let mut additions = OtherArticle { sentences: other.split_inclusive(". ").map(str::trim).collect() };
    let original = Original { paragraphs: &paragraphs, signature: &signature };
    reposts::repost(&mut Rng(seed), &original, Edits::Brief, &mut additions)
}

fn reprises(context: &Context) -> anyhow::Result<Status> {
    use crate::index::reprises::{Reprises, fingerprint, is_reprise};
    use rayon::prelude::*;
    let home = context.home()?;
    let mut out = io::stdout().lock();
    // What reprises add to indexing: rebuilds without them and with them,
    // alternated, three of each; the fastest of each kind counts (the
    // others met a busier machine).
    let (mut bare_seconds, mut index_seconds) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let started = Instant::now();
        crate::index::update::update_with(
            &home.corpus(),
            &home.index_dir(),
            crate::index::update::Scope::Rebuild,
            false,
            &|_, _| {},
        )?;
        bare_seconds = bare_seconds.min(started.elapsed().as_secs_f64());
        let started = Instant::now();
        super::index::update_index(context, &home, crate::index::update::Scope::Rebuild)?;
        index_seconds = index_seconds.min(started.elapsed().as_secs_f64());
    }
    let (stored, _) = home.corpus().load()?;
    let texts: Vec<(String, String, Option<i64>)> = stored
        .iter()
        .map(|s| {
            (
                s.article.id.clone(),
                crate::corpus::text::plain_text(&s.article.body),
                s.article.published.map(|p| p.timestamp()),
            )
        })
        .collect();
    // Fingerprints and clusters alone, from texts already in memory: the
    // best of three runs each.
    let (mut fingerprint_seconds, mut cluster_seconds) = (f64::INFINITY, f64::INFINITY);
    let mut prints = Vec::new();
    let mut all = Reprises::new();
    for _ in 0..3 {
        let started = Instant::now();
        prints = texts.par_iter().map(|(_, text, _)| fingerprint(text)).collect::<Vec<_>>();
        fingerprint_seconds = fingerprint_seconds.min(started.elapsed().as_secs_f64());
        let entries =
            texts.iter().zip(&prints).map(|((id, _, published), print)| (id.clone(), *print, *published));
        let started = Instant::now();
        all = Reprises::from_articles(entries.collect());
        cluster_seconds = cluster_seconds.min(started.elapsed().as_secs_f64());
    }
    writeln!(
        out,
        "reprises: {} articles fingerprinted in {fingerprint_seconds:.2} s and clustered in {cluster_seconds:.2} s \
         ({} clusters; {} comparisons): {:.1}% of the time a rebuild takes without reprises ({bare_seconds:.2} s)",
        texts.len(),
        all.clusters().len(),
        all.comparisons(),
        100.0 * (fingerprint_seconds + cluster_seconds) / bare_seconds
    )?;
    writeln!(
        out,
        "reprises: a rebuild takes {index_seconds:.2} s with them and {bare_seconds:.2} s without (best of 3 each): \
         they add {:.2} s, {:.1}% of the indexing time without them",
        index_seconds - bare_seconds,
        100.0 * (index_seconds - bare_seconds) / bare_seconds
    )?;
    // Pairs made from this home's articles.
    let (searcher, themes) = super::index::searcher(context, &home)?;
    let (parsed, _) = crate::index::search::parse_themes(&themes, &home.themes_file());
    let ids: Vec<String> = texts.iter().map(|t| t.0.clone()).collect();
    let of = searcher.themes_of(&ids, &themes, &parsed)?;
    // At most 400 articles make pairs: enough for the figures, and the
    // distinct pairs grow with the square of it.
    let long: Vec<usize> =
        (0..texts.len()).filter(|&i| texts[i].1.split_whitespace().count() >= 150).take(400).collect();
    // Two articles already known as reprises of each other are not a distinct pair.
    let (mut true_pos, mut false_neg) = (0usize, 0usize);
    let mut pairs = 0;
    for (k, &i) in long.iter().enumerate() {
        for variant in 0..4u64 {
            let other = &texts[long[(k + 1 + variant as usize) % long.len()]].1;
            let edited = repost(&texts[i].1, other, (i as u64) * 31 + variant);
            let print = fingerprint(&edited);
            pairs += 1;
            if is_reprise(&prints[i], &print) { true_pos += 1 } else { false_neg += 1 }
        }
    }
    let (mut false_pos, mut distinct) = (0usize, 0usize);
    for a in 0..long.len() {
        for b in a + 1..long.len() {
            let (i, j) = (long[a], long[b]);
            let shared = of
                .get(&texts[i].0)
                .zip(of.get(&texts[j].0))
                .is_some_and(|(x, y)| x.iter().any(|t| y.contains(t)));
            let same_text = all.cluster_of(&texts[i].0).contains(&texts[j].0);
            if !shared || same_text {
                continue;
            }
            distinct += 1;
            if is_reprise(&prints[i], &prints[j]) {
                false_pos += 1;
            }
        }
    }
    let precision = true_pos as f64 / (true_pos + false_pos).max(1) as f64;
    let recall = true_pos as f64 / (true_pos + false_neg).max(1) as f64;
    writeln!(
        out,
        "reprises: {pairs} repost pairs made from {} articles, {distinct} pairs of distinct articles sharing a theme: \
         precision {precision:.3}, recall {recall:.3} ({true_pos} found, {false_neg} missed, {false_pos} false)",
        long.len()
    )?;
    Ok(Status::Success)
}

pub fn run(context: &Context, args: BenchArgs) -> anyhow::Result<Status> {
    if let Some(file) = &args.languages {
        return languages(file);
    }
    if args.tui {
        return tui(context, &args);
    }
    if args.reprises {
        return reprises(context);
    }
    let home = context.home()?;
    let mut out = io::stdout().lock();
    if !args.no_index {
        let started = Instant::now();
        let report = super::index::update_index(context, &home, crate::index::update::Scope::Rebuild)?;
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
    // A query that does not parse is said once and left out of the timings.
    let (queries, unreadable): (Vec<String>, Vec<String>) =
        read_queries(path)?.into_iter().partition(|q| crate::index::parse_query(q).is_ok());
    for query in &unreadable {
        tracing::warn!("{}: query left out, it does not parse: {query}", path.display());
    }
    let failures = unreadable.len();
    let options = SearchOptions { limit: args.limit, ..SearchOptions::default() };
    let mut latencies = Vec::with_capacity(queries.len() * args.runs);
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); queries.len()];
    for pass in 0..args.runs.max(2) {
        for (query, times) in queries.iter().zip(&mut per_query) {
            let started = Instant::now();
            let _ = searcher.search(query, &options);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            if pass > 0 {
                latencies.push(ms);
                times.push(ms);
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
        if failures > 0 { format!(" (not timed: {failures} that do not parse)") } else { String::new() }
    )?;
    if args.slowest > 0 {
        let mut medians: Vec<(f64, &str)> = per_query
            .iter_mut()
            .zip(&queries)
            .map(|(times, query)| {
                times.sort_by(f64::total_cmp);
                (percentile(times, 50.0), query.as_str())
            })
            .collect();
        medians.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, query) in medians.into_iter().take(args.slowest) {
            writeln!(out, "{ms:8.2} ms  {query}")?;
        }
    }
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
