//! The EPUB brochure: an EPUB 3 zip with a cover page, the navigation
//! document, the introduction, one XHTML chapter per article, and the
//! sources with the colophon. Chapters share their HTML with the HTML
//! brochure (`html.rs`), so escaping and link rules are the same; what this
//! file owns is the container: `mimetype` first and stored, `container.xml`,
//! the package document, the navigation, and well-formed XHTML around it all.
//!
//! The output is reproducible: same brochure, same bytes (entry dates are the
//! brochure's date, the identifier is derived from the article ids).

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::html::{self, BodyStyle, escape};
use super::model::Brochure;
use super::typography;

const CONTAINER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

/// EPUB additions to the shared content CSS: no page size (the reader
/// decides), a title page, notes kept small.
const EPUB_CSS: &str = r#"body { margin: 0 0.5em; }
.cover { margin-top: 20%; }
nav ol { list-style: none; padding-left: 0; }
nav li { margin: 0.4em 0; }
nav[epub|type~="landmarks"] { display: none; }
"#;

/// One file of the book, under `OEBPS/`.
struct Item {
    id: String,
    href: String,
    media_type: &'static str,
    properties: Option<&'static str>,
    /// In the reading order.
    spine: bool,
    content: String,
}

impl Item {
    fn xhtml(id: &str, content: String) -> Self {
        Item {
            id: id.to_string(),
            href: format!("{id}.xhtml"),
            media_type: "application/xhtml+xml",
            properties: None,
            spine: true,
            content,
        }
    }
}

