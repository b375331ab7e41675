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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_addresses_are_known_by_their_shape() {
        assert_eq!(
            listing_url("https://x.example/spip.php?page=rubrique&id_rubrique=3"),
            Some("SPIP section listing")
        );
        assert_eq!(listing_url("https://x.example/spip.php?page=backend"), Some("feed"));
        assert_eq!(
            listing_url("https://x.example/spip.php?article12&debut_forums=10"),
            Some("paginated listing")
        );
        assert_eq!(listing_url("https://x.example/Tag/eau/"), Some("tag page"));
        assert_eq!(listing_url("https://x.example/?s=eau"), Some("search page"));
        assert_eq!(listing_url("https://x.example/2024/05/02/une-usine-a-eau/"), None);
        assert_eq!(listing_url("https://x.example/spip.php?article12"), None);
    }

    #[test]
    fn listing_pages_are_known_by_their_body_class() {
        let page = |body: &str| Document::from(format!("<html><body {body}<p>x</p></body></html>").as_str());
        assert!(listing_body_class(&page("class=\"page_rubrique\">")).is_some());
        assert!(
            listing_body_class(&page("class=\"page_article page_rubrique\">")).is_none(),
            "an article wins"
        );
        // `blog` and `archive` count only where several posts are listed.
        assert!(listing_body_class(&page("class=\"blog\"><article>un</article>")).is_none());
        assert!(
            listing_body_class(&page("class=\"blog\"><article>un</article><article>deux</article>"))
                .is_some()
        );
        assert!(listing_body_class(&page("class=\"home\">")).is_none());
    }

    #[test]
    fn a_page_of_links_is_a_listing_unless_it_says_it_is_an_article() {
        let links =
            "[Un](https://x.example/1) [Deux](https://x.example/2) [Trois](https://x.example/3) et puis";
        let meta = Metadata::default();
        assert!(link_text_share(links) > MAX_LINK_SHARE);
        assert!(refuse_links_page(links, &meta).is_err());
        let article = Metadata { page_type: Some("BlogPosting".into()), ..Metadata::default() };
        assert!(refuse_links_page(links, &article).is_ok());
        assert!(
            refuse_links_page("Un texte avec [un lien](https://x.example/1) dedans, et des mots.", &meta)
                .is_ok()
        );
        assert_eq!(link_text_share(""), 0.0);
    }
}
