//! The Markdown brochure: one plain Markdown file (no YAML front matter) with
//! a cover, a table of contents, the articles and their sources, to be read
//! as is or fed to any Markdown tool.
//!
//! Bodies are edited in place rather than re-serialised: pulldown-cmark gives
//! the source range of each event, and only these ranges change: prose text
//! (French typography), headings (one level down), footnote labels (made
//! unique per article), raw HTML (shown as text, never interpreted),
//! reference links (made inline, their definitions removed, so that articles
//! cannot capture each other's links) and links to anything but http, https
//! and mailto (their text only). Code, URLs and link destinations are never
//! touched.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

use super::html::safe_url;
use super::model::{Brochure, Piece};
use super::typography::{self, French};

/// The brochure as one Markdown document.
pub fn render(b: &Brochure) -> String {
    let fr = typography::is_french(&b.lang);
    let text = |s: &str| escape(&prose(s, fr));

    let mut head = String::new();
    let title = text(&b.title);
    let _ = writeln!(head, "# {}\n", if title.is_empty() { "Brochure" } else { &title });
    if let Some(subtitle) = b.subtitle.as_deref().map(text).filter(|s| !s.is_empty()) {
        let _ = writeln!(head, "*{subtitle}*\n");
    }
    let collective = text(&b.collective);
    let date = typography::date(b.date);
    if collective.is_empty() {
        let _ = writeln!(head, "{date}\n");
    } else {
        let _ = writeln!(head, "{collective} — {date}\n");
    }
    head.push_str("## Sommaire\n\n");

    let mut rest = String::new();
    if let Some(intro) = b.intro.as_deref().filter(|i| !i.trim().is_empty()) {
        rest.push_str(&body(intro, "intro", fr));
        rest.push('\n');
    }
    let mut heading_offsets = Vec::with_capacity(b.articles.len());
    for (i, p) in b.articles.iter().enumerate() {
        if i > 0 {
            rest.push_str("---\n\n");
        }
        heading_offsets.push(rest.len());
        let _ = writeln!(rest, "## {}\n", piece_title(p, fr));
        if let Some(subtitle) = p.subtitle.as_deref().map(text).filter(|s| !s.is_empty()) {
            let _ = writeln!(rest, "*{subtitle}*\n");
        }
        let byline = byline(p, fr);
        if !byline.is_empty() {
            let _ = writeln!(rest, "{byline}\n");
        }
        rest.push_str(&body(&p.body, &(i + 1).to_string(), fr));
        rest.push('\n');
    }
    rest.push_str("## Sources\n\n");
    for (i, p) in b.articles.iter().enumerate() {
        let _ = writeln!(rest, "{}. {}", i + 1, source_line(p, fr));
    }
    let by = if collective.is_empty() { String::new() } else { format!(" par {collective}") };
    let _ = writeln!(rest, "\n---\n\n*Brochure compilée avec veille le {date}{by}.*");

    // The anchors of article titles are the slugs Markdown renderers give
    // headings (GitHub's way), numbered over the whole document: found by
    // parsing it once with placeholder links in the table of contents,
    // which holds no heading.
    let toc = |anchors: &[String]| {
        let mut toc = String::new();
        for (i, p) in b.articles.iter().enumerate() {
            let site = text(&p.site);
            let site = if site.is_empty() { String::new() } else { format!(" — *{site}*") };
            let anchor = anchors.get(i).map_or("", String::as_str);
            let _ = writeln!(toc, "{}. [{}](#{anchor}){site}", i + 1, piece_title(p, fr));
        }
        toc.push('\n');
        toc
    };
    let draft_toc = toc(&[]);
    let rest_start = head.len() + draft_toc.len();
    let draft = format!("{head}{draft_toc}{rest}");
    let slugs = heading_slugs(&draft);
    let anchors: Vec<String> = heading_offsets
        .iter()
        .map(|offset| slugs.get(&(rest_start + offset)).cloned().unwrap_or_default())
        .collect();
    format!("{head}{}{rest}", toc(&anchors))
}

fn prose(s: &str, french: bool) -> String {
    let clean = typography::clean_controls(s);
    let clean = clean.trim();
    if french { typography::french(clean) } else { clean.to_string() }
}

fn piece_title(p: &Piece, french: bool) -> String {
    let title = escape(&prose(&p.title, french));
    if title.is_empty() { "Sans titre".to_string() } else { title }
}

