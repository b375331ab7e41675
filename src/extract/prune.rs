//! What is cut from a page's HTML text before it is parsed: style sheets,
//! scripts, comments and inline drawings (`<svg>`), and the `data-*`
//! attributes scripts keep their state in. A news page is often half
//! scripts and styles, and the HTML parser reads them character by
//! character only for the extractor to throw them away. JSON-LD scripts
//! (and untyped scripts that may hold it) stay: they are metadata. So do
//! the `data-*` attributes of pictures (lazy loading keeps the picture's
//! address there) and `data-testid` (some pages mark their date with it).
//!
//! The scan follows the HTML tokenizer where it matters: a `<script` inside
//! an attribute value, a comment, a `<title>` or a `<textarea>` is text,
//! not a tag, and an element whose end tag is missing is left for the
//! parser.

use std::borrow::Cow;

/// Elements whose content the tokenizer reads as text up to their end tag.
const TEXT_ONLY: [&str; 7] = ["title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// `html` without its style sheets, non-JSON scripts and comments.
pub fn prune(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    // Bytes before `kept` are copied to `out` or cut.
    let mut kept = 0;
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + offset;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            let Some(end) = comment_end(bytes, start + 4) else { break };
            out.push_str(&html[kept..start]);
            kept = end;
            at = end;
            continue;
        }
        let name_len = rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            at = start + 1;
            continue;
        }
        let Some(tag_end) = start_tag_end(bytes, start + 1 + name_len) else { break };
        let name = &rest[..name_len];
        if name.eq_ignore_ascii_case(b"svg") {
            // Drawings: markup, not text, and often thousands of nodes.
            if let Some(end) = svg_end(bytes, tag_end) {
                out.push_str(&html[kept..start]);
                kept = end;
                at = end;
            } else {
                at = tag_end;
            }
            continue;
        }
        let cut = name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style");
        if !cut && !TEXT_ONLY.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name)) {
            if !PICTURES.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name))
                && let Some(tag) = without_data_attributes(&html[start..tag_end], 1 + name_len)
            {
                out.push_str(&html[kept..start]);
                out.push_str(&tag);
                kept = tag_end;
            }
            at = tag_end;
            continue;
        }
        // Raw text up to the end tag; none: the parser reads the rest as text.
        let Some(close) = end_tag(bytes, tag_end, name) else { break };
        let after = start_tag_end(bytes, close + 2 + name_len).unwrap_or(bytes.len());
        if cut && !may_be_json(&html[start..tag_end], &html[tag_end..close]) {
            out.push_str(&html[kept..start]);
            kept = after;
        }
        at = after;
    }
    if kept == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[kept..]);
    Cow::Owned(out)
}

/// Elements whose `data-*` attributes may hold a picture's address.
const PICTURES: [&str; 4] = ["img", "source", "picture", "figure"];

/// The start tag `tag` (attributes from byte `from`) without its `data-*`
/// attributes but `data-testid`, or `None` when it has none to drop.
/// Attributes are read as the tokenizer reads them: a name up to a space,
/// `/`, `>` or `=`, then a value quoted or not.
fn without_data_attributes(tag: &str, from: usize) -> Option<String> {
    let bytes = tag.as_bytes();
    memchr::memmem::find(&bytes[from..], b"data-")?;
    let mut out = String::with_capacity(tag.len());
    out.push_str(&tag[..from]);
    let mut i = from;
    let mut dropped = false;
    while i < bytes.len() {
        let space_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            out.push_str(&tag[space_start..]);
            break;
        }
        let name_start = i;
        i += 1;
        while i < bytes.len() && !matches!(bytes[i], b'>' | b'/' | b'=') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &bytes[name_start..i];
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    j = memchr::memchr(quote, &bytes[j + 1..]).map_or(bytes.len(), |end| j + 1 + end + 1);
                }
                _ => {
                    while j < bytes.len() && bytes[j] != b'>' && !bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                }
            }
            i = j;
        }
        let is_data = name.len() > 5 && name[..5].eq_ignore_ascii_case(b"data-");
        if is_data && !name.eq_ignore_ascii_case(b"data-testid") {
            dropped = true;
        } else {
            out.push_str(&tag[space_start..i]);
        }
    }
    dropped.then_some(out)
}

/// Whether a script is, or may be, JSON-LD: its type says JSON, or it has
/// no type (or a JavaScript one) and its text opens like JSON.
fn may_be_json(start_tag: &str, text: &str) -> bool {
    let tag = start_tag.to_ascii_lowercase();
    if !tag.starts_with("<script") {
        return false;
    }
    tag.contains("json") || text.trim_start().starts_with(['{', '['])
}

