//! Texts a site links as word-processor or e-book files, read like its
//! PDFs: OpenDocument text (`.odt`), Word (`.docx`) and EPUB (`.epub`) give
//! a `document` article (title, authors and date from the file's metadata,
//! the text in Markdown with its headings, lists and notes as footnotes
//! `[^1]`), or a clear status (malformed, encrypted, over a limit).
//!
//! Each is a zip package (`package`, which caps what it inflates) of XML
//! parts: `odt` and `docx` walk their documented XML (`xml`) themselves,
//! `epub` reads its package with the `rbook` crate and its chapters (XHTML)
//! with the HTML reader's Markdown writer. They run in the PDF worker
//! (`pdf::worker`), under the same time and memory limits, and share its
//! [`Extracted`] and [`Status`].

mod docx;
mod epub;
mod odt;
mod package;
mod xml;

use std::time::{Duration, Instant};

use super::pdf::{self, Extracted, Limits, Status};
use package::{Package, PackageError};

/// The document formats read besides PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Odt,
    Docx,
    Epub,
    /// An OLE2 compound file: an encrypted Office document (Word puts
    /// encrypted `.docx` files in one) or an old binary `.doc`.
    Ole,
}

impl Format {
    /// The format of `bytes`, by their content (never by a file name).
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Some(Format::Ole);
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return None;
        }
        let mut package = Package::open(bytes, 1 << 20).ok()?;
        let mimetype = package.bytes("mimetype").ok().flatten().unwrap_or_default();
        let mimetype = String::from_utf8_lossy(&mimetype);
        match mimetype.trim() {
            "application/vnd.oasis.opendocument.text" => Some(Format::Odt),
            "application/epub+zip" => Some(Format::Epub),
            _ if package.has("word/document.xml") => Some(Format::Docx),
            _ => None,
        }
    }

    /// The file name extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Odt => "odt",
            Format::Docx => "docx",
            Format::Epub => "epub",
            Format::Ole => "doc",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Odt => "ODT",
            Format::Docx => "DOCX",
            Format::Epub => "EPUB",
            Format::Ole => "Office",
        }
    }
}

/// Whether bytes are a document veille reads: a PDF or one of [`Format`].
pub fn is_document(bytes: &[u8]) -> bool {
    pdf::is_pdf(bytes) || Format::sniff(bytes).is_some()
}

/// Whether a `Content-Type` names a format read here (PDF included).
pub fn is_document_type(content_type: &str) -> bool {
    let t = content_type.to_ascii_lowercase();
    [
        "application/pdf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/epub+zip",
    ]
    .iter()
    .any(|known| t.contains(known))
}

/// What a format's reader finds.
#[derive(Debug, Default)]
struct Read {
    title: Option<String>,
    authors: Vec<String>,
    /// `YYYY-MM-DD`.
    published: Option<String>,
    body: String,
    producer: Option<String>,
    /// The `dc:language` of the file's metadata.
    lang: Option<String>,
    /// Why reading stopped early (a time limit between chapters).
    stopped: Option<String>,
}

