//! The other documents a site links (ODT, DOCX, EPUB) and scanned PDFs,
//! end to end: the crawler follows the links, archives the files, reads
//! them in the worker under its limits, and stores `document` articles
//! with their headings and notes; a scan is read by OCR when tesseract and
//! its French data are installed (its status says how to install them
//! otherwise), and `veille reextract` reads the scans archived before
//! tesseract was there. The fixtures are `tests/fixtures/documents/`
//! (made by its `make.py`); servers are local (127.0.0.1).

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command as Process;

use crate::support::server::{Site, runtime};
use crate::support::veille;
use veille::corpus::{Article, Corpus, Kind};

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents").join(name)).unwrap()
}

/// The text set on the scanned page (`make.py`'s H1, P1, P1_END, P2, P3, SCANNED).
const SCANNED: &str = "Ce que boivent les serveurs Un centre de données refroidit ses machines avec de \
    l’eau potable : des milliers de mètres cubes chaque été, prélevés dans des nappes déjà basses. Les élus \
    découvrent ces volumes après la signature des permis. « Refroidissement adiabatique », « eau recyclée » : \
    le vocabulaire change, la pompe reste. Évaporée, l’eau ne revient pas à la rivière. Les riverains de \
    Marseille et de Wissous se sont réunis en collectif pour suivre chaque projet. Ce tract a été scanné à la \
    photocopieuse du local associatif.";

/// A program that the environment `VEILLE_TESSERACT` points at and that does not exist.
const NO_TESSERACT: &str = "/nonexistent/veille-test/tesseract";

/// Whether tesseract with French data and pdftoppm are installed; says why not.
fn ocr_here() -> bool {
    let langs = Process::new("tesseract").arg("--list-langs").output();
    let french = langs.is_ok_and(|o| {
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        all.lines().any(|l| l.trim() == "fra")
    });
    let renderer = Process::new("pdftoppm").arg("-v").output().is_ok();
    if !(french && renderer) {
        eprintln!(
            "skipped: OCR checks need tesseract-ocr, tesseract-ocr-fra and poppler-utils (apt install them)"
        );
    }
    french && renderer
}

/// Character accuracy: 1 − edit distance / reference length, whitespace normalised.
fn accuracy(reference: &str, read: &str) -> f64 {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (reference, read) = (norm(reference), norm(read));
    1.0 - strsim::levenshtein(&reference, &read) as f64 / reference.chars().count() as f64
}

fn home(site: &Site) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path()).args(["init", "-q"]).assert().success();
    fs::write(
        dir.path().join("veille.toml"),
        "[crawl]\ncontact = \"https://test.invalid/contact\"\ndelay_seconds = 0\npdf_memory_megabytes = 256\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("corpus/sources.toml"),
        format!(
            "[[source]]\nid = \"riviere\"\nname = \"Rivière claire\"\nhomepage = \"{}/\"\nprofile = \"spip\"\nmax_depth = 1\n",
            site.base()
        ),
    )
    .unwrap();
    dir
}

fn articles(dir: &Path) -> Vec<Article> {
    let (stored, errors) = Corpus::new(dir.join("corpus")).load().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    stored.into_iter().map(|s| s.article).collect()
}

fn by_file<'a>(all: &'a [Article], file: &str) -> &'a Article {
    all.iter().find(|a| a.url.as_deref().is_some_and(|u| u.ends_with(file))).unwrap_or_else(|| {
        panic!("no article for {file}: {:?}", all.iter().map(|a| &a.url).collect::<Vec<_>>())
    })
}

fn status(article: &Article) -> Option<&str> {
    article.extra.get("status").and_then(|v| v.as_str())
}

