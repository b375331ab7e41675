//! Being a good guest: one request at a time per host, a minimum delay
//! between two requests to a host (the longer of veille.toml's, the
//! source's and robots.txt's `Crawl-delay`), a global limit on hosts
//! fetched at once, `Retry-After` on 429/503, exponential back-off on
//! failures with a retry cap, and a host that keeps failing left alone for
//! the rest of the run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use super::fetch::{FetchError, Fetcher, Response, Validators};
use super::robots::Robots;
use super::scope::host_key;

/// Longest `Retry-After` waited for within a run; a host asking for more is
/// left for the next run.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Retry and pause rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub retries: u32,
    pub backoff: Duration,
    pub host_failures: u32,
}

/// Redirects followed for robots.txt (RFC 9309 asks for at least five).
const MAX_ROBOTS_REDIRECTS: usize = 5;

/// Why a polite fetch gave no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("disallowed by robots.txt")]
    Robots,
    #[error("host left alone for this run: {0}")]
    HostPaused(String),
    #[error("{0}")]
    Fetch(FetchError),
    #[error("stopped")]
    Cancelled,
}

/// What veille knows of one host during a run.
#[derive(Default)]
struct Gate {
    next: Option<Instant>,
    robots: Option<Arc<Robots>>,
    /// URLs that failed in a row.
    failures: u32,
    paused: Option<String>,
}

/// Every host of a run.
pub struct Hosts {
    fetcher: Fetcher,
    rules: Rules,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Gate>>>>,
    global: Semaphore,
    cancelled: Arc<std::sync::atomic::AtomicBool>,
    /// Answers to robots.txt requests, for the archive: (host, response).
    robots_answers: Mutex<Vec<Response>>,
}

