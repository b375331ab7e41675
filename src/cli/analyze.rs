//! `veille analyze`: a text as veille's index reads it, the terms of its
//! French analyzer, space-separated; what a script or a front-end sends to a
//! Quickwit index built on `veille export`'s `*_stems` fields.

use std::io::{self, BufRead, Write};

use clap::Args;

use super::{Context, Status};

const EXAMPLES: &str = "\
Examples:
  veille analyze \"Les data centers pompent l'eau des nappes\"
      data center pomp eau napp
  echo \"Énergies renouvelables\" | veille analyze -      one line of terms per line read
  curl \"http://127.0.0.1:7280/api/v1/veille/search?sort_by=_score&query=body_stems:$(veille analyze nappes)\"";

/// Print the terms veille's French analyzer gives a text (as the index holds them)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct AnalyzeArgs {
    /// The text (its words joined by spaces); `-` reads lines from standard input
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

pub fn run(_context: &Context, args: AnalyzeArgs) -> anyhow::Result<Status> {
    let mut analyzer = crate::index::analyzer::french();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.text == ["-"] {
        for line in io::stdin().lock().lines() {
            writeln!(out, "{}", super::export::stems(&mut analyzer, &line?))?;
        }
    } else {
        writeln!(out, "{}", super::export::stems(&mut analyzer, &args.text.join(" ")))?;
    }
    out.flush()?;
    Ok(Status::Success)
}
