//! Texts published as PDF: from the file's bytes to a `document` article
//! (title, authors, date, the text in Markdown with its page breaks), or to
//! a clear status when the file cannot be read (encrypted, image only,
//! imposed booklet, malformed, over a limit).
//!
//! `glyphs` reads the file (the only user of the PDF parser), `layout`
//! restores reading order and paragraphs, `imposition` tells an imposed
//! booklet from other landscape sheets, `ocr` reads scanned pages with
//! tesseract, `worker` runs all of it in a child process under time and
//! memory limits, because a PDF parser meets files built to exhaust it.
//! The other documents a site links (ODT, DOCX, EPUB: `extract::document`)
//! share this module's [`Extracted`], [`Status`] and [`Limits`], and its worker.

mod child;
pub mod glyphs;
mod imposition;
pub mod layout;
pub mod ocr;
pub mod worker;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::corpus::{Article, Kind, PubDate, id_from_url};
use crate::extract::{dates, metadata};

/// Limits on the reading of one file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Pages read at most; the rest of a longer file is left out, and said so.
    pub max_pages: usize,
    /// Time for the whole extraction.
    pub seconds: f64,
    /// Memory the extraction may use (the child process's data segment).
    pub memory_megabytes: u64,
    /// Scanned pages are read by OCR when tesseract is installed.
    pub ocr: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_pages: 2_000, seconds: 60.0, memory_megabytes: 1_024, ocr: true }
    }
}

impl From<&crate::config::settings::Crawl> for Limits {
    fn from(crawl: &crate::config::settings::Crawl) -> Limits {
        Limits {
            max_pages: crawl.pdf_max_pages,
            seconds: crawl.pdf_seconds,
            memory_megabytes: crawl.pdf_memory_megabytes,
            ocr: crawl.ocr,
        }
    }
}

/// How the reading of a file ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "detail", rename_all = "kebab-case")]
pub enum Status {
    /// The whole text was read.
    Ok,
    /// Part of the text was read (a page or time limit).
    Partial(String),
    /// An imposed booklet (cahier): its pages are out of reading order.
    Imposed,
    /// Scanned pages: images, no text layer, and no OCR: the detail says
    /// why (tesseract missing, OCR turned off, OCR found no text).
    ImageOnly(String),
    /// No text and no image.
    Empty,
    Encrypted,
    Malformed(String),
    /// A document of another format that cannot be read; the detail names
    /// the format and the fault (`malformed DOCX: no word/document.xml`).
    Unreadable(String),
    TimedOut,
    OutOfMemory,
    /// The extraction failed otherwise (the child process died).
    Failed(String),
}

impl Status {
    /// Whether the text was read, at least in part.
    pub fn has_text(&self) -> bool {
        matches!(self, Status::Ok | Status::Partial(_))
    }

    /// What a user reads in the article's `status` and in logs; `None` when all went well.
    pub fn describe(&self) -> Option<String> {
        Some(match self {
            Status::Ok => return None,
            Status::Partial(why) => format!("partial: {why}"),
            Status::Imposed => {
                "imposed booklet (cahier): pages out of reading order, text not extracted".into()
            }
            Status::ImageOnly(why) => format!("image only, no text (scanned pages): {why}"),
            Status::Empty => "empty: no text and no image".into(),
            Status::Encrypted => "encrypted: a password is needed to read it".into(),
            Status::Malformed(why) => format!("malformed PDF: {why}"),
            Status::Unreadable(why) => why.clone(),
            Status::TimedOut => "extraction stopped: time limit reached".into(),
            Status::OutOfMemory => "extraction stopped: memory limit reached".into(),
            Status::Failed(why) => format!("extraction failed: {why}"),
        })
    }
}

/// What the extractor keeps of a PDF file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub status: Status,
    /// The title: the file's metadata, else the big type of its first page.
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// `YYYY-MM-DD`: a date printed on the first page, else the file's creation date.
    pub published: Option<String>,
    /// The text in Markdown, `<!-- page N -->` where page N starts.
    pub body: String,
    pub pages: usize,
    pub producer: Option<String>,
    /// The text was read from images of the pages by OCR.
    #[serde(default)]
    pub ocr: bool,
    /// The language the file declares (an ODT's, DOCX's or EPUB's
    /// `dc:language`), which its text may overrule (see [`crate::language`]).
    #[serde(default)]
    pub lang: Option<String>,
}

