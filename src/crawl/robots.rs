//! robots.txt: what a host lets veille fetch, how slowly, and which
//! sitemaps it announces. Parsing is the `texting_robots` crate's (Google's
//! reading: longest match wins, `Allow` wins ties, wildcards, `Crawl-delay`).

use std::time::Duration;

/// The product token veille answers to in robots.txt groups.
pub const AGENT: &str = "veille";

/// A host's rules as fetched at the start of a run.
#[derive(Debug)]
pub enum Robots {
    /// No robots.txt (4xx): everything is allowed.
    AllowAll,
    /// robots.txt could not be read (5xx, network): nothing is fetched from
    /// the host this run, as RFC 9309 asks.
    DisallowAll(String),
    Rules(Box<texting_robots::Robot>),
}

impl Robots {
    /// Reads a robots.txt answer: its status and body.
    pub fn from_response(status: u16, body: &[u8]) -> Robots {
        match status {
            200..=299 => match texting_robots::Robot::new(AGENT, body) {
                Ok(robot) => Robots::Rules(Box::new(robot)),
                // Unparseable rules are no rules (RFC 9309 §2.2.2).
                Err(_) => Robots::AllowAll,
            },
            400..=499 if status != 429 => Robots::AllowAll,
            _ => Robots::DisallowAll(format!("robots.txt answered {status}")),
        }
    }

    /// Whether `url` (absolute) may be fetched.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll(_) => false,
            Robots::Rules(robot) => robot.allowed(url),
        }
    }

    /// The `Crawl-delay` asked for, honoured however long it is.
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Robots::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f64(f64::from(d))),
            _ => None,
        }
    }

    /// `Sitemap:` lines.
    pub fn sitemaps(&self) -> &[String] {
        match self {
            Robots::Rules(robot) => &robot.sitemaps,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_delay_and_sitemaps_are_read() {
        let txt = b"User-agent: *\nCrawl-delay: 30\nDisallow: /ecrire/\nDisallow: /spip.php?page=recherche\n\
            Allow: /ecrire/public\nSitemap: https://a.test/sitemap.xml\n";
        let robots = Robots::from_response(200, txt);
        assert!(!robots.allowed("https://a.test/ecrire/?exec=x"));
        assert!(robots.allowed("https://a.test/ecrire/public"));
        assert!(!robots.allowed("https://a.test/spip.php?page=recherche&recherche=eau"));
        assert!(robots.allowed("https://a.test/spip.php?article12"));
        assert_eq!(robots.delay(), Some(Duration::from_secs(30)));
        assert_eq!(robots.sitemaps(), ["https://a.test/sitemap.xml"]);
    }

    #[test]
    fn missing_and_failing_robots() {
        assert!(Robots::from_response(404, b"").allowed("https://a.test/x"));
        assert!(!Robots::from_response(503, b"").allowed("https://a.test/x"));
        assert!(!Robots::from_response(429, b"").allowed("https://a.test/x"));
        let veille_only = b"User-agent: veille\nDisallow: /\n\nUser-agent: *\nAllow: /\n";
        assert!(!Robots::from_response(200, veille_only).allowed("https://a.test/x"));
    }
}
