//! `veille analyze`: a text as veille's index reads it, the terms of its
//! analyzer of a language (French unless `--langue`), space-separated; what a script or a front-end sends to a
//! Quickwit index built on `veille export`'s `*_stems` fields.

use std::io::{self, BufRead, Write};

use clap::Args;

use super::{Context, Status};

const EXAMPLES: &str = "\
Examples:
  veille analyze \"Les data centers pompent l'eau des nappes\"
      data center pomp eau napp
  echo \"Énergies renouvelables\" | veille analyze -      one line of terms per line read
  veille analyze --langue en \"The data centers\"
      en_data en_center
  curl \"http://127.0.0.1:7280/api/v1/veille/search?sort_by=_score&query=body_stems:$(veille analyze nappes)\"";

/// Print the terms veille's analyzer gives a text (as the index holds them)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct AnalyzeArgs {
    /// The text (its words joined by spaces); `-` reads lines from standard input
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
    /// The text's language (`fr`, `en`, `it`, `es`, `de`, `pt`…)
    #[arg(long = "langue", visible_alias = "lang", default_value = "fr", value_name = "CODE")]
    pub language: String,
}

pub fn run(_context: &Context, args: AnalyzeArgs) -> anyhow::Result<Status> {
    let Some(language) = crate::language::Language::from_code(&args.language) else {
        let known: Vec<&str> = crate::language::ALL.iter().map(|l| l.code()).collect();
        anyhow::bail!("no language {:?}: veille analyses {}", args.language, known.join(", "));
    };
    let mut analyzer = crate::index::analyzer::of_language(language);
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