impl Extracted {
    pub fn failed(status: Status) -> Extracted {
        Extracted {
            status,
            title: None,
            authors: Vec::new(),
            published: None,
            body: String::new(),
            pages: 0,
            producer: None,
            ocr: false,
            lang: None,
        }
    }
}

/// Whether bytes are a PDF file (its header is within the first kilobyte).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-")
}

/// Extracts a PDF in this process. Prefer [`worker::extract`], which puts
/// the limits on a child process; this honours only the page limit and
/// checks the time between pages.
pub fn extract(bytes: &[u8], limits: &Limits) -> Extracted {
    let deadline = Instant::now() + Duration::from_secs_f64(limits.seconds);
    let read = match glyphs::read(bytes, limits.max_pages, Some(deadline)) {
        Ok(read) => read,
        Err(glyphs::ReadError::Encrypted) => return Extracted::failed(Status::Encrypted),
        Err(glyphs::ReadError::Malformed(why)) => return Extracted::failed(Status::Malformed(why)),
    };
    let layout = layout::layout(&read.pages);
    let scanned = layout.chars == 0 && !layout.imposed && read.pages.iter().any(|p| p.has_images);
    if scanned {
        return by_ocr(bytes, &read, None, limits, deadline);
    }
    // A scan with a few pages typeset (a cover, a colophon): its text
    // pages are read as text, its scanned pages by OCR. A text with a few
    // full-page pictures is not one (most of its pages hold text): OCR
    // would read the pictures into noise.
    let scanned_pages = read.pages.iter().filter(|p| is_scanned_page(p)).count();
    if !layout.imposed && scanned_pages > 0 && scanned_pages * 2 > read.pages.len() {
        let texts = read.pages.iter().map(|page| {
            (!is_scanned_page(page)).then(|| layout::layout(std::slice::from_ref(page)).markdown)
        });
        let mut out = by_ocr(bytes, &read, Some(texts.collect()), limits, deadline);
        if out.ocr {
            // The cover's big type is the title, as in a typeset file.
            out.title = out.title.or_else(|| layout.title.clone());
            out.body = strip_title(&out.body, out.title.as_deref());
        }
        return out;
    }
    let status = if layout.imposed {
        Status::Imposed
    } else if let (0, Some(why)) = (layout.chars, &read.stopped) {
        Status::Partial(why.clone())
    } else if layout.chars == 0 {
        Status::Empty
    } else if let Some(why) = &read.stopped {
        Status::Partial(why.clone())
    } else {
        Status::Ok
    };
    let title =
        read.info.title.as_deref().filter(|t| is_real_title(t)).map(str::to_string).or(layout.title.clone());
    let published = layout
        .first_page
        .lines()
        .take(30)
        .find_map(dates::parse_human)
        .map(|d| d.to_string().chars().take(10).collect())
        .or(read.info.created.clone());
    let authors = read.info.author.as_deref().map(split_authors).unwrap_or_default();
    let body =
        if status.has_text() { strip_title(&layout.markdown, title.as_deref()) } else { String::new() };
    Extracted {
        status,
        title,
        authors,
        published,
        body,
        pages: read.page_count,
        producer: read.info.producer,
        ocr: false,
        lang: None,
    }
}

/// A page that draws images and holds no text: a scanned page.
fn is_scanned_page(page: &glyphs::Page) -> bool {
    page.has_images && page.glyphs.iter().all(|g| g.text.trim().is_empty())
}

