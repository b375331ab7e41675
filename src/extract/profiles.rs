//! Site profiles: SPIP and WordPress pages read with the markup their
//! templates print (title, surtitle, byline, notes, text), a source's own
//! CSS selectors (`custom`), and the detection of the CMS from the page's
//! `<meta name=generator>` and markup when `sources.toml` names none.

use dom_query::{Document, Selection};

use super::dom::{first, markdown, text_of};
use super::metadata::{self, Metadata};
use super::{Extracted, css, dates};
use crate::config::sources::{Profile, Selectors};

/// The page read with `profile`'s markup: what it found (an empty body
/// when it found nothing, or when the profile is generic).
pub(super) fn read(
    profile: Profile,
    selectors: Option<&Selectors>,
    doc: &Document,
    meta: &mut Metadata,
    base: Option<&url::Url>,
) -> Extracted {
    let mut out = Extracted::default();
    match (profile, selectors) {
        (Profile::Spip, _) => {
            out.profile = "spip";
            spip(doc, meta, base, &mut out);
        }
        (Profile::Wordpress, _) => {
            out.profile = "wordpress";
            wordpress(doc, meta, base, &mut out);
        }
        (Profile::Custom, Some(selectors)) => {
            out.profile = "custom";
            custom(doc, selectors, meta, base, &mut out);
        }
        _ => {}
    }
    out
}

/// The profile's byline, when the page has one, beats generic metadata:
/// the `names` inside the `bylines`. (Looked up in two steps: matching
/// `.byline a` would test every link of the page against its ancestors.)
pub(super) fn set_authors(doc: &Document, bylines: &'static str, names: &'static str, meta: &mut Metadata) {
    let mut seen = std::collections::HashSet::new();
    let authors: Vec<String> = css::matches(doc, bylines)
        .flat_map(|byline| css::under(&Selection::from(byline), names))
        .filter(|name| seen.insert(name.id))
        .filter_map(|name| text_of(&Selection::from(name)))
        .collect();
    if !authors.is_empty() {
        meta.authors = authors;
    }
}

pub(super) fn detect(meta: &Metadata, doc: &Document) -> Profile {
    let generator = meta.generator.as_deref().unwrap_or_default().to_lowercase();
    let markup = css::firsts(doc, &[".spip_logo, .crayon, .spip_note", ".entry-content"]);
    if generator.contains("spip") || markup[0].is_some() {
        Profile::Spip
    } else if generator.contains("wordpress") || markup[1].is_some() {
        Profile::Wordpress
    } else {
        Profile::Generic
    }
}

/// Marker for SPIP note calls; Markdown escaping would mangle `[^1]`.
pub(super) const NOTE_MARK: &str = "VEILLENOTE";

/// SPIP notes `[1]` become Markdown footnotes: calls are marked in the text
/// and the notes returned as `[^1]: …` lines.
pub(super) fn spip_notes(doc: &Document) -> Vec<String> {
    for call in css::select(doc, ".texte .spip_note_ref, .chapo .spip_note_ref").iter() {
        let n: String = call.text().chars().filter(char::is_ascii_digit).collect();
        if !n.is_empty() {
            call.replace_with_html(format!("{NOTE_MARK}{n}{NOTE_MARK}"));
        }
    }
    let mut notes = Vec::new();
    for note in css::select(doc, ".notes div[id^='nb'], .notes p").iter() {
        let Some(call) = css::under(&note, ".spip_note_ref, a.spip_note").first().cloned() else {
            continue;
        };
        let n: String = call.text().chars().filter(char::is_ascii_digit).collect();
        call.remove_from_parent();
        let text = note.text().split_whitespace().collect::<Vec<_>>().join(" ");
        if !n.is_empty()
            && !text.is_empty()
            && !notes.iter().any(|l: &String| l.starts_with(&format!("[^{n}]:")))
        {
            notes.push(format!("[^{n}]: {text}"));
        }
    }
    notes
}

