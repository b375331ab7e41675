//! `veille import`: bring an existing archive in from JSON Lines.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::{Context, Status};
use crate::corpus::import::{self, Options};

const EXAMPLES: &str = "\
Each line is a JSON object: \"id\" (required, kept as the article id), \"title\",
\"body\" (plain text or Markdown), and optionally \"url\", \"site\", \"subtitle\",
\"published\" (2025-03-11 or RFC 3339), \"authors\" (list or string), \"kind\"
(article, communique, document, other), \"lang\", \"tags\". Other fields are kept
in the front matter.

Lines that fail are reported with their number and skipped (exit status 1);
the others are imported. Importing the same file again changes nothing.
A full disk stops the import (exit status 2): what was written is kept, and
running the same import again once space is freed completes it.

Examples:
  veille import archive.jsonl
  veille import --site ancien-site export.jsonl
  zcat dump.jsonl.gz | veille import -";

/// Import articles from a JSON Lines file (or - for standard input)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ImportArgs {
    /// The JSON Lines file, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Site id given to lines without a "site"
    #[arg(long, value_name = "ID", default_value = "import")]
    pub site: String,
}

/// Bad lines reported one by one before the rest are summed up (all with -v).
const SHOWN_ERRORS: usize = 20;

pub fn run(context: &Context, args: ImportArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let corpus = home.corpus();
    let name = args.file.display().to_string();
    let input: Box<dyn io::BufRead> = if args.file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(&args.file).with_context(|| format!("cannot open {name}"))?;
        Box::new(BufReader::with_capacity(1 << 20, file))
    };
    let bar = (context.out.stderr_is_terminal && !context.global.quiet).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({per_sec})").expect("valid template"),
        );
        bar
    });
    let started = Instant::now();
    let default_lang = home
        .settings()
        .ok()
        .and_then(|settings| crate::language::Language::from_code(&settings.archive.lang))
        .unwrap_or(crate::language::Language::French);
    let options = Options { default_site: args.site, default_lang };
    let report = import::import(&corpus, input, &options, |report| {
        if let Some(bar) = &bar {
            bar.set_position((report.imported() + report.failed.len()) as u64);
            bar.set_message(format!("{} articles imported", report.imported()));
        }
    })
    .with_context(|| format!("import of {name} stopped"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let shown = if context.global.verbose > 0 { usize::MAX } else { SHOWN_ERRORS };
    for problem in &report.corpus_errors {
        tracing::warn!("{problem}");
    }
    for failure in report.failed.iter().take(shown) {
        tracing::warn!("{name}:{}: {}; line skipped", failure.line, failure.message);
    }
    if report.failed.len() > shown {
        tracing::warn!("{} more lines skipped (-v lists them all)", report.failed.len() - shown);
    }
    if !context.global.quiet {
        writeln!(
            io::stdout().lock(),
            "imported {} from {name} in {:.2}s: {} new, {} updated, {} unchanged{}",
            super::output::counted(report.imported(), "article", "articles"),
            started.elapsed().as_secs_f64(),
            report.created,
            report.updated,
            report.unchanged,
            if report.failed.is_empty() {
                String::new()
            } else {
                format!("; {} skipped", super::output::counted(report.failed.len(), "line", "lines"))
            },
        )?;
    }
    if let Some((line, error)) = report.stopped {
        return Err(anyhow::Error::new(error)
            .context(format!("import of {name} stopped: line {line} could not be written")));
    }
    Ok(if report.failed.is_empty() { Status::Success } else { Status::Partial })
}