impl Hosts {
    pub fn new(
        fetcher: Fetcher,
        rules: Rules,
        concurrency: usize,
        cancelled: Arc<std::sync::atomic::AtomicBool>,
    ) -> Hosts {
        Hosts {
            fetcher,
            rules,
            gates: Mutex::new(HashMap::new()),
            global: Semaphore::new(concurrency.max(1)),
            cancelled,
            robots_answers: Mutex::new(Vec::new()),
        }
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    fn gate(&self, url: &Url) -> Arc<tokio::sync::Mutex<Gate>> {
        let key = host_key(url).unwrap_or_default();
        self.gates.lock().expect("hosts lock").entry(key).or_default().clone()
    }

    /// robots.txt answers received since the last call.
    pub fn take_robots_answers(&self) -> Vec<Response> {
        std::mem::take(&mut *self.robots_answers.lock().expect("robots lock"))
    }

    /// The robots.txt rules of the URL's host (fetched on first use).
    pub async fn robots(&self, url: &Url, delay: Duration) -> Result<Arc<Robots>, Refusal> {
        let gate = self.gate(url);
        let mut gate = gate.lock().await;
        self.load_robots(&mut gate, url, delay).await
    }

    async fn load_robots(&self, gate: &mut Gate, url: &Url, delay: Duration) -> Result<Arc<Robots>, Refusal> {
        if let Some(robots) = &gate.robots {
            return Ok(robots.clone());
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let max_body = self.fetcher.limits().max_body;
        // RFC 9309 §2.3.1.2: follow at least five consecutive redirects (a
        // WordPress behind nginx's usual `try_files` answers 301 to
        // `/robots.txt/`), across hosts too; after that, the file is
        // unavailable, which allows everything.
        let mut robots = Robots::AllowAll;
        for _ in 0..=MAX_ROBOTS_REDIRECTS {
            match self.request(gate, &robots_url, &Validators::default(), delay, max_body).await {
                Ok(response) => {
                    let next = response.is_redirect().then(|| response.location()).flatten();
                    robots = match &next {
                        Some(_) => Robots::AllowAll,
                        None => Robots::from_response(response.status, &response.body),
                    };
                    self.robots_answers.lock().expect("robots lock").push(response);
                    match next.filter(|n| matches!(n.scheme(), "http" | "https")) {
                        Some(next) => robots_url = next,
                        None => break,
                    }
                }
                Err(Refusal::Fetch(e)) => {
                    robots = Robots::DisallowAll(format!("robots.txt: {e}"));
                    break;
                }
                Err(other) => return Err(other),
            }
        }
        if let Robots::DisallowAll(why) = &robots {
            gate.paused = Some(why.clone());
        }
        // The robots.txt request itself was spaced with the configured delay only.
        if let Some(asked) = robots.delay().filter(|d| *d > delay) {
            gate.next = gate.next.map(|n| n + (asked - delay));
        }
        let robots = Arc::new(robots);
        gate.robots = Some(robots.clone());
        Ok(robots)
    }

    /// GETs `url` politely: robots.txt checked, host delay kept, retried on
    /// transient failures.
    pub async fn get(
        &self,
        url: &Url,
        validators: &Validators,
        delay: Duration,
        max_body: u64,
    ) -> Result<Response, Refusal> {
        let gate = self.gate(url);
        let mut gate = gate.lock().await;
        let robots = self.load_robots(&mut gate, url, delay).await?;
        if let Some(why) = &gate.paused {
            return Err(Refusal::HostPaused(why.clone()));
        }
        if !robots.allowed(url.as_str()) {
            return Err(Refusal::Robots);
        }
        let result = self.request(&mut gate, url, validators, delay, max_body).await;
        match &result {
            Ok(r) if r.status < 500 && r.status != 429 => gate.failures = 0,
            Err(Refusal::Cancelled | Refusal::HostPaused(_)) => {}
            _ => {
                gate.failures += 1;
                if gate.failures >= self.rules.host_failures && gate.paused.is_none() {
                    let why = match &result {
                        Ok(r) => format!(
                            "{} URLs in a row failed, the last with status {}",
                            gate.failures, r.status
                        ),
                        Err(e) => format!("{} URLs in a row failed, the last with: {e}", gate.failures),
                    };
                    tracing::warn!(
                        "{}: {why}; left alone until the next run",
                        host_key(url).unwrap_or_default()
                    );
                    gate.paused = Some(why);
                }
            }
        }
        result
    }

    /// One request with its retries, the host's gate held throughout.
    async fn request(
        &self,
        gate: &mut Gate,
        url: &Url,
        validators: &Validators,
        delay: Duration,
        max_body: u64,
    ) -> Result<Response, Refusal> {
        let delay = gate.robots.as_ref().and_then(|r| r.delay()).map_or(delay, |d| d.max(delay));
        let mut attempt = 0;
        loop {
            if self.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Refusal::Cancelled);
            }
            if let Some(next) = gate.next {
                tokio::time::sleep_until(next).await;
            }
            let permit = self.global.acquire().await.expect("semaphore never closed");
            let result = self.fetcher.get(url, validators, max_body).await;
            drop(permit);
            gate.next = Some(Instant::now() + delay);
            let wait = match &result {
                Ok(r) if r.status == 429 || r.status == 503 => {
                    let asked = r.retry_after();
                    if asked.is_some_and(|d| d > MAX_RETRY_AFTER) {
                        let why = format!(
                            "asked to come back in {} s (Retry-After)",
                            asked.unwrap_or_default().as_secs()
                        );
                        gate.paused = Some(why.clone());
                        return Err(Refusal::HostPaused(why));
                    }
                    asked.unwrap_or_else(|| self.backoff(attempt))
                }
                Ok(r) if matches!(r.status, 500 | 502 | 504) => self.backoff(attempt),
                Ok(_) => return result.map_err(Refusal::Fetch),
                Err(e) if e.is_transient() => self.backoff(attempt),
                Err(e) => return Err(Refusal::Fetch(e.clone())),
            };
            if attempt >= self.rules.retries {
                return result.map_err(Refusal::Fetch);
            }
            attempt += 1;
            tracing::debug!("{url}: trying again in {:.1} s (try {attempt})", wait.as_secs_f64());
            let until = Instant::now() + wait;
            gate.next = Some(gate.next.map_or(until, |n| n.max(until)));
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.rules.backoff * 2u32.saturating_pow(attempt.min(16))
    }
}
