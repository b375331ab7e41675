//! `veille init`: create a home, or complete one without overwriting anything.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{Context, Status};
use crate::home::Home;

const EXAMPLES: &str = "\
Examples:
  veille init                 make the current directory a home
  veille init ~/archive       create ~/archive and a home in it

Files that already exist are never overwritten; running init again only
adds what is missing (such as lines of .gitignore).";

/// Create a veille home (veille.toml, corpus/, .gitignore) in DIR or here
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct InitArgs {
    /// Directory of the new home (created if missing)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(context: &Context, args: InitArgs) -> anyhow::Result<Status> {
    let (home, report) = Home::init(&args.dir)?;
    if context.global.quiet {
        return Ok(Status::Success);
    }
    let mut out = std::io::stdout().lock();
    let shown = |p: &std::path::Path| p.strip_prefix(home.root()).unwrap_or(p).display().to_string();
    for path in &report.created {
        if path != home.root() {
            writeln!(out, "created  {}", shown(path))?;
        }
    }
    for path in &report.amended {
        writeln!(out, "updated  {}", shown(path))?;
    }
    if report.created.is_empty() && report.amended.is_empty() {
        writeln!(out, "{} is already a veille home; nothing to do", home.root().display())?;
    } else {
        writeln!(out, "veille home ready in {}", home.root().display())?;
        writeln!(out, "next: edit corpus/sources.toml, or `veille import FILE.jsonl`")?;
    }
    Ok(Status::Success)
}
