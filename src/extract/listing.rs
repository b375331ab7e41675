//! Pages that list articles rather than hold one: SPIP sections and
//! keyword pages, WordPress archives, search pages, by their address or
//! their `<body>` class, and any page whose main text is mostly links.

use dom_query::{Document, Selection};

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
    let patterns: [(&str, &'static str); 16] = [
        ("page=rubrique", "SPIP section listing"),
        ("page=mot", "SPIP keyword page"),
        ("page=recherche", "search page"),
        ("page=backend", "feed"),
        ("page=plan", "SPIP site map"),
        ("debut_", "paginated listing"),
        ("/tag/", "tag page"),
        ("/category/", "category page"),
        // Hugo, Jekyll, Eleventy and Ghost name their taxonomies in the plural.
        ("/tags/", "tag page"),
        ("/categories/", "category page"),
        ("/author/", "author page"),
        ("?s=", "search page"),
        // WordPress with plain permalinks (the default).
        ("?tag=", "tag page"),
        ("?cat=", "category page"),
        ("?author=", "author page"),
        ("?m=", "date archive"),
    ];
    if let Some((_, why)) = patterns.iter().find(|(p, _)| url.contains(p)) {
        return Some(why);
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    has_page_number(path).then_some("paginated listing")
}

/// Whether a URL path holds a page number, `/page/2/`: the second page of a
/// listing (WordPress, Hugo, Jekyll). The crawler follows such pages as
/// pagination; the extractor makes no article of them.
pub fn has_page_number(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments.windows(2).any(|w| w[0] == "page" && w[1].bytes().all(|b| b.is_ascii_digit()))
}

/// Entries a page may show: blog indexes, tag, category and archive pages
/// of every CMS and static generator repeat one of these per post.
const ENTRIES: &str = "article, .post-entry, .hentry, .h-entry";

/// A page that shows a run of teasers, each an entry linking to its own
/// page on the site, is a listing, whatever its address or body class say (a
/// static site's tag pages carry neither). The teasers of a listing are
/// siblings (one list, as every blog index, tag and archive template prints
/// it) and hold most of the page's text; a news article's "read also" boxes
/// are scattered and small beside it, and an article with related posts
/// under it holds most of the text itself. Comments are the article's own
/// entries, not teasers.
pub(super) fn teaser_list(doc: &Document, page_url: Option<&str>) -> Option<String> {
    let page = page_url.and_then(|u| url::Url::parse(u).ok());
    let entries: Vec<_> = css::matches(doc, ENTRIES)
        .filter(|e| {
            let class = e.attr("class").unwrap_or_default().to_lowercase();
            !class.contains("comment")
                && !e.ancestors_it(None).any(|a| {
                    a.attr("class").is_some_and(|c| c.to_lowercase().contains("comment"))
                        || a.attr("id").is_some_and(|c| c.to_lowercase().contains("comment"))
                        || a.is(ENTRIES)
                })
        })
        .collect();
    // Sibling entries, by their parent.
    let mut runs: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for entry in entries {
        if let Some(parent) = entry.parent() {
            runs.entry(parent.id).or_default().push(entry);
        }
    }
    let text_len = |node: &dom_query::NodeRef| node.text().chars().filter(|c| !c.is_whitespace()).count();
    let page_len: usize = doc.body().map_or(0, |b| text_len(&b));
    let run = runs.into_values().max_by_key(|run| run.iter().map(text_len).sum::<usize>())?;
    if run.len() < MIN_TEASERS {
        return None;
    }
    let mut lengths: Vec<usize> = run.iter().map(text_len).collect();
    let total: usize = lengths.iter().sum();
    lengths.sort_unstable();
    let (largest, median) = (lengths[lengths.len() - 1], lengths[lengths.len() / 2]);
    if 2 * largest >= total || (total as f64) < TEASERS_SHARE * page_len as f64 || median > MAX_TEASER_TEXT {
        return None;
    }
    let targets: std::collections::HashSet<String> =
        run.iter().filter_map(|entry| link_target(entry, page.as_ref())).collect();
    (targets.len() >= MIN_TEASERS)
        .then(|| format!("a list of {} entries, each linking to its own page", run.len()))
}

/// The entry's own link to another page of the site: the link of its
/// heading (around or inside it), or a link with no text of its own (a
/// thumbnail, a card's overlay). Links inside its sentences are not the
/// entry's: sections of one article (some CMSes print each as an
/// `<article>`) and forum messages have those.
fn link_target(entry: &dom_query::NodeRef, page: Option<&url::Url>) -> Option<String> {
    const HEADINGS: &str = "h1, h2, h3, h4, h5, h6";
    let entry = Selection::from(*entry);
    // A teaser has a title: messages and page sections may have none.
    if !entry.select(HEADINGS).exists() {
        return None;
    }
    entry.select("a[href]").iter().find_map(|a| {
        let own = a.is(&format!("{HEADINGS} a")) || a.select(HEADINGS).exists() || a.text().trim().is_empty();
        if !own {
            return None;
        }
        let href = a.attr("href")?;
        // A picture or a document opens a file, not the entry's page.
        let file = href.rsplit('/').next().and_then(|name| name.rsplit_once('.')).is_some_and(|(_, ext)| {
            matches!(
                ext.to_ascii_lowercase().as_str(),
                "jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "pdf"
            )
        });
        // A forum message's heading names its author, linking to a profile.
        let person = ["/members/", "/member/", "/users/", "/user/", "/author/", "/profile"]
            .iter()
            .any(|p| href.to_ascii_lowercase().contains(p));
        if file || person {
            return None;
        }
        let href = href.trim();
        match page {
            Some(page) => {
                let url = page.join(href).ok()?;
                (url.host_str() == page.host_str() && url.path() != page.path())
                    .then(|| url.path().to_string())
            }
            // Without the page's address, any link to another page counts.
            None => {
                let web = !href.contains(':') || href.starts_with("http://") || href.starts_with("https://");
                (web && !href.is_empty() && !href.starts_with(['#', '?'])).then(|| href.to_string())
            }
        }
    })
}

/// Entries, each linking elsewhere, that make a listing: two could be an
/// article and its one related post.
const MIN_TEASERS: usize = 3;

/// Characters of a teaser's text (the median of a run): an excerpt of a few
/// sentences. A run of longer entries is a page's sections, or full posts.
const MAX_TEASER_TEXT: usize = 1200;

/// Share of the page's text the teasers hold on a listing (header, menus
/// and footer hold the rest).
const TEASERS_SHARE: f64 = 0.5;

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
        assert_eq!(listing_url("https://x.example/tags/eau/"), Some("tag page"));
        assert_eq!(listing_url("https://x.example/categories/luttes/"), Some("category page"));
        assert_eq!(listing_url("https://x.example/page/3/"), Some("paginated listing"));
        assert_eq!(listing_url("https://x.example/?tag=arts"), Some("tag page"));
        assert_eq!(listing_url("https://x.example/?p=35"), None);
        assert_eq!(listing_url("https://x.example/posts/page-blanche/"), None);
    }

    #[test]
    fn a_run_of_teasers_is_a_listing_whatever_the_address() {
        let teaser = |n: usize| {
            format!(
                "<article class=\"post-entry\"><header><h2>Billet {n}</h2></header><div><p>Le résumé du billet {n}, \
                 deux phrases sur la vallée et son eau.</p></div><a class=\"entry-link\" href=\"/posts/billet-{n}/\"></a></article>"
            )
        };
        let list: String = (1..=6).map(teaser).collect();
        let tag_page = format!(
            "<html><body><header><a href=\"/\">Accueil</a></header><main>{list}</main></body></html>"
        );
        let url = Some("https://x.example/tags/eau/");
        assert!(teaser_list(&Document::from(tag_page.as_str()), url).is_some());
        assert!(teaser_list(&Document::from(tag_page.as_str()), None).is_some(), "no address needed");
        // An article with three related posts under it: its text is most of the page.
        let text = "<p>Un long texte sur les nappes phréatiques et les forages.</p>".repeat(40);
        let related: String = (1..=3).map(teaser).collect();
        let article = format!(
            "<html><body><main><div class=\"texte\">{text}</div><aside>{related}</aside></main></body></html>"
        );
        assert!(teaser_list(&Document::from(article.as_str()), url).is_none());
        // A forum thread: messages headed by their author's profile link.
        let message = |n: usize| {
            format!(
                "<article class=\"message\"><h4><a href=\"/forums/members/membre.{n}/\">Membre {n}</a></h4>\
                 <p>Message {n} du fil, quelques mots.</p></article>"
            )
        };
        let thread = format!("<html><body>{}</body></html>", (1..=6).map(message).collect::<String>());
        assert!(teaser_list(&Document::from(thread.as_str()), url).is_none());
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
