//! From an archived HTML page to an article: charset, site profile,
//! metadata, main text as Markdown. Pure: no network, no disk.
//!
//! The profile of a page comes from `sources.toml` or from its `<meta
//! name=generator>`: SPIP and WordPress pages are read with their known
//! markup, a custom profile with the source's CSS selectors, anything else
//! with Readability (the `dom_smoothie` crate). A page that is no article
//! (a listing, a tag or search page, an empty page) gives a [`NotArticle`]
//! reason instead.

pub mod charset;
mod css;
pub mod dates;
mod lead;
mod lines;
pub mod markdown;
pub mod metadata;
pub mod pdf;
mod prune;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use dom_query::{Document, NodeRef, Selection};
use unicode_normalization::UnicodeNormalization;

use crate::config::sources::{Profile, Selectors};
use crate::corpus::{Article, Kind, PubDate, id_from_url};
use lines::{
    cut_trailer, normalise, strip_controls, without_date_lines, without_end_headings, without_publisher_lines,
};
use metadata::Metadata;

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

/// Deepest element nesting read. HTML parsers check scopes by walking the
/// stack of open elements, so a page nested 100,000 deep costs hours; no
/// real page comes near this.
const MAX_NESTING: usize = 3_000;

/// Bytes that are no web page at all: binary data (control bytes, as in an
/// image or a zip archive) or text without a single tag.
fn not_html(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b)).count();
    if controls * 100 > head.len() {
        return Some("binary data, not HTML");
    }
    let has_tag = bytes.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'!'));
    (!has_tag).then_some("no HTML markup")
}

/// The deepest nesting of elements in `html`, counting only elements that
/// must be closed explicitly (a `<p>` or `<li>` left open closes itself).
fn nesting_depth(html: &[u8]) -> usize {
    const SELF_CLOSING: [&[u8]; 22] = [
        b"br", b"img", b"hr", b"meta", b"link", b"input", b"source", b"wbr", b"area", b"col", b"embed",
        b"param", b"track", b"base", b"p", b"li", b"dt", b"dd", b"option", b"tr", b"td", b"th",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', html) {
        let start = at + 1;
        let closing = html.get(start) == Some(&b'/');
        let name_start = if closing { start + 1 } else { start };
        let name_len = html[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        if SELF_CLOSING.iter().any(|tag| tag.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// A profile that finds less text than this (in characters) hands the page to Readability.
const PROFILE_MIN_TEXT: usize = 200;
/// A "main text" whose characters are mostly link text is a list of links.
const MAX_LINK_SHARE: f64 = 0.6;

/// Share of a Markdown text's characters that are inside links.
fn link_text_share(markdown: &str) -> f64 {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let (mut depth, mut linked, mut all) = (0usize, 0usize, 0usize);
    for event in crate::corpus::markdown::parser(markdown) {
        match event {
            Event::Start(Tag::Link { .. }) => depth += 1,
            Event::End(TagEnd::Link) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                let n = t.chars().filter(|c| !c.is_whitespace()).count();
                all += n;
                if depth > 0 {
                    linked += n;
                }
            }
            _ => {}
        }
    }
    if all == 0 { 0.0 } else { linked as f64 / all as f64 }
}

/// Less text than this is no article (a short communiqué is a few lines).
const MIN_TEXT: usize = 80;

/// What pages put around and inside an article that is not its text:
/// picture captions and credits, related posts (plugins' own classes
/// included), newsletter and donation boxes, author boxes, ratings, forms
/// that ask for an e-mail address or a password (newsletters, logins).
/// Containers only, by tag, so that a `<body class="has-related">` stays.
macro_rules! around_articles {
    () => {
        "figcaption, .wp-caption-text, p[class*='caption'], span[class*='caption'], \
        div[class*='related'], section[class*='related'], aside[class*='related'], ul[class*='related'], \
        [class*='yarpp'], [class*='crp_related'], div[class*='recommended'], div[class*='newsletter'], \
        [class*='saboxplugin'], .post-ratings, div[class*='donation'], \
        .wp-embedded-content, \
        div[class*='shariff'], div[class*='ez-toc'], #toc_container, div[class*='disclaimer'], \
        p[class*='disclaimer'], .postmetadata, .post-navigation, .nav-next, .nav-previous, \
        form:has(input[type='email'], input[type='password'])"
    };
}

/// Removes what `selectors` match inside `root`, except an element that
/// holds the page's heading or most of its text: class names are matched
/// by substring (`related`), and a page may wrap its whole article in
/// `<section class="js-truncate-related">`.
fn remove_around(root: &Selection, selectors: &'static str) {
    let found = css::under(root, selectors);
    if found.is_empty() {
        return;
    }
    // Bytes of text, counted without building it: a share is all that is
    // compared, and bytes cost no decoding.
    let whole: usize = root.nodes().iter().map(text_bytes).sum();
    for node in found {
        // Inside a block removed already: nothing to measure.
        if !node.ancestors_it(None).last().is_some_and(|top| top.is_document()) {
            continue;
        }
        let element = Selection::from(node);
        let holds_article = element.select_matcher_iter(css::matcher("h1")).next().is_some()
            || text_bytes(&node) * 2 > whole
            || prose_in(&node, PROSE) >= PROSE;
        if !holds_article {
            element.remove();
        }
    }
}

/// Letters of running text (in paragraphs, outside links) that make a
/// block an article, whatever its class says (a theme's `<div class="entry
/// share">` around the text).
const PROSE: usize = 1500;

/// The letters (spaces left out) of the text in paragraphs under `node`
/// and outside links, counted up to `cap`.
fn prose_in(node: &NodeRef, cap: usize) -> usize {
    let mut count = 0;
    for paragraph in Selection::from(*node).select_matcher_iter(css::matcher("p")) {
        for text in paragraph.descendants_it().filter(|n| n.is_text()) {
            if text
                .ancestors_it(Some(8))
                .take_while(|a| a.id != paragraph.id)
                .any(|a| a.node_name().is_some_and(|n| &*n == "a"))
            {
                continue;
            }
            count += letters_of(&text);
        }
        if count >= cap {
            break;
        }
    }
    count
}

/// Elements that never belong to an article body.
const NOISE: &str = concat!(
    "script, style, noscript, template, iframe, form, nav, button, select, textarea, svg, ",
    "[class*='forum'], #comments, .comments, .comment-list, #respond, .sharedaddy, .jp-relatedposts, ",
    ".share, .sharing, .social, .addtoany_share_save_container, .lire-aussi, .related, .newsletter, ",
    around_articles!()
);

/// Readers' contributions, removed before anything is read.
macro_rules! comments {
    () => {
        "#comments, .comments, .comment-list, .commentlist, #respond, [class*='forum'], \
        .comment, [id^='comment-'], #disqus_thread"
    };
}

/// Blocks that sit next to an article and are never part of it (by exact
/// class, navigation, and the blocks of [`around_articles`]), removed before
/// Readability reads the page.
const ASIDES: &str = concat!(
    ".lire-aussi, .lire_aussi, .related, .related-posts, .sharedaddy, .jp-relatedposts, .share, ",
    ".sharing, .social, .social-share, .newsletter, .addtoany_share_save_container, .breadcrumb, .cookie-banner, nav, ",
    around_articles!()
);

/// Elements where pages print their date for people.
const DATE_PLACES: &str = "time, [class*='date'], [class*='Date'], [id*='date'], [class*='byline'], \
    [class*='posted'], [class*='publi'], [class*='datum'], [class*='meta'], [class*='info-publi'], \
    [class*='time'], [class*='info'], [class*='submitted'], [data-testid*='date']";

/// Elements that hold a date and nothing else, which a vague date meta
/// gives way to.
const DATE_ONLY_PLACES: &str = "time, [class*='date'], [class*='Date'], [class*='datum']";

/// The first date printed in one of `places`, in page order, in none of the
/// elements named `outside`.
fn visible_date(doc: &Document, places: &'static str, outside: &[&str]) -> Option<PubDate> {
    visible_dates(doc, places, outside).next()
}

/// The dates printed in `places` (the first forty), in page order, outside
/// the elements named `outside`.
fn visible_dates<'a>(
    doc: &'a Document,
    places: &'static str,
    outside: &'a [&'a str],
) -> impl Iterator<Item = PubDate> + 'a {
    css::matches(doc, places).take(40).filter_map(|el| {
        let elsewhere = !outside.is_empty() && css::inside(&el, outside, Some(12));
        let text = el.text();
        // A block holding the title too (`<div class="post-meta-wrapper"><h1>`)
        // is a wrapper: the title may name another day.
        let wrapper = || Selection::from(el).select_matcher_iter(css::matcher("h1, h2, h3")).next().is_some();
        if elsewhere || text.len() > 200 || wrapper() {
            return None;
        }
        // An empty element may carry its date in an attribute
        // (`<span class="updated" title="2013-04-04T18:52:11+00:00">`).
        dates::parse_human(&text).or_else(|| {
            let empty = text.trim().is_empty();
            ["datetime", "title", "content"]
                .iter()
                .filter(|_| empty)
                .find_map(|name| el.attr(name).and_then(|value| dates::parse_iso(&value)))
        })
    })
}

