//! The crawler: finds what is new on the followed sites, fetches it once,
//! politely, archives every answer in WARC files and hands article pages
//! to the extractor, which makes them corpus articles.
//!
//! Per source, the order is: robots.txt, then feeds and sitemaps (checked
//! every run with conditional requests), then start pages, then the
//! frontier left by an earlier run, then the links found on the way, breadth
//! first up to `max_depth`. Sources run concurrently (at most
//! `concurrency` hosts at once); within a host, requests follow each other
//! with the host's delay. An article page is fetched once and checked again
//! on the source's `recrawl` schedule, or when its feed or sitemap says it
//! changed.

pub mod discover;
pub mod fetch;
pub mod politeness;
pub mod reextract;
pub mod report;
pub mod robots;
pub mod scope;
pub mod state;
pub mod store;

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use crate::archive::warc;
use crate::config::settings::Settings;
use crate::config::sources::Source;
use crate::corpus::{Corpus, PubDate, WarcRef, canonical, sha256_hex};
use crate::extract::{self, NotArticle};
pub use crate::home::space::human_bytes;
use fetch::{Fetcher, Limits, Response, Validators};
use politeness::{Hosts, Refusal, Rules};
pub use report::{Failure, SourceReport, Summary};
use scope::Scope;
use state::{Pending, Role, UrlState};
use store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no source with id {0:?} in sources.toml")]
    UnknownSource(String),
    #[error("HTTP client: {0}")]
    Client(String),
}

/// How a crawl is run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this source.
    pub source: Option<String>,
    /// Stop after this many requests (robots.txt not counted).
    pub max_pages: Option<u64>,
    /// Read robots.txt, feeds and sitemaps, list what would be fetched, write nothing.
    pub dry_run: bool,
    /// Check every archived article again now (conditional requests).
    pub recheck: bool,
    /// Host names answered with these addresses instead of DNS (curl's `--resolve`).
    pub resolve: Vec<(String, SocketAddr)>,
}

#[derive(Default)]
struct Counters {
    fetched: AtomicU64,
    not_modified: AtomicU64,
    same_text: AtomicU64,
    not_articles: AtomicU64,
    errors: AtomicU64,
    disallowed: AtomicU64,
    bytes_downloaded: AtomicU64,
    bytes_saved: AtomicU64,
    unconditional: AtomicU64,
    listings_left: AtomicU64,
}

/// Called with each URL as it is fetched (for a progress bar).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

struct Ctx {
    hosts: Hosts,
    settings: Settings,
    options: Options,
    store: Option<Mutex<Store>>,
    requests_left: AtomicI64,
    counters: Counters,
    failures: Mutex<Vec<Failure>>,
    planned: Mutex<Vec<String>>,
    cancelled: Arc<AtomicBool>,
    progress: Option<Progress>,
    max_body: u64,
    /// Cap on a document's size (PDF, ODT, DOCX, EPUB).
    max_pdf: u64,
    pdf_limits: extract::pdf::Limits,
}

/// What the feeds and sitemaps read so far this run say about a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum News {
    /// None was read (or the source has none).
    Unknown,
    /// Every one read lists only what the state holds, with no later date.
    Nothing,
    /// One lists something new, or could not be read.
    Something,
}

impl News {
    fn read(&mut self, news: bool) {
        *self = match (*self, news) {
            (_, true) | (News::Something, _) => News::Something,
            _ => News::Nothing,
        };
    }
}

/// A URL in a source's queue.
#[derive(Debug, Clone)]
struct Item {
    url: Url,
    role: Role,
    depth: u32,
    /// When a feed or sitemap says the page last changed.
    updated: Option<i64>,
    /// Came from the persistent frontier (or was added to it).
    in_frontier: bool,
    /// For a document: what the page linking it says.
    parent: Option<Arc<Parent>>,
    /// A feed found on one of the site's pages (not named in sources.toml).
    found_on_page: bool,
}

/// What a page says about a document it links.
#[derive(Debug, Clone, Default)]
struct Parent {
    id: Option<String>,
    label: Option<String>,
    title: Option<String>,
    authors: Vec<String>,
    published: Option<PubDate>,
}

/// Runs a crawl of the home's sources.
pub struct Crawler {
    ctx: Arc<Ctx>,
    sources: Vec<Source>,
}

