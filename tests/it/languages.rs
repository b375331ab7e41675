//! Articles in several languages: each is given its language when it is
//! imported (declared, or read from its text), analysed in it, and found by
//! a query in its language; `langue:` filters.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use crate::support::veille;

/// A home holding the mixed-language fixture archive, imported and indexed.
fn mixed_home() -> TempDir {
    let home = tempfile::tempdir().unwrap();
    veille(home.path()).args(["init", "-q"]).assert().success();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages/articles.jsonl");
    veille(home.path()).args(["-q", "import"]).arg(fixture).assert().success();
    veille(home.path()).args(["-q", "index"]).assert().success();
    home
}

fn search(home: &Path, query: &str) -> Vec<(String, String)> {
    let output = veille(home).args(["search", "--json", "-n", "20", query]).output().unwrap();
    assert!(output.status.success(), "{query}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|hit| (hit["id"].as_str().unwrap().to_string(), hit["lang"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn each_language_finds_its_own_articles_and_langue_filters() {
    let home = mixed_home();
    let home = home.path();
    // The language each file was given at import: declared or not, the text decides.
    let output = veille(home).args(["list", "--json"]).output().unwrap();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let listed: Value = serde_json::from_str(line).unwrap();
        let id = listed["id"].as_str().unwrap();
        let shown = veille(home).args(["show", "--json", id]).output().unwrap();
        let article: Value = serde_json::from_slice(&shown.stdout).unwrap();
        let expected = &id[..2];
        assert_eq!(article["lang"], expected, "{id} (the English one was declared fr)");
    }
    for (query, language, first) in [
        ("surveillance algorithmique", "fr", "fr-surveillance"),
        ("algorithmic surveillance", "en", "en-surveillance"),
        ("sorveglianza algoritmica", "it", "it-sorveglianza"),
        ("vigilancia algorítmica", "es", "es-vigilancia"),
        ("algorithmische Überwachung", "de", "de-ueberwachung"),
        ("vigilância algorítmica", "pt", "pt-vigilancia"),
    ] {
        let hits = search(home, query);
        assert_eq!(hits.first().map(|h| h.0.as_str()), Some(first), "{query}: {hits:?}");
        assert_eq!(hits[0].1, language, "{query}");
    }
    // An English plural and singular meet through the English stemmer.
    let cameras = search(home, "camera footage");
    assert_eq!(cameras.first().map(|h| h.0.as_str()), Some("en-surveillance"), "{cameras:?}");
    // `data center` in French and English texts; never the French `cent`.
    let centers = search(home, "data center");
    let ids: Vec<&str> = centers.iter().map(|h| h.0.as_str()).collect();
    assert!(ids.contains(&"fr-datacenter") && ids.contains(&"en-datacenter"), "{ids:?}");
    assert!(!ids.contains(&"fr-cent"), "center is not cent: {ids:?}");
    // `langue:` (or `lang:`) keeps one language.
    let english = search(home, "surveillance langue:en");
    assert_eq!(english, vec![("en-surveillance".to_string(), "en".to_string())]);
    let italian = search(home, "lang:it");
    assert_eq!(italian.len(), 2, "{italian:?}");
    assert!(italian.iter().all(|h| h.1 == "it"));
    // An unknown language is an error that names the known ones.
    veille(home)
        .args(["search", "langue:xx"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no language \"xx\"").and(predicate::str::contains("fr, en")));
}

#[test]
fn snippets_highlight_words_in_their_own_language() {
    let home = mixed_home();
    let output = veille(home.path())
        .args(["search", "--json", "-n", "1", "sorveglianza algoritmica"])
        .output()
        .unwrap();
    let hit: Value =
        serde_json::from_str(String::from_utf8(output.stdout).unwrap().lines().next().unwrap()).unwrap();
    let snippet = &hit["snippet"];
    let text = snippet["text"].as_str().unwrap();
    let highlights = snippet["highlights"].as_array().unwrap();
    assert!(!highlights.is_empty(), "an Italian body is highlighted with Italian words: {snippet}");
    let words: Vec<String> = highlights
        .iter()
        .map(|r| {
            let (start, end) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
            text.chars().skip(start).take(end - start).collect()
        })
        .collect();
    assert!(words.iter().any(|w| w.to_lowercase().starts_with("sorveglianz")), "{words:?}");
}

#[test]
fn export_and_analyze_give_each_article_its_language_terms() {
    let home = mixed_home();
    let output = veille(home.path()).args(["export", "--format", "ndjson"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let records: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let english = records.iter().find(|r| r["id"] == "en-datacenter").expect("exported");
    assert_eq!(english["lang"], "en");
    // Quickwit reads `en:` as a field name: the export writes `en_`.
    assert!(english["title_stems"].as_str().unwrap().contains("en_center"), "{}", english["title_stems"]);
    let analyzed = veille(home.path())
        .args(["analyze", "--langue", "en"])
        .arg(english["title"].as_str().unwrap())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&analyzed.stdout).trim(), english["title_stems"].as_str().unwrap());
    let french = records.iter().find(|r| r["id"] == "fr-datacenter").expect("exported");
    assert!(french["body_stems"].as_str().unwrap().split(' ').all(|t| !t.contains('_')), "French terms bare");
    veille(home.path())
        .args(["analyze", "--langue", "xx", "mot"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no language \"xx\""));
}

#[test]
fn the_collectives_notes_are_read_in_french_whatever_the_articles_language() {
    let home = mixed_home();
    let home = home.path();
    veille(home)
        .args(["-q", "note", "en-datacenter", "Pour la revue : cloud, streaming et pompage."])
        .assert()
        .success();
    veille(home).args(["-q", "index"]).assert().success();
    // English-looking words, a French note on an English article.
    for query in ["note:pompage", "note:cloud", "note:\"cloud, streaming\""] {
        let hits = search(home, query);
        assert_eq!(hits, vec![("en-datacenter".to_string(), "en".to_string())], "{query}");
    }
}
