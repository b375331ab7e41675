//! `veille feed` (an Atom feed of a theme, a label or a query) and `veille
//! revue` (the press review), on [`crate::publish`]; and the theme feeds
//! that `veille update --feeds DIR` refreshes.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{Context, Status};
use crate::corpus::StoredArticle;
use crate::home::Home;
use crate::publish::Item;
use crate::publish::feed::{self, Feed};
use crate::publish::revue::{self, Revue};

const FEED_EXAMPLES: &str = "\
The newest articles of a theme, a label or a query, as an Atom 1.0 feed
(entries: title, link, authors, dates, the collective's note else the
article's lead). `veille update --feeds DIR` writes one per theme each night.

Examples:
  veille feed --theme eau -o flux/eau.xml
  veille feed --label revue-48 --base-url https://collectif.example/flux/
  veille feed 'data center -nucléaire' -n 50";

const REVUE_EXAMPLES: &str = "\
Without a query, a theme or a label, the review covers the articles that came
into the archive in the last 7 days (their fetch date; an imported article
without one counts from its publication date). --since / --days set another
period; with a query, a theme or a label there is no period unless asked.
Templates: a home's corpus/revue.md, corpus/revue.html, corpus/revue.txt
replace the built-in ones (--print-template prints them).

Examples:
  veille revue                                    the week, as Markdown
  veille revue --format html -o revue.html        to paste into a newsletter
  veille revue --label revue-48 --title 'Revue de presse n° 48' --format text
  veille revue --theme eau --since 2026-11-01 --by site
  veille revue --print-template html > corpus/revue.html";

/// What a feed or a review selects: a query, a theme, a label (all given
/// must match).
#[derive(Debug, Args)]
pub struct Selection {
    /// A query (same language as `veille search`)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// The articles of this theme of themes.toml
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// The articles with this label of the collective
    #[arg(long, alias = "etiquette", value_name = "LABEL")]
    pub label: Option<String>,
}

impl Selection {
    /// The query that selects, in the query language.
    fn query(&self) -> anyhow::Result<String> {
        let mut parts = Vec::new();
        let query = self.query.join(" ");
        if !query.trim().is_empty() {
            parts.push(format!("({query})"));
        }
        if let Some(theme) = &self.theme {
            parts.push(format!("theme:{theme}"));
        }
        if let Some(label) = &self.label {
            parts.push(format!("etiquette:{}", crate::corpus::annotations::label(label)?));
        }
        Ok(parts.join(" "))
    }

    fn is_empty(&self) -> bool {
        self.query.iter().all(|q| q.trim().is_empty()) && self.theme.is_none() && self.label.is_none()
    }
}

/// Write an Atom feed of the newest articles of a theme, a label or a query
#[derive(Debug, Args)]
#[command(after_help = FEED_EXAMPLES)]
pub struct FeedArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Articles in the feed, newest first
    #[arg(short = 'n', long, default_value_t = 30)]
    pub limit: usize,
    /// The feed's title (default: the theme's, the label, or the query)
    #[arg(long)]
    pub title: Option<String>,
    /// Where the feed will be published (a directory URL ending in /, or
    /// the feed's own URL): its id and `rel="self"` link
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RevueFormat {
    Markdown,
    /// HTML for a newsletter: inline styles, no scripts
    Html,
    /// Plain text for a mailing list
    Text,
}

impl From<RevueFormat> for revue::Format {
    fn from(format: RevueFormat) -> Self {
        match format {
            RevueFormat::Markdown => revue::Format::Markdown,
            RevueFormat::Html => revue::Format::Html,
            RevueFormat::Text => revue::Format::Text,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Theme,
    Site,
}

/// Compile the press review of a week, a query, a theme or a label
#[derive(Debug, Args)]
#[command(after_help = REVUE_EXAMPLES)]
pub struct RevueArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Articles archived on or after this day
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "days")]
    pub since: Option<NaiveDate>,
    /// Articles archived before or on this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<NaiveDate>,
    /// Articles archived in the last N days (7 without a selection)
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    #[arg(long, value_enum, default_value_t = RevueFormat::Markdown)]
    pub format: RevueFormat,
    /// Group by theme (an article under its first theme) or by site
    #[arg(long, value_enum, default_value_t = GroupBy::Theme)]
    pub by: GroupBy,
    /// The review's title
    #[arg(long, default_value = "Revue de presse")]
    pub title: String,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the built-in template of FORMAT and exit
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub print_template: Option<RevueFormat>,
}

fn items(home: &Home, articles: &[StoredArticle]) -> Vec<Item> {
    let names = home.site_names_or_ids();
    articles
        .iter()
        .map(|s| Item::of(s, names.display(&s.article.site, s.article.site_name.as_deref())))
        .collect()
}

/// Writes `text` to `output` (atomically) or to standard output.
fn write_out(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => crate::corpus::atomic::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
        None => Ok(io::stdout().lock().write_all(text.as_bytes())?),
    }
}

fn collective(home: &Home) -> String {
    home.settings().map(|s| s.archive.name).unwrap_or_default()
}

/// The feed of `articles` (newest first), `limit` at most.
fn feed_text(home: &Home, articles: &[StoredArticle], meta: Feed, limit: usize) -> String {
    let shown: Vec<StoredArticle> = articles.iter().take(limit).cloned().collect();
    feed::atom(&meta, &items(home, &shown))
}

