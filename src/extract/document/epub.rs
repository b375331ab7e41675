//! E-books (`.epub`, EPUB 2 and 3): the package (OPF metadata, spine) read
//! by the `rbook` crate, each chapter's XHTML by the HTML reader's Markdown
//! writer. Notes, marked as EPUB 3 asks (`epub:type="noteref"` and
//! `"footnote"`/`"endnote"`) or with DPUB-ARIA roles (`doc-noteref`,
//! `doc-footnote`, `doc-endnotes`, as pandoc and Calibre write them), become
//! Markdown footnotes numbered through the book, wherever they are kept
//! (under the paragraph, at the end of a chapter, in a notes chapter).

use std::collections::HashMap;
use std::io::Cursor;
use std::time::Instant;

use dom_query::{Document, Selection};

use super::package::{Package, PackageError};
use super::{Blocks, Read, authors, iso_day};
use crate::extract::markdown;

pub(super) fn read(bytes: &[u8], max_inflated: u64, deadline: Instant) -> Result<Read, PackageError> {
    let mut package = Package::open(bytes, max_inflated)?;
    // rbook inflates parts itself: every part is inflated once here, within the cap.
    package.check_all()?;
    if let Some(encryption) = package.text("META-INF/encryption.xml")?
        && encrypts_text(&encryption)
    {
        return Err(PackageError::Encrypted);
    }
    let epub = rbook::Epub::read(Cursor::new(bytes.to_vec()))
        .map_err(|e| PackageError::Entry("the package".into(), e.to_string()))?;
    let metadata = epub.metadata();
    let mut out = Read {
        title: metadata.title().map(|t| t.value().trim().to_string()).filter(|t| !t.is_empty()),
        authors: authors(&metadata.creators().map(|c| c.value().to_string()).collect::<Vec<_>>()),
        published: metadata.published_entry().and_then(|d| iso_day(d.value())),
        lang: metadata.language().map(|l| l.value().trim().to_string()).filter(|l| !l.is_empty()),
        ..Read::default()
    };
    let mut chapters = Vec::new();
    for (index, chapter) in epub.reader().enumerate() {
        if Instant::now() > deadline {
            out.stopped = Some(format!("time limit reached after {index} chapters"));
            break;
        }
        let chapter = chapter.map_err(|e| PackageError::Entry("a chapter".into(), e.to_string()))?;
        let href = chapter.manifest_entry().href().decode().into_owned();
        chapters.push((file_name(&href).to_string(), Document::from(chapter.content())));
    }
    out.body = markdown_of(&chapters);
    Ok(out)
}

/// Whether `META-INF/encryption.xml` encrypts text (DRM), not only fonts
/// (which publishers obfuscate, and which veille does not read).
fn encrypts_text(encryption: &str) -> bool {
    encryption.split("URI=\"").skip(1).any(|rest| {
        let uri = rest.split('"').next().unwrap_or_default().to_ascii_lowercase();
        [".xhtml", ".html", ".htm", ".xml", ".opf"].iter().any(|e| uri.ends_with(e))
    })
}

fn file_name(href: &str) -> &str {
    let path = href.split('#').next().unwrap_or(href);
    path.rsplit('/').next().unwrap_or(path)
}

fn has_token(selection: &Selection, attribute: &str, tokens: &[&str]) -> bool {
    selection.attr(attribute).is_some_and(|v| v.split_whitespace().any(|t| tokens.contains(&t)))
}

fn is_note(selection: &Selection) -> bool {
    has_token(selection, "epub:type", &["footnote", "endnote", "rearnote", "note"])
        || has_token(selection, "role", &["doc-footnote", "doc-endnote"])
}

fn is_note_list(selection: &Selection) -> bool {
    has_token(selection, "epub:type", &["footnotes", "endnotes", "rearnotes"])
        || has_token(selection, "role", &["doc-endnotes"])
        || has_token(selection, "class", &["footnotes"])
}

fn is_note_call(selection: &Selection) -> bool {
    has_token(selection, "epub:type", &["noteref"])
        || has_token(selection, "role", &["doc-noteref"])
        || has_token(selection, "class", &["footnote-ref", "noteref"])
}