pub(super) fn spip(doc: &Document, meta: &mut Metadata, base: Option<&url::Url>, out: &mut Extracted) {
    out.surtitle = first(doc, &[".surtitre"]);
    // Many SPIP themes print the site's name as an `h1` (`#logo_site_spip`,
    // `.nom_site_spip`): never the article's title.
    out.title = first(
        doc,
        &[
            "h1.crayon[class*='article-titre']",
            "[class*='article-titre-']",
            "h1.entry-title",
            ".entry-title",
            "h1:not(#logo_site_spip):not(.nom_site_spip):not(.spip_logo_site)",
        ],
    )
    .unwrap_or_default();
    out.subtitle = first(doc, &[".soustitre"]);
    // `abbr.published[title]` was read with the metadata; else the visible line.
    if meta.published.is_none() {
        meta.published = first(doc, &[".info-publi", ".date"]).and_then(|t| dates::parse_human(&t));
    }
    set_authors(doc, ".auteurs, .vcard.author", ".fn, a", meta);
    let texte = css::first(doc, "[class*='article-texte-'], .texte");
    out.spip_article = texte.and_then(|t| t.attr("class")).and_then(|c| {
        c.split_whitespace().find_map(|w| w.strip_prefix("article-texte-").and_then(|n| n.parse().ok()))
    });
    let notes = spip_notes(doc);
    let mut parts: Vec<String> = [".chapo", "[class*='article-texte-'], .texte", ".ps"]
        .iter()
        .map(|selector| markdown(doc, selector, base))
        .filter(|md| !md.is_empty())
        .collect();
    if !notes.is_empty() {
        parts.push(notes.join("\n"));
    }
    out.body = restore_note_calls(&parts.join("\n\n"));
}

/// `VEILLENOTE12VEILLENOTE` → `[^12]`.
pub(super) fn restore_note_calls(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(NOTE_MARK) {
        out.push_str(rest[..at].trim_end_matches(['\u{a0}', ' ']));
        let after = &rest[at + NOTE_MARK.len()..];
        match after.find(NOTE_MARK) {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_digit()) => {
                out.push_str(&format!("[^{}]", &after[..end]));
                rest = &after[end + NOTE_MARK.len()..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn wordpress(doc: &Document, meta: &mut Metadata, base: Option<&url::Url>, out: &mut Extracted) {
    out.title = first(doc, &["h1.entry-title", ".entry-title", "h1"]).unwrap_or_default();
    if let Some(dt) = css::matches(doc, "time.entry-date[datetime], time.published[datetime]")
        .find(|t| !metadata::in_related(t))
        .and_then(|t| t.attr("datetime"))
    {
        meta.published = dates::parse_iso(&dt).or(meta.published);
    }
    // Block themes (Twenty Twenty-Three…) print the author in its own block.
    set_authors(doc, ".wp-block-post-author", ".wp-block-post-author__name", meta);
    set_authors(doc, ".byline .author, .author.vcard, .entry-meta .author", "a, .fn", meta);
    out.body = markdown(doc, ".entry-content", base);
}

pub(super) fn custom(
    doc: &Document,
    selectors: &Selectors,
    meta: &mut Metadata,
    base: Option<&url::Url>,
    out: &mut Extracted,
) {
    for remove in &selectors.remove {
        if let Some(found) = doc.try_select(remove) {
            found.remove();
        }
    }
    if let Some(title) =
        selectors.title.as_deref().and_then(|s| doc.try_select(s)).and_then(|s| text_of(&s.first()))
    {
        out.title = title;
    }
    if let Some(date) = selectors.date.as_deref().and_then(|s| doc.try_select(s)) {
        let date = date.first();
        meta.published = date
            .attr("datetime")
            .and_then(|d| dates::parse_iso(&d))
            .or_else(|| text_of(&date).and_then(|t| dates::parse_human(&t)))
            .or(meta.published);
    }
    if let Some(authors) = selectors.authors.as_deref().and_then(|s| doc.try_select(s)) {
        let authors: Vec<String> = authors.iter().filter_map(|a| text_of(&a)).collect();
        if !authors.is_empty() {
            meta.authors = authors;
        }
    }
    if let Some(body) = &selectors.body {
        out.body = markdown(doc, body, base);
    }
}
