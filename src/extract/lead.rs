//! The lead (chapô, standfirst): the paragraph news pages set under the
//! title, in the article's header, apart from the text. Readability reads
//! the text and leaves the header, and with it the lead; the lead is part
//! of what the author wrote, so it is found here and put back.

use dom_query::{NodeRef, Selection};

use super::css;
use crate::corpus::text::plain_text;

/// Elements pages mark as a lead, by class word.
const LEADS: &str = "p[class*='lead'], div[class*='lead'], h2[class*='lead'], \
    p[class*='intro'], div[class*='intro'], h2[class*='intro'], \
    p[class*='excerpt'], div[class*='excerpt'], h2[class*='excerpt'], \
    p[class*='standfirst'], div[class*='standfirst'], \
    p[class*='chapo'], div[class*='chapo'], p[class*='chapeau'], div[class*='chapeau'], \
    p[class*='sommario'], div[class*='sommario'], div[class*='bajada'], \
    p[class*='summary'], div[class*='summary'], h2[class*='summary'], \
    div[class*='abstract'], div[class*='teaser-text'], h2[class*='teaser'], p[class*='teaser'], hgroup h2, hgroup p, \
    p[class*='subtitle'], h2[class*='subtitle'], h2[class*='subheadline'], p[class*='subheadline'], \
    div[class*='Description'], div[class*='description']";

/// How far above the title the header holding it and the lead may be.
const LEVELS: usize = 4;

/// Shortest and longest lead, in characters.
const SHORTEST: usize = 40;
const LONGEST: usize = 1_200;

/// `body` with `lead` (Markdown) above it, unless the body holds it already.
pub fn put_back(lead: &str, body: String) -> String {
    let words = |markdown: &str| plain_text(markdown).split_whitespace().collect::<Vec<_>>().join(" ");
    let lead_words = words(lead);
    if lead_words.is_empty() || words(&body).contains(&lead_words) {
        return body;
    }
    tracing::debug!(lead = %lead_words, "the lead put back above the text");
    format!("{lead}\n\n{body}")
}

/// The lead's node: the first lead-marked element after `h1`, the heading
/// holding the page's title, in the block around it, holding words more
/// than links.
pub fn find(h1: NodeRef<'_>) -> Option<NodeRef<'_>> {
    let header = h1.ancestors_it(Some(LEVELS)).last()?;
    let leads = css::selector(LEADS);
    let title = Title::of(h1);
    let mut passed = false;
    // In document order: what follows the title, up to the next heading
    // (whatever is under another heading belongs to that one).
    for node in header.descendants_it() {
        if node.id == h1.id {
            passed = true;
            continue;
        }
        if !passed {
            continue;
        }
        if leads.matches(&node) {
            // A short lead-marked heading is the subtitle, over the lead.
            if title.is_lead(&node) {
                return Some(node);
            }
        } else if node.node_name().is_some_and(|t| matches!(&*t, "h1" | "h2" | "h3"))
            && !is_hidden(&node)
            && !node.ancestors_it(None).any(|a| a.id == h1.id)
        {
            return None;
        }
    }
    None
}

/// Characters of the description that must open the element printing it.
const PREFIX: usize = 50;

/// The block that prints one of `descriptions`, the page's own summaries
/// (`<meta name="description">`, `og:description`…), in its body: a lead
/// no class marks. A description may be cut short (`…`), so its first
/// words are compared. Never one in a link, a list, navigation or a
/// footer (another text's teaser), nor one so long it is the text itself.
pub fn printed<'a>(doc: &'a dom_query::Document, descriptions: &[String]) -> Option<NodeRef<'a>> {
    // Spaces collapsed, and quotation marks alike (`„…“` printed, `"…"` in the meta).
    let fold = |text: &str| {
        let quotes = |c: char| {
            if matches!(c, '„' | '“' | '”' | '«' | '»' | '‚' | '‘' | '’') { '"' } else { c }
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ").chars().map(quotes).collect::<String>()
    };
    let wanted: Vec<String> = descriptions
        .iter()
        .map(|d| fold(d).chars().take(PREFIX).collect::<String>())
        .filter(|w| w.chars().count() == PREFIX)
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let body = css::first(doc, "body")?;
    // One pass over the text nodes for all descriptions.
    body.descendants_it().find_map(|node| {
        // Read in place: most text nodes fail on their first characters.
        let matched = node.query_or(None, |n| match &n.data {
            dom_query::NodeData::Text { contents } => {
                let here = contents.trim_start();
                let end = here.char_indices().nth(8).map_or(here.len(), |(i, _)| i);
                let start = &here[..end];
                if end == 0 || !wanted.iter().any(|w| w.starts_with(start)) {
                    return None;
                }
                let folded = fold(here);
                wanted.iter().find(|w| folded.starts_with(w.as_str())).cloned()
            }
            _ => None,
        })?;
        let block = node.ancestors_it(Some(4)).find(|a| {
            a.node_name()
                .is_some_and(|t| matches!(&*t, "p" | "div" | "h2" | "h3" | "section" | "header" | "td"))
        })?;
        let n = block.normalized_char_count();
        let out_of_place =
            css::inside(&node, &["a", "nav", "aside", "footer", "li", "script", "noscript"], None);
        ((SHORTEST..=LONGEST).contains(&n) && !out_of_place && fold(&block.text()).starts_with(&matched))
            .then_some(block)
    })
}