/// A scanned file (images, no text layer): its pages read by OCR, or a
/// status saying why they were not. `typeset`: the text of each page that
/// has a text layer (`None` for a page to read by OCR), when only some are
/// scanned.
fn by_ocr(
    bytes: &[u8],
    read: &glyphs::Read,
    typeset: Option<Vec<Option<String>>>,
    limits: &Limits,
    deadline: Instant,
) -> Extracted {
    let mut out = Extracted {
        status: Status::Ok,
        title: read.info.title.as_deref().filter(|t| is_real_title(t)).map(str::to_string),
        authors: read.info.author.as_deref().map(split_authors).unwrap_or_default(),
        published: read.info.created.clone(),
        body: String::new(),
        pages: read.page_count,
        producer: read.info.producer.clone(),
        ocr: false,
        lang: None,
    };
    if !limits.ocr {
        out.status = Status::ImageOnly("OCR is turned off (`ocr = false` in veille.toml's [crawl])".into());
        return out;
    }
    let engine = match ocr::Engine::find() {
        Ok(engine) => engine,
        Err(missing) => {
            out.status = Status::ImageOnly(missing.to_string());
            return out;
        }
    };
    let pages = read.page_count.min(limits.max_pages).min(read.pages.len());
    let typeset = typeset.unwrap_or_else(|| vec![None; pages]);
    let asked: Vec<(usize, Option<f32>)> = (0..pages)
        .filter(|&i| typeset.get(i).is_none_or(Option::is_none))
        .map(|i| (i + 1, read.pages[i].image_dpi))
        .collect();
    let read_pages = match engine.read(bytes, &asked, deadline) {
        Ok(read_pages) => read_pages,
        Err(e) => {
            out.status = Status::ImageOnly(format!("OCR failed: {e}"));
            return out;
        }
    };
    // Every page in order: its own text, or what OCR read of it (pages
    // past where OCR stopped are left out).
    let mut ocr_texts = read_pages.texts.iter();
    let mut texts = Vec::with_capacity(pages);
    for text in typeset.iter().take(pages) {
        match text {
            Some(text) => texts.push(ocr::PageText::Typeset(text.clone())),
            None => match ocr_texts.next() {
                Some(text) => texts.push(ocr::PageText::Read(text.clone())),
                None => break,
            },
        }
    }
    let markdown = ocr::markdown_of(&texts);
    if markdown.trim().is_empty() {
        out.status = match read_pages.stopped {
            Some(why) => Status::Partial(why),
            None => Status::ImageOnly("OCR found no text".into()),
        };
        return out;
    }
    out.ocr = true;
    out.published = markdown
        .lines()
        .take(30)
        .find_map(dates::parse_human)
        .map(|d| d.to_string().chars().take(10).collect())
        .or(out.published);
    out.body = markdown;
    out.status = match read_pages.stopped {
        Some(why) => Status::Partial(why),
        None if texts.len() < read.page_count => {
            Status::Partial(format!("stopped after {} of {} pages", texts.len(), read.page_count))
        }
        None => Status::Ok,
    };
    out
}

/// Metadata titles that are no title: empty, "untitled", a file name.
pub(crate) fn is_real_title(title: &str) -> bool {
    let t = title.trim().to_lowercase();
    !t.is_empty()
        && !["untitled", "sans titre", "titre", "document", "title", "microsoft word"].contains(&t.as_str())
        && !t.starts_with("microsoft word - ")
        && !is_file_name(&t)
}

/// A file name or path, as producers write into the title when the author
/// set none: `doc.html`, `brochure v2.docx`, `C:\tracts\tract.pdf`, `/tmp/x.ps`.
fn is_file_name(title: &str) -> bool {
    const EXTENSIONS: [&str; 24] = [
        "doc", "docx", "odt", "ott", "pdf", "indd", "rtf", "txt", "tex", "qxd", "html", "htm", "xhtml",
        "php", "asp", "aspx", "ps", "eps", "dvi", "md", "pages", "wpd", "sla", "pub",
    ];
    let last = title.rsplit(['/', '\\']).next().unwrap_or(title);
    last.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext))
        || title.starts_with('/')
        || title.get(1..3) == Some(":\\")
}

fn split_authors(raw: &str) -> Vec<String> {
    let parts: Vec<String> = raw
        .split([';', ',', '&'])
        .flat_map(|p| p.split(" et "))
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    metadata::clean_authors(&parts)
}

