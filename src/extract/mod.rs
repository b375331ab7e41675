//! From an archived HTML page to an article: charset, site profile,
//! metadata, main text as Markdown. Pure: no network, no disk.
//!
//! The profile of a page comes from `sources.toml` or from its `<meta
//! name=generator>`: SPIP and WordPress pages are read with their known
//! markup, a custom profile with the source's CSS selectors, anything else
//! with Readability (the `dom_smoothie` crate). A page that is no article
//! (a listing, a tag or search page, an empty page) gives a [`NotArticle`]
//! reason instead.

mod around;
pub mod charset;
mod css;
pub mod dates;
pub mod document;
mod dom;
mod guards;
mod lead;
mod lines;
pub mod listing;
pub mod markdown;
pub mod metadata;
mod page_dates;
pub mod pdf;
mod profiles;
mod prune;
mod readability;
mod titles;

use dom_query::{Document, Selection};
use unicode_normalization::UnicodeNormalization;

use crate::config::sources::{Profile, Selectors};
use crate::corpus::{Article, Kind, PubDate, id_from_url};
use lines::{
    cut_trailer, normalise, strip_controls, without_date_lines, without_end_headings, without_publisher_lines,
};
use page_dates::PageDates;
use titles::TitleCandidates;

/// Why a page gives no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotArticle {
    #[error("not an article: {0}")]
    Listing(String),
    #[error("not an article: no main text found")]
    NoText,
    #[error("not an article: the page is empty")]
    Empty,
    #[error("not an article: {0}")]
    Hostile(String),
}

/// What the extractor keeps of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub title: String,
    pub subtitle: Option<String>,
    /// SPIP's `surtitre`, the line above a title.
    pub surtitle: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<PubDate>,
    pub lang: Option<String>,
    pub kind: Kind,
    pub tags: Vec<String>,
    /// Outgoing links of the body, absolute, without duplicates.
    pub links: Vec<String>,
    /// The body in Markdown.
    pub body: String,
    pub canonical_url: Option<String>,
    /// The SPIP article number, a key to find the same article under other URLs.
    pub spip_article: Option<u64>,
    /// Which profile read the page: spip, wordpress, custom or generic.
    pub profile: &'static str,
}

/// How to read one page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The page's URL: links are made absolute against it.
    pub url: Option<&'a str>,
    /// The `Content-Type` header it came with.
    pub content_type: Option<&'a str>,
    /// `None`: detected from the page.
    pub profile: Option<Profile>,
    pub selectors: Option<&'a Selectors>,
}

/// A profile that finds less text than this (in characters) hands the page to Readability.
const PROFILE_MIN_TEXT: usize = 200;

/// Less text than this is no article (a short communiqué is a few lines).
const MIN_TEXT: usize = 80;

/// Reads a page. The body is Markdown; metadata comes from the best source.
///
/// A page that makes a parser or Readability panic is reported as hostile
/// rather than ending the crawl or batch that reads it.
pub fn extract(bytes: &[u8], options: &Options) -> Result<Extracted, NotArticle> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract_page(bytes, options))).unwrap_or_else(
        |_| {
            Err(NotArticle::Hostile(
                "the page made the HTML reader fail (an internal error, reported above)".into(),
            ))
        },
    )
}

