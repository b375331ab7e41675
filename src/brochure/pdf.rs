//! PDF brochures, typeset by Typst embedded as a library: a template
//! compiled into the binary (or the home's `corpus/brochure.typ`, with the
//! fonts of `corpus/fonts/`: a [`Look`]) reads the brochure as JSON data,
//! so articles are never parsed as markup. The "cahier" is a second
//! compilation placing the first PDF's pages 2-up on A4 landscape in
//! saddle-stitch order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::json;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::Brochure;
use super::blocks::blocks;
use super::fonts;
use super::typography::french;

/// The template built into veille.
pub const TEMPLATE: &str = include_str!("brochure.typ");
const CAHIER: &str = include_str!("cahier.typ");

/// Page size of the reading copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A5,
    A4,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the brochure template: {0}")]
    Template(String),
    #[error("PDF export: {0}")]
    Export(String),
}

/// A PDF and its number of pages.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// How a home's brochures look: its own template and fonts, when it has
/// them (`corpus/brochure.typ`, `corpus/fonts/`).
#[derive(Default)]
pub struct Look {
    pub template: Option<String>,
    /// The home's fonts, searched after the built-in ones.
    pub fonts: Vec<Font>,
}

impl Look {
    /// The look of the home whose corpus is `corpus_dir`.
    pub fn of_home(corpus_dir: &Path) -> Result<Look, super::BrochureError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| super::BrochureError::Io { path, source }
        };
        let template_path = corpus_dir.join("brochure.typ");
        let template = match std::fs::read_to_string(&template_path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&template_path)(e)),
        };
        let fonts_dir = corpus_dir.join("fonts");
        let fonts = fonts::in_dir(&fonts_dir).map_err(io(&fonts_dir))?;
        Ok(Look { template, fonts })
    }
}

/// The fonts a compilation sees, and their book.
struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl FontSet {
    fn new(fonts: Vec<Font>) -> FontSet {
        FontSet { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    }

    /// The built-in faces alone: built once.
    fn built_in() -> &'static FontSet {
        static SET: OnceLock<FontSet> = OnceLock::new();
        SET.get_or_init(|| FontSet::new(fonts::built_in().to_vec()))
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")).intern()
}

/// A Typst world holding one source and some data files, all in memory.
struct Memory {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: chrono::NaiveDate,
    /// The built-in faces and the home's, when it has some.
    own_fonts: Option<FontSet>,
}

impl Memory {
    fn new(source: &str, files: Vec<(&str, Vec<u8>)>, today: chrono::NaiveDate) -> Memory {
        let main = Source::new(file_id("/main.typ"), source.to_string());
        let files = files.into_iter().map(|(path, bytes)| (file_id(path), Bytes::new(bytes))).collect();
        Memory { main, files, today, own_fonts: None }
    }

    fn with_fonts(mut self, extra: &[Font]) -> Memory {
        if !extra.is_empty() {
            let all = fonts::built_in().iter().chain(extra).cloned().collect();
            self.own_fonts = Some(FontSet::new(all));
        }
        self
    }

    fn fonts(&self) -> &FontSet {
        self.own_fonts.as_ref().unwrap_or_else(|| FontSet::built_in())
    }
}

impl World for Memory {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}

fn compile(world: &Memory) -> Result<Pdf, PdfError> {
    let document: PagedDocument =
        typst::compile(world).output.map_err(|errors| PdfError::Template(messages(&errors)))?;
    let pages = document.pages().len();
    let bytes = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| PdfError::Export(messages(&errors)))?;
    Ok(Pdf { bytes, pages })
}

fn french_iso(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(super::typography::date)
        .unwrap_or_else(|_| date.to_string())
}