/// The feed's id and self link from `--base-url` and the file name.
fn feed_meta(home: &Home, what: &str, name: &str, title: String, base_url: Option<&str>) -> Feed {
    let self_url = base_url.map(|base| {
        if base.ends_with('/') {
            format!("{base}{}.xml", crate::corpus::slug::slugify(name, 64, "flux"))
        } else {
            base.to_string()
        }
    });
    let collective = collective(home);
    Feed {
        id: self_url.clone().unwrap_or_else(|| feed::urn(what, name)),
        title,
        subtitle: None,
        self_url,
        author: if collective.is_empty() { "veille".into() } else { collective },
        now: chrono::Local::now().fixed_offset(),
    }
}

pub fn feed(context: &Context, args: FeedArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    if args.selection.is_empty() {
        bail!("say what the feed follows: --theme ID, --label LABEL or a query");
    }
    let query = args.selection.query()?;
    let (articles, broken) = super::selection::select(context, &home, &query)?;
    let themes = home.themes().unwrap_or_default();
    let (what, name, title) = match (&args.selection.theme, &args.selection.label) {
        (Some(theme), _) => {
            let label = themes.iter().find(|t| t.id == *theme).map_or(theme.clone(), |t| t.label.clone());
            ("theme", theme.clone(), label)
        }
        (None, Some(label)) => ("label", label.clone(), format!("Étiquette « {label} »")),
        (None, None) => ("query", query.clone(), query.clone()),
    };
    let meta = feed_meta(&home, what, &name, args.title.unwrap_or(title), args.base_url.as_deref());
    write_out(args.output.as_deref(), &feed_text(&home, &articles, meta, args.limit))?;
    Ok(if broken == 0 { Status::Success } else { Status::Partial })
}

/// Writes `DIR/<theme>.xml` for every theme: what `veille update --feeds`
/// does after indexing. Returns the files written.
pub fn theme_feeds(context: &Context, home: &Home, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for theme in home.themes()? {
        let (articles, _) = super::selection::select(context, home, &format!("theme:{}", theme.id))?;
        let meta = feed_meta(home, "theme", &theme.id, theme.label.clone(), None);
        let path = dir.join(format!("{}.xml", crate::corpus::slug::slugify(&theme.id, 64, "theme")));
        write_out(Some(&path), &feed_text(home, &articles, meta, 30))?;
        written.push(path);
    }
    Ok(written)
}

/// The day an article came into the archive: fetched, else published,
/// else its file's date.
fn archived_on(stored: &StoredArticle) -> Option<NaiveDate> {
    let a = &stored.article;
    a.fetched.or(a.published).map(|d| d.date()).or_else(|| {
        let modified = std::fs::metadata(&stored.path).and_then(|m| m.modified()).ok()?;
        Some(chrono::DateTime::<chrono::Local>::from(modified).date_naive())
    })
}

pub fn revue(context: &Context, args: RevueArgs) -> anyhow::Result<Status> {
    if let Some(format) = args.print_template {
        io::stdout().lock().write_all(revue::Format::from(format).builtin().as_bytes())?;
        return Ok(Status::Success);
    }
    let home = context.home()?;
    let format = revue::Format::from(args.format);
    let today = chrono::Local::now().date_naive();
    let days = args.days.or(if args.selection.is_empty() && args.since.is_none() { Some(7) } else { None });
    let since = args.since.or(days.map(|n| today - chrono::Days::new(u64::from(n.saturating_sub(1)))));
    let until = args.until.or(since.map(|_| today));
    let (mut articles, broken) = super::selection::select(context, &home, &args.selection.query()?)?;
    if since.is_some() || args.until.is_some() {
        articles.retain(|s| {
            let day = archived_on(s);
            since.is_none_or(|from| day.is_some_and(|d| d >= from))
                && until.is_none_or(|to| day.is_some_and(|d| d <= to))
        });
    }
    let items = items(&home, &articles);
    let groups = match args.by {
        GroupBy::Site => revue::group(items, |i| i.site.clone(), &[]),
        GroupBy::Theme => {
            let (searcher, themes) = super::index::searcher(context, &home)?;
            let (parsed, _) = crate::index::search::parse_themes(&themes, &home.themes_file());
            let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
            let of: HashMap<String, Vec<String>> = searcher.themes_of(&ids, &themes, &parsed)?;
            let label: HashMap<&str, &str> =
                themes.iter().map(|t| (t.id.as_str(), t.label.as_str())).collect();
            let order: Vec<String> = themes.iter().map(|t| t.label.clone()).collect();
            let other = "Autres articles".to_string();
            revue::group(
                items,
                |i| {
                    of.get(&i.id)
                        .and_then(|ids| ids.first())
                        .map_or(other.clone(), |id| label.get(id.as_str()).copied().unwrap_or(id).to_string())
                },
                &order,
            )
        }
    };
    let template_path = home.corpus_dir().join(format.template_name());
    let template = crate::home::read_if_present(&template_path)
        .with_context(|| format!("cannot read {}", template_path.display()))?;
    let revue = Revue { title: args.title, period: since.zip(until), collective: collective(&home), groups };
    let text = revue::render(&revue, format, template.as_deref())?;
    write_out(args.output.as_deref(), &text)?;
    Ok(if broken == 0 { Status::Success } else { Status::Partial })
}
