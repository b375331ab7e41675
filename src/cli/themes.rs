//! `veille themes`: themes with their article counts and timelines.

use std::io::{self, Write};

use clap::Args;

use super::{Context, Status};
use crate::index::search::parse_themes;

const EXAMPLES: &str = "\
Themes are the saved queries of corpus/themes.toml; counts are computed from
the index when asked, so editing a theme needs no re-index.

Examples:
  veille themes
  veille themes --timeline
  veille themes --json | jq -r '.id + \" \" + (.count|tostring)'";

/// List themes with article counts (and per-month timelines)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ThemesArgs {
    /// Articles per month for each theme
    #[arg(long)]
    pub timeline: bool,
    /// One JSON object per theme
    #[arg(long)]
    pub json: bool,
}

/// Eight levels for sparklines.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn sparkline(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| if v == 0 || max == 0 { ' ' } else { BARS[((v * 7).div_ceil(max)) as usize] })
        .collect()
}

pub fn run(context: &Context, args: ThemesArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let (searcher, _) = super::index::searcher(context, &home)?;
    // Themes are read again here so that a broken file is an error, not a warning.
    let themes = home.themes()?;
    let (parsed, parse_errors) = parse_themes(&themes, &home.themes_file());
    let (counts, compile_errors) = searcher.theme_counts(&themes, &parsed, args.timeline)?;
    let mut problems: Vec<String> = parse_errors.iter().map(ToString::to_string).collect();
    for (id, error) in &compile_errors {
        let line = themes.iter().find(|t| &t.id == id).map_or(0, |t| t.line);
        problems.push(format!("{}:{line}: theme {id:?}: {error}", home.themes_file().display()));
    }
    for problem in &problems {
        tracing::warn!("{problem}");
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        for count in &counts {
            serde_json::to_writer(&mut out, count)?;
            writeln!(out)?;
        }
    } else {
        let width = counts.iter().map(|c| c.label.chars().count()).max().unwrap_or(0);
        let id_width = counts.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for count in &counts {
            let pad = width - count.label.chars().count();
            let id = format!("{:<id_width$}", count.id);
            write!(out, "{}{}  {:>5}  {}", count.label, " ".repeat(pad), count.count, context.out.dim(&id))?;
            if args.timeline {
                let values: Vec<u64> = count.timeline.iter().map(|(_, n)| *n).collect();
                write!(out, "  {}", sparkline(&values))?;
            }
            writeln!(out)?;
        }
        if args.timeline
            && let (Some(first), Some(last)) = (
                counts.first().and_then(|c| c.timeline.first()),
                counts.first().and_then(|c| c.timeline.last()),
            )
        {
            writeln!(
                out,
                "{}",
                context.out.dim(&format!("timelines: one column per month, {} to {}", first.0, last.0))
            )?;
        }
    }
    out.flush()?;
    Ok(if problems.is_empty() { Status::Success } else { Status::Partial })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 2, 4]), " ▃▅█");
        assert_eq!(sparkline(&[]), "");
    }
}
