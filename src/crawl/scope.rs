//! Which URLs belong to a source: its hosts (with or without `www.`), its
//! `include` and `exclude` patterns. Checked for every discovered link and
//! after every redirect, so that a site cannot send the crawler elsewhere
//! (another host, a loopback address) that the source does not name.

use std::collections::HashSet;

use regex::Regex;
use url::Url;

use crate::config::sources::Source;

#[derive(Debug)]
pub struct Scope {
    hosts: HashSet<String>,
    include: Vec<Regex>,
    exclude: Vec<Regex>,
}

/// A host without its `www.`, with its port, lower case: `ricochets.cc`,
/// `spip.test:8080`.
pub fn host_key(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

impl Scope {
    /// The scope of a source: the hosts of its homepage, feeds, sitemaps and
    /// start pages. Patterns were validated when sources.toml was read.
    pub fn new(source: &Source) -> Scope {
        let hosts = std::iter::once(&source.homepage)
            .chain(&source.feeds)
            .chain(&source.sitemaps)
            .chain(&source.start)
            .filter_map(|u| Url::parse(u).ok())
            .filter_map(|u| host_key(&u))
            .collect();
        let compile = |patterns: &[String]| patterns.iter().filter_map(|p| Regex::new(p).ok()).collect();
        Scope { hosts, include: compile(&source.include), exclude: compile(&source.exclude) }
    }

    /// Whether the URL is on one of the source's hosts.
    pub fn has_host(&self, url: &Url) -> bool {
        host_key(url).is_some_and(|h| self.hosts.contains(&h))
    }

    /// Whether a document (PDF) linked from a page may be fetched: on the
    /// source's hosts and matching no `exclude` pattern (`include` patterns
    /// describe article pages, not their attachments).
    pub fn allows_document(&self, url: &Url) -> bool {
        self.has_host(url) && !self.exclude.iter().any(|r| r.is_match(url.as_str()))
    }

    /// Whether a discovered page may be fetched: on the source's hosts,
    /// matching an `include` pattern when there are any, and no `exclude` one.
    pub fn allows(&self, url: &Url) -> bool {
        let text = url.as_str();
        self.has_host(url)
            && (self.include.is_empty() || self.include.iter().any(|r| r.is_match(text)))
            && !self.exclude.iter().any(|r| r.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(toml_text: &str) -> Source {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn hosts_and_patterns() {
        let s = source(
            "id = \"r\"\nhomepage = \"https://www.ricochets.cc/\"\nfeeds = [\"https://feeds.ricochets.cc/rss\"]\n\
             exclude = ['debut_articles=\\d{3,}']\n",
        );
        let scope = Scope::new(&s);
        let ok = |u: &str| scope.allows(&Url::parse(u).unwrap());
        assert!(ok("https://ricochets.cc/spip.php?article1"));
        assert!(ok("http://www.ricochets.cc/spip.php?article1"));
        assert!(ok("https://feeds.ricochets.cc/x"));
        assert!(!ok("https://ricochets.cc/spip.php?page=rubrique&debut_articles=120"));
        assert!(!ok("https://evil.test/"));
        assert!(!ok("http://127.0.0.1/"));
        assert!(!ok("https://ricochets.cc:8443/"));
        let s =
            source("id = \"r\"\nhomepage = \"https://a.test/\"\ninclude = ['spip\\.php\\?article\\d+$']\n");
        let scope = Scope::new(&s);
        assert!(scope.allows(&Url::parse("https://a.test/spip.php?article1").unwrap()));
        assert!(!scope.allows(&Url::parse("https://a.test/spip.php?page=plan").unwrap()));
        assert!(scope.has_host(&Url::parse("https://a.test/spip.php?page=plan").unwrap()));
    }
}