/// The index just past the `</svg>` that closes the drawing whose content
/// starts at `from` (drawings may nest), if it is closed.
fn svg_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1;
    let mut at = from;
    while let Some(i) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        let rest = &bytes[i + 1..];
        let closing = rest.first() == Some(&b'/');
        let name = &rest[usize::from(closing)..];
        let is_svg = name.len() > 3 && name[..3].eq_ignore_ascii_case(b"svg") && ends_name(name[3]);
        if !is_svg {
            at = i + 1;
            continue;
        }
        let end = start_tag_end(bytes, i + 1)?;
        if closing {
            depth -= 1;
            if depth == 0 {
                return Some(end);
            }
        } else if bytes[end - 2] != b'/' {
            depth += 1;
        }
        at = end;
    }
    None
}

/// The index just past the end of the comment whose text starts at `from`:
/// `-->`, or `--!>`, or at once for `<!-->` and `<!--->`.
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let text = &bytes[from..];
    if text.starts_with(b">") {
        return Some(from + 1);
    }
    if text.starts_with(b"->") {
        return Some(from + 2);
    }
    let mut at = from;
    while let Some(i) = find(bytes, at, b"--") {
        match &bytes[i + 2..] {
            [b'>', ..] => return Some(i + 3),
            [b'!', b'>', ..] => return Some(i + 4),
            _ => at = i + 1,
        }
    }
    None
}

/// Whether `byte` ends a tag name (`<svg>`, `</script >`, `<svg/>`).
fn ends_name(byte: u8) -> bool {
    matches!(byte, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The first `needle` in `bytes` from `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|i| from + i)
}

/// Where the end tag `</name` starts (any case, followed by a space, `/` or
/// `>`), searching from `from`.
fn end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(i) = find(bytes, at, b"</") {
        let after = &bytes[i + 2..];
        if after.len() > name.len()
            && after[..name.len()].eq_ignore_ascii_case(name)
            && ends_name(after[name.len()])
        {
            return Some(i);
        }
        at = i + 2;
    }
    None
}

/// The index just past the `>` closing the tag whose attributes start at
/// `from`, reading quoted attribute values as the tokenizer does.
fn start_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i + 1),
            b'=' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) {
                    i = memchr::memchr(quote, &bytes[i + 1..])? + i + 2;
                    continue;
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::prune;

    #[test]
    fn styles_scripts_and_comments_go_json_ld_stays() {
        let html = "<html><head><style>p{}</style><script src=a.js></script>\
            <script type=\"application/ld+json\">{\"@context\":\"https://schema.org\"}</script>\
            <SCRIPT>var a = \"</div>\";</SCRIPT ><!-- <script> --></head>\
            <body><p>Texte</p><script>\n{\"@context\": 1}</script></body></html>";
        assert_eq!(
            prune(html),
            "<html><head>\
            <script type=\"application/ld+json\">{\"@context\":\"https://schema.org\"}</script>\
            </head><body><p>Texte</p><script>\n{\"@context\": 1}</script></body></html>"
        );
    }

    #[test]
    fn script_words_that_are_text_stay() {
        for html in [
            "<p title=\"<script>\">a</p><p>b</p></script>",
            "<title>Le <script> du jour</title><p>texte</p></script>",
            "<textarea><style></textarea><p>texte</p></style>",
            "<p>a < script b</p>",
            // No end tag: the parser reads the rest as the script's text.
            "<p>a</p><script>var x = 1;",
            "<!-- pas fermé <p>texte</p>",
        ] {
            assert_eq!(prune(html), html);
        }
        assert_eq!(prune("<p a='>'>x</p><style>y</style>"), "<p a='>'>x</p>");
        assert_eq!(prune("<p>é</p><!--ç--><p>ü</p>"), "<p>é</p><p>ü</p>");
        assert_eq!(prune("<!-->a<!--->b<!-- c --!>d<!-- e --- f -->g"), "abdg");
        assert_eq!(
            prune("<p>a<svg viewBox='0 0 1 1'><svg/><svg><path d='M0'/></svg></svg>b</p>"),
            "<p>ab</p>"
        );
        assert_eq!(prune("<p>a<svg><path/></p>"), "<p>a<svg><path/></p>");
    }

    #[test]
    fn data_attributes_go_but_those_of_pictures_and_the_test_id() {
        assert_eq!(
            prune(r#"<div class="post" data-id='12' data-json="{&quot;a&quot;:1}" id=x data-lazy=a>t</div>"#),
            r#"<div class="post" id=x>t</div>"#
        );
        assert_eq!(
            prune(r#"<span data-testid="pub-date" data-x="1">3 mars</span>"#),
            r#"<span data-testid="pub-date">3 mars</span>"#
        );
        assert_eq!(
            prune(r#"<p title="data-x = 'y'" data-a="b>c">t</p>"#),
            r#"<p title="data-x = 'y'">t</p>"#
        );
        for kept in [
            r#"<img data-src="https://x.example/a.jpg" src="data:,">"#,
            r#"<figure data-lazy="a"><img src=a.jpg></figure>"#,
            r#"<p class="data-table">t</p>"#,
            "<br/>",
        ] {
            assert_eq!(prune(kept), kept);
        }
    }
}