/// The date printed on a short line right under the page's heading (`<h1>…</h1>
/// <p>Handball Schweiz • 02.02.2022</p>`), where pages without any
/// element made for dates put it. Text in links (other articles) is left out.
fn dateline<'a>(doc: &'a Document, title: Option<NodeRef<'a>>) -> Option<PubDate> {
    /// Characters of text read after the heading.
    const NEAR: usize = 300;
    let heading = title
        .or_else(|| css::first(doc, "h1"))
        .or_else(|| css::first(doc, "article h2, main h2, [class*='post'] h2"))?;
    // A line just above the heading (a kicker: `Sport • 31.01.2022`).
    let mut above = heading;
    for _ in 0..2 {
        if let Some(line) = above.prev_element_sibling().map(|p| p.text())
            && line.trim().chars().count() <= 100
            && let Some(date) = dates::parse_human(line.trim())
        {
            return Some(date);
        }
        match above.parent() {
            Some(parent) => above = parent,
            None => break,
        }
    }
    let mut read = 0;
    let mut below = heading;
    // The heading's next siblings, then its parent's, up to three levels.
    for _ in 0..3 {
        let mut sibling = below.next_sibling();
        while let Some(node) = sibling {
            let texts = std::iter::once(node).chain(node.descendants_it()).filter(|n| n.is_text());
            for text in texts {
                let line = text.text();
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                read += line.chars().count();
                if read > NEAR {
                    return None;
                }
                let in_link = css::inside(&text, &["a"], Some(6));
                if !in_link
                    && line.chars().count() <= 100
                    && let Some(date) = dates::parse_human(line)
                {
                    return Some(date);
                }
            }
            sibling = node.next_sibling();
        }
        below = below.parent()?;
    }
    None
}

