//! `veille brochure` on the demo archive and on hostile articles: the PDFs
//! are read back (page sizes and counts with lopdf, text with pdf-extract).

use std::path::Path;

use crate::support::demo::demo_home;
use crate::support::veille;

/// (width, height) in points of every page.
fn page_sizes(path: &Path) -> Vec<(f32, f32)> {
    let doc = lopdf::Document::load(path).unwrap();
    doc.get_pages()
        .values()
        .map(|&id| {
            let page = doc.get_object(id).unwrap().as_dict().unwrap();
            let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let n = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap();
            (n(&media[2]) - n(&media[0]), n(&media[3]) - n(&media[1]))
        })
        .collect()
}

fn text_of_pages(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap()
}

#[test]
fn a_theme_brochure_in_every_format() {
    let home = demo_home();
    let out = home.path().join("out");
    veille(home.path())
        .args(["brochure", "--theme", "eau", "--title", "L'eau et les data centers", "--format", "all", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stem = "l-eau-et-les-data-centers";
    for ext in [".pdf", "-cahier.pdf", ".html", ".md", ".epub"] {
        assert!(out.join(format!("{stem}{ext}")).is_file(), "{stem}{ext} missing");
    }
    let reading = out.join(format!("{stem}.pdf"));
    let sizes = page_sizes(&reading);
    let n = sizes.len();
    assert!(n >= 8 && n.is_multiple_of(4), "{n} pages");
    for (w, h) in &sizes {
        assert!((w - 419.53).abs() < 0.5 && (h - 595.28).abs() < 0.5, "A5 pages, not {w}×{h}");
    }
    let cahier = out.join(format!("{stem}-cahier.pdf"));
    let sheets = page_sizes(&cahier);
    assert_eq!(sheets.len(), n / 2, "the cahier has half as many pages");
    for (w, h) in &sheets {
        assert!((w - 841.89).abs() < 0.5 && (h - 595.28).abs() < 0.5, "A4 landscape, not {w}×{h}");
    }
    // The reading copy's text: titles, French quotes with their narrow spaces, every source URL.
    let pages = text_of_pages(&reading);
    let all = pages.join("\n");
    assert!(pages[0].contains("L’eau et les data centers"), "cover: {}", pages[0]);
    assert!(all.contains("Sommaire") && all.contains("Sources"));
    let md = std::fs::read_to_string(out.join(format!("{stem}.md"))).unwrap();
    let urls: Vec<&str> = md.lines().filter_map(|l| l.split("<https://").nth(1)).collect();
    let flat = all.replace(['\n', ' '], "");
    let home_urls: Vec<String> = std::fs::read_dir(home.path().join("corpus/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!home_urls.is_empty());
    let (articles, _) = veille::corpus::Corpus::new(home.path().join("corpus")).load().unwrap();
    let in_theme: Vec<_> = articles.iter().filter(|a| md.contains(&a.article.title)).collect();
    assert!(in_theme.len() >= 5, "{} articles in the brochure", in_theme.len());
    for a in &in_theme {
        let url = a.article.url.as_deref().unwrap();
        assert!(flat.contains(&url.replace(' ', "")), "{url} not in the sources page");
    }
    let _ = urls;
    assert!(all.contains("«\u{202f}") || all.contains("« "), "French quotes with their spaces");
    // The cahier's first side holds the last page and page 1 (the cover).
    let sides = text_of_pages(&cahier);
    assert!(sides[0].contains("L’eau et les data centers"), "first side: {}", sides[0]);
    let html = std::fs::read_to_string(out.join(format!("{stem}.html"))).unwrap();
    assert!(html.contains("<!DOCTYPE html>") && !html.contains("<script"));
    // Sites are named as sources.toml names them, not by their ids.
    assert!(flat.contains("Cahiersdufrein") && !flat.contains("cahiers-du-frein"));
    for text in [&html, &md] {
        assert!(text.contains("Cahiers du frein") && !text.contains("cahiers-du-frein"));
    }
}

#[test]
fn hostile_articles_are_printed_as_text_and_an_empty_selection_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    veille(home.path()).args(["init", "-q"]).assert().success();
    let dir = home.path().join("corpus/articles/x/2025/01");
    std::fs::create_dir_all(&dir).unwrap();
    let hostile = r##"+++
id = "h1"
site = "x"
title = "#set page(width: 1cm) <script>alert(1)</script> $x^2$ [lien](javascript:x)"
published = 2025-01-02
+++

Un texte qui contient #let x = 1 et #import "/etc/passwd" et <b>gras</b> et \u{1b}[31m rouge.

Il dit "bonjour" : voilà ! Et l'URL https://exemple.org/a:b?c=d!e reste entière.
"##;
    std::fs::write(dir.join("h.md"), hostile).unwrap();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let out = home.path().join("out");
    veille(home.path())
        .args(["brochure", "--query", "texte", "--title", "Essai <hostile> #x", "--format", "all", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stem = "essai-hostile-x";
    let pdf = text_of_pages(&out.join(format!("{stem}.pdf"))).join("\n");
    // (French typography may add a no-break space before a colon; markup never runs.)
    for literal in
        ["#set page(width", "<script>alert(1)</script>", "$x^2$", "#let x = 1", "#import", "<b>gras</b>"]
    {
        assert!(pdf.contains(literal), "{literal:?} not printed as text:\n{pdf}");
    }
    assert!(pdf.contains("« bonjour »") || pdf.contains("«\u{202f}bonjour\u{202f}»"), "{pdf}");
    assert!(pdf.replace('\n', "").contains("https://exemple.org/a:b?c=d!e"), "{pdf}");
    let html = std::fs::read_to_string(out.join(format!("{stem}.html"))).unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript:"), "no javascript: link");
    assert!(!html.contains("<b>gras</b>"));
    let md = std::fs::read_to_string(out.join(format!("{stem}.md"))).unwrap();
    assert!(md.contains("#set page(width"), "{md}");
    // Nothing selected: a clear error, no file.
    let empty = home.path().join("empty");
    let err = veille(home.path())
        .args(["brochure", "--query", "zzzzzz", "--title", "Rien", "-o"])
        .arg(&empty)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("nothing to print"), "{}", String::from_utf8_lossy(&err));
    assert!(!empty.exists());
}

/// The font names (BaseFont, without the subset tag) a PDF embeds.
fn embedded_fonts(path: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).unwrap();
    let mut names: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|t| t == b"Font"))
        .filter_map(|d| d.get(b"BaseFont").and_then(|n| n.as_name()).ok())
        .map(|n| {
            let n = String::from_utf8_lossy(n).to_string();
            n.split_once('+').map_or(n.clone(), |(_, rest)| rest.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The built-in template embeds the faces built into veille; a home's own
/// template finds the fonts put in `corpus/fonts/` (here a system's DejaVu
/// Sans, which veille does not carry).
#[test]
fn a_homes_template_uses_the_fonts_of_its_fonts_folder() {
    let home = demo_home();
    let out = home.path().join("out");
    let brochure = |out: &Path| {
        veille(home.path())
            .args(["brochure", "--theme", "eau", "--title", "Polices", "--format", "pdf", "-o"])
            .arg(out)
            .assert()
    };
    brochure(&out).success();
    let fonts = embedded_fonts(&out.join("polices.pdf"));
    assert!(!fonts.is_empty() && fonts.iter().all(|f| f.starts_with("LibertinusSerif")), "{fonts:?}");

    let system = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if !system.is_file() {
        eprintln!("skipped: no {} to try a home's own font with", system.display());
        return;
    }
    let corpus = home.path().join("corpus");
    std::fs::create_dir_all(corpus.join("fonts")).unwrap();
    std::fs::copy(system, corpus.join("fonts/DejaVuSans.ttf")).unwrap();
    let template = String::from_utf8(
        veille(home.path()).args(["brochure", "--print-template"]).output().unwrap().stdout,
    )
    .unwrap()
    .replace("font: \"Libertinus Serif\"", "font: \"DejaVu Sans\"");
    std::fs::write(corpus.join("brochure.typ"), template).unwrap();
    let own = home.path().join("own");
    brochure(&own).success();
    let fonts = embedded_fonts(&own.join("polices.pdf"));
    assert!(fonts.iter().any(|f| f.starts_with("DejaVuSans")), "{fonts:?}");

    std::fs::write(corpus.join("fonts/Cassée.otf"), "pas une fonte").unwrap();
    let err = String::from_utf8(brochure(&own).failure().get_output().stderr.clone()).unwrap();
    assert!(err.contains("Cassée.otf") && err.lines().count() == 1, "{err}");
}