/// Extracts a document of one of [`Format`] in this process. Prefer
/// [`pdf::worker::extract`], which reads any document (PDFs too) in a
/// child process under the limits.
pub fn extract(bytes: &[u8], limits: &Limits) -> Extracted {
    let deadline = Instant::now() + Duration::from_secs_f64(limits.seconds);
    let Some(format) = Format::sniff(bytes) else {
        return Extracted::failed(Status::Unreadable("not a PDF, ODT, DOCX or EPUB file".into()));
    };
    // A quarter of the worker's memory for inflated parts leaves room for their trees.
    let max_inflated = limits.memory_megabytes.saturating_mul(1024 * 1024) / 4;
    let read = match format {
        Format::Ole => {
            return Extracted::failed(Status::Unreadable(
                "an encrypted Office file or an old binary Word file (.doc): not read; save it as .docx or .odt"
                    .into(),
            ));
        }
        Format::Odt => Package::open(bytes, max_inflated).and_then(|mut p| odt::read(&mut p)),
        Format::Docx => Package::open(bytes, max_inflated).and_then(|mut p| docx::read(&mut p)),
        Format::Epub => epub::read(bytes, max_inflated, deadline),
    };
    let read = match read {
        Ok(read) => read,
        Err(PackageError::Encrypted) => return Extracted::failed(Status::Encrypted),
        Err(PackageError::TooBig(megabytes)) => {
            return Extracted::failed(Status::Unreadable(format!(
                "{} over a limit: inflates to more than {megabytes} MB (a quarter of pdf_memory_megabytes)",
                format.name()
            )));
        }
        Err(e) => return Extracted::failed(Status::Unreadable(format!("malformed {}: {e}", format.name()))),
    };
    let status = if let Some(why) = read.stopped {
        Status::Partial(why)
    } else if read.body.trim().is_empty() {
        Status::Empty
    } else {
        Status::Ok
    };
    let (body, printed) = without_title_block(&read.body, &read.authors);
    // A day printed under the title is the publication's, where a word
    // processor's creation date is the file's; an EPUB's `dc:date` is its
    // publication date by definition.
    let published = match format {
        Format::Epub => read.published.or(printed),
        _ => printed.or(read.published),
    };
    let title = read.title.filter(|t| pdf::is_real_title(t));
    // An EPUB may print its title twice: on its title page and over its first chapter.
    let mut body = pdf::strip_title(&body, title.as_deref());
    let again = pdf::strip_title(&body, title.as_deref());
    if again.len() < body.len() {
        body = again;
    }
    // Without a title in the metadata, a first heading is the title.
    let (title, body) = match title {
        Some(title) => (Some(title), body),
        None => match first_heading(&body) {
            Some(heading) => {
                let body = pdf::strip_title(&body, Some(&heading));
                (Some(heading), body)
            }
            None => (None, body),
        },
    };
    Extracted {
        status,
        title,
        authors: read.authors,
        published,
        body,
        pages: 0,
        producer: read.producer,
        ocr: false,
        lang: read.lang,
    }
}

/// The body without the title block a word processor or pandoc sets above
/// the text (the authors' names, the date, each a paragraph of its own, as
/// the metadata already holds them), and the day that block prints.
fn without_title_block(markdown: &str, authors: &[String]) -> (String, Option<String>) {
    let names: Vec<String> = authors.iter().map(|a| a.to_lowercase()).collect();
    let is_names = |text: &str| {
        let parts: Vec<String> = text
            .split([',', ';', '&'])
            .flat_map(|p| p.split(" et "))
            .map(|p| p.trim().to_lowercase())
            .filter(|p| !p.is_empty())
            .collect();
        !parts.is_empty() && parts.iter().all(|p| names.contains(p))
    };
    let mut blocks: Vec<&str> = markdown.split("\n\n").collect();
    let mut printed = None;
    let mut at = 0;
    while at < blocks.len().min(4) {
        let block = blocks[at].trim();
        let plain = block.replace('\\', "");
        let day = (plain.chars().count() <= 40 && !plain.contains('\n'))
            .then(|| super::dates::parse_human(&plain))
            .flatten()
            .map(|d| d.to_string().chars().take(10).collect::<String>());
        if block.starts_with('#') {
            at += 1;
        } else if is_names(&plain) {
            blocks.remove(at);
        } else if let Some(day) = day.filter(|_| printed.is_none()) {
            printed = Some(day);
            blocks.remove(at);
        } else {
            break;
        }
    }
    (blocks.join("\n\n"), printed)
}

/// The text of a heading opening `markdown`, unescaped.
fn first_heading(markdown: &str) -> Option<String> {
    let first = markdown.lines().next()?;
    let text = first.strip_prefix('#')?.trim_start_matches('#').trim();
    let text = text.replace('\\', "");
    (!text.is_empty()).then_some(text)
}

/// `2024-07-09T10:00:00Z`, `2024-07-09` → `2024-07-09`; anything else: none.
fn iso_day(raw: &str) -> Option<String> {
    let day = raw.trim().get(..10)?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().map(|d| d.to_string())
}