/// Where the dates of other articles, of events, or today's date are
/// printed: a vague date meta gives way only to a date outside them.
const NOT_THE_ARTICLES_DATE: [&str; 6] = ["a", "li", "nav", "header", "footer", "aside"];

/// Words pages print just before their date, folded to lower case.
const DATE_CUES: [&str; 24] = [
    "publié le",
    "mis à jour le",
    "mise en ligne",
    "mis en ligne le",
    "date de publication",
    "paru le",
    "published on",
    "published:",
    "posted on",
    "erstellt am",
    "veröffentlicht am",
    "erschienen am",
    "aktualisiert am",
    "aktualisiert:",
    "letzte änderung:",
    "wurde am",
    "pressemitteilung vom",
    "datum:",
    "stand:",
    "stand -",
    "publicado el",
    "pubblicato il",
    "date:",
    "le :",
];

/// The first date that follows one of [`DATE_CUES`] anywhere in the page
/// (`Erstellt am: 01.11.2023` in a plain paragraph), for pages that put it
/// in no element made for dates.
fn cued_date(doc: &Document) -> Option<PubDate> {
    static CUES: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(DATE_CUES).expect("the date cues are plain words"));
    let text = css::first(doc, "body")?.text().to_lowercase();
    let mut tried = [0usize; DATE_CUES.len()];
    // In page order; a cue is tried at most five times.
    CUES.find_overlapping_iter(&text).find_map(|cue| {
        let seen = &mut tried[cue.pattern().as_usize()];
        *seen += 1;
        if *seen > 5 {
            return None;
        }
        let after = &text[cue.end()..];
        let end = after.char_indices().nth(40).map_or(after.len(), |(i, _)| i);
        dates::parse_human(&after[..end])
    })
}

/// The first short line of the page that is a date and little else
/// (`<span class="blue">01.02.2022</span>`, `( 2012-06-04 09:20:26 )`),
/// outside links, navigation and footers: for pages that put their date
/// in no element made for it, with no words to announce it.
fn lone_date(doc: &Document) -> Option<PubDate> {
    /// Letters a dated line may hold besides its date (`Date`, `Stand`, a weekday).
    const LETTERS: usize = 12;
    let body = css::first(doc, "body")?;
    body.descendants_it().filter(|n| n.is_text()).find_map(|node| {
        let text = node.text();
        let line = text.trim();
        if line.len() < 8
            || line.chars().filter(|c| !c.is_whitespace()).nth(40).is_some()
            || line.chars().filter(|c| c.is_alphabetic()).nth(LETTERS).is_some()
        {
            return None;
        }
        if css::inside(&node, &["a", "nav", "footer", "option", "select"], Some(12)) {
            return None;
        }
        dates::parse_human(line)
    })
}

/// What the page offers as its title.
struct TitleCandidates {
    h1: Option<String>,
    head: Option<String>,
}

/// Spaces collapsed and lower case: titles compared as readers see them.
fn fold_title(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The heading that holds the page's title: the `<h1>` (else `<h2>`) that
/// `head`, the title in the metadata, names (a site may put its name in a
/// first `<h1>`, and a section its name in an `<h2>`: a heading much
/// shorter than the title is not it), else the `<h1>` in the `<article>` or
/// `<main>`, else the first.
fn title_heading<'a>(doc: &'a Document, head: Option<&str>) -> Option<NodeRef<'a>> {
    if let Some(head) = head.map(fold_title) {
        let named = css::matches(doc, "h1").chain(css::matches(doc, "h2")).find(|heading| {
            let text = fold_title(&heading.text());
            let length = text.chars().count();
            length >= 6
                && (text.contains(&head) || head.contains(&text) && length * 2 >= head.chars().count())
        });
        if named.is_some() {
            return named;
        }
    }
    css::firsts(doc, &["article h1", "main h1", "h1"])
        .into_iter()
        .flatten()
        .find(|h1| h1.normalized_char_count() > 0)
}

impl TitleCandidates {
    /// The page's title heading, and `head`, its `<title>` or metadata title.
    fn read(heading: Option<NodeRef>, head: Option<String>) -> Self {
        TitleCandidates { h1: heading.and_then(|h| text_of(&Selection::from(h))), head }
    }

    /// The `<h1>` when the page's own title names it too; else the
    /// metadata title without its site name.
    fn best(&self, from_metadata_first: bool) -> Option<String> {
        if let (Some(h1), Some(head)) = (&self.h1, &self.head)
            && h1.chars().count() >= 6
            && fold_title(head).contains(&fold_title(h1))
        {
            return Some(h1.clone());
        }
        if from_metadata_first && let Some(head) = &self.head {
            return Some(strip_site_name(head));
        }
        // A page without <title> nor metadata still names itself in its <h1>.
        self.h1.clone().filter(|_| self.head.is_none())
    }
}

/// The body without a first heading that repeats the title (Readability
/// keeps the `<h1>` when the page has no other title).
fn without_title_heading(body: &str, title: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    let heading = first.trim_start_matches('#');
    if !title.is_empty()
        && first.starts_with('#')
        && heading.starts_with(' ')
        && heading.trim() == title.trim()
    {
        return body[first.len()..].trim_start_matches('\n').to_string();
    }
    body.to_string()
}

