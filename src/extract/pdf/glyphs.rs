//! Reading a PDF file into positioned glyphs, page by page, with its
//! metadata: the only place the PDF parser (`pdf-extract` over `lopdf`) is
//! used. Everything about reading order lives in `layout`.

use std::time::Instant;

use pdf_extract::{Document, MediaBox, Object, OutputDev, OutputError, Transform};

/// One character drawn on a page, in page space with y growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    /// Left edge and baseline.
    pub x: f32,
    pub y: f32,
    /// Advance width.
    pub width: f32,
    /// Font size as drawn (text matrix applied).
    pub size: f32,
}

/// One page: its size and its glyphs in content-stream order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    /// The page draws at least one image.
    pub has_images: bool,
    /// The resolution of its biggest image across the page (a scan's), in
    /// dots per inch: OCR renders the page at it.
    pub image_dpi: Option<f32>,
}

/// The document information dictionary, as far as veille uses it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub title: Option<String>,
    pub author: Option<String>,
    /// `CreationDate` as `YYYY-MM-DD`.
    pub created: Option<String>,
    pub producer: Option<String>,
}

/// Why a file gave no glyphs at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("encrypted PDF (a password is needed to read it)")]
    Encrypted,
    #[error("malformed PDF: {0}")]
    Malformed(String),
}

/// What was read of a file.
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub info: Info,
    /// All pages of the file.
    pub page_count: usize,
    /// The pages read (fewer than `page_count` when a limit stopped the reading).
    pub pages: Vec<Page>,
    /// Why reading stopped before the last page.
    pub stopped: Option<String>,
}

/// Reads at most `max_pages` pages, stopping between pages once `deadline` has passed.
pub fn read(bytes: &[u8], max_pages: usize, deadline: Option<Instant>) -> Result<Read, ReadError> {
    if !bytes.starts_with(b"%PDF-") && !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ReadError::Malformed("no %PDF- header".into()));
    }
    let mut doc = Document::load_mem(bytes).map_err(|e| {
        // The parser fails on some encryption dictionaries before it can be asked for a password.
        if bytes.windows(8).any(|w| w == b"/Encrypt") {
            ReadError::Encrypted
        } else {
            ReadError::Malformed(e.to_string())
        }
    })?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        // Many PDFs are encrypted only to set permissions, with an empty user password.
        return Err(ReadError::Encrypted);
    }
    expand_cid_widths(&mut doc);
    let info = info(&doc);
    let ids = doc.get_pages();
    let mut read = Read { info, page_count: ids.len(), ..Default::default() };
    for (&number, &id) in &ids {
        if read.pages.len() >= max_pages {
            read.stopped = Some(format!("stopped after {max_pages} of {} pages", ids.len()));
            break;
        }
        if deadline.is_some_and(|d| Instant::now() > d) {
            read.stopped =
                Some(format!("time limit reached after {} of {} pages", read.pages.len(), ids.len()));
            break;
        }
        let mut collector = Collector::default();
        // A page the parser cannot draw is kept empty: one broken page must not lose the others.
        if let Err(e) = pdf_extract::output_doc_page(&doc, &mut collector, number) {
            tracing::debug!("page {number}: {e}");
        }
        let mut page = collector.page;
        let images = doc.get_page_images(id).unwrap_or_default();
        let side = page.width.max(page.height) / 72.0;
        page.image_dpi = images
            .iter()
            .max_by_key(|i| i.width.saturating_mul(i.height))
            .map(|i| i.width.max(i.height) as f32 / side)
            .filter(|dpi| dpi.is_finite() && *dpi > 0.0);
        page.has_images = !images.is_empty() || has_xobject_image(&doc, id);
        read.pages.push(page);
    }
    Ok(read)
}

/// Rewrites the `c_first c_last width` runs of CID fonts' `W` arrays as
/// `c_first [width …]`. pdf-extract 0.12 reads only the second form and
/// takes width 0 for the first, which Typst writes: every glyph of a word
/// would then sit at the word's start.
fn expand_cid_widths(doc: &mut Document) {
    let fonts: Vec<pdf_extract::ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_dict().is_ok_and(|d| {
                d.get(b"W").is_ok()
                    && d.get(b"Subtype")
                        .and_then(Object::as_name)
                        .is_ok_and(|n| n.starts_with(b"CIDFontType"))
            })
        })
        .map(|(id, _)| *id)
        .collect();
    for id in fonts {
        let w = match doc.get_dictionary(id).and_then(|d| d.get(b"W")) {
            Ok(Object::Reference(r)) => doc.get_object(*r).and_then(|o| o.as_array()).cloned(),
            Ok(Object::Array(a)) => Ok(a.clone()),
            _ => continue,
        };
        let Ok(w) = w else { continue };
        let mut out = Vec::with_capacity(w.len());
        let mut i = 0;
        while i < w.len() {
            match (w.get(i), w.get(i + 1), w.get(i + 2)) {
                (Some(first), Some(Object::Array(widths)), _) => {
                    out.push(first.clone());
                    out.push(Object::Array(widths.clone()));
                    i += 2;
                }
                (Some(first), Some(last), Some(width)) => {
                    let (Ok(a), Ok(b)) = (first.as_i64(), last.as_i64()) else { return };
                    if b < a || b - a > 65_535 {
                        return;
                    }
                    out.push(Object::Integer(a));
                    out.push(Object::Array(vec![width.clone(); (b - a + 1) as usize]));
                    i += 3;
                }
                _ => break,
            }
        }
        if let Ok(dict) = doc.get_dictionary_mut(id) {
            dict.set("W", Object::Array(out));
        }
    }
}