/// Authors — site — date, the parts the article has.
fn byline(p: &Piece, french: bool) -> String {
    let authors: Vec<String> =
        p.authors.iter().map(|a| escape(&prose(a, french))).filter(|a| !a.is_empty()).collect();
    let mut parts = Vec::new();
    if !authors.is_empty() {
        parts.push(typography::join(&authors));
    }
    parts.push(escape(&prose(p.head_site(), false)));
    if let Some(published) = p.published.as_deref().filter(|d| !d.trim().is_empty()) {
        parts.push(escape(&typography::date_str(published)));
    }
    parts.retain(|part| !part.is_empty());
    parts.join(" — ")
}

fn source_line(p: &Piece, french: bool) -> String {
    let mut line = format!("*{}*", piece_title(p, french));
    let site = escape(&prose(&p.site, false));
    if !site.is_empty() {
        let _ = write!(line, ", {site}");
    }
    if let Some(published) = p.published.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = write!(line, ", {}", escape(&typography::date_str(published)));
    }
    if let Some(url) = p.url.as_deref().filter(|u| !u.trim().is_empty()) {
        let _ = write!(line, " — {}", url_text(url));
    }
    if let Some(archived) = p.archived.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = write!(line, " — archivé le {}", escape(&typography::date_str(archived)));
    }
    let also: Vec<String> = p.also.iter().filter(|u| !u.trim().is_empty()).map(|u| url_text(u)).collect();
    if !also.is_empty() {
        let _ = write!(line, " — repris aussi sur {}", typography::join(&also));
    }
    line.push('.');
    line
}

/// A URL shown in the document: a link when it may be one, text otherwise.
fn url_text(url: &str) -> String {
    let url = typography::clean_controls(url);
    let url = url.trim();
    if !safe_url(url) {
        return escape(url);
    }
    if url.chars().all(|c| !c.is_whitespace() && c != '<' && c != '>') {
        format!("<{url}>")
    } else {
        format!("[{}]{}", escape(url), destination(url, ""))
    }
}