/// Takes the title off the body when the body starts with it.
pub(crate) fn strip_title(markdown: &str, title: Option<&str>) -> String {
    let Some(title) = title else { return markdown.to_string() };
    let norm =
        |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let first_end = markdown.find("\n\n").unwrap_or(markdown.len());
    let first = markdown[..first_end].trim_start_matches('#').trim();
    if !norm(title).is_empty() && norm(&first.replace('\\', "")) == norm(title) {
        markdown[first_end..].trim_start().to_string()
    } else {
        markdown.to_string()
    }
}

/// What the page that links a document says about it.
#[derive(Debug, Clone, Default)]
pub struct Link<'a> {
    /// The linking article's id.
    pub parent: Option<&'a str>,
    /// The link's text ("Télécharger la brochure").
    pub label: Option<&'a str>,
    pub parent_title: Option<&'a str>,
    pub parent_authors: &'a [String],
    pub parent_published: Option<PubDate>,
}

impl Extracted {
    /// The corpus article of a document at `url`, linked from `link`'s page.
    pub fn into_article(self, site: &str, url: &str, link: &Link) -> Article {
        let title = self
            .title
            .clone()
            .or_else(|| link.label.map(str::trim).filter(|l| l.chars().count() > 3).map(str::to_string))
            .or_else(|| link.parent_title.map(str::to_string))
            .unwrap_or_else(|| file_name(url));
        let mut article = Article::new(id_from_url(url), site, title);
        article.url = Some(url.to_string());
        article.canonical_url = Some(url.to_string());
        article.kind = Kind::Document;
        article.authors = if self.authors.is_empty() { link.parent_authors.to_vec() } else { self.authors };
        article.published =
            self.published.as_deref().and_then(|d| PubDate::parse(d).ok()).or(link.parent_published);
        article.body = self.body;
        if let Some(parent) = link.parent {
            article.extra.insert("parent".into(), toml::Value::String(parent.to_string()));
        }
        if self.pages > 0 {
            article.extra.insert("pages".into(), toml::Value::Integer(self.pages as i64));
        }
        if let Some(status) = self.status.describe() {
            article.extra.insert("status".into(), toml::Value::String(status));
        }
        if self.ocr {
            article.extra.insert("ocr".into(), toml::Value::Boolean(true));
        }
        article.lang = self.lang.filter(|l| !l.trim().is_empty());
        article
    }
}

/// The last segment of a URL's path, decoded: a title of last resort.
fn file_name(url: &str) -> String {
    let name = url::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)))
        .unwrap_or_default();
    let decoded = percent_decode(&name);
    if decoded.is_empty() { url.to_string() } else { decoded }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_metadata_titles() {
        assert_eq!(file_name("https://x.org/IMG/pdf/la%20brochure.pdf"), "la brochure.pdf");
        assert!(!is_real_title("Microsoft Word - tract.doc"));
        assert!(!is_real_title("untitled"));
        assert!(!is_real_title("Microsoft Word - brochure.docx"));
        assert!(!is_real_title("doc.html"));
        assert!(!is_real_title("tract v2.ODT"));
        assert!(!is_real_title("C:\\tracts\\tract.pdf"));
        assert!(!is_real_title("/tmp/sortie.ps"));
        assert!(is_real_title("L'eau et les data centers"));
        assert!(is_real_title("Briseurs de machines. Relire les luddites"));
    }

    #[test]
    fn authors_split_on_separators() {
        assert_eq!(
            split_authors("Claire Vaubourg et Jean Roux; Ana Lima"),
            ["Claire Vaubourg", "Jean Roux", "Ana Lima"]
        );
    }

    #[test]
    fn the_title_leaves_the_body() {
        assert_eq!(strip_title("# L’eau\n\nTexte.\n", Some("L'eau")), "Texte.\n");
        assert_eq!(strip_title("Texte.\n", Some("Autre")), "Texte.\n");
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let out = extract(b"%PDF-1.7\nnothing here", &Limits::default());
        assert!(matches!(out.status, Status::Malformed(_)), "{:?}", out.status);
    }
}