/// The Markdown of the chapters in reading order, notes numbered as called.
fn markdown_of(chapters: &[(String, Document)]) -> String {
    // The notes of the whole book by (file, id): a call may point to another chapter.
    let mut notes: HashMap<(String, String), String> = HashMap::new();
    for (file, doc) in chapters {
        for list in doc.select("[id], ol, ul, section, aside, div").iter().filter(is_note_list) {
            for item in list.select("li[id]").iter() {
                if let Some(id) = item.attr("id") {
                    notes.insert((file.clone(), id.to_string()), note_text(&item));
                }
            }
        }
        for note in doc.select("[id]").iter().filter(is_note) {
            if let Some(id) = note.attr("id") {
                notes.insert((file.clone(), id.to_string()), note_text(&note));
            }
        }
    }
    let mut blocks = Blocks::default();
    let mut numbers: HashMap<(String, String), String> = HashMap::new();
    for (file, doc) in chapters {
        for call in doc.select("a[href]").iter().filter(is_note_call) {
            let href = call.attr("href").map(|h| h.to_string()).unwrap_or_default();
            let Some((path, id)) = href.split_once('#') else { continue };
            let target_file = if path.is_empty() { file.clone() } else { file_name(path).to_string() };
            let key = (target_file, id.to_string());
            let Some(text) = notes.get(&key) else { continue };
            let mark = match numbers.get(&key) {
                Some(mark) => mark.clone(),
                None => {
                    let mark = blocks.note(text);
                    numbers.insert(key, mark.clone());
                    mark
                }
            };
            call.replace_with_html(mark);
        }
        // Calls written as `<sup><a>` leave an empty superscript around the mark: harmless.
        for note in doc.select("[id]").iter().filter(is_note) {
            note.remove();
        }
        for list in doc.select("ol, ul, section, aside, div").iter().filter(is_note_list) {
            list.remove();
        }
        // The HTML writer keeps `#` for a page's title (`<h1>` and `<h2>`
        // both give `##`): each heading goes one level down before, and
        // comes back up after, so that a chapter's `<h1>` is `#` and its
        // `<h2>` `##`, as in the other documents.
        for level in (1..=5).rev() {
            for heading in doc.select(&format!("h{level}")).nodes() {
                heading.rename(&format!("h{}", level + 1));
            }
        }
        let body = doc.select("body");
        let Some(node) = body.nodes().first() else { continue };
        let chapter = markdown::to_markdown(node);
        let chapter = chapter
            .split('\n')
            .map(|line| if line.starts_with("##") { &line[1..] } else { line })
            .collect::<Vec<_>>()
            .join("\n");
        let chapter = crate::extract::profiles::restore_note_calls(chapter.trim());
        if !chapter.is_empty() {
            blocks.raw(chapter);
        }
    }
    blocks.markdown()
}

/// A note's text without its number and its link back to the call.
fn note_text(note: &Selection) -> String {
    for link in note.select("a").iter() {
        let text = link.text();
        let back = has_token(&link, "role", &["doc-backlink"])
            || has_token(&link, "epub:type", &["backlink"])
            || has_token(&link, "class", &["footnote-back"]);
        if back || text.trim().chars().all(|c| c.is_ascii_digit() || "[]().↩ ".contains(c)) {
            link.remove();
        }
    }
    let text = note.text().split_whitespace().collect::<Vec<_>>().join(" ");
    // A number typed before the note's text (`1. La note`).
    let trimmed = text.trim_start_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < text.len() && trimmed.starts_with(['.', ' ', ')']) {
        return trimmed.trim_start_matches(['.', ')', ' ']).to_string();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_in_a_notes_chapter_are_numbered_as_called() {
        let chapter = Document::from(
            "<html><body><h1>Chapitre</h1><p>Un texte<a epub:type=\"noteref\" href=\"notes.xhtml#n2\">a</a> \
             et un autre<a role=\"doc-noteref\" href=\"notes.xhtml#n1\">b</a>.</p></body></html>",
        );
        let notes = Document::from(
            "<html><body><h1>Notes</h1><aside epub:type=\"endnote\" id=\"n1\"><p><a href=\"c.xhtml\">1</a> Première.</p></aside>\
             <aside epub:type=\"endnote\" id=\"n2\"><p>2. Seconde.</p></aside></body></html>",
        );
        let out = markdown_of(&[("c.xhtml".into(), chapter), ("notes.xhtml".into(), notes)]);
        assert_eq!(
            out,
            "# Chapitre\n\nUn texte[^1] et un autre[^2].\n\n# Notes\n\n[^1]: Seconde.\n[^2]: Première."
        );
    }

    #[test]
    fn fonts_obfuscated_are_no_drm() {
        assert!(!encrypts_text("<enc:CipherReference URI=\"OEBPS/fonts/a.otf\"/>"));
        assert!(encrypts_text("<enc:CipherReference URI=\"OEBPS/text/ch1.xhtml\"/>"));
    }
}

#[cfg(test)]
mod fixture {
    use super::*;

    #[test]
    fn the_fixture_gives_metadata_chapters_and_the_note() {
        let bytes = include_bytes!("../../../tests/fixtures/documents/tract.epub");
        let read = read(bytes, 1 << 24, Instant::now() + std::time::Duration::from_secs(60)).unwrap();
        assert_eq!(read.title.as_deref(), Some("L’eau des data centers"));
        assert_eq!(read.lang.as_deref(), Some("fr"));
        assert_eq!(read.authors, ["Collectif Rivière Claire"]);
        assert_eq!(read.published.as_deref(), Some("2025-03-14"));
        assert!(
            read.body.starts_with("# Ce que boivent les serveurs\n\nUn centre de données"),
            "{}",
            read.body
        );
        assert!(read.body.contains("déjà basses.[^1] Les élus"), "{}", read.body);
        assert!(read.body.contains("\n\n## Les promesses de l’industrie\n\n"), "{}", read.body);
        assert!(read.body.contains("\n\n# Que faire ?\n\n"), "{}", read.body);
        assert!(read.body.ends_with("[^1]: Chiffres de l’agence de l’eau Adour-Garonne, rapport de 2024."));
    }
}