/// A string of the archive as Markdown text that stays text: on one line,
/// with every character that could start markup backslash-escaped.
pub(crate) fn escape(s: &str) -> String {
    let line = typography::clean_controls(s).replace(['\n', '\t'], " ");
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    // A line may not start a list, a quote or a heading either.
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    for (i, c) in line.char_indices() {
        let at_start = i == 0 && matches!(c, '-' | '+' | '=');
        let after_number = digits > 0 && i == digits && matches!(c, '.' | ')');
        if at_start || after_number || "\\`*_[]<>&~#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link destination (and title) as Markdown: `(<url> "title")`.
fn destination(url: &str, title: &str) -> String {
    let mut out = String::from("(<");
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '\n' | '\r' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out.push('>');
    let title = title.replace(['\n', '\r'], " ");
    if !title.trim().is_empty() {
        out.push_str(" \"");
        for c in title.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push(')');
    out
}

/// A link or image being read.
struct Frame {
    /// Edits before it: the ones after are dropped if it is rewritten whole.
    edits: usize,
    range: Range<usize>,
    link_type: LinkType,
    url: String,
    title: String,
    /// Its text, for when it is rewritten whole.
    text: String,
    image: bool,
}

/// An article body (or the introduction), ready to sit in the brochure:
/// `prefix` makes its footnote labels unique (`[^1]` → `[^3-1]`).
fn body(markdown: &str, prefix: &str, french: bool) -> String {
    let src = typography::clean_controls(markdown);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut typo = French::new();
    let mut code = 0usize;
    let mut autolink = 0usize;
    let mut setext: Option<Range<usize>> = None;
    let mut frames: Vec<Frame> = Vec::new();
    let mut iter = crate::corpus::markdown::parser(&src).into_offset_iter();
    let definitions: Vec<Range<usize>> =
        iter.reference_definitions().iter().map(|(_, d)| d.span.clone()).collect();

    for (event, range) in iter.by_ref() {
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::Paragraph
                    | Tag::Item
                    | Tag::TableCell
                    | Tag::BlockQuote(_)
                    | Tag::DefinitionListTitle
                    | Tag::DefinitionListDefinition => typo.reset(),
                    _ => {}
                }
                match tag {
                    Tag::Heading { level, .. } => {
                        typo.reset();
                        let slice = &src[range.clone()];
                        let indent = slice.len() - slice.trim_start_matches([' ', '\t']).len();
                        if atx(slice) {
                            if (level as usize) < 6 {
                                let at = range.start + indent;
                                edits.push((at..at, "#".to_string()));
                            }
                        } else {
                            let hashes = "#".repeat((level as usize + 1).min(6));
                            edits.push((range.start..range.start, format!("{hashes} ")));
                            setext = Some(range.clone());
                        }
                    }
                    Tag::CodeBlock(_) => code += 1,
                    Tag::FootnoteDefinition(_) => {
                        typo.reset();
                        let slice = &src[range.clone()];
                        if let (true, Some(end)) = (slice.starts_with("[^"), slice.find("]:")) {
                            let label = &slice[2..end];
                            edits.push((range.start..range.start + end + 1, format!("[^{prefix}-{label}]")));
                        }
                    }
                    Tag::Link { link_type, dest_url, title, .. }
                    | Tag::Image { link_type, dest_url, title, .. } => {
                        let image = src[range.clone()].starts_with('!');
                        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                            autolink += 1;
                        }
                        let url = match link_type {
                            LinkType::Email => format!("mailto:{dest_url}"),
                            _ => dest_url.to_string(),
                        };
                        frames.push(Frame {
                            edits: edits.len(),
                            range: range.clone(),
                            link_type,
                            url,
                            title: title.to_string(),
                            text: String::new(),
                            image,
                        });
                    }
                    _ => {}
                }
            }
            Event::End(tag) => match tag {
                TagEnd::CodeBlock => code = code.saturating_sub(1),
                TagEnd::Heading(_) => {
                    if let Some(heading) = setext.take() {
                        // The underline goes: the heading is now `## …`.
                        let slice = src[heading.clone()].trim_end_matches('\n');
                        if let Some(line) = slice.rfind('\n') {
                            edits.push((heading.start + line..heading.start + slice.len(), String::new()));
                        }
                    }
                }
                TagEnd::Link | TagEnd::Image => {
                    let Some(mut frame) = frames.pop() else { continue };
                    if matches!(frame.link_type, LinkType::Autolink | LinkType::Email) {
                        autolink = autolink.saturating_sub(1);
                    }
                    // `[x][]` ends after its range.
                    if frame.link_type == LinkType::Collapsed && src[frame.range.end..].starts_with("[]") {
                        frame.range.end += 2;
                    }
                    let inline =
                        matches!(frame.link_type, LinkType::Inline | LinkType::Autolink | LinkType::Email);
                    let allowed = safe_url(&frame.url)
                        && (!frame.image
                            || frame.url.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("http")));
                    if !allowed || !inline {
                        edits.truncate(frame.edits);
                        let text = escape(&prose(&frame.text, french));
                        let replacement = match (allowed, frame.image) {
                            (true, false) => format!("[{text}]{}", destination(&frame.url, &frame.title)),
                            (true, true) => format!("![{text}]{}", destination(&frame.url, &frame.title)),
                            (false, false) => text,
                            (false, true) => escape(&prose(&format!("[Image : {}]", frame.text), french)),
                        };
                        edits.push((frame.range.clone(), replacement));
                    }
                    if let Some(parent) = frames.last_mut() {
                        parent.text.push_str(&frame.text);
                    }
                }
                _ => {}
            },
            Event::Text(text) => {
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&text);
                }
                if code > 0 || autolink > 0 {
                    continue;
                }
                // Escapes and entities make the source differ from the text:
                // such a run is left as written.
                if french && src[range.clone()] == *text {
                    let typographed = typo.run(&text);
                    if typographed != *text {
                        edits.push((range, typographed));
                    }
                } else {
                    typo.run(&text);
                }
            }
            Event::Code(text) => {
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&text);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&html);
                }
                let shown = src[range.clone()].replace('<', "&lt;");
                edits.push((range, shown));
            }
            Event::FootnoteReference(_) => {
                let slice = &src[range.clone()];
                if let Some(label) = slice.strip_prefix("[^").and_then(|s| s.strip_suffix(']')) {
                    edits.push((range, format!("[^{prefix}-{label}]")));
                }
            }
            Event::SoftBreak if setext.is_some() => edits.push((range, " ".to_string())),
            Event::SoftBreak => {
                typo.run("\n");
            }
            _ => {}
        }
    }
    // Every reference link is inline now: the definitions would only leak
    // into the other articles.
    for mut span in definitions {
        // A definition alone on its line(s) takes its line break along.
        let line_start = span.start == 0 || src[..span.start].ends_with('\n');
        if line_start && src[span.end..].starts_with('\n') {
            span.end += 1;
        }
        edits.push((span, String::new()));
    }

    let mut out = apply(&src, edits);
    close_open_fence(&mut out);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Whether a heading's source is an ATX heading (`## Titre`), not a setext