/// `Le titre - Le site` → `Le titre`: the longest part around the usual separators.
fn strip_site_name(title: &str) -> String {
    for separator in [" | ", " - ", " – ", " — ", " :: ", " » ", " · "] {
        if title.contains(separator)
            && let Some(longest) = title.split(separator).max_by_key(|p| p.chars().count())
            && longest.chars().count() >= 10
        {
            return longest.trim().to_string();
        }
    }
    title.trim().to_string()
}

/// URL shapes of listing, tag and search pages in SPIP and WordPress.
fn listing_url(url: &str) -> Option<&'static str> {
    let url = url.to_ascii_lowercase();
    let patterns: [(&str, &'static str); 10] = [
        ("page=rubrique", "SPIP section listing"),
        ("page=mot", "SPIP keyword page"),
        ("page=recherche", "search page"),
        ("page=backend", "feed"),
        ("page=plan", "SPIP site map"),
        ("debut_", "paginated listing"),
        ("/tag/", "tag page"),
        ("/category/", "category page"),
        ("/author/", "author page"),
        ("?s=", "search page"),
    ];
    patterns.iter().find(|(p, _)| url.contains(p)).map(|(_, why)| *why)
}

fn listing_body_class(doc: &Document) -> Option<String> {
    let classes = doc.body().and_then(|b| b.attr("class")).map(|c| c.to_string()).unwrap_or_default();
    // SPIP names the page's template (`page_rubrique`), WordPress its kind
    // (`blog` for the posts index, `archive` for category, tag, author and
    // date listings).
    let listing = [
        "page_rubrique",
        "page_mot",
        "page_sommaire",
        "page_recherche",
        "page_auteur",
        "page_plan",
        "page_backend",
        "search-results",
        "blog",
        "archive",
        "error404",
    ];
    let words: Vec<&str> = classes.split_whitespace().collect();
    if words.iter().any(|w| matches!(*w, "single" | "page_article" | "single-post" | "page_breve")) {
        return None;
    }
    let class = words.iter().find(|w| listing.contains(w))?;
    // Some themes put `blog` on every page: a WordPress listing shows
    // several posts.
    if matches!(*class, "blog" | "archive")
        && css::matches(doc, "article, .hentry, .type-post").nth(1).is_none()
    {
        return None;
    }
    Some(format!("listing page (body class {class})"))
}

fn text_of(selection: &Selection) -> Option<String> {
    metadata::clean(&selection.text())
}

/// The profile's byline, when the page has one, beats generic metadata:
/// the `names` inside the `bylines`. (Looked up in two steps: matching
/// `.byline a` would test every link of the page against its ancestors.)
fn set_authors(doc: &Document, bylines: &'static str, names: &'static str, meta: &mut Metadata) {
    let mut seen = std::collections::HashSet::new();
    let authors: Vec<String> = css::matches(doc, bylines)
        .flat_map(|byline| css::under(&Selection::from(byline), names))
        .filter(|name| seen.insert(name.id))
        .filter_map(|name| text_of(&Selection::from(name)))
        .collect();
    if !authors.is_empty() {
        meta.authors = authors;
    }
}

/// The text of the first element matching the first of `selectors` that
/// matches one with text.
fn first(doc: &Document, selectors: &[&'static str]) -> Option<String> {
    css::firsts(doc, selectors).into_iter().flatten().find_map(|node| text_of(&Selection::from(node)))
}

fn detect(meta: &Metadata, doc: &Document) -> Profile {
    let generator = meta.generator.as_deref().unwrap_or_default().to_lowercase();
    let markup = css::firsts(doc, &[".spip_logo, .crayon, .spip_note", ".entry-content"]);
    if generator.contains("spip") || markup[0].is_some() {
        Profile::Spip
    } else if generator.contains("wordpress") || markup[1].is_some() {
        Profile::Wordpress
    } else {
        Profile::Generic
    }
}

fn absolute(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
        return None;
    }
    match base {
        Some(base) => base.join(href).ok().map(String::from),
        None => Some(href.to_string()),
    }
}

/// Links and images made absolute in place, before Markdown is written.
fn absolutise(node: &Selection, base: Option<&url::Url>) {
    for a in css::under(node, "a[href]") {
        if let Some(href) = a.attr("href").and_then(|h| absolute(base, &h)) {
            a.set_attr("href", &href);
        }
    }
    for img in css::under(node, "img[src]") {
        if let Some(src) = img.attr("src").and_then(|s| absolute(base, &s)) {
            img.set_attr("src", &src);
        }
    }
}

/// Marker for SPIP note calls; Markdown escaping would mangle `[^1]`.
const NOTE_MARK: &str = "VEILLENOTE";

/// SPIP notes `[1]` become Markdown footnotes: calls are marked in the text
/// and the notes returned as `[^1]: …` lines.
fn spip_notes(doc: &Document) -> Vec<String> {
    for call in css::select(doc, ".texte .spip_note_ref, .chapo .spip_note_ref").iter() {
        let n: String = call.text().chars().filter(char::is_ascii_digit).collect();
        if !n.is_empty() {
            call.replace_with_html(format!("{NOTE_MARK}{n}{NOTE_MARK}"));
        }
    }
    let mut notes = Vec::new();
    for note in css::select(doc, ".notes div[id^='nb'], .notes p").iter() {
        let Some(call) = css::under(&note, ".spip_note_ref, a.spip_note").first().cloned() else {
            continue;
        };
        let n: String = call.text().chars().filter(char::is_ascii_digit).collect();
        call.remove_from_parent();
        let text = note.text().split_whitespace().collect::<Vec<_>>().join(" ");
        if !n.is_empty()
            && !text.is_empty()
            && !notes.iter().any(|l: &String| l.starts_with(&format!("[^{n}]:")))
        {
            notes.push(format!("[^{n}]: {text}"));
        }
    }
    notes
}