/// The brochure as an EPUB 3 file.
pub fn write(b: &Brochure) -> std::io::Result<Vec<u8>> {
    let items = items(b);
    let time = zip_time(b.date);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // OCF: `mimetype` first, stored, so that `file(1)` and readers recognise
    // the book from its first bytes.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(CONTAINER.as_bytes())?;
    zip.start_file("OEBPS/content.opf", deflated)?;
    zip.write_all(package(b, &items).as_bytes())?;
    for item in &items {
        zip.start_file(format!("OEBPS/{}", item.href), deflated)?;
        zip.write_all(item.content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Entry dates: the brochure's date (zip dates start in 1980).
fn zip_time(date: NaiveDate) -> zip::DateTime {
    u16::try_from(date.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(year, date.month() as u8, date.day() as u8, 0, 0, 0).ok()
        })
        .unwrap_or_default()
}

/// The book's identifier: a UUID (version 8, custom) from the ids of its
/// articles, so that a brochure compiled again is the same book to readers.
fn identifier(b: &Brochure) -> String {
    let mut hash = Sha256::new();
    hash.update(b"veille brochure\n");
    for p in &b.articles {
        hash.update(p.id.as_bytes());
        hash.update(b"\n");
    }
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.finalize()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// An XHTML content document around `body`.
fn xhtml(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         xml:lang=\"{lang}\" lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// Every file under `OEBPS/` but the package document, in reading order.
fn items(b: &Brochure) -> Vec<Item> {
    let fr = typography::is_french(&b.lang);
    let lang = escape(html::lang_tag(&b.lang));
    let title = html::brochure_title(b, fr);
    let mut items = Vec::new();

    let mut cover = String::from("<section class=\"cover\" epub:type=\"cover titlepage\">\n");
    let collective = html::prose(&b.collective, fr);
    if !collective.is_empty() {
        let _ = writeln!(cover, "<p class=\"collective\">{collective}</p>");
    }
    let _ = writeln!(cover, "<h1 class=\"title\">{title}</h1>");
    if let Some(subtitle) = b.subtitle.as_deref().map(|s| html::prose(s, fr)).filter(|s| !s.is_empty()) {
        let _ = writeln!(cover, "<p class=\"subtitle\">{subtitle}</p>");
    }
    let _ = writeln!(cover, "<p class=\"date\">{}</p>\n</section>", escape(&typography::date(b.date)));
    items.push(Item::xhtml("cover", xhtml(&lang, &title, &cover)));

    // The table of contents, filled once the chapters are known.
    let nav_index = items.len();
    items.push(Item { properties: Some("nav"), ..Item::xhtml("nav", String::new()) });

    let mut toc: Vec<(String, String)> = Vec::new();
    if let Some(intro) = b.intro.as_deref().filter(|i| !i.trim().is_empty()) {
        let style = BodyStyle { xhtml: true, id_prefix: "intro", french: fr, heading_shift: 1 };
        let body = format!(
            "<section class=\"intro\" id=\"introduction\" epub:type=\"introduction\">\n{}</section>\n",
            html::body_html_with(intro, style)
        );
        items.push(Item::xhtml("intro", xhtml(&lang, "Introduction", &body)));
        toc.push(("intro.xhtml".into(), "Introduction".into()));
    }
    for (i, p) in b.articles.iter().enumerate() {
        let n = i + 1;
        let id = format!("chapter-{n}");
        let body = html::article_html(p, n, 1, fr, true);
        let piece_title = html::piece_title(p, fr);
        items.push(Item::xhtml(&id, xhtml(&lang, &piece_title, &body)));
        toc.push((format!("{id}.xhtml"), piece_title));
    }
    let sources = format!(
        "{}<footer class=\"colophon\">\n{}\n</footer>\n",
        html::sources_html(b, 1, fr),
        html::colophon_html(b, fr)
    );
    items.push(Item::xhtml("sources", xhtml(&lang, "Sources", &sources)));
    toc.push(("sources.xhtml".into(), "Sources".into()));

    let mut nav = String::from("<nav epub:type=\"toc\" id=\"toc\">\n<h1>Sommaire</h1>\n<ol>\n");
    for (href, label) in &toc {
        let _ = writeln!(nav, "<li><a href=\"{href}\">{label}</a></li>");
    }
    nav.push_str("</ol>\n</nav>\n");
    let start = if b.articles.is_empty() { "sources.xhtml" } else { "chapter-1.xhtml" };
    let _ = write!(
        nav,
        "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>Repères</h2>\n<ol>\n\
         <li><a epub:type=\"cover\" href=\"cover.xhtml\">Couverture</a></li>\n\
         <li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">Sommaire</a></li>\n\
         <li><a epub:type=\"bodymatter\" href=\"{start}\">Début</a></li>\n</ol>\n</nav>\n"
    );
    items[nav_index].content = xhtml(&lang, "Sommaire", &nav);

    items.push(Item {
        id: "css".into(),
        href: "style.css".into(),
        media_type: "text/css",
        properties: None,
        spine: false,
        content: format!(
            "@namespace epub \"http://www.idpf.org/2007/ops\";\n{}{EPUB_CSS}",
            html::CONTENT_CSS
        ),
    });
    items
}

/// The package document: metadata, manifest, reading order.
fn package(b: &Brochure, items: &[Item]) -> String {
    let fr = typography::is_french(&b.lang);
    let lang = escape(html::lang_tag(&b.lang));
    let mut opf = String::new();
    let _ = write!(
        opf,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{lang}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         <dc:identifier id=\"uid\">{}</dc:identifier>\n\
         <dc:title>{}</dc:title>\n\
         <dc:language>{lang}</dc:language>\n",
        identifier(b),
        html::brochure_title(b, fr)
    );
    let collective = html::prose(&b.collective, fr);
    if !collective.is_empty() {
        let _ = writeln!(opf, "<dc:creator>{collective}</dc:creator>");
    }
    if let Some(subtitle) = b.subtitle.as_deref().map(|s| html::prose(s, fr)).filter(|s| !s.is_empty()) {
        let _ = writeln!(opf, "<dc:description>{subtitle}</dc:description>");
    }
    let date = b.date.format("%Y-%m-%d");
    let _ = writeln!(opf, "<dc:date>{date}</dc:date>");
    let _ = writeln!(opf, "<meta property=\"dcterms:modified\">{date}T00:00:00Z</meta>");
    opf.push_str("</metadata>\n<manifest>\n");
    for item in items {
        let properties = item.properties.map(|p| format!(" properties=\"{p}\"")).unwrap_or_default();
        let _ = writeln!(
            opf,
            "<item id=\"{}\" href=\"{}\" media-type=\"{}\"{properties}/>",
            item.id, item.href, item.media_type
        );
    }
    opf.push_str("</manifest>\n<spine>\n");
    for item in items.iter().filter(|item| item.spine) {
        let _ = writeln!(opf, "<itemref idref=\"{}\"/>", item.id);
    }
    opf.push_str("</spine>\n</package>\n");
    opf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brochure::html::tests::{assert_safe_xml, hostile_brochure};
    use crate::brochure::model::Piece;
    use std::io::Read as _;

    /// Every entry of an EPUB: name, stored or not, content.
    fn entries(epub: &[u8]) -> Vec<(String, bool, String)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(epub)).expect("a zip");
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).expect("entry");
                let mut content = String::new();
                file.read_to_string(&mut content).expect("utf-8 entry");
                let name = file.name().expect("name").to_string();
                (name, file.compression() == CompressionMethod::Stored, content)
            })
            .collect()
    }

    #[test]
    fn mimetype_comes_first_and_stored() {
        let epub = write(&hostile_brochure()).unwrap();
        // What readers and epubcheck look at: the bytes of the first local header.
        assert_eq!(&epub[..4], b"PK\x03\x04");
        assert_eq!(&epub[30..38], b"mimetype");
        assert_eq!(&epub[38..58], b"application/epub+zip");
        let entries = entries(&epub);
        assert_eq!(entries[0], ("mimetype".to_string(), true, "application/epub+zip".to_string()));
        assert!(entries[1..].iter().all(|(_, stored, _)| !stored));
    }

    #[test]
    fn every_document_is_well_formed_and_hostile_text_stays_text() {
        let epub = write(&hostile_brochure()).unwrap();
        let entries = entries(&epub);
        let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "mimetype",
                "META-INF/container.xml",
                "OEBPS/content.opf",
                "OEBPS/cover.xhtml",
                "OEBPS/nav.xhtml",
                "OEBPS/intro.xhtml",
                "OEBPS/chapter-1.xhtml",
                "OEBPS/chapter-2.xhtml",
                "OEBPS/sources.xhtml",
                "OEBPS/style.css",
            ]
        );
        for (name, _, content) in &entries {
            if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".xml") {
                assert_safe_xml(content);
                assert!(!content.to_lowercase().contains("<script"), "{name}");
                assert!(!content.contains('\u{1b}') && !content.contains('\u{0}'), "{name}");
            }
        }
        let chapter = &entries[6].2;
        assert!(chapter.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{chapter}");
        assert!(chapter.contains("&lt;div onclick=&quot;x()&quot;&gt;bloc&lt;/div&gt;"), "{chapter}");
        assert!(chapter.contains("]]&gt;"), "{chapter}");
        assert!(chapter.contains("epub:type=\"noteref\"") && chapter.contains("epub:type=\"footnote\""));
        assert!(chapter.contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub="));
        assert!(chapter.contains("xml:lang=\"fr\" lang=\"fr\""), "hostile lang falls back to fr");
        let opf = &entries[2].2;
        assert!(opf.contains("<dc:title>Recueil &lt;script&gt;"), "{opf}");
    }

    #[test]
    fn package_lists_everything_in_reading_order() {
        let epub = write(&hostile_brochure()).unwrap();
        let entries = entries(&epub);
        let opf = &entries[2].2;
        assert!(opf.contains("<dc:identifier id=\"uid\">urn:uuid:"));
        assert!(opf.contains("<dc:language>fr</dc:language>"));
        assert!(opf.contains("<dc:creator>&lt;script&gt;"));
        assert!(opf.contains("<meta property=\"dcterms:modified\">2025-03-14T00:00:00Z</meta>"));
        assert!(opf.contains(
            "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
        ));
        for (name, _, _) in &entries[3..] {
            let href = name.strip_prefix("OEBPS/").unwrap();
            assert!(opf.contains(&format!("href=\"{href}\"")), "{href} not in the manifest");
        }
        let spine: Vec<&str> =
            opf.split("<itemref idref=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        assert_eq!(spine, ["cover", "nav", "intro", "chapter-1", "chapter-2", "sources"]);
        let nav = &entries[4].2;
        for href in ["intro.xhtml", "chapter-1.xhtml", "chapter-2.xhtml", "sources.xhtml"] {
            assert!(nav.contains(&format!("<li><a href=\"{href}\">")), "{href} not in the nav");
        }
        assert!(nav.contains("<nav epub:type=\"toc\" id=\"toc\">"));
        assert!(nav.contains(">Pourquoi la 5G\u{202f}?</a>"));
    }

    #[test]
    fn chapters_hold_their_article() {
        let epub = write(&hostile_brochure()).unwrap();
        let entries = entries(&epub);
        let second = &entries[7].2;
        assert!(second.contains("<h1 class=\"article-title\">Pourquoi la 5G\u{202f}?</h1>"), "{second}");
        assert!(second.contains("<h2>Partie</h2>"), "{second}");
        assert!(second.contains("<p>L’eau… et «\u{202f}le feu\u{202f}».</p>"), "{second}");
        let sources = &entries[8].2;
        assert!(sources.contains("<a class=\"url\" href=\"https://lundi.am/5G\" rel=\"noreferrer\">"));
        assert!(sources.contains("Brochure compilée avec <cite>veille</cite> le 14\u{a0}mars 2025"));
    }

    #[test]
    fn output_is_reproducible_and_identified_by_its_articles() {
        let b = hostile_brochure();
        assert_eq!(write(&b).unwrap(), write(&b).unwrap());
        let id = identifier(&b);
        assert_eq!(id.len(), "urn:uuid:".len() + 36);
        assert_eq!(&id[23..24], "8", "version 8: {id}");
        let mut other = b.clone();
        other.title = "Autre titre".into();
        assert_eq!(identifier(&other), id);
        other.articles.pop();
        assert_ne!(identifier(&other), id);
    }

    #[test]
    fn a_minimal_brochure_is_a_valid_book() {
        let b = Brochure {
            title: String::new(),
            subtitle: None,
            collective: String::new(),
            date: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
            intro: None,
            articles: vec![Piece::default()],
            timeline: vec![],
            lang: String::new(),
        };
        let epub = write(&b).unwrap();
        let entries = entries(&epub);
        assert_eq!(entries.len(), 8);
        for (name, _, content) in &entries {
            if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".xml") {
                assert_safe_xml(content);
            }
        }
        assert!(entries[2].2.contains("<dc:title>Brochure</dc:title>"));
        assert!(!entries[2].2.contains("dc:creator"));
        assert!(entries[5].2.contains("<h1 class=\"article-title\">Sans titre</h1>"));
    }
}
