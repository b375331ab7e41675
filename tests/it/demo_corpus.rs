//! The demo archive shipped in `corpus/` keeps the promises the README makes.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use veille::Home;
use veille::corpus::Kind;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn shingles(text: &str) -> HashSet<String> {
    words(text).windows(5).map(|w| w.join(" ")).collect()
}

#[test]
fn demo_archive_is_big_varied_and_well_formed() {
    let home = Home::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (articles, errors) = home.corpus().load().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(articles.len() >= 60, "{} articles", articles.len());

    let sites: HashSet<_> = articles.iter().map(|s| s.article.site.as_str()).collect();
    assert!(sites.len() >= 5, "{sites:?}");
    assert!(articles.iter().any(|s| s.article.kind == Kind::Communique));

    let dates: Vec<_> =
        articles.iter().map(|s| s.article.published.expect("every demo article is dated").date()).collect();
    let (first, last) = (dates.iter().min().unwrap(), dates.iter().max().unwrap());
    assert!((*last - *first).num_days() >= 18 * 30, "{first} → {last}");

    let total: usize = articles.iter().map(|s| words(&s.article.body).len()).sum();
    assert!(total / articles.len() >= 400, "average {} words", total / articles.len());
    for (marker, what) in [
        ("\n## ", "headings"),
        ("\n> ", "quotes"),
        ("\n- ", "lists"),
        ("](http", "links"),
        ("[^1]", "footnotes"),
    ] {
        let n = articles.iter().filter(|s| format!("\n{}", s.article.body).contains(marker)).count();
        assert!(n >= 5, "only {n} articles with {what}");
    }
    for stored in &articles {
        let a = &stored.article;
        assert_eq!(a.sha256.as_deref(), Some(a.body_sha256().as_str()), "{}", stored.path.display());
        assert_eq!(a.id, veille::corpus::id_from_url(a.canonical_url.as_deref().unwrap()));
    }
}

#[test]
fn some_communiques_are_reposted_on_another_site() {
    let home = Home::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (articles, _) = home.corpus().load().unwrap();
    let by_url: HashMap<_, _> =
        articles.iter().filter_map(|s| Some((s.article.url.as_deref()?, &s.article))).collect();
    let mut reposts = 0;
    for stored in &articles {
        let a = &stored.article;
        for link in &a.links {
            let Some(original) = by_url.get(link.as_str()) else { continue };
            if original.site == a.site {
                continue;
            }
            let (x, y) = (shingles(&a.body), shingles(&original.body));
            let overlap = x.intersection(&y).count() as f64 / x.len().min(y.len()) as f64;
            if overlap > 0.3 {
                reposts += 1;
            }
        }
    }
    assert!(reposts >= 4, "{reposts} reposts found");
}