/// Markdown of the nodes matched by `selector`, noise removed.
fn markdown(doc: &Document, selector: &str, base: Option<&url::Url>) -> String {
    let Some(selection) = doc.try_select(selector) else { return String::new() };
    remove_around(&selection, NOISE);
    absolutise(&selection, base);
    let parts: Vec<String> =
        selection.nodes().iter().map(markdown::to_markdown).filter(|s| !s.trim().is_empty()).collect();
    parts.join("\n\n")
}

fn spip(doc: &Document, meta: &mut Metadata, base: Option<&url::Url>, out: &mut Extracted) {
    out.surtitle = first(doc, &[".surtitre"]);
    out.title = first(doc, &["h1.crayon[class*='article-titre']", "h1.entry-title", ".entry-title", "h1"])
        .unwrap_or_default();
    out.subtitle = first(doc, &[".soustitre"]);
    // `abbr.published[title]` was read with the metadata; else the visible line.
    if meta.published.is_none() {
        meta.published = first(doc, &[".info-publi", ".date"]).and_then(|t| dates::parse_human(&t));
    }
    set_authors(doc, ".auteurs, .vcard.author", ".fn, a", meta);
    let texte = css::first(doc, "[class*='article-texte-'], .texte");
    out.spip_article = texte.and_then(|t| t.attr("class")).and_then(|c| {
        c.split_whitespace().find_map(|w| w.strip_prefix("article-texte-").and_then(|n| n.parse().ok()))
    });
    let notes = spip_notes(doc);
    let mut parts: Vec<String> = [".chapo", "[class*='article-texte-'], .texte", ".ps"]
        .iter()
        .map(|selector| markdown(doc, selector, base))
        .filter(|md| !md.is_empty())
        .collect();
    if !notes.is_empty() {
        parts.push(notes.join("\n"));
    }
    out.body = restore_note_calls(&parts.join("\n\n"));
}

