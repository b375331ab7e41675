//! CSS selectors as the extractor uses them: each compiled once per
//! process (pages are read by the thousand with the same few dozen
//! selectors), and matched lazily, since most lookups want only the first
//! match or the first few.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use dom_query::{Document, Matcher, NodeRef, Selection};

/// Compiled selectors, by their text.
static MATCHERS: LazyLock<Mutex<HashMap<&'static str, &'static Matcher>>> = LazyLock::new(Default::default);

/// The compiled form of `css`, a selector written in the code (so valid:
/// a typo is caught by the tests that read pages).
pub fn matcher(css: &'static str) -> &'static Matcher {
    let mut matchers = MATCHERS.lock().unwrap_or_else(|e| e.into_inner());
    matchers.entry(css).or_insert_with(|| {
        // Leaked on purpose: a few dozen selectors, kept for the process's life.
        Box::leak(Box::new(Matcher::new(css).unwrap_or_else(|e| panic!("invalid selector {css:?}: {e:?}"))))
    })
}

/// Every element of `doc` matching `css`, in document order.
pub fn select<'a>(doc: &'a Document, css: &'static str) -> Selection<'a> {
    doc.select_matcher(matcher(css))
}

/// The elements of `doc` matching `css`, in document order, found one at a
/// time. The document must not change while they are read.
pub fn matches<'a>(doc: &'a Document, css: &'static str) -> impl Iterator<Item = NodeRef<'a>> {
    Selection::from(doc.root()).select_matcher_iter(matcher(css))
}

/// The first element matching each of `selectors`, found in one pass over
/// `doc` (instead of one pass per selector, most of which find nothing).
pub fn firsts<'a>(doc: &'a Document, selectors: &[&'static str]) -> Vec<Option<NodeRef<'a>>> {
    let mut found: Vec<Option<NodeRef<'a>>> = vec![None; selectors.len()];
    let union = matcher(union_of(selectors));
    let each: Vec<&Matcher> = selectors.iter().map(|css| matcher(css)).collect();
    for node in Selection::from(doc.root()).select_matcher_iter(union) {
        for (slot, one) in found.iter_mut().zip(&each) {
            if slot.is_none() && one.match_element(&node) {
                *slot = Some(node);
            }
        }
        if found.iter().all(Option::is_some) {
            break;
        }
    }
    found
}

/// The selector list matching any of `selectors`, kept for the process's
/// life like the selectors themselves.
fn union_of(selectors: &[&'static str]) -> &'static str {
    static UNIONS: LazyLock<Mutex<HashMap<Vec<&'static str>, &'static str>>> =
        LazyLock::new(Default::default);
    let mut unions = UNIONS.lock().unwrap_or_else(|e| e.into_inner());
    unions.entry(selectors.to_vec()).or_insert_with(|| Box::leak(selectors.join(", ").into_boxed_str()))
}

/// The first element of `doc` matching `css`, if any.
pub fn first<'a>(doc: &'a Document, css: &'static str) -> Option<NodeRef<'a>> {
    matches(doc, css).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_in_document_order_and_compiles_once() {
        let doc = Document::from("<p class=a>1</p><div><p class=a>2</p></div><p>3</p>");
        let texts: Vec<String> = matches(&doc, "p.a").map(|p| p.text().to_string()).collect();
        assert_eq!(texts, ["1", "2"]);
        assert_eq!(first(&doc, "p.a").map(|p| p.text().to_string()).as_deref(), Some("1"));
        assert!(first(&doc, "table").is_none());
        assert!(std::ptr::eq(matcher("p.a"), matcher("p.a")));
        assert_eq!(select(&doc, "p").length(), 3);
        let found = firsts(&doc, &["div p", "table", "p.a"]);
        let texts: Vec<Option<String>> = found.iter().map(|n| n.map(|n| n.text().to_string())).collect();
        assert_eq!(texts, [Some("2".to_string()), None, Some("1".to_string())]);
    }
}
