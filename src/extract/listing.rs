//! Pages that list articles rather than hold one: SPIP sections and
//! keyword pages, WordPress archives, search pages, by their address or
//! their `<body>` class, and any page whose main text is mostly links.

use dom_query::Document;

use super::metadata::Metadata;
use super::{NotArticle, css};

/// A page of links is a listing, unless it says it is an article (a
/// blog's weekly links, a press review).
pub(super) fn refuse_links_page(body: &str, meta: &Metadata) -> Result<(), NotArticle> {
    let says_article = meta.page_type.as_deref().is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("article") || t.contains("posting")
    });
    if !says_article && link_text_share(body) > MAX_LINK_SHARE {
        return Err(NotArticle::Listing("the main text is mostly links".into()));
    }
    Ok(())
}

/// A "main text" whose characters are mostly link text is a list of links.
pub(super) const MAX_LINK_SHARE: f64 = 0.6;

/// Share of a Markdown text's characters that are inside links.
pub(super) fn link_text_share(markdown: &str) -> f64 {
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

/// URL shapes of listing, tag and search pages in SPIP and WordPress.
pub(super) fn listing_url(url: &str) -> Option<&'static str> {
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

pub(super) fn listing_body_class(doc: &Document) -> Option<String> {
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
