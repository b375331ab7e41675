//! What cites what in the archive: an article's `links` that lead to
//! another article of the archive, after canonicalisation (tracking
//! parameters, `www.`, trailing slashes, SPIP's URL forms: see
//! [`super::canonical`]) and through the redirects the crawler met. Links
//! to pages outside the archive are ignored.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::Article;
use super::canonical::key;

/// Who cites whom.
#[derive(Debug, Default, Clone)]
pub struct Citations {
    cites: HashMap<String, BTreeSet<String>>,
    cited_by: HashMap<String, BTreeSet<String>>,
}

/// An article's citations, for `veille links --json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Links {
    pub id: String,
    pub cites: Vec<String>,
    pub cited_by: Vec<String>,
}

impl Citations {
    /// From every article of the archive, and `redirects` (canonical key of
    /// an address → the address it redirected to) as the crawler recorded them.
    pub fn build<'a>(
        articles: impl IntoIterator<Item = &'a Article>,
        redirects: &HashMap<String, String>,
    ) -> Citations {
        let articles: Vec<&Article> = articles.into_iter().collect();
        let mut by_key: HashMap<String, &str> = HashMap::new();
        for a in &articles {
            for url in [a.url.as_deref(), a.canonical_url.as_deref()].into_iter().flatten() {
                by_key.entry(key(url)).or_insert(&a.id);
            }
        }
        let resolve = |link: &str| -> Option<&str> {
            let mut k = key(link);
            // A few hops at most: redirect chains were capped when crawled.
            for _ in 0..8 {
                if let Some(id) = by_key.get(&k) {
                    return Some(id);
                }
                k = key(redirects.get(&k)?);
            }
            None
        };
        let mut citations = Citations::default();
        for a in &articles {
            for link in &a.links {
                if let Some(target) = resolve(link).filter(|t| *t != a.id) {
                    citations.cites.entry(a.id.clone()).or_default().insert(target.to_string());
                    citations.cited_by.entry(target.to_string()).or_default().insert(a.id.clone());
                }
            }
        }
        citations
    }

    pub fn of(&self, id: &str) -> Links {
        let list = |map: &HashMap<String, BTreeSet<String>>| {
            map.get(id).map(|s| s.iter().cloned().collect()).unwrap_or_default()
        };
        Links { id: id.to_string(), cites: list(&self.cites), cited_by: list(&self.cited_by) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, url: &str, links: &[&str]) -> Article {
        let mut a = Article::new(id, "s", id);
        a.url = Some(url.into());
        a.canonical_url = Some(url.into());
        a.links = links.iter().map(|l| l.to_string()).collect();
        a
    }

    #[test]
    fn links_resolve_through_variants_and_redirects() {
        let a = article("a", "https://ricochets.cc/spip.php?article12", &[]);
        let b = article(
            "b",
            "https://lalime.example/2025/03/x/",
            &[
                "http://www.ricochets.cc/?article12&utm_source=rss",
                "https://ailleurs.example/hors-archive",
                "https://lalime.example/2025/03/x",
            ],
        );
        let c = article("c", "https://c.example/c", &["https://court.example/r/1"]);
        let mut redirects = HashMap::new();
        redirects.insert(key("https://court.example/r/1"), "https://lalime.example/2025/03/x".to_string());
        let citations = Citations::build([&a, &b, &c], &redirects);
        assert_eq!(
            citations.of("b").cites,
            ["a"],
            "variants resolve; outside links and self-links are ignored"
        );
        assert_eq!(citations.of("a").cited_by, ["b"]);
        assert_eq!(citations.of("c").cites, ["b"], "through a redirect");
        assert_eq!(citations.of("b").cited_by, ["c"]);
        assert!(citations.of("zzz").cites.is_empty());
    }
}
