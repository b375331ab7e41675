//! `veille brochure`: a basket, a query or a theme as a print-ready booklet.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::{Context, Status};
use crate::brochure::{self, Format, Selection, pdf::Paper};

const EXAMPLES: &str = "\
Articles come in basket order, else oldest first. The PDF \"page par page\" is
the reading copy (A5, articles opening on a right-hand page, page count a
multiple of 4, running heads, French hyphenation, embedded fonts, clickable
table of contents and outline); the \"cahier\" is the same pages imposed 2-up on
A4 landscape for duplex printing (flip on the short edge), folding and stapling.
A home's corpus/brochure.typ replaces the built-in template (it reads the
brochure from /data.json; `veille brochure --print-template` shows the default).

Examples:
  veille brochure --basket panier --title \"Synthèse de critiques de l'IA\"
  veille brochure --theme eau --title \"L'eau et les data centers\" --format all -o out/
  veille brochure --query \"ia militaire\" --from 2025-01-01 --title \"IA et guerre\" --format pdf,cahier
  veille brochure --basket panier --title Essai --intro intro.md --paper a4";

/// Compile a basket, a query or a theme into a brochure (PDF, cahier, HTML, Markdown, EPUB)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct BrochureArgs {
    /// The articles of this basket (corpus/baskets/NAME.toml), in its order
    #[arg(long, value_name = "NAME", group = "selection")]
    pub basket: Option<String>,
    /// The articles matching this query (the query language of `veille search`)
    #[arg(long, value_name = "QUERY", group = "selection")]
    pub query: Option<String>,
    /// The articles of this theme of themes.toml (with its timeline on the cover)
    #[arg(long, value_name = "ID", group = "selection")]
    pub theme: Option<String>,
    /// Only articles published on or after this date
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<chrono::NaiveDate>,
    /// Only articles published on or before this date
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<chrono::NaiveDate>,
    /// The brochure's title (cover, running heads, file names)
    #[arg(long, required_unless_present = "print_template")]
    pub title: Option<String>,
    #[arg(long)]
    pub subtitle: Option<String>,
    /// An introduction in Markdown, printed before the articles
    #[arg(long, value_name = "FILE.md")]
    pub intro: Option<PathBuf>,
    /// Formats, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf,cahier")]
    pub format: Vec<Format>,
    /// Page size of the reading copy
    #[arg(long, value_enum, default_value = "a5")]
    pub paper: Paper,
    /// Directory to write into
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Print the built-in Typst template and exit (to start a corpus/brochure.typ)
    #[arg(long)]
    pub print_template: bool,
}

pub fn run(context: &Context, args: BrochureArgs) -> anyhow::Result<Status> {
    if args.print_template {
        print!("{}", brochure::pdf::TEMPLATE);
        return Ok(Status::Success);
    }
    let selection = match (&args.basket, &args.query, &args.theme) {
        (Some(name), _, _) => Selection::Basket(name.clone()),
        (_, Some(query), _) => Selection::Query(query.clone()),
        (_, _, Some(theme)) => Selection::Theme(theme.clone()),
        _ => anyhow::bail!("say what to print: --basket NAME, --query QUERY or --theme ID"),
    };
    let home = context.home()?;
    let settings = home.settings()?;
    let (searcher, themes) = super::index::searcher(context, &home)?;
    if let Selection::Theme(id) = &selection
        && !themes.iter().any(|t| &t.id == id)
    {
        let ids: Vec<&str> = themes.iter().map(|t| t.id.as_str()).collect();
        anyhow::bail!("no theme {id:?} in {} (themes: {})", home.themes_file().display(), ids.join(", "));
    }
    let hits = brochure::select(&searcher, &home.baskets_dir(), &selection, args.from, args.to)?;
    let title = args.title.clone().expect("clap requires --title");
    let mut b = brochure::assemble(&home.corpus(), &hits, &title)?;
    b.subtitle = args.subtitle.clone();
    b.collective = settings.archive.name.clone();
    b.lang = settings.archive.lang.clone();
    if let Some(path) = &args.intro {
        b.intro =
            Some(std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?);
    }
    if let Selection::Theme(id) = &selection {
        let theme: Vec<_> = themes.iter().filter(|t| &t.id == id).cloned().collect();
        let (parsed, _) = crate::index::search::parse_themes(&theme, &home.themes_file());
        if let Ok((counts, _)) = searcher.theme_counts(&theme, &parsed, true) {
            b.timeline = counts.into_iter().next().map(|c| c.timeline).unwrap_or_default();
        }
    }
    let look = brochure::pdf::Look::of_home(&home.corpus_dir())?;
    let written = brochure::write(&b, &args.format, &args.output, args.paper, &look)
        .with_context(|| format!("brochure {title:?}"))?;
    if !context.global.quiet {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{} articles:", b.articles.len())?;
        for path in written {
            writeln!(out, "  {}", path.display())?;
        }
    }
    Ok(Status::Success)
}
