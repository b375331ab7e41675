//! What surrounds an article and is not it: readers' comments, scripts
//! and styles removed before anything is read ([`prepare`]); captions,
//! related posts, share rows and other asides removed around a text
//! ([`remove_around`]); blocks that are mostly links dropped; and the
//! measures of text (bytes, letters, running prose) those decisions use.

use dom_query::{Document, NodeRef, Selection};

use super::css;

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

/// Elements that never belong to an article body.
pub(super) const NOISE: &str = concat!(
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
pub(super) const ASIDES: &str = concat!(
    ".lire-aussi, .lire_aussi, .related, .related-posts, .sharedaddy, .jp-relatedposts, .share, ",
    ".sharing, .social, .social-share, .newsletter, .addtoany_share_save_container, .breadcrumb, .cookie-banner, nav, ",
    around_articles!()
);

/// Removes what `selectors` match inside `root`, except an element that
/// holds the page's heading or most of its text: class names are matched
/// by substring (`related`), and a page may wrap its whole article in
/// `<section class="js-truncate-related">`.
pub(super) fn remove_around(root: &Selection, selectors: &'static str) {
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
pub(super) const PROSE: usize = 1500;

/// The letters (spaces left out) of the text in paragraphs under `node`
/// and outside links, counted up to `cap`.
pub(super) fn prose_in(node: &NodeRef, cap: usize) -> usize {
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

/// Share of a short block's text in links above which it is navigation.
pub(super) const MAX_LINK_DENSITY: f32 = 0.6;

/// Removes blocks that are mostly links ("lire aussi", tag clouds, share
/// rows, pagination) which Readability keeps when they sit inside the text.
pub(super) fn drop_link_lists(root: &Selection) {
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
pub(super) fn text_bytes(node: &NodeRef) -> usize {
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
pub(super) fn letters_of(text: &NodeRef) -> usize {
    text.query_or(0, |t| match &t.data {
        dom_query::NodeData::Text { contents } => contents.chars().filter(|c| !c.is_whitespace()).count(),
        _ => 0,
    })
}

/// The characters other than spaces in the text under `node`, counted up
/// to `cap` at most (blocks are nested: a long one is not counted through).
pub(super) fn letters_in(node: &NodeRef, cap: usize) -> usize {
    let mut count = 0;
    for text in node.descendants_it().filter(|n| n.is_text()) {
        count += letters_of(&text);
        if count >= cap {
            break;
        }
    }
    count
}

/// Removes what is never read: readers' comments and forums (never the
/// article, nor its byline), scripts and styles (JSON-LD is kept: it is
/// metadata, also when a page puts it in a script without its type).
pub(super) fn prepare(doc: &Document) {
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