/// Whether a heading is there for screen readers only.
fn is_hidden(node: &NodeRef) -> bool {
    let class = node.attr("class").map(|c| c.to_ascii_lowercase()).unwrap_or_default();
    ["aural", "sr-only", "visually-hidden", "screen-reader", "hidden"].iter().any(|w| class.contains(w))
}

/// Class words of what sits in a header and is no lead: an author's
/// box, a picture and its caption or credit, an advertising card.
const NOT_LEADS: [&str; 8] = ["author", "asset", "image", "photo", "caption", "credit", "card", "promo"];

/// The title's heading, and what it is in: read once for all candidates.
struct Title<'a> {
    h1: NodeRef<'a>,
    above: Vec<NodeRef<'a>>,
    /// Posts are `<article>`s here: one that does not hold the title is
    /// another post's teaser.
    in_article: bool,
}

impl<'a> Title<'a> {
    fn of(h1: NodeRef<'a>) -> Self {
        let above: Vec<NodeRef<'a>> = h1.ancestors_it(None).collect();
        let in_article = above.iter().any(|a| a.node_name().is_some_and(|t| &*t == "article"));
        Title { h1, above, in_article }
    }

    fn is_lead(&self, node: &NodeRef) -> bool {
        let n = node.normalized_char_count();
        if !(SHORTEST..=LONGEST).contains(&n) {
            return false;
        }
        let class = |n: &NodeRef| n.attr("class").map(|c| c.to_ascii_lowercase()).unwrap_or_default();
        if [Some(*node), node.parent()]
            .iter()
            .flatten()
            .any(|n| NOT_LEADS.iter().any(|w| class(n).contains(w)))
        {
            return false;
        }
        for above in node.ancestors_it(None) {
            if above.id == self.h1.id {
                return false;
            }
            let tag = above.node_name().unwrap_or_default();
            if matches!(&*tag, "a" | "nav" | "aside" | "footer" | "li") {
                return false;
            }
            if self.in_article && &*tag == "article" && !self.above.iter().any(|a| a.id == above.id) {
                return false;
            }
        }
        let within = Selection::from(*node);
        let links: usize = css::under(&within, "a").iter().map(|a| a.normalized_char_count()).sum();
        // A lead may set itself as one heading, not hold a section.
        links * 2 < n && css::under(&within, "h1").is_empty() && css::under(&within, "h2, h3").len() <= 1
    }
}