/// `VEILLENOTE12VEILLENOTE` → `[^12]`.
fn restore_note_calls(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(NOTE_MARK) {
        out.push_str(rest[..at].trim_end_matches(['\u{a0}', ' ']));
        let after = &rest[at + NOTE_MARK.len()..];
        match after.find(NOTE_MARK) {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_digit()) => {
                out.push_str(&format!("[^{}]", &after[..end]));
                rest = &after[end + NOTE_MARK.len()..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

fn wordpress(doc: &Document, meta: &mut Metadata, base: Option<&url::Url>, out: &mut Extracted) {
    out.title = first(doc, &["h1.entry-title", ".entry-title", "h1"]).unwrap_or_default();
    if let Some(dt) = css::matches(doc, "time.entry-date[datetime], time.published[datetime]")
        .find(|t| !metadata::in_related(t))
        .and_then(|t| t.attr("datetime"))
    {
        meta.published = dates::parse_iso(&dt).or(meta.published);
    }
    set_authors(doc, ".byline .author, .author.vcard, .entry-meta .author", "a, .fn", meta);
    out.body = markdown(doc, ".entry-content", base);
}

fn custom(
    doc: &Document,
    selectors: &Selectors,
    meta: &mut Metadata,
    base: Option<&url::Url>,
    out: &mut Extracted,
) {
    for remove in &selectors.remove {
        if let Some(found) = doc.try_select(remove) {
            found.remove();
        }
    }
    if let Some(title) =
        selectors.title.as_deref().and_then(|s| doc.try_select(s)).and_then(|s| text_of(&s.first()))
    {
        out.title = title;
    }
    if let Some(date) = selectors.date.as_deref().and_then(|s| doc.try_select(s)) {
        let date = date.first();
        meta.published = date
            .attr("datetime")
            .and_then(|d| dates::parse_iso(&d))
            .or_else(|| text_of(&date).and_then(|t| dates::parse_human(&t)))
            .or(meta.published);
    }
    if let Some(authors) = selectors.authors.as_deref().and_then(|s| doc.try_select(s)) {
        let authors: Vec<String> = authors.iter().filter_map(|a| text_of(&a)).collect();
        if !authors.is_empty() {
            meta.authors = authors;
        }
    }
    if let Some(body) = &selectors.body {
        out.body = markdown(doc, body, base);
    }
}

fn generic(
    doc: Document,
    url: Option<&str>,
    meta: &mut Metadata,
    out: &mut Extracted,
) -> Result<(), NotArticle> {
    // JSON-LD is read once, by `metadata`: Readability would read it again,
    // and drop from the text what it takes for the byline or the headline.
    let config = dom_smoothie::Config { disable_json_ld: true, ..Default::default() };
    let url = url.filter(|u| u.starts_with("http"));
    let mut readability =
        dom_smoothie::Readability::with_document(doc, url, Some(config)).map_err(|_| NotArticle::NoText)?;
    let article = readability.parse().map_err(|_| NotArticle::NoText)?;
    if out.title.is_empty() {
        out.title = article.title.trim().to_string();
    }
    if meta.authors.is_empty()
        && let Some(byline) = article.byline.as_deref()
    {
        let (_, author) = metadata::byline(byline);
        meta.authors = author.or_else(|| metadata::clean_name(byline)).into_iter().collect();
    }
    if meta.published.is_none() {
        meta.published = article.published_time.as_deref().and_then(dates::parse_iso);
    }
    // Readability leaves the text it kept in its own document, under one
    // element: read there rather than parsing the HTML it serialised.
    let Some(content) = css::first(&readability.doc, "#readability-page-1") else {
        return Err(NotArticle::NoText);
    };
    drop_link_lists(&Selection::from(content));
    out.body = markdown::to_markdown(&content);
    if crate::corpus::text::plain_text(&out.body).chars().count() < MIN_TEXT {
        // A page that is mostly links (a link collection, an index) keeps them.
        out.body = markdown::to_markdown(&Document::fragment(article.content).root());
    }
    Ok(())
}

/// Characters of text below which Readability's choice is checked against
/// the block around the title.
const SHORT_TEXT: usize = 500;

/// The Markdown of the smallest block around the page's title heading that
/// holds some text, read from a fresh parse of `html` (Readability took the
/// first one apart), noise and link lists removed.
fn around_title(html: &str, head: Option<&str>, base: Option<&url::Url>) -> Option<String> {
    /// Letters (spaces left out) the block must hold.
    const ENOUGH: usize = 800;
    let doc = Document::from(html);
    prepare(&doc);
    remove_around(&Selection::from(doc.root()), ASIDES);
    let heading = title_heading(&doc, head)?;
    let block = heading
        .ancestors_it(None)
        .take_while(|a| a.node_name().is_some_and(|name| !matches!(&*name, "body" | "html")))
        .find(|a| letters_in(a, ENOUGH) >= ENOUGH)?;
    let selection = Selection::from(block);
    remove_around(&selection, NOISE);
    drop_link_lists(&selection);
    absolutise(&selection, base);
    Some(markdown::to_markdown(&block))
}

/// Whether Readability's short text `found` is a scrap beside the text of
/// the block `around` the title: that block holds more than twice as much,
/// and not `found` itself (a block that holds it is the page around a short
/// text, a paywalled article, not the text).
fn is_scrap(found: &str, around: &str) -> bool {
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = words(found).chars().take(60).collect::<String>();
    around.chars().count() > 2 * found.chars().count()
        && (start.is_empty() || !words(around).contains(&start))
}

/// Share of a short block's text in links above which it is navigation.
const MAX_LINK_DENSITY: f32 = 0.6;

/// Removes blocks that are mostly links ("lire aussi", tag clouds, share
/// rows, pagination) which Readability keeps when they sit inside the text.
fn drop_link_lists(root: &Selection) {
    const LONGEST: usize = 400;
    for block in css::under(root, "ul, ol, p, div, section, table") {
        let text_len = letters_in(&block, LONGEST + 1);
        if text_len == 0 || text_len > LONGEST {
            continue;
        }
        let link_len: usize =
            css::under(&Selection::from(block), "a").iter().map(|a| letters_in(a, LONGEST)).sum();
        if link_len as f32 / text_len as f32 > MAX_LINK_DENSITY {
            block.remove_from_parent();
        }
    }
}

/// Bytes of the text under `node`, read in place.
fn text_bytes(node: &NodeRef) -> usize {
    node.descendants_it()
        .map(|n| {
            n.query_or(0, |t| match &t.data {
                dom_query::NodeData::Text { contents } => contents.len(),
                _ => 0,
            })
        })
        .sum()
}

/// The characters other than spaces of the text node `text`, read in place.
fn letters_of(text: &NodeRef) -> usize {
    text.query_or(0, |t| match &t.data {
        dom_query::NodeData::Text { contents } => contents.chars().filter(|c| !c.is_whitespace()).count(),
        _ => 0,
    })
}

/// The characters other than spaces in the text under `node`, counted up
/// to `cap` at most (blocks are nested: a long one is not counted through).
fn letters_in(node: &NodeRef, cap: usize) -> usize {
    let mut count = 0;
    for text in node.descendants_it().filter(|n| n.is_text()) {
        count += letters_of(&text);
        if count >= cap {
            break;
        }
    }
    count
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

/// Removes what is never read: readers' comments and forums (never the
/// article, nor its byline), scripts and styles (JSON-LD is kept: it is
/// metadata, also when a page puts it in a script without its type).
fn prepare(doc: &Document) {
    // One walk finds both; a script inside a removed forum goes with it.
    for node in css::under(&Selection::from(doc.root()), concat!(comments!(), ", script, style")) {
        let element = Selection::from(node);
        let tag = node.node_name().unwrap_or_default();
        if !matches!(&*tag, "script" | "style") {
            element.remove();
            continue;
        }
        let kind = element.attr("type").map(|t| t.trim().to_ascii_lowercase());
        let keep = match kind.as_deref() {
            Some("application/ld+json") => true,
            None | Some("text/javascript") if &*tag == "script" => {
                let text = element.text();
                let head = text.trim_start().get(..40).unwrap_or_default();
                let json_ld = head.starts_with('{') && head.contains("\"@context\"");
                if json_ld {
                    element.set_attr("type", "application/ld+json");
                }
                json_ld
            }
            _ => false,
        };
        if !keep {
            element.remove();
        }
    }
}

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

fn extract_page(bytes: &[u8], options: &Options) -> Result<Extracted, NotArticle> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(NotArticle::Empty);
    }
    if let Some(why) = options.url.and_then(listing_url) {
        return Err(NotArticle::Listing(why.to_string()));
    }
    if let Some(why) = not_html(bytes) {
        return Err(NotArticle::Hostile(why.to_string()));
    }
    let depth = nesting_depth(bytes);
    if depth > MAX_NESTING {
        return Err(NotArticle::Hostile(format!(
            "elements nested {depth} deep (at most {MAX_NESTING} are read)"
        )));
    }
    let (html, _) = charset::decode(bytes, options.content_type);
    let pruned = prune::prune(&html);
    let doc = Document::from(pruned.as_ref());
    // Markup with no text at all (a redirect stub, a blank template).
    if doc.body().is_none_or(|b| !b.descendants_it().any(|n| n.is_text() && !n.text().trim().is_empty())) {
        return Err(NotArticle::Empty);
    }
    if let Some(why) = listing_body_class(&doc) {
        return Err(NotArticle::Listing(why));
    }
    prepare(&doc);
    let mut meta = metadata::read(&doc);
    let base = options.url.and_then(|u| url::Url::parse(u).ok());
    let head = meta.title.clone().or_else(|| first(&doc, &["title"]));
    let heading = title_heading(&doc, head.as_deref());
    let title_candidates = TitleCandidates::read(heading, head);
    tracing::debug!(date = ?meta.published, vague = meta.published_is_vague, "date in the metadata");
    // A vague date printed for readers too is confirmed.
    let confirmed = || {
        let day = meta.published.map(|d| d.date());
        visible_dates(&doc, DATE_PLACES, &[]).any(|printed| Some(printed.date()) == day)
    };
    // The date printed for readers in an element made for dates, outside
    // other articles' teasers, checked against the metadata's.
    let printed = meta.published.and_then(|_| visible_date(&doc, DATE_ONLY_PLACES, &NOT_THE_ARTICLES_DATE));
    if meta.published_is_vague
        && let Some(date) = printed
        && !confirmed()
    {
        tracing::debug!(?date, "the vague date gives way to a printed one");
        meta.published = Some(date);
    }
    // A timestamp a day off the date printed for readers: the page shows
    // its day in another zone than the timestamp's, and readers saw that day.
    // Unless the page's address names the timestamp's day.
    let url_date = options.url.or(meta.canonical.as_deref()).and_then(dates::from_url);
    if let Some(PubDate::DateTime(stamp)) = meta.published
        && url_date.is_none_or(|day| day.date() != stamp.date_naive())
        && let Some(printed) = printed
        && (printed.date() - stamp.date_naive()).num_days().abs() == 1
    {
        tracing::debug!(?printed, "the printed day wins over a timestamp a day off");
        meta.published = Some(printed);
    }
    // A page that shows readers the day it was changed, and not the day it
    // first came out, presents itself as of that day (a guide updated
    // and republished): readers cite the day they are shown.
    if let (Some(published), Some(modified)) = (meta.published, meta.modified)
        && published.date() < modified.date()
    {
        let shown: Vec<_> = visible_dates(&doc, DATE_PLACES, &[]).map(|d| d.date()).collect();
        if shown.contains(&modified.date()) && !shown.contains(&published.date()) {
            tracing::debug!(?modified, "the day of the last change is the one shown");
            meta.published = Some(modified);
        }
    }
    let visible_date = if meta.published.is_none() { visible_date(&doc, DATE_PLACES, &[]) } else { None };
    let dateline =
        if meta.published.is_none() && visible_date.is_none() { dateline(&doc, heading) } else { None };
    let cued_date = if meta.published.is_none() && visible_date.is_none() { cued_date(&doc) } else { None };
    let lone_date =
        if meta.published.is_none() && visible_date.is_none() && dateline.is_none() && cued_date.is_none() {
            lone_date(&doc)
        } else {
            None
        };
    tracing::debug!(?visible_date, ?dateline, ?cued_date, "dates printed in the page");
    let profile = options.profile.unwrap_or_else(|| detect(&meta, &doc));
    // Read before a profile or Readability takes the page apart.
    let lead = heading.and_then(lead::find).or_else(|| lead::printed(&doc, &meta.descriptions)).map(|node| {
        absolutise(&Selection::from(node), base.as_ref());
        normalise(&markdown::to_markdown(&node))
    });
    let mut out = Extracted::default();
    match (profile, options.selectors) {
        (Profile::Spip, _) => {
            out.profile = "spip";
            spip(&doc, &mut meta, base.as_ref(), &mut out);
        }
        (Profile::Wordpress, _) => {
            out.profile = "wordpress";
            wordpress(&doc, &mut meta, base.as_ref(), &mut out);
        }
        (Profile::Custom, Some(selectors)) => {
            out.profile = "custom";
            custom(&doc, selectors, &mut meta, base.as_ref(), &mut out);
        }
        _ => {}
    }
    if out.body.trim().chars().count() < PROFILE_MIN_TEXT {
        // The profile found nothing (or there is none): Readability reads it.
        out.profile = "generic";
        if (meta.published.is_none() || meta.authors.is_empty())
            && let Some(line) =
                first(&doc, &[".byline", ".author", ".meta", ".post-meta", ".entry-meta", ".date"])
        {
            let (date, author) = metadata::byline(&line);
            meta.published = meta.published.or(date);
            if meta.authors.is_empty() {
                meta.authors = author.into_iter().collect();
            }
        }
        if meta.authors.is_empty() {
            // An element that holds the name alone (`<span class="author">Lou Garnier</span>`).
            meta.authors =
                first(&doc, &[".author-name", ".entry-author", ".post-author", ".author", ".byline"])
                    .and_then(|line| metadata::clean_name(&line))
                    .and_then(|name| metadata::clean_author(&name))
                    .into_iter()
                    .collect();
        }
        remove_around(&Selection::from(doc.root()), ASIDES);
        let from_profile = std::mem::take(&mut out.body);
        // Readability may find nothing where the block around the title holds the text.
        let failed = generic(doc, options.url, &mut meta, &mut out).err();
        if out.body.trim().chars().count() < from_profile.trim().chars().count() {
            out.body = from_profile;
        }
        // Readability kept a scrap (a cookie notice, a footer, an author's
        // box): the block around the title holds the text.
        // (Markdown is never shorter than its text: most bodies need no count.)
        let short = (out.body.len() < 4 * SHORT_TEXT)
            .then(|| crate::corpus::text::plain_text(&out.body))
            .filter(|plain| plain.chars().count() < SHORT_TEXT);
        if let Some(plain) = short
            && let Some(body) = around_title(&pruned, title_candidates.head.as_deref(), base.as_ref())
            && is_scrap(&plain, &crate::corpus::text::plain_text(&body))
        {
            tracing::debug!("Readability kept a scrap: the block around the title is read");
            out.body = body;
        }
        if let Some(e) = failed
            && out.body.trim().is_empty()
        {
            return Err(e);
        }
    }
    out.body = without_end_headings(without_publisher_lines(normalise(cut_trailer(&out.body))));
    let text = crate::corpus::text::plain_text(&out.body);
    if text.chars().count() < MIN_TEXT {
        return Err(NotArticle::NoText);
    }
    // A page of links is a listing, unless it says it is an article (a
    // blog's weekly links, a press review).
    let says_article = meta.page_type.as_deref().is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("article") || t.contains("posting")
    });
    if !says_article && link_text_share(&out.body) > MAX_LINK_SHARE {
        return Err(NotArticle::Listing("the main text is mostly links".into()));
    }
    if (out.profile == "generic" || out.title.is_empty())
        && let Some(title) = title_candidates.best(true)
    {
        out.title = title;
    }
    out.body = without_title_heading(&out.body, &out.title);
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
    // The page's address, or the one it gives itself (`url_date`, above).
    if let (Some(found), Some(day)) = (meta.published, url_date) {
        // The date in an address (`/2019/10/22/`) is the day the content
        // system filed the post. A timestamp in UTC can fall on the day
        // before or after it; a date months away is another text's or a
        // later edit's. Within those bounds, sites that update a post
        // (a live report, a corrected article) keep their own date.
        let apart = (found.date() - day.date()).num_days().abs();
        let utc = matches!(found, PubDate::DateTime(t) if t.offset().local_minus_utc() == 0);
        if (utc && apart == 1) || apart > 31 {
            tracing::debug!(?found, ?day, "the address's date wins");
            meta.published = Some(day);
        }
    }
    if let Some(PubDate::DateTime(found)) = meta.published {
        let host = base.as_ref().and_then(|u| u.host_str());
        meta.published = Some(PubDate::DateTime(dates::in_publisher_zone(found, host, meta.lang.as_deref())));
    }
    if meta.published.is_none() {
        // Printed near the article, in its address, after "Publié le"
        // anywhere, or in its first lines (where a date may also be the
        // day of what the article tells).
        meta.published = visible_date
            .or(dateline)
            .or(url_date)
            .or(cued_date)
            .or(lone_date)
            .or_else(|| dates::parse_human(&text.chars().take(300).collect::<String>()))
            // A signature (`Benni, 10. September 2017`) or a "last updated" line.
            .or_else(|| {
                text.lines().rev().take(2).find(|l| l.chars().count() <= 100).and_then(dates::parse_human)
            });
    }
    out.title = strip_controls(&out.title).nfc().collect();
    let authors: Vec<String> = meta.authors.iter().map(|a| strip_controls(a)).collect();
    out.authors = metadata::clean_authors(&authors);
    out.published = meta.published;
    out.lang = meta.lang.clone();
    out.tags = meta.tags.clone();
    out.canonical_url = meta.canonical.as_deref().and_then(|c| absolute(base.as_ref(), c));
    if out.spip_article.is_none() {
        out.spip_article = options
            .url
            .and_then(|u| u.split("article").nth(1))
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .filter(|_| out.profile == "spip");
    }
    let signals = [out.surtitle.as_deref().unwrap_or_default(), &out.title, &out.tags.join(" ")];
    if signals.iter().any(|s| fold_ascii(s).contains("communique")) {
        out.kind = Kind::Communique;
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::is_scrap;

    #[test]
    fn readabilitys_text_is_a_scrap_when_the_block_around_the_title_holds_more_and_not_it() {
        let cookies = "Ce site utilise des cookies pour mesurer son audience.";
        let text = "Les habitants de la vallée ont manifesté samedi contre la retenue d'eau. ".repeat(3);
        assert!(is_scrap(cookies, &text));
        // The block holds the short text: it is the page around it (menus).
        let page =
            format!("Accueil Rubriques Luttes Agenda Contact\n{cookies}\nAccueil Rubriques Luttes Agenda");
        assert!(!is_scrap(cookies, &page));
        // Readability found nothing: the block is the text.
        assert!(is_scrap("", &text));
        // Not much more text around the title: Readability's choice stands.
        assert!(!is_scrap(&text, &format!("{text} Fin.")));
    }
}
