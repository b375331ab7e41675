//! Texts published as PDF, end to end: a SPIP-like page links the full text
//! as a PDF (and its imposed "cahier"); the crawler archives it, the
//! extractor reads it in a child process, the article is linked to its
//! page and found by search with its page number. Hostile files (encrypted,
//! scanned, truncated, a decompression bomb, 2,000 pages, an imposed booklet
//! alone) each end in a status on their article, and the crawl goes on.
//! All servers are local (127.0.0.1); the PDFs are made by `support::pdf`.

use std::fs;
use std::path::Path;

use crate::support::pdf::{Page, Pdf, line, paragraph_lines};
use crate::support::server::{Site, runtime};
use crate::support::veille;
use veille::corpus::{Article, Corpus, Kind};

fn home(site: &Site, settings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path()).args(["init", "-q"]).assert().success();
    fs::write(
        dir.path().join("veille.toml"),
        format!("[crawl]\ncontact = \"https://test.invalid/contact\"\ndelay_seconds = 0\n{settings}"),
    )
    .unwrap();
    fs::write(
        dir.path().join("corpus/sources.toml"),
        format!(
            "[[source]]\nid = \"pmo\"\nname = \"Pièces et textes\"\nhomepage = \"{}/\"\nprofile = \"spip\"\nmax_depth = 1\n",
            site.base()
        ),
    )
    .unwrap();
    dir
}

fn crawl(dir: &Path, site: &Site, extra: &[&str]) -> serde_json::Value {
    let resolve = format!("{}:{}:127.0.0.1", site.host, site.port);
    let mut args = vec!["crawl", "--json", "--resolve", resolve.as_str()];
    args.extend_from_slice(extra);
    let out = veille(dir).args(&args).assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

fn articles(dir: &Path) -> Vec<Article> {
    let (stored, errors) = Corpus::new(dir.join("corpus")).load().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    stored.into_iter().map(|s| s.article).collect()
}

fn extra<'a>(article: &'a Article, key: &str) -> Option<&'a str> {
    article.extra.get(key).and_then(|v| v.as_str())
}

/// A SPIP article page: a short summary, then the documents.
fn spip_page(title: &str, links: &[(&str, &str)]) -> String {
    let links: String =
        links.iter().map(|(href, text)| format!("<li><a href=\"{href}\">{text}</a></li>")).collect();
    format!(
        "<html><head><meta name=\"generator\" content=\"SPIP 4.2\"><title>{title}</title></head>\
         <body class=\"page_article\"><div class=\"main\"><h1 class=\"crayon article-titre-12\">{title}</h1>\
         <p class=\"info-publi\">mardi 11 février 2025</p>\
         <div class=\"texte\"><p>Nous publions aujourd’hui un long texte sur la dépossession des métiers par les \
         machines, écrit après deux années d’enquête auprès des ouvriers du bâtiment et de la zinguerie.</p>\
         <p>Pour lire le texte intégral, ouvrir le document ci-dessous.</p></div>\
         <div class=\"documents_joints\"><ul>{links}</ul></div></div></body></html>"
    )
}

/// The full text: two A4 pages with a running head, page numbers, a word cut at a line's end.
fn full_text() -> Vec<u8> {
    let head = |n: usize| {
        vec![
            line(60.0, 40.0, 8.0, "Pièces et textes — Machines et métiers"),
            line(290.0, 800.0, 8.0, &n.to_string()),
        ]
    };
    let mut first = head(1);
    first.push(line(60.0, 90.0, 20.0, "Machines et métiers"));
    first.push(line(60.0, 130.0, 11.0, "Ce texte raconte comment la dépos-"));
    first.push(line(60.0, 144.0, 11.0, "session des gestes a suivi chaque nouvelle machine de chantier."));
    first.extend(paragraph_lines(
        "Les couvreurs racontent les toits de leur jeunesse, quand chaque pente demandait un regard et une main. \
         Aujourd’hui le calepinage sort d’un logiciel et la pose suit un écran.",
        60.0,
        172.0,
        80,
    ));
    let mut second = head(2);
    second.extend(paragraph_lines(
        "Dans la zinguerie, la soudure à l’étain se transmet encore d’un ancien à un apprenti, lentement, \
         et c’est ce savoir que les collectifs veulent défendre contre la standardisation des chantiers.",
        60.0,
        90.0,
        80,
    ));
    Pdf {
        pages: vec![Page::a4(first), Page::a4(second)],
        title: Some("Machines et métiers".into()),
        author: Some("Collectif Établi".into()),
        ..Default::default()
    }
    .bytes()
}