/// one (`Titre` underlined).
fn atx(slice: &str) -> bool {
    let s = slice.trim_start_matches([' ', '\t']);
    let hashes = s.len() - s.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && s[hashes..].chars().next().is_none_or(|c| matches!(c, ' ' | '\t' | '\n'))
}

/// `src` with `edits` made; an edit overlapping an earlier one is dropped.
fn apply(src: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(src.len() + edits.len() * 4);
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at || range.end > src.len() {
            continue;
        }
        out.push_str(&src[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&src[at..]);
    out
}

/// Closes a fenced code block left open at the end of a body, which would
/// otherwise swallow the rest of the brochure.
fn close_open_fence(text: &mut String) {
    let mut open: Option<Range<usize>> = None;
    for (event, range) in crate::corpus::markdown::parser(text).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event {
            open = Some(range);
        }
    }
    let Some(range) = open.filter(|r| text[r.end..].trim().is_empty()) else { return };
    let block = text[range.clone()].trim_end_matches('\n');
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let first_line = text[line_start..].lines().next().unwrap_or("");
    let lead = first_line.len() - first_line.trim_start_matches(|c: char| !matches!(c, '`' | '~')).len();
    let fence_char = first_line[lead..].chars().next().unwrap_or('`');
    let fence_len = first_line[lead..].len() - first_line[lead..].trim_start_matches(fence_char).len();
    let last_line = block.rsplit('\n').next().unwrap_or("").trim();
    let closed = block.contains('\n')
        && last_line.len() >= fence_len
        && last_line
            .trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .chars()
            .all(|c| c == fence_char)
        && last_line.ends_with(fence_char);
    if !closed {
        // The same indentation and quote markers as the opening fence, list
        // markers turned into spaces.
        let prefix: String =
            first_line[..lead].chars().map(|c| if c == '>' || c.is_whitespace() { c } else { ' ' }).collect();
        let fence = fence_char.to_string().repeat(fence_len.max(3));
        let newline = if text.ends_with('\n') { "" } else { "\n" };
        let _ = writeln!(text, "{newline}{prefix}{fence}");
    }
}

