//! A small PDF writer for the tests: text in Helvetica (WinAnsi, so French
//! accents work) at given places, images, odd page sizes, and the hostile
//! files the extractor must survive (encrypted, truncated, a stream that
//! inflates to hundreds of megabytes). Written here so that fixtures are
//! made by the project and every byte of them is known.

#![allow(dead_code)]

use std::io::Write;

/// One line of text: x from the left, y from the top, font size.
#[derive(Clone)]
pub struct Line {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

pub fn line(x: f32, y: f32, size: f32, text: &str) -> Line {
    Line { x, y, size, text: text.to_string() }
}

#[derive(Clone, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub lines: Vec<Line>,
    /// Draw an 8×8 grey image over the page (a scan).
    pub image: bool,
    /// Content stream bytes inflating to this many zeros (a decompression bomb).
    pub bomb: Option<usize>,
}

impl Page {
    pub fn a4(lines: Vec<Line>) -> Page {
        Page { width: 595.0, height: 842.0, lines, ..Default::default() }
    }
}

#[derive(Default)]
pub struct Pdf {
    pub pages: Vec<Page>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Adds an `/Encrypt` dictionary whose password is not empty.
    pub encrypted: bool,
}

fn win_ansi(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let mut out = Vec::new();
    for &b in bytes.iter() {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

fn pdf_string(text: &str) -> Vec<u8> {
    // UTF-16BE with a BOM, as hex: any text survives.
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex.into_bytes()
}

impl Pdf {
    pub fn bytes(&self) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        // 1: catalog, 2: pages, 3: font, 4: image, 5: info; pages from 6.
        let page_ids: Vec<usize> = (0..self.pages.len()).map(|i| 6 + 2 * i).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        let kids: String = page_ids.iter().map(|id| format!("{id} 0 R ")).collect();
        objects.push(format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", self.pages.len()).into_bytes());
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        );
        let mut image = b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 64 >>\nstream\n".to_vec();
        image.extend_from_slice(&[0x80; 64]);
        image.extend_from_slice(b"\nendstream");
        objects.push(image);
        let mut info = b"<< /Producer (veille tests)".to_vec();
        if let Some(title) = &self.title {
            info.extend_from_slice(b" /Title ");
            info.extend_from_slice(&pdf_string(title));
        }
        if let Some(author) = &self.author {
            info.extend_from_slice(b" /Author ");
            info.extend_from_slice(&pdf_string(author));
        }
        info.extend_from_slice(b" /CreationDate (D:20250211093000+01'00') >>");
        objects.push(info);
        for (i, page) in self.pages.iter().enumerate() {
            let content_id = page_ids[i] + 1;
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents {content_id} 0 R >>",
                    page.width, page.height
                )
                .into_bytes(),
            );
            let mut content = Vec::new();
            if page.image {
                content.extend_from_slice(
                    format!("q {} 0 0 {} 0 0 cm /Im1 Do Q\n", page.width, page.height).as_bytes(),
                );
            }
            for l in &page.lines {
                content.extend_from_slice(
                    format!("BT /F1 {} Tf {} {} Td (", l.size, l.x, page.height - l.y).as_bytes(),
                );
                content.extend_from_slice(&win_ansi(&l.text));
                content.extend_from_slice(b") Tj ET\n");
            }
            let stream = match page.bomb {
                Some(zeros) => {
                    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
                    let chunk = vec![b' '; 1 << 20];
                    for _ in 0..zeros / chunk.len() {
                        z.write_all(&chunk).unwrap();
                    }
                    let data = z.finish().unwrap();
                    let mut s =
                        format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", data.len()).into_bytes();
                    s.extend_from_slice(&data);
                    s.extend_from_slice(b"\nendstream");
                    s
                }
                None => {
                    let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
                    s.extend_from_slice(&content);
                    s.extend_from_slice(b"\nendstream");
                    s
                }
            };
            objects.push(stream);
        }
        let encrypt_id = objects.len() + 1;
        if self.encrypted {
            objects.push(
                format!(
                    "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <{}> /U <{}> >>",
                    "A5".repeat(32),
                    "5A".repeat(32)
                )
                .into_bytes(),
            );
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, object) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(object);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        let encrypt = if self.encrypted {
            format!(" /Encrypt {encrypt_id} 0 R /ID [<{0}> <{0}>]", "0123456789ABCDEF0123456789ABCDEF")
        } else {
            String::new()
        };
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// Body text set in lines of about `width` characters, from `top`, 14 points apart.
pub fn paragraph_lines(text: &str, x: f32, top: f32, width: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.iter().enumerate().map(|(i, l)| line(x, top + 14.0 * i as f32, 11.0, l)).collect()
}