#[test]
fn a_pdf_linked_from_a_spip_article_is_archived_extracted_linked_and_found() {
    let rt = runtime();
    let site = Site::start(&rt, "", "pmo.test");
    site.set("/robots.txt", "text/plain", "User-agent: *\nDisallow:\n");
    site.set(
        "/",
        "text/html; charset=utf-8",
        "<html><body class=\"page_sommaire\"><ul><li><a href=\"/spip.php?article12\">Machines et métiers</a></li></ul></body></html>",
    );
    site.set(
        "/spip.php?article12",
        "text/html; charset=utf-8",
        spip_page(
            "Machines et métiers",
            &[
                ("IMG/pdf/machines-pageparpage.pdf", "Machines et métiers (page par page)"),
                ("IMG/pdf/machines-cahier.pdf", "Machines et métiers (cahier à imprimer)"),
            ],
        ),
    );
    site.set("/IMG/pdf/machines-pageparpage.pdf", "application/pdf", full_text());
    site.set("/IMG/pdf/machines-cahier.pdf", "application/pdf", full_text());
    let dir = home(&site, "");
    let summary = crawl(dir.path(), &site, &[]);
    assert_eq!(summary["errors"], 0, "{summary:#}");
    assert_eq!(
        site.hits("/IMG/pdf/machines-cahier.pdf"),
        0,
        "the imposed booklet is not read when a reading version exists"
    );

    let all = articles(dir.path());
    let page = all.iter().find(|a| a.kind != Kind::Document).expect("the page's article");
    let document = all.iter().find(|a| a.kind == Kind::Document).expect("the document");
    assert_eq!(all.len(), 2, "{:?}", all.iter().map(|a| &a.title).collect::<Vec<_>>());
    assert_eq!(document.title, "Machines et métiers");
    assert_eq!(document.authors, ["Collectif Établi"]);
    assert_eq!(extra(document, "parent"), Some(page.id.as_str()));
    let documents: Vec<&str> =
        page.extra["documents"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(documents, [document.id.as_str()]);
    assert!(document.body.contains("dépossession des gestes"), "{}", document.body);
    assert!(!document.body.contains("Pièces et textes —"), "running head dropped: {}", document.body);
    assert!(document.body.contains("<!-- page 2 -->"), "{}", document.body);
    assert!(document.warc.is_some(), "the PDF is archived");
    assert_eq!(extra(document, "status"), None);

    // Indexed and found, with the page of the passage.
    veille(dir.path()).args(["index", "-q"]).assert().success();
    let out = veille(dir.path())
        .args(["search", "soudure étain", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let first = String::from_utf8_lossy(&out).lines().next().unwrap_or_default().to_string();
    let hit: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(hit["kind"], "document", "{hit:#}");
    assert_eq!(hit["title"], "Machines et métiers");
    assert_eq!(hit["snippet"]["page"], 2, "{hit:#}");
    let human =
        veille(dir.path()).args(["search", "soudure étain"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&human).contains("p. 2 — "), "{}", String::from_utf8_lossy(&human));

    // Offline again from the archive: same article.
    let before = fs::read_to_string(
        Corpus::new(dir.path().join("corpus"))
            .load()
            .unwrap()
            .0
            .iter()
            .find(|s| s.article.kind == Kind::Document)
            .unwrap()
            .path
            .clone(),
    )
    .unwrap();
    let out = veille(dir.path()).args(["reextract", "--json"]).assert().success().get_output().stdout.clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["unchanged"], 2, "{report:#}");
    let after = articles(dir.path());
    assert_eq!(after.iter().find(|a| a.kind == Kind::Document).unwrap().body, document.body);
    assert!(!before.is_empty());

    // A second crawl: nothing is due; with --recheck, the PDF is asked conditionally and not sent again.
    site.clear_log();
    crawl(dir.path(), &site, &[]);
    assert_eq!(site.hits("/IMG/pdf/machines-pageparpage.pdf"), 0);
    let summary = crawl(dir.path(), &site, &["--recheck"]);
    let pdf_requests: Vec<_> =
        site.log().into_iter().filter(|l| l.target == "/IMG/pdf/machines-pageparpage.pdf").collect();
    assert_eq!(pdf_requests.len(), 1);
    assert!(pdf_requests[0].header("if-none-match").is_some(), "a conditional request");
    assert!(summary["not_modified"].as_u64().unwrap() >= 1, "{summary:#}");
}

#[test]
fn hostile_pdfs_end_in_a_status_and_the_crawl_goes_on() {
    let rt = runtime();
    let site = Site::start(&rt, "", "kiosque.test");
    site.set("/robots.txt", "text/plain", "User-agent: *\nDisallow:\n");
    let files = [
        ("chiffre.pdf", "Brochure chiffrée"),
        ("scan.pdf", "Tract scanné"),
        ("coupe.pdf", "Brochure tronquée"),
        ("bombe.pdf", "Flux piégé"),
        ("long.pdf", "Deux mille pages"),
        ("feuillets-a4.pdf", "Les feuillets"),
        ("pas-un-pdf.pdf", "Lien cassé"),
        ("bon.pdf", "Le bon texte"),
    ];
    let links: Vec<(String, &str)> = files.iter().map(|(f, t)| (format!("/IMG/pdf/{f}"), *t)).collect();
    let links: Vec<(&str, &str)> = links.iter().map(|(h, t)| (h.as_str(), *t)).collect();
    site.set(
        "/",
        "text/html; charset=utf-8",
        "<html><body class=\"page_sommaire\"><a href=\"/spip.php?article7\">Brochures</a></body></html>",
    );
    site.set("/spip.php?article7", "text/html; charset=utf-8", spip_page("Brochures", &links));

    let text = |words: &str| Page::a4(paragraph_lines(words, 60.0, 90.0, 80));
    let body = "Un texte ordinaire sur les chantiers, les machines et la transmission des gestes, écrit pour tester le robot.";
    site.set(
        "/IMG/pdf/chiffre.pdf",
        "application/pdf",
        Pdf { pages: vec![text(body)], encrypted: true, ..Default::default() }.bytes(),
    );
    let scan = Page { image: true, ..Page::a4(Vec::new()) };
    site.set(
        "/IMG/pdf/scan.pdf",
        "application/pdf",
        Pdf { pages: vec![scan.clone(), scan], ..Default::default() }.bytes(),
    );
    let whole = Pdf { pages: vec![text(body); 3], ..Default::default() }.bytes();
    site.set("/IMG/pdf/coupe.pdf", "application/pdf", whole[..whole.len() / 3].to_vec());
    let bomb = Page { bomb: Some(512 << 20), ..Page::a4(Vec::new()) };
    site.set(
        "/IMG/pdf/bombe.pdf",
        "application/pdf",
        Pdf { pages: vec![bomb], ..Default::default() }.bytes(),
    );
    let many: Vec<Page> = (1..=2000)
        .map(|n| Page::a4(vec![line(60.0, 300.0, 11.0, &format!("Page numéro {n} du registre."))]))
        .collect();
    site.set("/IMG/pdf/long.pdf", "application/pdf", Pdf { pages: many, ..Default::default() }.bytes());
    // An imposed booklet: landscape sheets, two pages side by side, numbers summing to n + 1.
    let sheet = |left: usize, right: usize| Page {
        width: 842.0,
        height: 595.0,
        lines: [(40.0, left), (461.0, right)]
            .iter()
            .flat_map(|&(x, n)| {
                let mut lines = paragraph_lines(&format!("Texte de la page {n}. {body}"), x, 80.0, 60);
                lines.push(line(x + 170.0, 570.0, 9.0, &n.to_string()));
                lines
            })
            .collect(),
        ..Default::default()
    };
    let booklet =
        Pdf { pages: vec![sheet(8, 1), sheet(2, 7), sheet(6, 3), sheet(4, 5)], ..Default::default() };
    site.set("/IMG/pdf/feuillets-a4.pdf", "application/pdf", booklet.bytes());
    site.set("/IMG/pdf/pas-un-pdf.pdf", "text/html", "<html><body>Page introuvable</body></html>");
    site.set(
        "/IMG/pdf/bon.pdf",
        "application/pdf",
        Pdf { pages: vec![text(body)], title: Some("Le bon texte".into()), ..Default::default() }.bytes(),
    );

    let dir = home(&site, "pdf_memory_megabytes = 256\npdf_seconds = 120\n");
    let summary = crawl(dir.path(), &site, &[]);
    for (file, _) in &files {
        assert_eq!(site.hits(&format!("/IMG/pdf/{file}")), 1, "{file} fetched once: {summary:#}");
    }
    let all = articles(dir.path());
    let status = |file: &str| {
        let article = all
            .iter()
            .find(|a| a.url.as_deref().is_some_and(|u| u.ends_with(file)))
            .unwrap_or_else(|| panic!("no article for {file}"));
        assert_eq!(article.kind, Kind::Document);
        extra(article, "status").map(str::to_string)
    };
    assert!(status("chiffre.pdf").unwrap().starts_with("encrypted"));
    assert!(status("scan.pdf").unwrap().starts_with("image only, no text"));
    assert!(status("coupe.pdf").unwrap().starts_with("malformed"), "{:?}", status("coupe.pdf"));
    assert!(status("bombe.pdf").unwrap().contains("memory limit"), "{:?}", status("bombe.pdf"));
    assert!(
        status("feuillets-a4.pdf").unwrap().starts_with("imposed booklet"),
        "{:?}",
        status("feuillets-a4.pdf")
    );
    assert_eq!(status("long.pdf"), None, "2,000 pages are read");
    assert_eq!(status("bon.pdf"), None);
    let long = all.iter().find(|a| a.url.as_deref().is_some_and(|u| u.ends_with("long.pdf"))).unwrap();
    assert!(long.body.contains("Page numéro 2000 du registre") && long.body.contains("<!-- page 2000 -->"));
    assert!(
        !all.iter().any(|a| a.url.as_deref().is_some_and(|u| u.ends_with("pas-un-pdf.pdf"))),
        "an HTML answer is no document"
    );
    let good = all.iter().find(|a| a.title == "Le bon texte").unwrap();
    assert!(good.body.contains("transmission des gestes"));
    // Titles fall back on the link's text.
    let scanned = all.iter().find(|a| a.url.as_deref().is_some_and(|u| u.ends_with("scan.pdf"))).unwrap();
    assert_eq!(scanned.title, "Tract scanné");
}

#[test]
fn extract_reads_a_pdf_file_and_reports_an_unreadable_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("texte.pdf");
    fs::write(&good, full_text()).unwrap();
    let out = veille(dir.path())
        .args(["extract", "--json"])
        .arg(&good)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["title"], "Machines et métiers");
    assert_eq!(json["kind"], "document");
    assert_eq!(json["pages"], 2);
    assert!(json["text"].as_str().unwrap().contains("dépossession des gestes"), "{json:#}");

    // Over the time limit: what was read is kept, and the status says so.
    let long = dir.path().join("long.pdf");
    let pages: Vec<Page> =
        (1..=2000).map(|n| Page::a4(vec![line(60.0, 300.0, 11.0, &format!("Feuillet {n}."))])).collect();
    fs::write(&long, Pdf { pages, ..Default::default() }.bytes()).unwrap();
    let out = veille(dir.path())
        .args(["extract", "--json", "--seconds", "0.001"])
        .arg(&long)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(json["status"].as_str().unwrap().contains("time limit reached"), "{json:#}");
    assert_eq!(json["pages"], 2000);

    let locked = dir.path().join("verrou.pdf");
    let pdf = Pdf {
        pages: vec![Page::a4(vec![line(60.0, 90.0, 11.0, "Secret")])],
        encrypted: true,
        ..Default::default()
    };
    fs::write(&locked, pdf.bytes()).unwrap();
    veille(dir.path())
        .arg("extract")
        .arg(&locked)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("verrou.pdf: encrypted"));
}