/// The slug renderers give each heading, GitHub's way (lowercase, letters,
/// digits, `-` and `_` kept, spaces as `-`, `-1`, `-2`… for repeats), by the
/// heading's offset in `doc`.
fn heading_slugs(doc: &str) -> HashMap<usize, String> {
    let mut slugs = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut current: Option<(usize, String)> = None;
    for (event, range) in crate::corpus::markdown::parser(doc).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((start, text)) = current.take() else { continue };
                let base: String = text
                    .to_lowercase()
                    .chars()
                    .filter_map(|c| match c {
                        ' ' => Some('-'),
                        c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                        _ => None,
                    })
                    .collect();
                let count = seen.entry(base.clone()).or_insert(0);
                let slug = if *count == 0 { base.clone() } else { format!("{base}-{count}") };
                *count += 1;
                slugs.insert(start, slug);
            }
            _ => {}
        }
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brochure::html::tests::{HOSTILE, hostile_brochure};
    use chrono::NaiveDate;

    fn body_fr(markdown: &str) -> String {
        body(markdown, "3", true)
    }

    /// The HTML a Markdown document would become, to check what it means.
    fn rendered(markdown: &str) -> String {
        let mut html = String::new();
        for event in crate::corpus::markdown::parser(markdown) {
            let _ = writeln!(html, "{event:?}");
        }
        html
    }

    #[test]
    fn prose_is_typographed_code_and_urls_are_not() {
        let out = body_fr(
            "L'eau... \"le feu\" : `a:b?` [lien!](https://x.org/a:b?c=1!) <https://y.org/?z!> https://w.org/?v!\n\n\
             ```\nl'eau...\n```\n\n    l'eau?\n",
        );
        assert!(out.starts_with("L’eau… «\u{202f}le feu\u{202f}»\u{a0}: `a:b?` [lien\u{202f}!](https://x.org/a:b?c=1!) <https://y.org/?z!> https://w.org/?v!\n"), "{out}");
        assert!(out.contains("```\nl'eau...\n```"), "{out}");
        assert!(out.contains("    l'eau?"), "{out}");
        assert_eq!(body("L'eau?", "1", false), "L'eau?\n");
    }

    #[test]
    fn escapes_and_entities_are_kept() {
        assert_eq!(body_fr("AT&amp;T \\*pas\\* l'eau\n"), "AT&amp;T \\*pas\\* l’eau\n");
    }

    #[test]
    fn headings_go_down_one_level() {
        assert_eq!(body_fr("# Un\n\n## Deux ##\n\n###### Six\n"), "## Un\n\n### Deux ##\n\n###### Six\n");
        assert_eq!(
            body_fr("Titre sur\ndeux lignes\n===\n\nSous-titre\n---\n\ntexte\n"),
            "## Titre sur deux lignes\n\n### Sous-titre\n\ntexte\n"
        );
        assert_eq!(body_fr("#hashtag\n===\n"), "## #hashtag\n");
    }

    #[test]
    fn footnotes_are_renumbered_per_article() {
        let out = body_fr("Un[^1] deux[^note].\n\n[^1]: Première.\n[^note]: Seconde.\n");
        assert_eq!(out, "Un[^3-1] deux[^3-note].\n\n[^3-1]: Première.\n[^3-note]: Seconde.\n");
        assert!(rendered(&out).contains("FootnoteReference(Borrowed(\"3-1\"))"));
    }

    #[test]
    fn raw_html_becomes_text() {
        let out = body_fr("<div onclick=\"x()\">\n<script>alert(1)</script>\n</div>\n\nUn <b>gras</b>.\n");
        assert!(!out.contains("<div") && !out.contains("<script") && !out.contains("<b>"), "{out}");
        let events = rendered(&out);
        assert!(!events.contains("Html"), "{events}");
        let text: String = crate::corpus::markdown::parser(&out)
            .filter_map(|e| if let Event::Text(t) = e { Some(t.to_string()) } else { None })
            .collect();
        assert!(text.contains("<script>alert(1)</script>"), "shown as text: {text}");
    }

    #[test]
    fn links_are_inline_and_only_to_the_web_and_mail() {
        let out = body_fr(
            "[a][r] [b][] [r] [c](javascript:alert(1)) <javascript:alert(2)> [d](/rel) <x@y.org> \
             ![i](https://x.org/i.png) ![j](data:image/png,xx)\n\n[r]: https://r.org/a_b \"T\\\"t\"\n[b]: https://b.org\n",
        );
        assert!(out.contains("[a](<https://r.org/a_b> \"T\\\"t\")"), "{out}");
        assert!(out.contains("[b](<https://b.org>)"), "{out}");
        assert!(out.contains(" [r](<https://r.org/a_b> \"T\\\"t\")"), "{out}");
        assert!(out.contains(" c javascript:alert(2) d <x@y.org>"), "{out}");
        assert!(out.contains("![i](https://x.org/i.png) \\[Image\u{a0}: j\\]"), "{out}");
        assert!(!out.contains("[r]:") && !out.contains("[b]:"), "definitions are gone: {out}");
        assert!(!rendered(&out).contains("javascript:alert(1)"), "{out}");
    }

    #[test]
    fn an_open_fence_is_closed() {
        assert_eq!(body_fr("texte\n\n```rust\nfn main() {}\n"), "texte\n\n```rust\nfn main() {}\n```\n");
        assert_eq!(body_fr("> ~~~~\n> code\n"), "> ~~~~\n> code\n> ~~~~\n");
        assert_eq!(body_fr("```\nfermé\n```\n"), "```\nfermé\n```\n");
        assert_eq!(body_fr("```\n"), "```\n```\n");
    }

    #[test]
    fn escape_keeps_data_as_text() {
        assert_eq!(escape("a*b_c [d](e) <f> # & `g`"), "a\\*b\\_c \\[d\\](e) \\<f\\> \\# \\& \\`g\\`");
        assert_eq!(escape("- liste"), "\\- liste");
        assert_eq!(escape("1. un"), "1\\. un");
        assert_eq!(escape("ligne\nsuivante\u{1b}[0m"), "ligne suivante");
    }

    fn sample() -> Brochure {
        Brochure {
            title: "La 5G et nous".into(),
            subtitle: Some("Textes choisis".into()),
            collective: "Écran total".into(),
            date: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
            intro: Some("Pourquoi cette brochure? Lisez[^1].\n\n[^1]: Tout.\n".into()),
            articles: vec![
                Piece {
                    id: "a".into(),
                    title: "L'antenne".into(),
                    subtitle: Some("Un récit".into()),
                    authors: vec!["Ana".into(), "Bo".into(), "Cy".into()],
                    site: "lundi.am".into(),
                    published: Some("2024-05-01".into()),
                    url: Some("https://lundi.am/x".into()),
                    archived: Some("2024-05-02".into()),
                    body: "## Partie\n\nTexte[^1].\n\n[^1]: Note a.\n".into(),
                    also: vec!["https://a.org/y".into(), "https://b.org/z".into()],
                },
                Piece {
                    id: "b".into(),
                    title: "Partie".into(),
                    site: "reporterre".into(),
                    url: Some("https://reporterre.net/b".into()),
                    body: "Autre[^1].\n\n[^1]: Note b.\n\n```\nouvert\n".into(),
                    ..Piece::default()
                },
            ],
            timeline: vec![],
            lang: "fr".into(),
        }
    }

    #[test]
    fn whole_document() {
        let md = render(&sample());
        let expected_head = "# La 5G et nous\n\n*Textes choisis*\n\nÉcran total — 14\u{a0}mars 2025\n\n## Sommaire\n\n\
             1. [L’antenne](#lantenne) — *lundi.am*\n2. [Partie](#partie-1) — *reporterre*\n\n\
             Pourquoi cette brochure\u{202f}? Lisez[^intro-1].\n\n[^intro-1]: Tout.\n\n\
             ## L’antenne\n\n*Un récit*\n\nAna, Bo et Cy — lundi.am — 1er\u{a0}mai 2024\n\n### Partie\n\nTexte[^1-1].\n\n[^1-1]: Note a.\n\n---\n\n\
             ## Partie\n\nreporterre\n\nAutre[^2-1].\n\n[^2-1]: Note b.\n\n```\nouvert\n```\n\n## Sources\n\n";
        assert!(md.starts_with(expected_head), "{md}");
        assert!(md.contains(
            "1. *L’antenne*, lundi.am, 1er\u{a0}mai 2024 — <https://lundi.am/x> — archivé le 2\u{a0}mai 2024 — \
             repris aussi sur <https://a.org/y> et <https://b.org/z>.\n"
        ), "{md}");
        assert!(md.contains("2. *Partie*, reporterre — <https://reporterre.net/b>.\n"), "{md}");
        assert!(
            md.ends_with("\n---\n\n*Brochure compilée avec veille le 14\u{a0}mars 2025 par Écran total.*\n"),
            "{md}"
        );
        // Three notes, each defined once: nothing clashes.
        let events = rendered(&md);
        for label in ["intro-1", "1-1", "2-1"] {
            assert!(events.contains(&format!("FootnoteDefinition(Borrowed(\"{label}\"))")), "{label}");
        }
        assert_eq!(events.matches("Rule").count(), 2, "one rule between articles, one before the colophon");
    }

    #[test]
    fn hostile_brochure_stays_text() {
        let md = render(&hostile_brochure());
        assert!(!md.contains('\u{1b}') && !md.contains('\u{0}'));
        let mut inline_html = Vec::new();
        for event in crate::corpus::markdown::parser(&md) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => inline_html.push(h.to_string()),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    assert!(safe_url(&dest_url) || dest_url.starts_with('#'), "link to {dest_url}")
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    assert!(dest_url.starts_with("https://"), "image {dest_url}")
                }
                Event::Start(Tag::Heading { level, .. }) => assert!(level as usize <= 3),
                _ => {}
            }
        }
        assert!(inline_html.is_empty(), "{inline_html:?}");
        assert!(md.contains("# Recueil \\<script\\>alert(1)\\</script\\>"), "{md}");
        assert!(md.contains("\\]\\]\\>"), "{md}");
        assert!(HOSTILE.contains("]]>"));
    }
}