/// The brochure as the template's data.
pub fn data(b: &Brochure, paper: Paper) -> serde_json::Value {
    let articles: Vec<_> = b
        .articles
        .iter()
        .map(|a| {
            json!({
                "title": french(&a.title),
                "subtitle": a.subtitle.as_deref().map(french),
                "authors": french(&a.authors.join(", ")),
                "site": a.head_site(),
                "date": a.published.as_deref().map(french_iso),
                "url": a.url,
                "archived": a.archived.as_deref().map(french_iso),
                "also": a.also,
                "body": blocks(&a.body),
            })
        })
        .collect();
    let colophon = format!(
        "Brochure compilée avec veille le {}{}. Les textes restent à leurs auteurs ; les adresses de la page des sources disent où les lire.",
        super::typography::date(b.date),
        if b.collective.is_empty() { String::new() } else { format!(" par {}", b.collective) }
    );
    json!({
        "title": french(&b.title),
        "subtitle": b.subtitle.as_deref().map(french),
        "collective": french(&b.collective),
        "date": super::typography::date(b.date),
        "paper": match paper { Paper::A5 => "a5", Paper::A4 => "a4" },
        "lang": b.lang,
        "intro": b.intro.as_deref().map(blocks),
        "pad": 0,
        "timeline": b.timeline.iter().map(|(m, n)| json!({"month": m, "n": n})).collect::<Vec<_>>(),
        "labels": {
            "contents": "Sommaire",
            "intro": "Introduction",
            "sources": "Sources",
            "archived": "archivé le",
            "also": "repris aussi sur",
            "timeline": "Articles par mois",
            "colophon": french(&colophon),
        },
        "articles": articles,
    })
}

/// The reading copy ("page par page"), with the home's template and
/// fonts when it has some. Its page count is made a multiple of 4 (a
/// booklet's sheets hold 4 pages): a first compilation counts the pages, a
/// second one adds the blank pages still needed.
pub fn page_par_page(b: &Brochure, paper: Paper, look: &Look) -> Result<Pdf, PdfError> {
    let mut data = data(b, paper);
    let run = |data: &serde_json::Value| {
        let bytes = serde_json::to_vec(data).expect("JSON serialises");
        let template = look.template.as_deref().unwrap_or(TEMPLATE);
        compile(&Memory::new(template, vec![("/data.json", bytes)], b.date).with_fonts(&look.fonts))
    };
    let first = run(&data)?;
    let pad = (4 - first.pages % 4) % 4;
    if pad == 0 {
        return Ok(first);
    }
    data["pad"] = json!(pad);
    run(&data)
}

/// Sides of the cahier in printing order: (left page, right page), 1-based.
pub fn imposition(pages: usize) -> Vec<(usize, usize)> {
    let n = pages.div_ceil(4) * 4;
    let mut sides = Vec::with_capacity(n / 2);
    for i in 0..n / 4 {
        sides.push((n - 2 * i, 2 * i + 1));
        sides.push((2 * i + 2, n - 2 * i - 1));
    }
    sides
}

/// The cahier: the reading copy imposed 2-up on A4 landscape.
pub fn cahier(reading: &Pdf, title: &str, today: chrono::NaiveDate) -> Result<Pdf, PdfError> {
    let sides: Vec<[usize; 2]> = imposition(reading.pages).into_iter().map(|(l, r)| [l, r]).collect();
    let sheets =
        serde_json::to_vec(&json!({"title": format!("{title} (cahier)"), "sides": sides})).expect("JSON");
    let world =
        Memory::new(CAHIER, vec![("/sheets.json", sheets), ("/brochure.pdf", reading.bytes.clone())], today);
    compile(&world)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saddle_stitch_order() {
        assert_eq!(imposition(8), [(8, 1), (2, 7), (6, 3), (4, 5)]);
        assert_eq!(imposition(4), [(4, 1), (2, 3)]);
        assert_eq!(imposition(12).len(), 6);
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(french_iso("2026-03-01"), "1er\u{a0}mars 2026");
        assert_eq!(french_iso("2025-08-15"), "15\u{a0}août 2025");
    }
}