impl Crawler {
    /// Prepares a crawl; opens the state (which fails if another crawl runs).
    pub fn new(
        corpus: &Corpus,
        state_dir: &std::path::Path,
        raw_dir: &std::path::Path,
        settings: Settings,
        sources: Vec<Source>,
        options: Options,
    ) -> Result<Crawler, CrawlError> {
        let sources: Vec<Source> = match &options.source {
            Some(id) => {
                let one: Vec<_> = sources.into_iter().filter(|s| &s.id == id).collect();
                if one.is_empty() {
                    return Err(CrawlError::UnknownSource(id.clone()));
                }
                one
            }
            None => sources,
        };
        let c = &settings.crawl;
        let max_body = c.max_body_megabytes.saturating_mul(1024 * 1024);
        let limits = Limits {
            connect_timeout: Duration::from_secs_f64(c.timeout_seconds.min(10.0)),
            timeout: Duration::from_secs_f64(c.timeout_seconds),
            max_body,
        };
        let fetcher = Fetcher::new(&c.contact, limits, &options.resolve)
            .map_err(|e| CrawlError::Client(e.to_string()))?;
        let rules = Rules {
            retries: c.retries,
            backoff: Duration::from_secs_f64(c.backoff_seconds),
            host_failures: c.host_failures,
        };
        let cancelled = Arc::new(AtomicBool::new(false));
        let hosts = Hosts::new(fetcher, rules, c.concurrency, cancelled.clone());
        let store = if options.dry_run {
            None
        } else {
            let bytes = c.warc_file_megabytes.saturating_mul(1024 * 1024);
            Some(Mutex::new(Store::open(state_dir, raw_dir, corpus, bytes)?))
        };
        let max_pdf = c.pdf_max_megabytes.saturating_mul(1024 * 1024);
        let pdf_limits = extract::pdf::Limits::from(c);
        let requests_left = options.max_pages.map_or(i64::MAX, |n| n.min(i64::MAX as u64) as i64);
        Ok(Crawler {
            ctx: Arc::new(Ctx {
                hosts,
                settings,
                options,
                store,
                requests_left: AtomicI64::new(requests_left),
                counters: Counters::default(),
                failures: Mutex::new(Vec::new()),
                planned: Mutex::new(Vec::new()),
                cancelled,
                progress: None,
                max_body,
                max_pdf,
                pdf_limits,
            }),
            sources,
        })
    }

    /// Reports each URL fetched.
    pub fn with_progress(mut self, progress: Progress) -> Crawler {
        Arc::get_mut(&mut self.ctx).expect("not running yet").progress = Some(progress);
        self
    }

    /// A flag that stops the crawl at the next safe point when set.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.ctx.cancelled.clone()
    }

    /// Crawls every source; returns when all are done or the crawl is stopped.
    pub async fn run(self) -> Result<Summary, CrawlError> {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for source in self.sources {
            let ctx = self.ctx.clone();
            tasks.spawn(async move { crawl_source(ctx, source).await });
        }
        let mut reports = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok(report)) => reports.push(report),
                Ok(Err(e)) => return Err(e),
                Err(e) => return Err(CrawlError::Client(format!("a crawl task failed: {e}"))),
            }
        }
        reports.sort_by(|a, b| a.id.cmp(&b.id));
        let ctx = Arc::try_unwrap(self.ctx).ok().expect("tasks are done");
        let saved = match ctx.store {
            Some(store) => store.into_inner().expect("store lock").finish()?,
            None => store::Saved::default(),
        };
        let c = &ctx.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Ok(Summary {
            fetched: get(&c.fetched),
            not_modified: get(&c.not_modified),
            new: saved.new,
            new_articles: saved.created.clone(),
            changed: saved.changed,
            unchanged: saved.unchanged,
            same_text: get(&c.same_text),
            not_articles: get(&c.not_articles),
            errors: get(&c.errors) + saved.failed,
            disallowed: get(&c.disallowed),
            bytes_downloaded: get(&c.bytes_downloaded),
            bytes_saved: get(&c.bytes_saved),
            unconditional: get(&c.unconditional),
            listings_left: get(&c.listings_left),
            seconds: started.elapsed().as_secs_f64(),
            sources: reports,
            failures: ctx.failures.into_inner().expect("failures lock"),
            planned: ctx.planned.into_inner().expect("planned lock"),
            interrupted: ctx.cancelled.load(Ordering::Relaxed)
                || ctx.requests_left.load(Ordering::Relaxed) <= 0,
        })
    }
}

/// The crawl of one source.
struct SourceCrawl {
    ctx: Arc<Ctx>,
    source: Source,
    scope: Scope,
    delay: Duration,
    /// Feeds and sitemaps, read before any page: what they say decides
    /// whether listings need fetching (see `listing_can_wait`).
    discovery: VecDeque<Item>,
    queue: VecDeque<Item>,
    seen: HashSet<String>,
    /// What this run's feeds and sitemaps say about the site.
    news: News,
    pagination_left: u32,
    report: SourceReport,
    /// The WARC archive could not be written (a full disk): the crawl stops.
    archive_failed: Option<StoreError>,
}

