//! Pages refused before they are parsed: empty answers, addresses of
//! listings, bytes that are no HTML, and markup nested so deep that the
//! HTML parser would take hours over it.

use super::{NotArticle, Options, listing};

/// Refuses what is no page to read, before any parsing.
pub(super) fn refuse(bytes: &[u8], options: &Options) -> Result<(), NotArticle> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(NotArticle::Empty);
    }
    if let Some(why) = options.url.and_then(listing::listing_url) {
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
    Ok(())
}

/// Markup with no text at all (a redirect stub, a blank template).
pub(super) fn refuse_textless(doc: &dom_query::Document) -> Result<(), NotArticle> {
    if doc.body().is_none_or(|b| !b.descendants_it().any(|n| n.is_text() && !n.text().trim().is_empty())) {
        return Err(NotArticle::Empty);
    }
    Ok(())
}

/// Deepest element nesting read. HTML parsers check scopes by walking the
/// stack of open elements, so a page nested 100,000 deep costs hours; no
/// real page comes near this.
pub(super) const MAX_NESTING: usize = 3_000;

/// Bytes that are no web page at all: binary data (control bytes, as in an
/// image or a zip archive) or text without a single tag.
pub(super) fn not_html(bytes: &[u8]) -> Option<&'static str> {
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
pub(super) fn nesting_depth(html: &[u8]) -> usize {
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
