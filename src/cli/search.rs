//! `veille search` (one query, or a batch for scripts and benchmarks) and
//! `veille similar`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use super::{Context, Status};
use crate::index::search::{Hit, Mode, Results, SearchOptions, Snippet, Sort};
use crate::index::{IndexError, QueryError};

const EXAMPLES: &str = "\
Words are all required; when no article has them all, articles with the most
of them come first, and when nothing matches, typos are forgiven (the output
says which). Accents, elisions and plurals do not matter: `energie` finds
`énergies`, `eau` finds `l'eau`. Each article is read in its own language
(French, English, Italian, Spanish, German…), and so is the query: `algorithmic
surveillance` finds the English texts.

  \"phrase exacte\"         words in this order (« … » works too)
  -mot                    without this word
  a OU b                  either (OR works too); ( ) to group
  titre:mot               in the title (title:)
  auteur:nom              by this author (author:)
  site:ID  type:communique  theme:ID  tag:mot
  depuis:2024-01  avant:2025-03-01  annee:2025   (since: before: year:)
  langue:en               written in English (lang:; fr, en, de, it, es, pt…)

Examples:
  veille search data center eau
  veille search '\"effet rebond\" -voiture' --sort date
  veille search 'theme:surveillance-vsa depuis:2025'
  veille search 'algorithmic surveillance langue:en'
  veille search --json lithium | jq -r .title
  veille search --batch questions.tsv --limit 100 --json";

/// Search the archive (each article in its own language)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SearchArgs {
    /// The query (several words need no quotes)
    #[arg(value_name = "QUERY", required_unless_present = "batch", conflicts_with = "batch")]
    pub query: Vec<String>,
    /// Most results to show
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Skip the first N results (next pages)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Order of results
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// One JSON object per hit (per query with --batch)
    #[arg(long)]
    pub json: bool,
    /// Run every query of FILE (one `qid<TAB>query` per line, - for stdin)
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// Show every reprise of a text (by default a text reposted on several
    /// sites is one result, "also on" the others)
    #[arg(long)]
    pub all_reprises: bool,
}

/// Articles most like one article
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  veille similar 01971fcb\n  veille similar --json 01971fcb --limit 5")]
pub struct SimilarArgs {
    /// The article id (or a unique prefix)
    pub id: String,
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    mode: Mode,
}

fn query_error(query: &str, error: &QueryError) -> anyhow::Error {
    anyhow::anyhow!("cannot read the query: {error}\n{}", error.pointer(query))
}

pub fn run(context: &Context, args: SearchArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let (searcher, _) = super::index::searcher(context, &home)?;
    if let Some(batch) = &args.batch {
        return run_batch(&searcher, batch, &args);
    }
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        bail!("nothing to search for: give some words (see `veille search --help`)");
    }
    let options = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        all_reprises: args.all_reprises,
        ..SearchOptions::default()
    };
    let results = match searcher.search(&query, &options) {
        Ok(results) => results,
        Err(IndexError::Query(e)) => return Err(query_error(&query, &e)),
        Err(e) => return Err(e.into()),
    };
    print_results(context, &results, args.json, args.offset, Asked::Query)?;
    Ok(Status::Success)
}

/// What the results answer, for the last line of human output.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asked {
    Query,
    Similar,
}

/// The collective's marks of a hit on one line: `#à-lire #revue-48 · lu ·
/// ✎ the note's first words`; none when it has none.
fn marks_line(hit: &crate::index::Hit) -> Option<String> {
    let mut marks: Vec<String> = hit.labels.iter().map(|l| format!("#{l}")).collect();
    if hit.read {
        marks.push("lu".into());
    }
    if let Some(note) = &hit.note {
        let flat = note.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown =
            if flat.chars().count() > 60 { flat.chars().take(59).chain(['…']).collect() } else { flat };
        marks.push(format!("✎ {shown}"));
    }
    (!marks.is_empty()).then(|| marks.join(" · "))
}

