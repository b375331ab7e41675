//! Typst embedded as a library: one compilation of a template with its
//! data files, all in memory, to a PDF. Only with the `brochure-pdf`
//! feature (Typst is half of veille's binary and of its build: a build
//! without it keeps every other format).

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::fonts;
use super::pdf::{Pdf, PdfError};

/// Compiles `source` with `files` readable at their paths, `today` as the
/// date, and the built-in fonts followed by `extra_fonts`.
pub fn compile(
    source: &str,
    files: Vec<(&str, Vec<u8>)>,
    today: chrono::NaiveDate,
    extra_fonts: &[Font],
) -> Result<Pdf, PdfError> {
    compile_world(&Memory::new(source, files, today).with_fonts(extra_fonts))
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

fn compile_world(world: &Memory) -> Result<Pdf, PdfError> {
    let document: PagedDocument =
        typst::compile(world).output.map_err(|errors| PdfError::Template(messages(&errors)))?;
    let pages = document.pages().len();
    let bytes = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| PdfError::Export(messages(&errors)))?;
    Ok(Pdf { bytes, pages })
}
