//! PDF brochures: what the template reads and how pages are imposed. A
//! template compiled into the binary (or the home's `corpus/brochure.typ`,
//! with the fonts of `corpus/fonts/`: a [`Look`]) reads the brochure as JSON
//! data, so articles are never parsed as markup; Typst typesets it
//! ([`super::typeset`], the `brochure-pdf` feature, on by default). The
//! "cahier" is a second compilation placing the first PDF's pages 2-up on
//! A4 landscape in saddle-stitch order.

use std::path::Path;

use serde_json::json;

use super::Brochure;
use super::blocks::blocks;
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
    #[error(
        "this veille was built without PDF brochures: build it with the default features \
         (cargo install --path .), or ask for --format html, markdown or epub"
    )]
    NotBuilt,
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
    #[cfg(feature = "brochure-pdf")]
    pub fonts: Vec<typst::text::Font>,
}

impl Look {
    /// The look of the home whose corpus is `corpus_dir`.
    pub fn of_home(corpus_dir: &Path) -> Result<Look, super::BrochureError> {
        let path = corpus_dir.join("brochure.typ");
        let template = crate::home::read_if_present(&path)
            .map_err(|source| super::BrochureError::Io { path: path.clone(), source })?;
        #[cfg(feature = "brochure-pdf")]
        {
            let fonts = super::fonts::in_dir(&corpus_dir.join("fonts"))?;
            Ok(Look { template, fonts })
        }
        #[cfg(not(feature = "brochure-pdf"))]
        Ok(Look { template })
    }
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
        typeset(template, vec![("/data.json", bytes)], b.date, look)
    };
    let first = run(&data)?;
    let pad = (4 - first.pages % 4) % 4;
    if pad == 0 {
        return Ok(first);
    }
    data["pad"] = json!(pad);
    run(&data)
}

#[cfg(feature = "brochure-pdf")]
fn typeset(
    source: &str,
    files: Vec<(&str, Vec<u8>)>,
    today: chrono::NaiveDate,
    look: &Look,
) -> Result<Pdf, PdfError> {
    super::typeset::compile(source, files, today, &look.fonts)
}

#[cfg(not(feature = "brochure-pdf"))]
fn typeset(_: &str, _: Vec<(&str, Vec<u8>)>, _: chrono::NaiveDate, _: &Look) -> Result<Pdf, PdfError> {
    Err(PdfError::NotBuilt)
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
    typeset(
        CAHIER,
        vec![("/sheets.json", sheets), ("/brochure.pdf", reading.bytes.clone())],
        today,
        &Look::default(),
    )
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