async fn crawl_source(ctx: Arc<Ctx>, source: Source) -> Result<SourceReport, CrawlError> {
    let delay = Duration::from_secs_f64(source.crawl_delay.unwrap_or(ctx.settings.crawl.delay_seconds));
    let mut crawl = SourceCrawl {
        scope: Scope::new(&source),
        report: SourceReport { id: source.id.clone(), ..Default::default() },
        pagination_left: ctx.settings.crawl.max_pagination,
        ctx,
        source,
        delay,
        discovery: VecDeque::new(),
        queue: VecDeque::new(),
        seen: HashSet::new(),
        news: News::Unknown,
        archive_failed: None,
    };
    crawl.run().await?;
    Ok(crawl.report)
}

impl SourceCrawl {
    fn push(&mut self, url: Url, role: Role, depth: u32, updated: Option<i64>) -> bool {
        if !self.seen.insert(canonical::key(url.as_str())) {
            return false;
        }
        let item = Item { url, role, depth, updated, in_frontier: false, parent: None, found_on_page: false };
        match role {
            Role::Feed | Role::Sitemap => self.discovery.push_back(item),
            _ => self.queue.push_back(item),
        }
        true
    }

    /// Whether a feed or sitemap entry tells of something this source's
    /// state does not hold yet: an address never fetched, or a date after
    /// its last fetch.
    fn is_news(&self, url: &Url, updated: Option<i64>) -> bool {
        let Some(store) = self.store() else { return true };
        match store.state().url(&canonical::key(url.as_str())) {
            Ok(Some(known)) => updated.is_some_and(|u| u > known.fetched),
            _ => true,
        }
    }

    /// A listing page (a page that gave no article) that the site serves
    /// without validators need not be downloaded again this run when the
    /// feeds and sitemaps, all read, show nothing new: it is fetched again
    /// once `listing_days` have passed (what feeds do not list, such as
    /// pages or back-dated posts, is found then), or as soon as they do.
    fn listing_can_wait(&self, known: &UrlState) -> bool {
        let days = i64::from(self.ctx.settings.crawl.listing_days);
        !self.ctx.options.recheck
            && self.news == News::Nothing
            && days > 0
            && known.article.is_none()
            && known.etag.is_none()
            && known.last_modified.is_none()
            && (200..300).contains(&known.status)
            && discover::now() < known.fetched.saturating_add(days * 86_400)
    }