/// Names of a metadata field that may hold several (`Jeanne Ferrand; Ana Lima`).
fn authors(raw: &[String]) -> Vec<String> {
    let parts: Vec<String> = raw
        .iter()
        .flat_map(|r| r.split([';', '&']))
        .flat_map(|p| p.split(" et "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for name in super::metadata::clean_authors(&parts) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The Markdown of a word-processor document, block by block: headings,
/// paragraphs and list items from raw text with note calls marked, the
/// notes numbered in the order they are called and written at the end.
#[derive(Debug, Default)]
struct Blocks {
    blocks: Vec<String>,
    /// Which blocks are list items (they follow each other without a blank line).
    items: Vec<bool>,
    notes: Vec<String>,
}

impl Blocks {
    fn push(&mut self, block: String, item: bool) {
        self.blocks.push(block);
        self.items.push(item);
    }

    fn heading(&mut self, level: usize, raw: &str) {
        let text = inline(raw);
        if !text.is_empty() {
            self.push(format!("{} {text}", "#".repeat(level.clamp(1, 6))), false);
        }
    }

    fn paragraph(&mut self, raw: &str) {
        let text = inline(raw);
        if !text.is_empty() {
            self.push(text, false);
        }
    }

    /// A list item: numbered (`1.`) when `number` is given, else `-`.
    fn item(&mut self, raw: &str, number: Option<usize>) {
        let text = inline(raw);
        if !text.is_empty() {
            let mark = number.map_or_else(|| "-".to_string(), |n| format!("{n}."));
            self.push(format!("{mark} {text}"), true);
        }
    }

    /// A block already in Markdown (an EPUB chapter).
    fn raw(&mut self, markdown: String) {
        self.push(markdown, false);
    }

    /// Registers a note's text; returns the call to put where it is called.
    fn note(&mut self, raw: &str) -> String {
        self.notes.push(inline(raw));
        let n = self.notes.len();
        format!("{}{n}{}", super::profiles::NOTE_MARK, super::profiles::NOTE_MARK)
    }

    fn markdown(self) -> String {
        // List items follow each other without a blank line.
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                let list = self.items[i] && self.items[i - 1];
                out.push_str(if list { "\n" } else { "\n\n" });
            }
            out.push_str(block);
        }
        if !self.notes.is_empty() {
            let notes: Vec<String> =
                self.notes.iter().enumerate().map(|(i, n)| format!("[^{}]: {n}", i + 1)).collect();
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&notes.join("\n"));
        }
        out
    }
}

/// Raw inline text to Markdown: NFC (as the HTML reader writes its text;
/// word processors keep what was typed, sometimes decomposed), whitespace
/// collapsed, control characters dropped, markup escaped, note marks made `[^1]`.
fn inline(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let text: String = raw.nfc().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    super::profiles::restore_note_calls(&pdf::layout::escape(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_make_markdown_with_numbered_notes() {
        let mut blocks = Blocks::default();
        blocks.heading(1, "Le  titre");
        let call = blocks.note("Une   note.");
        blocks.paragraph(&format!("Un texte{call} avec *étoiles*."));
        blocks.item("un", None);
        blocks.item("deux", None);
        blocks.paragraph("Puis :");
        blocks.item("premier", Some(1));
        blocks.item("second", Some(2));
        assert_eq!(
            blocks.markdown(),
            "# Le titre\n\nUn texte[^1] avec \\*étoiles\\*.\n\n- un\n- deux\n\nPuis :\n\n1. premier\n2. second\n\n[^1]: Une note."
        );
    }

    #[test]
    fn the_title_block_leaves_the_body_and_gives_its_day() {
        let authors = ["Anselme Perret".to_string(), "Ana Lima".to_string()];
        let (body, day) =
            without_title_block("Anselme Perret et Ana Lima\n\n22 mai 2024\n\n# Titre\n\nTexte.", &authors);
        assert_eq!((body.as_str(), day.as_deref()), ("# Titre\n\nTexte.", Some("2024-05-22")));
        let (body, day) = without_title_block("Anselme Perret écrit.\n\n2024-05-22", &authors);
        assert_eq!((body.as_str(), day), ("Anselme Perret écrit.\n\n2024-05-22", None));
    }

    #[test]
    fn days_and_authors_from_metadata() {
        assert_eq!(iso_day("2024-07-09T10:00:00Z").as_deref(), Some("2024-07-09"));
        assert_eq!(iso_day("juillet"), None);
        assert_eq!(authors(&["Jeanne Ferrand; Ana Lima".into()]), ["Jeanne Ferrand", "Ana Lima"]);
    }

    #[test]
    fn unknown_bytes_are_no_document() {
        assert_eq!(Format::sniff(b"<html>"), None);
        assert!(!is_document(b"PK\x03\x04garbage"));
        let out = extract(b"<html>", &Limits::default());
        assert_eq!(out.status, Status::Unreadable("not a PDF, ODT, DOCX or EPUB file".into()));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(extract(&ole, &Limits::default()).status.describe().unwrap().contains("encrypted Office"));
    }
}