/// A zip package holding `entries`, deflated at the fastest level.
fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn documents_linked_from_a_page_are_archived_extracted_and_found_and_scans_read_by_ocr() {
    let rt = runtime();
    let site = Site::start(&rt, "", "riviere.test");
    site.set("/robots.txt", "text/plain", "User-agent: *\nDisallow:\n");
    let links = [
        ("IMG/tract.odt", "Le tract (ODT)"),
        ("IMG/tract.docx", "Le tract (Word)"),
        ("IMG/tract.epub", "Le tract (livre numérique)"),
        ("IMG/scan.pdf", "Le tract scanné"),
        ("IMG/bombe.docx", "Un fichier piégé"),
        ("IMG/casse.odt", "Un fichier cassé"),
        ("IMG/absent.epub", "Un lien mort"),
    ];
    let items: String = links.iter().map(|(h, t)| format!("<li><a href=\"{h}\">{t}</a></li>")).collect();
    site.set(
        "/",
        "text/html; charset=utf-8",
        "<html><body class=\"page_sommaire\"><a href=\"/spip.php?article3\">L’eau</a></body></html>",
    );
    site.set(
        "/spip.php?article3",
        "text/html; charset=utf-8",
        format!(
            "<html><head><meta name=\"generator\" content=\"SPIP 4.2\"><title>L’eau des data centers</title></head>\
             <body class=\"page_article\"><h1 class=\"crayon article-titre-3\">L’eau des data centers</h1>\
             <div class=\"texte\"><p>Notre tract sur l’eau que boivent les centres de données, en plusieurs formats, \
             à diffuser largement autour de chaque projet d’implantation dans la région.</p></div>\
             <ul>{items}</ul></body></html>"
        ),
    );
    site.set("/IMG/tract.odt", "application/vnd.oasis.opendocument.text", fixture("tract.odt"));
    // Served as bytes of no particular type: the package tells what it is.
    site.set("/IMG/tract.docx", "application/octet-stream", fixture("tract.docx"));
    site.set("/IMG/tract.epub", "application/epub+zip", fixture("tract.epub"));
    site.set("/IMG/scan.pdf", "application/pdf", fixture("scan.pdf"));
    // 96 MB of text in 100 kB: over the cap of a quarter of pdf_memory_megabytes (64 MB).
    let bomb = vec![b' '; 96 << 20];
    site.set(
        "/IMG/bombe.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        package(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", &bomb)]),
    );
    site.set(
        "/IMG/casse.odt",
        "application/vnd.oasis.opendocument.text",
        package(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content><office:body><text:p>cut"),
        ]),
    );
    site.set("/IMG/absent.epub", "text/html", "<html><body>Page introuvable</body></html>");

    let dir = home(&site);
    let resolve = format!("{}:{}:127.0.0.1", site.host, site.port);
    // First without tesseract: the scan's status says how to read it.
    let out = veille(dir.path())
        .env("VEILLE_TESSERACT", NO_TESSERACT)
        .args(["crawl", "--json", "--resolve", &resolve])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let summary: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for (href, _) in &links {
        assert_eq!(site.hits(&format!("/{href}")), 1, "{href} fetched once: {summary:#}");
    }
    let all = articles(dir.path());
    let page = all.iter().find(|a| a.kind != Kind::Document).expect("the page");
    for (file, format) in [("tract.odt", "ODT"), ("tract.docx", "DOCX"), ("tract.epub", "EPUB")] {
        let doc = by_file(&all, file);
        assert_eq!(doc.kind, Kind::Document, "{file}");
        assert_eq!(doc.title, "L’eau des data centers", "{file}");
        assert_eq!(doc.authors, ["Collectif Rivière Claire"], "{file}");
        assert_eq!(doc.published.map(|d| d.date().to_string()).as_deref(), Some("2025-03-14"), "{file}");
        assert_eq!(status(doc), None, "{file}");
        assert_eq!(doc.extra.get("parent").and_then(|p| p.as_str()), Some(page.id.as_str()), "{file}");
        assert!(doc.warc.is_some(), "{file} archived");
        assert!(doc.body.starts_with("# Ce que boivent les serveurs\n\n"), "{file}: {}", doc.body);
        assert!(doc.body.contains("\n\n## Les promesses de l’industrie\n\n"), "{file}: {}", doc.body);
        assert!(doc.body.contains("déjà basses.[^1] Les élus"), "{file}: {}", doc.body);
        assert!(
            doc.body.contains("[^1]: Chiffres de l’agence de l’eau Adour-Garonne"),
            "{file}: {}",
            doc.body
        );
        assert!(doc.body.contains(&format!("Version {format} de ce tract")), "{file}: {}", doc.body);
        // The DOCX declares `en-US` (LibreOffice's locale): its French text overrules it.
        assert_eq!(doc.lang.as_deref(), Some("fr"), "{file}");
    }
    let scan = by_file(&all, "scan.pdf");
    assert_eq!(
        status(scan),
        Some(
            "image only, no text (scanned pages): install tesseract-ocr and tesseract-ocr-fra to read them \
             (no `/nonexistent/veille-test/tesseract` program)"
        )
    );
    assert_eq!(scan.title, "Le tract scanné", "the link's text");
    let bomb = status(by_file(&all, "bombe.docx")).unwrap();
    assert!(bomb.starts_with("DOCX over a limit: inflates to more than 64 MB"), "{bomb}");
    let broken = status(by_file(&all, "casse.odt")).unwrap();
    assert!(broken.starts_with("malformed ODT: content.xml cannot be read"), "{broken}");
    assert!(!all.iter().any(|a| a.url.as_deref().is_some_and(|u| u.ends_with("absent.epub"))));
    let documents = page.extra["documents"].as_array().unwrap();
    assert_eq!(documents.len(), links.len(), "{documents:?}");

    // Indexed: a search finds the documents by their notes; the three texts are one, shown once with its reprises.
    veille(dir.path()).args(["index", "-q"]).assert().success();
    let out = veille(dir.path())
        .args(["search", "Adour-Garonne", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let hits: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!((&hits[0]["kind"], &hits[0]["reprises"]), (&"document".into(), &2.into()), "{hits:#?}");

    if !ocr_here() {
        return;
    }
    // Tesseract is there now: reextract reads the archived scan.
    veille(dir.path()).args(["reextract", "-q"]).assert().success();
    let all = articles(dir.path());
    let scan = by_file(&all, "scan.pdf");
    assert_eq!(status(scan), None, "{:?}", scan.extra);
    assert_eq!(scan.extra.get("ocr").and_then(|v| v.as_bool()), Some(true));
    let read = veille::corpus::text::plain_text(&scan.body);
    let score = accuracy(SCANNED, &read);
    assert!(score >= 0.97, "character accuracy {score:.3}: {read}");
    veille(dir.path()).args(["index", "-q"]).assert().success();
    let out = veille(dir.path())
        .args(["search", "photocopieuse", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let found = String::from_utf8_lossy(&out);
    let hit: serde_json::Value = serde_json::from_str(found.lines().next().unwrap_or("null")).unwrap();
    assert_eq!(hit["id"].as_str(), Some(scan.id.as_str()), "the scan is found by its text: {found}");
}

#[test]
fn extract_reads_each_format_and_says_how_to_read_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    for (file, format) in [("tract.odt", "ODT"), ("tract.docx", "DOCX"), ("tract.epub", "EPUB")] {
        let path = dir.path().join(file);
        fs::write(&path, fixture(file)).unwrap();
        let out = veille(dir.path())
            .args(["extract", "--json"])
            .arg(&path)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["kind"], "document", "{file}");
        assert_eq!(json["title"], "L’eau des data centers", "{file}");
        assert_eq!(json["date"], "2025-03-14", "{file}");
        assert_eq!(json["status"], serde_json::Value::Null, "{file}");
        let markdown = json["markdown"].as_str().unwrap();
        assert!(markdown.contains("# Ce que boivent les serveurs"), "{file}: {markdown}");
        assert!(markdown.contains(&format!("Version {format}")), "{file}: {markdown}");
        assert!(markdown.contains("[^1]: Chiffres"), "{file}: {markdown}");
    }
    let scan = dir.path().join("scan.pdf");
    fs::write(&scan, fixture("scan.pdf")).unwrap();
    let out = veille(dir.path())
        .env("VEILLE_TESSERACT", NO_TESSERACT)
        .arg("extract")
        .arg(&scan)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("scan.pdf: image only, no text (scanned pages): install tesseract-ocr and tesseract-ocr-fra to read them"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    let out =
        veille(dir.path()).args(["extract", "--no-ocr"]).arg(&scan).assert().code(1).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("OCR is turned off"));

    // A broken file says which and why, on one line.
    let broken = dir.path().join("casse.docx");
    fs::write(&broken, package(&[("word/document.xml", b"<w:document><w:body>")])).unwrap();
    let out = veille(dir.path()).arg("extract").arg(&broken).assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("veille: ") && stderr.contains("casse.docx: malformed DOCX: word/document.xml"),
        "{stderr}"
    );
    // A download cut short (no zip directory at all) is named as the document it should be.
    let cut = dir.path().join("coupe.epub");
    fs::write(&cut, &fixture("tract.epub")[..200]).unwrap();
    let out = veille(dir.path()).arg("extract").arg(&cut).assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!("veille: {}: not a readable EPUB file (damaged or cut short?)", cut.display())
    );

    if !ocr_here() {
        return;
    }
    let out = veille(dir.path())
        .args(["extract", "--json"])
        .arg(&scan)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["ocr"], true);
    assert_eq!(json["status"], serde_json::Value::Null);
    let score = accuracy(SCANNED, json["text"].as_str().unwrap());
    assert!(score >= 0.97, "character accuracy {score:.3}: {}", json["text"]);

    // A typeset cover before scanned pages: the cover read as text, the
    // scans by OCR, in page order (pdfunite, from poppler-utils, joins them).
    use crate::support::pdf::{Page, Pdf, line};
    let cover = dir.path().join("couverture.pdf");
    let cover_page = Page::a4(vec![
        line(72.0, 700.0, 28.0, "Brochure de la coordination"),
        line(72.0, 640.0, 11.0, "Textes choisis et recopiés pour la réunion de printemps."),
    ]);
    fs::write(&cover, Pdf { pages: vec![cover_page], ..Default::default() }.bytes()).unwrap();
    let mixed = dir.path().join("brochure.pdf");
    match std::process::Command::new("pdfunite").arg(&cover).arg(&scan).arg(&scan).arg(&mixed).status() {
        Ok(status) if status.success() => {}
        _ => {
            eprintln!("skipped: a cover before scanned pages needs pdfunite (poppler-utils)");
            return;
        }
    }
    let out = veille(dir.path())
        .args(["extract", "--json"])
        .arg(&mixed)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["ocr"], true);
    assert_eq!(json["title"], "Brochure de la coordination");
    let markdown = json["markdown"].as_str().unwrap();
    let cover_at = markdown.find("Textes choisis et recopiés").expect("the cover's text");
    let page2 = markdown.find("<!-- page 2 -->").expect("page 2 marked");
    let page3 = markdown.find("<!-- page 3 -->").expect("page 3 marked");
    assert!(cover_at < page2 && page2 < page3, "{markdown}");
    let scanned = &markdown[page2..page3];
    let score = accuracy(SCANNED, &veille::corpus::text::plain_text(scanned));
    assert!(score >= 0.90, "page 2 read by OCR ({score:.3}): {scanned}");

    // Most pages typeset, one a picture: a text with an illustration, not a scan.
    let illustrated = dir.path().join("illustre.pdf");
    let joined = std::process::Command::new("pdfunite")
        .arg(&cover)
        .arg(&scan)
        .arg(&cover)
        .arg(&illustrated)
        .status()
        .unwrap();
    assert!(joined.success());
    let out = veille(dir.path()).args(["extract", "--json"]).arg(&illustrated).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(json["ocr"], true, "{json}");
    assert!(json["markdown"].as_str().unwrap().contains("Textes choisis"), "{json}");
}