    fn store(&self) -> Option<std::sync::MutexGuard<'_, Store>> {
        self.ctx.store.as_ref().map(|s| s.lock().expect("store lock"))
    }

    async fn run(&mut self) -> Result<(), CrawlError> {
        let homepage = Url::parse(&self.source.homepage).expect("validated in sources.toml");
        // robots.txt first: its Sitemap lines and its refusal matter to everything else.
        let robots = match self.ctx.hosts.robots(&homepage, self.delay).await {
            Ok(robots) => robots,
            Err(Refusal::Cancelled) => return Ok(()),
            Err(e) => {
                self.report.failed = Some(e.to_string());
                return Ok(());
            }
        };
        self.archive_robots()?;
        if let robots::Robots::DisallowAll(why) = &*robots {
            tracing::warn!("{}: {why}; source skipped this run", self.source.id);
            self.report.failed = Some(why.clone());
            return Ok(());
        }
        let urls = |list: &[String]| list.iter().filter_map(|u| canonical::clean(u)).collect::<Vec<_>>();
        for url in urls(&self.source.feeds) {
            self.push(url, Role::Feed, 0, None);
        }
        let mut sitemaps = urls(&self.source.sitemaps);
        sitemaps.extend(
            robots.sitemaps().iter().filter_map(|u| canonical::clean(u)).filter(|u| self.scope.has_host(u)),
        );
        for url in sitemaps {
            self.push(url, Role::Sitemap, 0, None);
        }
        let start = if self.source.start.is_empty() {
            vec![self.source.homepage.clone()]
        } else {
            self.source.start.clone()
        };
        for url in urls(&start) {
            self.push(url, Role::Page, 0, None);
        }
        let (frontier, known) = match self.store() {
            Some(store) => (
                store.state().frontier(Some(&self.source.id)).map_err(StoreError::from)?,
                store.state().urls(Some(&self.source.id)).map_err(StoreError::from)?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        // Archived articles due for a check: found again by no listing when
        // feeds, sitemaps and listings answer 304. Feeds found on the site's
        // pages in earlier runs are read again (conditional requests): the
        // page that named them may not be downloaded this run. (A feed only
        // sources.toml named is not: removed from there, it is not read.)
        for (key, state) in known {
            if state.role == Some(Role::Feed)
                && state.found_on_page
                && (200..300).contains(&state.status)
                && let Some(url) = canonical::clean(&state.url)
                && self.scope.has_host(&url)
            {
                if self.push(url, Role::Feed, 0, None) {
                    self.discovery.back_mut().expect("just pushed").found_on_page = true;
                }
                continue;
            }
            let probe = Item {
                url: homepage.clone(),
                role: Role::Page,
                depth: state.depth,
                updated: None,
                in_frontier: false,
                parent: None,
                found_on_page: false,
            };
            if state.article.is_some()
                && matches!(state.role, Some(Role::Page | Role::Document))
                && self.due(&probe, &state)
                && let Some(url) = canonical::clean(&state.url)
                && self.seen.insert(key)
            {
                let role = state.role.unwrap_or(Role::Page);
                self.queue.push_back(Item { url, role, ..probe });
            }
        }
        {
            for (key, pending) in frontier {
                if let Some(url) = canonical::clean(&pending.url)
                    && self.seen.insert(key)
                {
                    let parent = (pending.role == Role::Document).then(|| {
                        Arc::new(Parent { id: pending.parent, label: pending.label, ..Parent::default() })
                    });
                    let item = Item {
                        url,
                        role: pending.role,
                        depth: pending.depth,
                        updated: None,
                        in_frontier: true,
                        parent,
                        found_on_page: false,
                    };
                    self.queue.push_back(item);
                }
            }
        }
        while let Some(item) = self.discovery.pop_front().or_else(|| self.queue.pop_front()) {
            if self.ctx.cancelled.load(Ordering::Relaxed) {
                break;
            }
            let errors = self.report.errors;
            let outcome = self.visit(&item).await;
            if matches!(item.role, Role::Feed | Role::Sitemap)
                && (outcome.is_err() || self.report.errors > errors)
            {
                // A feed or sitemap that could not be read may have told of something new.
                self.news.read(true);
            }
            if let Some(e) = self.archive_failed.take() {
                // What was fetched and written before is recorded first.
                if let Some(mut store) = self.store() {
                    store.flush()?;
                }
                return Err(e.into());
            }
            match outcome {
                Ok(Visit::Stop) => break,
                Ok(Visit::Done) => {}
                Err(Refusal::HostPaused(why)) => {
                    if self.report.failed.is_none()
                        && self.scope.has_host(&item.url)
                        && host_of(&item.url) == host_of(&homepage)
                    {
                        self.report.failed = Some(why);
                    }
                }
                Err(Refusal::Cancelled) => break,
                Err(Refusal::Robots) => {
                    self.ctx.counters.disallowed.fetch_add(1, Ordering::Relaxed);
                    self.forget(&item);
                }
                Err(Refusal::Fetch(e)) => {
                    self.fail(&item.url, e.to_string());
                    // Lasting failures leave the frontier; transient ones are tried next run.
                    if !e.is_transient() {
                        self.forget(&item);
                    }
                }
            }
            if let Some(mut store) = self.store() {
                store.maybe_flush()?;
            }
        }
        if self.report.failed.is_none()
            && self.report.requests > 0
            && self.report.errors == self.report.requests
        {
            self.report.failed = Some(format!("all {} requests failed", self.report.requests));
        }
        if let Some(why) = &self.report.failed {
            tracing::warn!("{}: {why}", self.source.id);
        }
        Ok(())
    }

    fn archive_robots(&mut self) -> Result<(), StoreError> {
        for response in self.ctx.hosts.take_robots_answers() {
            self.count_download(&response);
            if let Some(mut store) = self.store() {
                store.archive(&exchange(&response))?;
            }
        }
        Ok(())
    }

    fn count_download(&self, response: &Response) {
        let c = &self.ctx.counters;
        if response.status == 304 {
            c.not_modified.fetch_add(1, Ordering::Relaxed);
        } else {
            c.fetched.fetch_add(1, Ordering::Relaxed);
        }
        c.bytes_downloaded.fetch_add(response.raw.len() as u64, Ordering::Relaxed);
    }

    fn fail(&mut self, url: &Url, error: String) {
        tracing::info!("{url}: {error}");
        self.report.errors += 1;
        self.ctx.counters.errors.fetch_add(1, Ordering::Relaxed);
        self.ctx.failures.lock().expect("failures lock").push(Failure { url: url.to_string(), error });
    }

    fn forget(&mut self, item: &Item) {
        if item.in_frontier
            && let Some(mut store) = self.store()
        {
            store.done(canonical::key(item.url.as_str()));
        }
    }

    /// Whether an archived page is due for a new check.
    fn due(&self, item: &Item, known: &UrlState) -> bool {
        if self.ctx.options.recheck || item.updated.is_some_and(|u| u > known.fetched) {
            return true;
        }
        if known.article.is_none() {
            // Listings are how new articles are found; errors may heal.
            return known.status != 410;
        }
        self.source.recrawl.interval().is_some_and(|every| discover::now() >= known.fetched + every)
    }

    async fn visit(&mut self, item: &Item) -> Result<Visit, Refusal> {
        let key = canonical::key(item.url.as_str());
        let known = match self.store() {
            Some(store) => store.state().url(&key).ok().flatten(),
            None => None,
        };
        if matches!(item.role, Role::Page | Role::Document) {
            if let Some(known) = &known
                && !self.due(item, known)
            {
                self.forget(item);
                return Ok(Visit::Done);
            }
            if let Some(known) = &known
                && item.role == Role::Page
                && self.listing_can_wait(known)
            {
                self.ctx.counters.listings_left.fetch_add(1, Ordering::Relaxed);
                self.forget(item);
                return Ok(Visit::Done);
            }
            if self.ctx.options.dry_run {
                self.ctx.planned.lock().expect("planned lock").push(item.url.to_string());
                return Ok(Visit::Done);
            }
        }
        if self.ctx.requests_left.fetch_sub(1, Ordering::Relaxed) <= 0 {
            return Ok(Visit::Stop);
        }
        let validators = match (&known, self.ctx.options.dry_run) {
            (Some(k), false) => Validators { etag: k.etag.clone(), last_modified: k.last_modified.clone() },
            _ => Validators::default(),
        };
        let max_body = if item.role == Role::Document { self.ctx.max_pdf } else { self.ctx.max_body };
        let (response, warc) = self.fetch_following(&item.url, &validators, max_body).await?;
        self.report.requests += 1;
        if validators.etag.is_none()
            && validators.last_modified.is_none()
            && known.as_ref().is_some_and(|k| (200..300).contains(&k.status))
        {
            // Fetched before, but the site gave nothing to ask "changed since?" with.
            self.ctx.counters.unconditional.fetch_add(1, Ordering::Relaxed);
        }
        if response.status == 304 {
            self.ctx.counters.bytes_saved.fetch_add(known.as_ref().map_or(0, |k| k.size), Ordering::Relaxed);
            if matches!(item.role, Role::Feed | Role::Sitemap) {
                self.news.read(false);
            }
            self.forget(item);
            return Ok(Visit::Done);
        }
        if !(200..300).contains(&response.status) {
            self.fail(&item.url, format!("HTTP {} {}", response.status, response.reason));
            let state = self.url_state(&response, item, known.as_ref());
            if let Some(mut store) = self.store() {
                store.url(key.clone(), state);
            }
            if !matches!(response.status, 429 | 500..=599) {
                self.forget(item);
            }
            return Ok(Visit::Done);
        }
        match item.role {
            Role::Feed => self.read_feed(item, &response),
            Role::Sitemap => self.read_sitemap(item, &response),
            Role::Robots => {}
            Role::Page | Role::Document => {
                let mut state = self.url_state(&response, item, known.as_ref());
                let known_links = known.as_ref().and_then(|k| k.links_sha256.clone());
                if let Some(known) = known.filter(|k| k.payload_sha256 == state.payload_sha256) {
                    // The server ignored the conditional request but sent the same bytes.
                    state.keep_outcome_of(known);
                    if let Some(mut store) = self.store() {
                        store.url(key, state);
                    }
                    self.forget(item);
                    return Ok(Visit::Done);
                }
                return if item.role == Role::Document || is_document_response(&response) {
                    self.read_document(item, key, response, warc, state).await
                } else {
                    self.read_page(item, key, response, warc, state, known_links).await
                };
            }
        }
        if !self.ctx.options.dry_run {
            let state = self.url_state(&response, item, known.as_ref());
            if let Some(mut store) = self.store() {
                store.url(key, state);
            }
        }
        self.forget(item);
        Ok(Visit::Done)
    }

    fn url_state(&self, response: &Response, item: &Item, known: Option<&UrlState>) -> UrlState {
        UrlState {
            url: item.url.to_string(),
            source: self.source.id.clone(),
            role: Some(item.role),
            fetched: discover::now(),
            status: response.status,
            etag: response.header("etag").map(str::to_string),
            last_modified: response
                .header("last-modified")
                .filter(|_| !stamped_now(response))
                .map(str::to_string),
            payload_sha256: Some(sha256_hex(&response.body)),
            size: response.raw.len() as u64,
            lastmod: item.updated.or(known.and_then(|k| k.lastmod)),
            redirected_to: (response.url != item.url).then(|| response.url.to_string()),
            depth: item.depth,
            found_on_page: item.found_on_page || known.is_some_and(|k| k.found_on_page),
            ..Default::default()
        }
    }

    /// GETs a URL and follows its redirects, each hop checked against scope
    /// and robots.txt and archived. Returns the last answer and where it was archived.
    async fn fetch_following(
        &mut self,
        start: &Url,
        validators: &Validators,
        max_body: u64,
    ) -> Result<(Response, Option<WarcRef>), Refusal> {
        let other = |message: String| Refusal::Fetch(fetch::FetchError::Other(message));
        let mut url = start.clone();
        let mut chain = vec![url.to_string()];
        let mut validators = validators.clone();
        for _ in 0..=self.ctx.settings.crawl.max_redirects {
            if let Some(progress) = &self.ctx.progress {
                progress(url.as_str());
            }
            let response = self.ctx.hosts.get(&url, &validators, self.delay, max_body).await;
            let robots_archived = self.archive_robots();
            let response = response?;
            self.count_download(&response);
            let archived = match robots_archived {
                Err(e) => Err(e),
                Ok(()) if response.status == 304 => Ok(None),
                Ok(()) => self.store().map(|mut store| store.archive(&exchange(&response))).transpose(),
            };
            let archived = match archived {
                Ok(archived) => archived,
                Err(e) => {
                    // Not this URL's fault: nothing more can be archived,
                    // so the crawl stops (see `run`).
                    self.archive_failed = Some(e);
                    return Err(Refusal::Cancelled);
                }
            };
            if !response.is_redirect() {
                return Ok((response, archived));
            }
            let Some(next) = response.location().and_then(|u| canonical::clean(u.as_str())) else {
                return Err(other(format!("redirect ({}) without a usable Location", response.status)));
            };
            if !self.scope.has_host(&next) {
                return Err(other(format!("redirected out of the source's scope, to {next}")));
            }
            if chain.contains(&next.to_string()) {
                return Err(other(format!("redirect loop at {next}")));
            }
            chain.push(next.to_string());
            self.seen.insert(canonical::key(next.as_str()));
            url = next;
            validators = Validators::default();
        }
        Err(other(format!("more than {} redirects", self.ctx.settings.crawl.max_redirects)))
    }

    fn read_feed(&mut self, item: &Item, response: &Response) {
        match discover::feed(&response.body, &response.url) {
            Ok(entries) => {
                let mut news = false;
                for entry in entries {
                    if self.scope.allows(&entry.url) {
                        news |= self.is_news(&entry.url, entry.updated);
                        self.push(entry.url, Role::Page, item.depth + 1, entry.updated);
                    }
                }
                self.news.read(news);
            }
            Err(e) => self.fail(&item.url, e.to_string()),
        }
    }

    fn read_sitemap(&mut self, item: &Item, response: &Response) {
        match discover::sitemap(&response.body, &response.url, self.ctx.max_body) {
            Ok(map) => {
                for child in map.sitemaps {
                    if self.scope.has_host(&child.url) {
                        self.push(child.url, Role::Sitemap, item.depth, None);
                    }
                }
                let mut news = false;
                let mut pages = 0;
                for page in map.pages {
                    if self.scope.allows(&page.url) {
                        pages += 1;
                        news |= self.is_news(&page.url, page.updated);
                        self.push(page.url, Role::Page, item.depth + 1, page.updated);
                    }
                }
                // An index lists sitemaps, not pages: its children tell.
                if pages > 0 || news {
                    self.news.read(news);
                }
            }
            Err(e) => self.fail(&item.url, e.to_string()),
        }
    }

    async fn read_page(
        &mut self,
        item: &Item,
        key: String,
        response: Response,
        warc: Option<WarcRef>,
        mut state: UrlState,
        known_links: Option<String>,
    ) -> Result<Visit, Refusal> {
        let source = self.source.clone();
        let mut follow = item.depth < source.max_depth || discover::is_pagination(&item.url);
        let page_url = response.url.clone();
        let response_url = response.url.clone();
        let content_type = response.header("content-type").map(str::to_string);
        let body = response.body;
        let (extracted, links) = tokio::task::spawn_blocking(move || {
            let options = extract::Options {
                url: Some(page_url.as_str()),
                content_type: content_type.as_deref(),
                profile: source.profile,
                selectors: source.selectors.as_ref(),
            };
            let extracted = extract::extract(&body, &options);
            let (html, _) = extract::charset::decode(&body, content_type.as_deref());
            (extracted, discover::links(&html, &page_url))
        })
        .await
        .map_err(|e| Refusal::Fetch(fetch::FetchError::Other(format!("extraction failed: {e}"))))?;
        let mut new_links = 0;
        let documents: Vec<discover::DocumentLink> = discover::reading_versions(
            links.documents.into_iter().filter(|d| self.scope.allows_document(&d.url)).collect(),
        );
        if extracted.is_err() {
            // A listing whose links are those of its last fetch leads
            // nowhere new, whatever else changed in its bytes.
            let mut keys: Vec<String> = links
                .pages
                .iter()
                .filter(|u| self.scope.allows(u))
                .map(|u| canonical::key(u.as_str()))
                .chain(documents.iter().map(|d| canonical::key(d.url.as_str())))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            let digest = sha256_hex(keys.join("\n").as_bytes());
            if known_links.as_deref() == Some(digest.as_str()) && !self.ctx.options.recheck {
                follow = false;
            }
            state.links_sha256 = Some(digest);
        }
        if follow {
            for url in links.pages {
                if !self.scope.allows(&url) {
                    continue;
                }
                let pagination = discover::is_pagination(&url);
                let depth = if pagination { item.depth } else { item.depth + 1 };
                if (pagination && self.pagination_left == 0) || depth > self.source.max_depth {
                    continue;
                }
                if self.push(url.clone(), Role::Page, depth, None) {
                    new_links += 1;
                    if pagination {
                        self.pagination_left -= 1;
                    }
                    self.queue.back_mut().expect("just pushed").in_frontier = true;
                    if let Some(mut store) = self.store() {
                        let pending = Pending {
                            url: url.to_string(),
                            source: self.source.id.clone(),
                            role: Role::Page,
                            depth,
                            parent: None,
                            label: None,
                        };
                        store.enqueue(canonical::key(url.as_str()), pending);
                    }
                }
            }
            for feed in links.feeds {
                if item.depth == 0 && self.scope.has_host(&feed) && self.push(feed, Role::Feed, 0, None) {
                    self.discovery.back_mut().expect("just pushed").found_on_page = true;
                }
            }
        }
        tracing::debug!("{}: {new_links} new links", item.url);
        let mut parent = Parent::default();
        match extracted {
            Ok(extracted) => {
                let fetched = PubDate::DateTime(chrono::Utc::now().fixed_offset());
                let mut article =
                    article_from(extracted, &self.source, &self.scope, &response_url, warc.clone(), fetched);
                if let Some(existing) = self.store().and_then(|s| s.existing(&article.id)) {
                    keep_what_did_not_change(&mut article, existing);
                }
                if !documents.is_empty() {
                    let ids = documents
                        .iter()
                        .map(|d| toml::Value::String(crate::corpus::id_from_url(d.url.as_str())));
                    article.extra.insert("documents".into(), toml::Value::Array(ids.collect()));
                }
                parent = Parent {
                    id: Some(article.id.clone()),
                    label: None,
                    title: Some(article.title.clone()),
                    authors: article.authors.clone(),
                    published: article.published,
                };
                state.body_sha256 = article.sha256.clone();
                state.warc = warc.as_ref().map(Into::into);
                state.article = Some(article.id.clone());
                let Some(mut store) = self.store() else { return Ok(Visit::Done) };
                if let Some(other) = store.same_text(state.body_sha256.as_deref().unwrap_or(""), &article.id)
                {
                    state.note = Some(format!("same text as article {other}"));
                    state.article = Some(other.to_string());
                    store.url(key, state);
                    drop(store);
                    self.ctx.counters.same_text.fetch_add(1, Ordering::Relaxed);
                } else {
                    store.article(key, article, state);
                }
            }
            Err(why) => {
                if !matches!(why, NotArticle::Listing(_)) {
                    tracing::debug!("{}: {why}", item.url);
                }
                self.ctx.counters.not_articles.fetch_add(1, Ordering::Relaxed);
                state.note = Some(why.to_string());
                state.warc = warc.as_ref().map(Into::into);
                if let Some(mut store) = self.store() {
                    store.url(key, state);
                }
            }
        }
        for document in documents {
            let Parent { id, title, authors, published, .. } = parent.clone();
            let link = Parent { id, label: Some(document.label.clone()), title, authors, published };
            if self.push(document.url.clone(), Role::Document, item.depth + 1, None) {
                let queued = self.queue.back_mut().expect("just pushed");
                queued.parent = Some(Arc::new(link.clone()));
                queued.in_frontier = true;
                if let Some(mut store) = self.store() {
                    let pending = Pending {
                        url: document.url.to_string(),
                        source: self.source.id.clone(),
                        role: Role::Document,
                        depth: item.depth + 1,
                        parent: link.id,
                        label: link.label,
                    };
                    store.enqueue(canonical::key(document.url.as_str()), pending);
                }
            }
        }
        self.forget(item);
        Ok(Visit::Done)
    }

    /// A document (PDF, ODT, DOCX, EPUB): read in a child process under
    /// limits; stored as a `document` article, with a status when its text
    /// could not be read.
    async fn read_document(
        &mut self,
        item: &Item,
        key: String,
        response: Response,
        warc: Option<WarcRef>,
        mut state: UrlState,
    ) -> Result<Visit, Refusal> {
        if !is_document_response(&response) {
            let kind = response.header("content-type").unwrap_or("no content type").to_string();
            self.ctx.counters.not_articles.fetch_add(1, Ordering::Relaxed);
            state.note = Some(format!("not a PDF, ODT, DOCX or EPUB document ({kind})"));
            state.warc = warc.as_ref().map(Into::into);
            if let Some(mut store) = self.store() {
                store.url(key, state);
            }
            self.forget(item);
            return Ok(Visit::Done);
        }
        let limits = self.ctx.pdf_limits;
        let body = response.body;
        let extracted = tokio::task::spawn_blocking(move || extract::pdf::worker::extract(&body, &limits))
            .await
            .map_err(|e| {
                Refusal::Fetch(fetch::FetchError::Other(format!("document extraction failed: {e}")))
            })?;
        if let Some(status) = extracted.status.describe() {
            tracing::info!("{}: {status}", response.url);
        }
        let parent = item.parent.as_deref().cloned().unwrap_or_default();
        let link = extract::pdf::Link {
            parent: parent.id.as_deref(),
            label: parent.label.as_deref(),
            parent_title: parent.title.as_deref(),
            parent_authors: &parent.authors,
            parent_published: parent.published,
        };
        let mut article = extracted.into_article(&self.source.id, response.url.as_str(), &link);
        article.fetched = Some(PubDate::DateTime(chrono::Utc::now().fixed_offset()));
        crate::language::settle(&mut article, Some(&self.source.lang), source_language(&self.source));
        article.warc = warc.clone();
        if let Some(existing) = self.store().and_then(|s| s.existing(&article.id)) {
            keep_what_did_not_change(&mut article, existing);
        }
        article.sha256 = Some(article.body_sha256());
        state.body_sha256 = article.sha256.clone();
        state.warc = warc.as_ref().map(Into::into);
        state.article = Some(article.id.clone());
        if let Some(mut store) = self.store() {
            let same = (!article.body.trim().is_empty())
                .then(|| {
                    store
                        .same_text(state.body_sha256.as_deref().unwrap_or(""), &article.id)
                        .map(str::to_string)
                })
                .flatten();
            if let Some(other) = same {
                state.note = Some(format!("same text as article {other}"));
                state.article = Some(other);
                store.url(key, state);
                self.ctx.counters.same_text.fetch_add(1, Ordering::Relaxed);
            } else {
                store.article(key, article, state);
            }
        }
        self.forget(item);
        Ok(Visit::Done)
    }
}

/// An article fetched again keeps its first fetch date, and, when its text
/// is the same, the raw record it was made from: a page whose bytes changed
/// around an unchanged text (a comment's avatar served from another host, a
/// new token in a form) leaves the article file as it was.
fn keep_what_did_not_change(article: &mut crate::corpus::Article, existing: crate::corpus::Article) {
    article.fetched = existing.fetched.or(article.fetched);
    if existing.body_sha256() == article.body_sha256() {
        article.warc = existing.warc.or(article.warc.take());
    }
}

/// Whether the answer's Last-Modified is its own Date: a page stamped
/// with the time it was generated (SPIP does it for every page) tells
/// nothing about when it changed, and such a server answers a conditional
/// request with the whole page again. Kept, it would pass for a validator.
fn stamped_now(response: &Response) -> bool {
    let date =
        |name: &str| response.header(name).and_then(|v| chrono::DateTime::parse_from_rfc2822(v.trim()).ok());
    match (date("last-modified"), date("date")) {
        (Some(modified), Some(sent)) => {
            response.header("etag").is_none() && (sent - modified).num_seconds() <= 1
        }
        _ => false,
    }
}

/// The language a site's text is taken to be in when it says nothing
/// clear: the one `sources.toml` gives it, else French.
pub(crate) fn source_language(source: &crate::config::Source) -> crate::language::Language {
    crate::language::Language::from_code(&source.lang).unwrap_or(crate::language::Language::French)
}

/// A response that is a document (PDF, ODT, DOCX, EPUB), by its type or its bytes.
fn is_document_response(response: &Response) -> bool {
    response.header("content-type").is_some_and(extract::document::is_document_type)
        || extract::document::is_document(&response.body)
}

/// The corpus article of an extracted page.
pub(crate) fn article_from(
    extracted: extract::Extracted,
    source: &Source,
    scope: &Scope,
    url: &Url,
    warc: Option<WarcRef>,
    fetched: PubDate,
) -> crate::corpus::Article {
    let mut article = extracted.into_article(&source.id, url.as_str());
    // A rel=canonical pointing off the source's hosts is not trusted.
    if let Some(canonical) = article.canonical_url.as_deref().and_then(canonical::clean)
        && !scope.has_host(&canonical)
    {
        article.canonical_url = Some(url.to_string());
        article.id = crate::corpus::id_from_url(url.as_str());
    }
    article.fetched = Some(fetched);
    // The page's `lang`, else its site's, unless the text says otherwise.
    crate::language::settle(&mut article, Some(&source.lang), source_language(source));
    article.warc = warc;
    article.sha256 = Some(article.body_sha256());
    article
}

enum Visit {
    Done,
    /// `--max-pages` reached.
    Stop,
}

fn host_of(url: &Url) -> Option<String> {
    scope::host_key(url)
}

/// The WARC view of a response.
fn exchange(response: &Response) -> warc::Exchange<'_> {
    warc::Exchange {
        url: response.url.as_str(),
        method: "GET",
        request_headers: &response.request_headers,
        status: response.status,
        reason: &response.reason,
        response_headers: &response.headers,
        body: &response.raw,
        ip: response.ip.map(|a| a.ip().to_string()),
    }
}
