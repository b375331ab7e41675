//! Small readings of the parsed page that several stages share: an
//! element's clean text, the first of several selectors that has text,
//! links made absolute, the Markdown of what a selector matches.

use dom_query::{Document, Selection};

use super::around::{NOISE, remove_around};
use super::{css, markdown, metadata};

pub(super) fn text_of(selection: &Selection) -> Option<String> {
    metadata::clean(&selection.text())
}

/// The text of the first element matching the first of `selectors` that
/// matches one with text.
pub(super) fn first(doc: &Document, selectors: &[&'static str]) -> Option<String> {
    css::firsts(doc, selectors).into_iter().flatten().find_map(|node| text_of(&Selection::from(node)))
}

pub(super) fn absolute(base: Option<&url::Url>, href: &str) -> Option<String> {
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
pub(super) fn absolutise(node: &Selection, base: Option<&url::Url>) {
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

/// Markdown of the nodes matched by `selector`, noise removed.
pub(super) fn markdown(doc: &Document, selector: &str, base: Option<&url::Url>) -> String {
    let Some(selection) = doc.try_select(selector) else { return String::new() };
    remove_around(&selection, NOISE);
    absolutise(&selection, base);
    let parts: Vec<String> =
        selection.nodes().iter().map(markdown::to_markdown).filter(|s| !s.trim().is_empty()).collect();
    parts.join("\n\n")
}