/// A PDF file made by a real producer, kept in `tests/fixtures/pdf`.
fn real_pdf(name: &str) -> veille::extract::pdf::Extracted {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf").join(name);
    veille::extract::pdf::extract(&fs::read(&path).unwrap(), &Default::default())
}

#[test]
fn lines_set_by_ghostscript_quote_operators_are_read_in_place() {
    let pdf = real_pdf("gs-quote.pdf");
    assert!(
        pdf.body.contains("Les anciens disent que le métier ne tient pas dans un fichier."),
        "{}",
        pdf.body
    );
    // Shown by `'`, then continued by relative moves from it.
    assert!(
        pdf.body.contains("Les apprentis les écoutent encore, le soir, sur les échafaudages."),
        "{}",
        pdf.body
    );
}

#[test]
fn pages_placed_as_forms_on_a_2_up_sheet_are_read_one_after_the_other() {
    let pdf = real_pdf("deux-en-un.pdf");
    assert_eq!(pdf.status, veille::extract::pdf::Status::Ok);
    let first = pdf.body.find("La première page parle des toits et des couvreurs qui montent chaque matin");
    let second = pdf.body.find("La deuxième page parle de la zinguerie, où la soudure à l’étain se transmet");
    assert!(first.is_some() && second.is_some() && first < second, "{}", pdf.body);
}

#[test]
fn a_pdfjam_booklet_numbered_like_groff_is_a_cahier() {
    let pdf = real_pdf("cahier.pdf");
    assert_eq!(pdf.status, veille::extract::pdf::Status::Imposed);
}