/// Images drawn through a form XObject or an inline image do not show in
/// `get_page_images`; a page whose resources name any image counts too.
fn has_xobject_image(doc: &Document, page: pdf_extract::ObjectId) -> bool {
    let Ok((resources, more)) = doc.get_page_resources(page) else { return false };
    let dictionaries = resources.into_iter().chain(more.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    for resources in dictionaries {
        let Ok(xobjects) = resources.get(b"XObject").and_then(|o| deref(doc, o).as_dict()) else { continue };
        for (_, object) in xobjects.iter() {
            if let Ok(stream) = deref(doc, object).as_stream()
                && stream.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image")
            {
                return true;
            }
        }
    }
    false
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

fn info(doc: &Document) -> Info {
    let Some(dict) = doc.trailer.get(b"Info").ok().map(|o| deref(doc, o)).and_then(|o| o.as_dict().ok())
    else {
        return Info::default();
    };
    let text = |key: &[u8]| {
        dict.get(key)
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| pdf_extract::decode_text_string(o).ok())
            .map(|s| s.replace('\0', "").trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Info {
        title: text(b"Title"),
        author: text(b"Author"),
        created: text(b"CreationDate").and_then(|d| pdf_date(&d)),
        producer: text(b"Producer").or_else(|| text(b"Creator")),
    }
}

/// `D:20240709120000+02'00'` → `2024-07-09`.
fn pdf_date(raw: &str) -> Option<String> {
    let digits: String = raw.trim_start_matches("D:").chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    let (y, m, d) = (&digits[0..4], &digits[4..6], &digits[6..8]);
    chrono::NaiveDate::parse_from_str(&format!("{y}-{m}-{d}"), "%Y-%m-%d").ok().map(|date| date.to_string())
}

/// Collects one page's glyphs.
#[derive(Default)]
struct Collector {
    page: Page,
    flip: Option<Transform>,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _number: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page.width = (media_box.urx - media_box.llx).abs() as f32;
        self.page.height = (media_box.ury - media_box.lly).abs() as f32;
        self.flip = Some(Transform::row_major(1., 0., 0., -1., -media_box.llx, media_box.ury));
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let Some(flip) = &self.flip else { return Ok(()) };
        let position = trm.post_transform(flip);
        // The side of the square with the area of the font's scaled em box.
        let sx = font_size * trm.m11 + font_size * trm.m21;
        let sy = font_size * trm.m12 + font_size * trm.m22;
        let size = (sx * sy).abs().sqrt();
        if !size.is_finite() || size <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let (mut x, mut y) = (position.m31 as f32, position.m32 as f32);
        // Upside-down text (booklet makers turn one side of a sheet, or every
        // other page, for duplex printing) is read as if the page were turned:
        // its glyphs then run left to right again, and its rows keep their order.
        if trm.m11 < 0.0 && trm.m22 < 0.0 && trm.m12.abs() < 1e-6 && trm.m21.abs() < 1e-6 {
            x = self.page.width - x;
            y = self.page.height - y;
        }
        self.page.glyphs.push(Glyph {
            text: unswapped_ligature(text).unwrap_or_else(|| text.to_string()),
            x,
            y,
            width: (width * size) as f32,
            size: size as f32,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Ghostscript's pdfwrite writes the ToUnicode value of a ligature in the
/// wrong byte order (`<66006900>` for "fi"), which reads as two CJK
/// characters (`昀椀`). A glyph of two or more characters that are all ASCII
/// letters shifted by eight bits is that mistake.
fn unswapped_ligature(text: &str) -> Option<String> {
    let swapped: Option<String> = text
        .chars()
        .map(|c| {
            let c = c as u32;
            let low = (c >> 8) as u8;
            (c & 0xff == 0 && low.is_ascii_alphabetic()).then_some(low as char)
        })
        .collect();
    swapped.filter(|s| s.chars().count() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_in_the_wrong_byte_order_are_read_back() {
        assert_eq!(unswapped_ligature("昀椀").as_deref(), Some("fi"));
        assert_eq!(unswapped_ligature("昀昀氀").as_deref(), Some("ffl"));
        assert_eq!(unswapped_ligature("fi"), None);
        assert_eq!(unswapped_ligature("昀"), None);
        assert_eq!(unswapped_ligature("中文"), None);
    }

    #[test]
    fn pdf_dates_become_iso_dates() {
        assert_eq!(pdf_date("D:20240709120000+02'00'").as_deref(), Some("2024-07-09"));
        assert_eq!(pdf_date("2024"), None);
        assert_eq!(pdf_date("D:20241340"), None);
    }

    #[test]
    fn bytes_without_a_pdf_header_are_refused() {
        assert!(matches!(read(b"<html>", 10, None), Err(ReadError::Malformed(_))));
    }
}
