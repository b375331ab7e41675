//! One HTTP request, with the limits a crawler needs: timeouts, a body cap
//! enforced while streaming, a cap on decompressed size, conditional
//! headers. Redirects are not followed here: the crawler follows them hop
//! by hop so that each target is checked against the source's scope and
//! robots.txt.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use crate::archive::coding::{self, CodingError};

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct Limits {
    pub connect_timeout: Duration,
    /// For the whole exchange, body included.
    pub timeout: Duration,
    /// Largest body accepted, as transferred and once decompressed.
    pub max_body: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body: 10 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum FetchError {
    #[error("timed out")]
    Timeout,
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("body larger than {0} bytes, not kept")]
    TooLarge(u64),
    #[error("{0}")]
    Decode(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout | FetchError::Connect(_) | FetchError::Other(_))
    }
}

/// Validators of an earlier answer, sent back for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub request_headers: Vec<(String, String)>,
    /// The body as transferred (content coding kept): what the WARC holds.
    pub raw: Vec<u8>,
    /// The body once its content coding is undone.
    pub body: Vec<u8>,
    pub ip: Option<SocketAddr>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }

    /// The redirect target, resolved against the request URL.
    pub fn location(&self) -> Option<Url> {
        self.header("location").and_then(|l| self.url.join(l.trim()).ok())
    }

    /// Seconds to wait before asking again, from `Retry-After` (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.header("retry-after")?.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let wait = date.timestamp() - chrono::Utc::now().timestamp();
        Some(Duration::from_secs(wait.max(0) as u64))
    }
}

/// The HTTP client of a crawl.
pub struct Fetcher {
    client: reqwest::Client,
    user_agent: String,
    limits: Limits,
}

/// The User-Agent veille sends: its name, version and whom to contact.
pub fn user_agent(contact: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    if contact.trim().is_empty() {
        format!("veille/{version} (press archive; +https://veille.example/robot)")
    } else {
        format!("veille/{version} (press archive; +{})", contact.trim())
    }
}

impl Fetcher {
    /// A client; `resolve` maps host names to addresses (as curl's
    /// `--resolve`), for mirrors and tests.
    pub fn new(
        contact: &str,
        limits: Limits,
        resolve: &[(String, SocketAddr)],
    ) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout)
            // One connection per host at a time is the crawler's rule; keep it warm.
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(Duration::from_secs(30))
            .tcp_keepalive(Duration::from_secs(30));
        for (host, addr) in resolve {
            builder = builder.resolve(host, *addr);
        }
        let client = builder.build().map_err(|e| FetchError::Other(e.to_string()))?;
        Ok(Fetcher { client, user_agent: user_agent(contact), limits })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// GETs `url` once, conditionally when validators are given, keeping at
    /// most `max_body` bytes (pages and PDFs have their own caps).
    pub async fn get(
        &self,
        url: &Url,
        validators: &Validators,
        max_body: u64,
    ) -> Result<Response, FetchError> {
        let mut request_headers = vec![
            ("User-Agent".to_string(), self.user_agent.clone()),
            ("Accept".to_string(), "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".into()),
            ("Accept-Language".to_string(), "fr,en;q=0.5".into()),
            // gzip only: it is decoded here under a size cap.
            ("Accept-Encoding".to_string(), "gzip".into()),
        ];
        if let Some(etag) = &validators.etag {
            request_headers.push(("If-None-Match".into(), etag.clone()));
        }
        if let Some(modified) = &validators.last_modified {
            request_headers.push(("If-Modified-Since".into(), modified.clone()));
        }
        let mut request = self.client.get(url.clone());
        for (name, value) in &request_headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let ip = response.remote_addr();
        let max = max_body;
        if response.content_length().is_some_and(|len| len > max) {
            return Err(FetchError::TooLarge(max));
        }
        let mut raw = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if raw.len() as u64 + chunk.len() as u64 > max {
                return Err(FetchError::TooLarge(max));
            }
            raw.extend_from_slice(&chunk);
        }
        let encoding = headers.iter().find(|(n, _)| n == "content-encoding").map(|(_, v)| v.as_str());
        let body = decode_content(&raw, encoding, max)?;
        Ok(Response {
            url: url.clone(),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            request_headers,
            raw,
            body,
            ip,
        })
    }
}

/// Undoes a `Content-Encoding` (only gzip is asked for), inflating at most `max` bytes.
fn decode_content(raw: &[u8], encoding: Option<&str>, max: u64) -> Result<Vec<u8>, FetchError> {
    coding::decode_content(raw, encoding, max).map_err(|e| match e {
        CodingError::TooLarge(cap) => FetchError::TooLarge(cap),
        other => FetchError::Decode(other.to_string()),
    })
}

fn classify(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    // The innermost cause says what happened (reset, refused, DNS…).
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message = s.to_string();
        source = s.source();
    }
    if e.is_connect() { FetchError::Connect(message) } else { FetchError::Other(message) }
}
