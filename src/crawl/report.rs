//! What a crawl run reports: per source, per failing URL, and the run's
//! figures, with the one-line form `crawl` and `update` print.

use serde::Serialize;

use super::store;

/// What happened to one source.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SourceReport {
    pub id: String,
    pub requests: u64,
    pub errors: u64,
    /// Set when the source could not be crawled (robots.txt unreadable,
    /// host failing): the run exits non-zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// One URL that gave no page.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub url: String,
    pub error: String,
}

/// The figures of a run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Requests answered with a body (robots.txt included).
    pub fetched: u64,
    /// Conditional requests answered 304 Not Modified.
    pub not_modified: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Pages whose text is already archived under another URL.
    pub same_text: u64,
    /// Pages that are listings, tags, empty…
    pub not_articles: u64,
    pub errors: u64,
    pub disallowed: u64,
    pub bytes_downloaded: u64,
    /// Bytes of the earlier answers that 304s did not send again.
    pub bytes_saved: u64,
    /// Requests for addresses fetched before that could not be conditional:
    /// the site sent no ETag or Last-Modified to ask "changed since?" with.
    pub unconditional: u64,
    /// Listing pages served without validators and not downloaded again,
    /// because the site's feeds and sitemaps showed nothing new.
    pub listings_left: u64,
    pub seconds: f64,
    pub sources: Vec<SourceReport>,
    pub failures: Vec<Failure>,
    /// With `--dry-run`: the pages that would be fetched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned: Vec<String>,
    /// The run stopped early (signal or `--max-pages`).
    pub interrupted: bool,
    /// The articles this run added.
    pub new_articles: Vec<store::NewArticle>,
}

impl Summary {
    pub fn line(&self) -> String {
        format!(
            "{} fetched, {} not modified, {} new, {} changed, {} errors; {} downloaded, {} saved by conditional requests{}, {:.1} s",
            self.fetched,
            self.not_modified,
            self.new,
            self.changed,
            self.errors,
            crate::home::space::human_bytes(self.bytes_downloaded),
            crate::home::space::human_bytes(self.bytes_saved),
            thrift(self.unconditional, self.listings_left),
            self.seconds
        )
    }

    pub fn failed_sources(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|s| s.failed.is_some())
    }
}

/// What the sites' lack of validators cost and what the feeds spared, for
/// the one-line summaries (empty when both are nil).
pub fn thrift(unconditional: u64, listings_left: u64) -> String {
    let mut out = String::new();
    if unconditional > 0 {
        out.push_str(&format!(
            "; {unconditional} {} not be conditional (the site sent no ETag or Last-Modified)",
            if unconditional == 1 { "request could" } else { "requests could" }
        ));
    }
    if listings_left > 0 {
        out.push_str(&format!(
            "; {listings_left} {} (the feeds and sitemaps show nothing new)",
            if listings_left == 1 { "listing not downloaded again" } else { "listings not downloaded again" }
        ));
    }
    out
}