/// The stages, in order: refuse what is no page, parse, refuse listings,
/// read the metadata, the title's candidates and the printed dates, read
/// the text with the site's profile (or Readability), clean it, refuse a
/// page of links, choose the title, put the lead back, settle the date,
/// and fill in the rest from the metadata.
fn extract_page(bytes: &[u8], options: &Options) -> Result<Extracted, NotArticle> {
    guards::refuse(bytes, options)?;
    let (html, _) = charset::decode(bytes, options.content_type);
    let pruned = prune::prune(&html);
    let doc = Document::from(pruned.as_ref());
    guards::refuse_textless(&doc)?;
    if let Some(why) = listing::listing_body_class(&doc).or_else(|| listing::teaser_list(&doc, options.url)) {
        return Err(NotArticle::Listing(why));
    }
    around::prepare(&doc);
    let mut meta = metadata::read(&doc);
    let base = options.url.and_then(|u| url::Url::parse(u).ok());
    let head = meta.title.clone().or_else(|| dom::first(&doc, &["title"]));
    let heading = titles::title_heading(&doc, head.as_deref());
    let titles = TitleCandidates::read(heading, head);
    let dates = PageDates::read(&doc, &mut meta, options.url, heading);
    let profile = options.profile.unwrap_or_else(|| profiles::detect(&meta, &doc));
    // Read before a profile or Readability takes the page apart.
    let lead = heading.and_then(lead::find).or_else(|| lead::printed(&doc, &meta.descriptions)).map(|node| {
        dom::absolutise(&Selection::from(node), base.as_ref());
        normalise(&markdown::to_markdown(&node))
    });
    let mut out = profiles::read(profile, options.selectors, &doc, &mut meta, base.as_ref());
    if out.body.trim().chars().count() < PROFILE_MIN_TEXT {
        // The profile found nothing (or there is none): Readability reads it.
        readability::read(doc, &pruned, options.url, &titles, base.as_ref(), &mut meta, &mut out)?;
    }
    out.body = without_end_headings(without_publisher_lines(normalise(cut_trailer(&out.body))));
    let text = crate::corpus::text::plain_text(&out.body);
    if text.chars().count() < MIN_TEXT {
        return Err(NotArticle::NoText);
    }
    listing::refuse_links_page(&out.body, &meta)?;
    // A SPIP theme's first heading is often the site's name; WordPress's
    // `entry-title` is the post's own (its `<title>` is often an SEO
    // variant): only the spip profile's title must agree with the page's.
    let unsure = out.profile == "spip" && !titles.agrees_with(&out.title);
    if (out.profile == "generic" || out.title.is_empty() || unsure)
        && let Some(title) = titles.best(true)
    {
        if out.profile != "generic" && !out.title.is_empty() {
            tracing::debug!(
                "{} profile's title {:?} is not the page's: {title:?} taken",
                out.profile,
                out.title
            );
        }
        out.title = title;
    }
    out.body = titles::without_title_heading(&out.body, &out.title);
    // A source's own selectors say where its text is, lead or not.
    if let Some(lead) = lead.filter(|_| out.profile != "custom") {
        out.body = lead::put_back(&lead, out.body);
    }
    // After the date and the byline were read from the text's first lines.
    out.body = without_date_lines(out.body);
    out.links = links_of(&out.body);
    if meta.authors.is_empty() {
        // A byline opening the text: `Publié le … par Jeanne Ferrand`.
        meta.authors = text
            .lines()
            .take(3)
            .filter(|l| l.chars().count() < 150)
            .find_map(|l| metadata::byline(l).1)
            .into_iter()
            .collect();
    }
    dates.settle(&mut meta, &text, base.as_ref().and_then(|u| u.host_str()));
    fill_in(&mut out, &meta, base.as_ref(), options.url);
    Ok(out)
}

/// The title and authors cleaned, the date, language, tags and canonical
/// address from the metadata, SPIP's article number, and the kind.
fn fill_in(out: &mut Extracted, meta: &metadata::Metadata, base: Option<&url::Url>, url: Option<&str>) {
    out.title = strip_controls(&out.title).nfc().collect();
    let authors: Vec<String> = meta.authors.iter().map(|a| strip_controls(a)).collect();
    out.authors = metadata::clean_authors(&authors);
    out.published = meta.published;
    out.lang = meta.lang.clone();
    out.tags = meta.tags.clone();
    out.canonical_url = meta.canonical.as_deref().and_then(|c| dom::absolute(base, c));
    if out.spip_article.is_none() {
        out.spip_article = url
            .and_then(|u| u.split("article").nth(1))
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .filter(|_| out.profile == "spip");
    }
    let signals = [out.surtitle.as_deref().unwrap_or_default(), &out.title, &out.tags.join(" ")];
    if signals.iter().any(|s| fold_ascii(s).contains("communique")) {
        out.kind = Kind::Communique;
    }
}

/// Link targets of a Markdown body, absolute http(s) only, first occurrence kept.
fn links_of(markdown: &str) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for event in crate::corpus::markdown::parser(markdown) {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = event {
            let url = dest_url.to_string();
            if url.starts_with("http") && !links.contains(&url) {
                links.push(url);
            }
        }
    }
    links
}

fn fold_ascii(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

impl Extracted {
    /// The corpus record for this page, fetched from `url` for site `site`.
    pub fn into_article(self, site: &str, url: &str) -> Article {
        let canonical = self.canonical_url.clone().unwrap_or_else(|| url.to_string());
        let mut article = Article::new(id_from_url(&canonical), site, self.title);
        article.url = Some(url.to_string());
        article.canonical_url = Some(canonical);
        article.subtitle = self.subtitle;
        article.authors = self.authors;
        article.published = self.published;
        article.lang = self.lang;
        article.kind = self.kind;
        article.tags = self.tags;
        article.links = self.links;
        article.body = self.body;
        if let Some(n) = self.spip_article {
            article.extra.insert("spip_article".into(), toml::Value::Integer(n as i64));
        }
        if let Some(surtitle) = self.surtitle {
            article.extra.insert("surtitle".into(), toml::Value::String(surtitle));
        }
        article
    }
}
