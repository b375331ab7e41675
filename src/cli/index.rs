//! `veille index`: bring the search index up to date with the corpus, and
//! the searcher every reading command opens.

use std::io::Write;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::{Context, Status};
use crate::home::Home;
use crate::index::search::{Searcher, parse_themes};
use crate::index::{Index, IndexError, update};

const EXAMPLES: &str = "\
Only new and changed article files are read and indexed; files that
disappeared are removed. A run looks only in the directories of
corpus/articles/ whose modification time moved since the last run (a new,
renamed or deleted file moves it); once a week, and with --full, it checks
every file's time and size, to see a file rewritten in place by an editor
that does not rename (nano, some IDEs). The index is derived from corpus/:
deleting index/ and running `veille index` gives the same results.

Examples:
  veille index
  veille index --full           check every file, not only changed directories
  veille index --rebuild        start from nothing";

/// Bring the search index up to date with corpus/ (incremental)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct IndexArgs {
    /// Rebuild the index from nothing
    #[arg(long)]
    pub rebuild: bool,
    /// Check every article file's time and size, not only the directories
    /// that changed (done anyway once a week)
    #[arg(long, conflicts_with = "rebuild")]
    pub full: bool,
    /// Wait for another update/crawl/index to finish instead of exiting with 75
    #[arg(long)]
    pub wait: bool,
}

fn progress_bar(context: &Context) -> Option<indicatif::ProgressBar> {
    (context.out.stderr_is_terminal && !context.global.quiet).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "indexing {bar:30} {pos}/{len} articles ({per_sec}, {eta})",
            )
            .expect("valid template"),
        );
        bar
    })
}

/// Runs an index update and reports failures as warnings.
pub fn update_index(context: &Context, home: &Home, scope: update::Scope) -> anyhow::Result<update::Report> {
    let bar = progress_bar(context);
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let report = update::update_with(&home.corpus(), &home.index_dir(), scope, true, &progress)
        .with_context(|| format!("cannot index {}", home.index_dir().display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(problem) = &report.healed {
        tracing::warn!(
            "the search index in {} was damaged ({problem}); it was built again from corpus/",
            home.index_dir().display()
        );
    }
    for failure in &report.failed {
        tracing::warn!("{failure}; skipped");
    }
    Ok(report)
}

pub fn run(context: &Context, args: IndexArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let _lock = home.lock("index", args.wait)?;
    let started = Instant::now();
    let scope = match (args.rebuild, args.full) {
        (true, _) => update::Scope::Rebuild,
        (false, true) => update::Scope::AllFiles,
        (false, false) => update::Scope::Changed,
    };
    let report = update_index(context, &home, scope)?;
    if !context.global.quiet {
        writeln!(
            std::io::stdout().lock(),
            "{} {} in {:.2}s: {} added, {} updated, {} removed, {} unchanged{}",
            if report.rebuilt { "indexed" } else { "updated the index of" },
            super::output::counted(report.added + report.updated + report.unchanged, "article", "articles"),
            started.elapsed().as_secs_f64(),
            report.added,
            report.updated,
            report.removed,
            report.unchanged,
            if report.failed.is_empty() {
                String::new()
            } else {
                format!("; {} skipped", super::output::counted(report.failed.len(), "file", "files"))
            }
        )?;
    }
    Ok(if report.failed.is_empty() { Status::Success } else { Status::Partial })
}

/// Opens the searcher of the home with its themes. A home without an index
/// gets one built first, so that a fresh clone can search at once.
pub fn searcher(context: &Context, home: &Home) -> anyhow::Result<(Searcher, Vec<crate::config::Theme>)> {
    let themes = home.themes().unwrap_or_else(|e| {
        tracing::warn!("{e}; themes are not available");
        Vec::new()
    });
    let (parsed, errors) = parse_themes(&themes, &home.themes_file());
    for error in errors {
        tracing::warn!("{error}");
    }
    // A damaged index shows itself when the index or its reader is opened.
    let opened = Index::open(&home.index_dir()).and_then(|index| Searcher::new(index, parsed.clone()));
    let searcher = match opened {
        Ok(searcher) => searcher,
        Err(IndexError::Missing(_) | IndexError::Outdated(_)) => {
            if !context.global.quiet {
                eprintln!("veille: building the search index of {} (first use)…", home.root().display());
            }
            update_index(context, home, update::Scope::Changed)?;
            Searcher::new(Index::open(&home.index_dir())?, parsed)?
        }
        // Derived from corpus/: built again, when no other veille holds
        // the home (else the error says `veille index` repairs it).
        Err(damaged @ IndexError::Damaged { .. }) => {
            let Ok(_lock) = home.lock("index", false) else { return Err(damaged.into()) };
            update_index(context, home, update::Scope::Changed)?;
            Searcher::new(Index::open(&home.index_dir())?, parsed)?
        }
        Err(e) => return Err(e.into()),
    };
    Ok((searcher.with_site_names(home.site_names_or_ids()), themes))
}