fn print_results(
    context: &Context,
    results: &Results,
    json: bool,
    offset: usize,
    asked: Asked,
) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        for hit in &results.hits {
            serde_json::to_writer(&mut out, &JsonHit { hit, mode: results.mode })?;
            writeln!(out)?;
        }
        out.flush()?;
        if results.mode != Mode::AllWords && asked == Asked::Query && !context.global.quiet {
            eprintln!("veille: {}", results.mode.describe());
        }
        return Ok(());
    }
    for (n, hit) in results.hits.iter().enumerate() {
        let title = if hit.title.trim().is_empty() { "(sans titre)" } else { hit.title.as_str() };
        writeln!(out, "{:>3}. {}", offset + n + 1, context.out.bold(title))?;
        let mut meta =
            vec![hit.site_name.clone(), hit.published.clone().unwrap_or_else(|| "sans date".into())];
        if hit.kind != "article" {
            meta.push(hit.kind.clone());
        }
        meta.push(hit.id.clone());
        if hit.partial {
            meta.push("some of the words".into());
        }
        writeln!(out, "     {}", context.out.dim(&meta.join(" · ")))?;
        if let Some(marks) = marks_line(hit) {
            writeln!(out, "     {marks}")?;
        }
        if !hit.also_on.is_empty() {
            writeln!(out, "     {}", context.out.dim(&format!("also on: {}", hit.also_on_names.join(", "))))?;
        }
        if let Some(snippet) = &hit.snippet {
            match snippet.page {
                Some(page) => writeln!(out, "     p. {page} — {}", highlight(context, snippet))?,
                None => writeln!(out, "     {}", highlight(context, snippet))?,
            }
        }
        writeln!(out)?;
    }
    let summary = if asked == Asked::Similar {
        super::output::counted(results.hits.len(), "similar article", "similar articles")
    } else if results.only_stop_words {
        "no result: the query holds only stop words (le, la, de, …)".to_string()
    } else {
        let shown = if results.hits.is_empty() {
            String::new()
        } else {
            format!(", {}–{} shown", offset + 1, offset + results.hits.len())
        };
        let ranked_with_others = results.all_words < results.total || !results.total_is_exact;
        if results.mode == Mode::AllWords && ranked_with_others {
            format!(
                "{} with every word{}; articles with some of the words are ranked with them",
                super::output::counted(results.all_words, "article", "articles"),
                shown,
            )
        } else if results.total_is_exact {
            format!(
                "{}{} ({})",
                super::output::counted(results.total, "article", "articles"),
                shown,
                results.mode.describe()
            )
        } else {
            format!("{}{}", results.mode.describe(), shown)
        }
    };
    writeln!(out, "{}", context.out.dim(&summary))?;
    out.flush()?;
    Ok(())
}

/// Matched words in bold on a colour terminal, between [ ] otherwise.
fn highlight(context: &Context, snippet: &Snippet) -> String {
    let chars: Vec<char> = snippet.text.chars().collect();
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut at = 0;
    for &(start, end) in &snippet.highlights {
        if start < at || end > chars.len() {
            continue;
        }
        out.extend(&chars[at..start]);
        let word: String = chars[start..end].iter().collect();
        if context.out.color {
            out.push_str(&context.out.bold(&word));
        } else {
            out.push('[');
            out.push_str(&word);
            out.push(']');
        }
        at = end;
    }
    out.extend(&chars[at..]);
    out
}

#[derive(Serialize)]
struct BatchHit<'a> {
    id: &'a str,
    score: f32,
}

#[derive(Serialize)]
struct BatchLine<'a> {
    qid: &'a str,
    hits: Vec<BatchHit<'a>>,
    mode: Option<Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn run_batch(
    searcher: &crate::index::search::Searcher,
    path: &PathBuf,
    args: &SearchArgs,
) -> anyhow::Result<Status> {
    let name = path.display().to_string();
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(BufReader::new(File::open(path).with_context(|| format!("cannot open {name}"))?))
    };
    let options = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        snippets: false,
        all_reprises: args.all_reprises,
        ..Default::default()
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failed = 0;
    let mut seen = HashSet::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {name}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let (qid, query) = match line.split_once('\t') {
            Some((qid, query)) => (qid.trim().to_string(), query.to_string()),
            None => ((n + 1).to_string(), line.clone()),
        };
        if !seen.insert(qid.clone()) {
            tracing::warn!("{name}:{}: query id {qid:?} given twice", n + 1);
        }
        let (results, error) = match searcher.search(&query, &options) {
            Ok(results) => (Some(results), None),
            Err(IndexError::Query(e)) => {
                failed += 1;
                tracing::warn!("{name}:{}: {e}", n + 1);
                (None, Some(e.to_string()))
            }
            Err(e) => return Err(e.into()),
        };
        if args.json {
            let hits = results
                .as_ref()
                .map(|r| r.hits.iter().map(|h| BatchHit { id: &h.id, score: h.score }).collect())
                .unwrap_or_default();
            let line = BatchLine { qid: &qid, hits, mode: results.as_ref().map(|r| r.mode), error };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        } else if let Some(results) = results {
            let ids: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
            writeln!(out, "{qid}\t{}", ids.join(" "))?;
        }
    }
    out.flush()?;
    Ok(if failed == 0 { Status::Success } else { Status::Partial })
}

pub fn similar(context: &Context, args: SimilarArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let (searcher, _) = super::index::searcher(context, &home)?;
    let Some(stored) = home.corpus().find(&args.id)? else {
        bail!("no article with id {:?} (try `veille list`)", args.id);
    };
    let Some(results) = searcher.similar(&stored.article.id, args.limit)? else {
        bail!("article {} is not in the index yet: run `veille index`", stored.article.id);
    };
    print_results(context, &results, args.json, 0, Asked::Similar)?;
    Ok(Status::Success)
}
