//! Crawler benchmark: the real `veille crawl` binary against a generated
//! local mirror of five press sites, crawled twice.
//!
//! What it measures:
//! - first run (empty archive): wall time, pages per second, CPU seconds
//!   (user + sys of the crawler process, per 1,000 pages), peak RSS and the
//!   bytes downloaded, to archive 2,000 articles;
//! - second run (nothing changed on the sites): the same figures, which
//!   should be tiny, since robots.txt is read again but feeds, sitemaps and
//!   listings answer `304 Not Modified` and archived articles are not
//!   refetched before their recrawl date. The target is a second run at most
//!   5% of the first in bytes and in CPU.
//!
//! The mirror: `site1.test` … `site5.test`, each with a robots.txt (with a
//! `Disallow` and a `Sitemap:` line), a sitemap of every article, an RSS 2.0
//! feed of the 20 newest, a home page and 19 more listing pages
//! (`/?page=N`), and 400 articles of 6–12 KB of French-looking prose made
//! up from a word list with a seeded PRNG (the same text on every run).
//! One document in ten is served gzip-compressed to clients that accept it.
//! Each host has its own listener on 127.0.0.1 (HTTP/1.1 keep-alive, ETag
//! on every answer, 304 on a matching `If-None-Match`); the crawler reaches
//! it through `--resolve`, so nothing touches the network. Crawl delay is
//! zero: this measures the crawler's own cost, not politeness.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench crawl
//! ```
//!
//! It builds the release binary first (`cargo build --release`), prints a
//! report and writes the same figures as JSON to `target/bench-crawl.json`.
//! The mirror is served from this process, which shares the machine's cores
//! with the crawler; its own work is small (every answer is prepared
//! beforehand) and is not counted in the crawler's CPU time.

use std::collections::HashMap;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const HOSTS: usize = 5;
const ARTICLES_PER_HOST: usize = 400;
const PER_LISTING: usize = 20;
const FEED_ITEMS: usize = 20;
/// Fixed, so that every run of the benchmark crawls the same bytes.
const SEED: u64 = 0x7665_696c_6c65;
/// A crawl taking longer than this is stuck, not slow.
const CRAWL_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// The second run may cost at most this share of the first (bytes and CPU).
const TARGET_SHARE: f64 = 0.05;

const SITE_NAMES: [&str; HOSTS] = ["Le Rouet", "La Lime", "Contre-Courant", "L'Établi", "Le Grain de sable"];
const AUTHORS: [&str; 8] = [
    "Jeanne Ferrand",
    "Paul Chaudière",
    "Aïcha Mervent",
    "Louis Grangier",
    "Camille Ortolan",
    "Noé Bastide",
    "Hélène Vautrin",
    "Rémi Sarrazin",
];
#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
];
/// The vocabulary of the generated prose; short function words come
/// several times so that sentences read like French, roughly.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "de", "et", "et", "en", "dans", "pour", "par",
    "sur", "avec", "sans", "contre", "qui", "que", "ne", "pas", "plus", "mais", "ou", "comme", "aussi",
    "nous", "ils", "elle", "on", "leur", "ces", "cette", "son", "sa", "est", "sont", "était", "fait",
    "peut", "doit", "veut", "travail", "machine", "usine", "ville", "campagne", "réseau", "écran",
    "données", "progrès", "technique", "société", "pouvoir", "contrôle", "surveillance", "capteur",
    "compteur", "antenne", "industrie", "énergie", "nucléaire", "mine", "rivière", "forêt", "terre",
    "paysans", "habitants", "ouvriers", "collectif", "assemblée", "réunion", "brochure", "journal",
    "enquête", "projet", "chantier", "ministère", "préfecture", "entreprise", "start-up", "numérique",
    "automatisation", "logistique", "entrepôt", "algorithme", "plateforme", "administration",
    "autonomie", "liberté", "dépossession", "mesure", "gestion", "rendement", "croissance", "besoin",
    "vie", "monde", "temps", "histoire", "mémoire", "savoir-faire", "outil", "métier", "atelier",
    "quartier", "vallée", "route", "école", "hôpital", "marché", "prix", "coût", "promesse", "discours",
    "nouveau", "nouvelle", "grand", "grande", "petit", "local", "ancien", "inutile", "nécessaire",
    "ordinaire", "connecté", "intelligent", "durable", "fragile", "discret", "massif", "public",
    "privé", "toujours", "encore", "déjà", "jamais", "souvent", "ensemble", "ailleurs", "vraiment",
    "depuis", "pendant", "avant", "après", "refuser", "construire", "défendre", "comprendre",
    "raconter", "organiser", "démonter", "imposer", "remplacer", "produire", "habiter", "cultiver",
    "occuper", "l'État", "l'usine", "l'école", "l'eau", "d'abord", "aujourd'hui", "qu'il", "n'est",
];

fn main() {
    // `cargo test --benches` runs bench targets too, without `--bench`: a
    // multi-minute crawl and a nested `cargo build` have no place there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("crawl benchmark skipped (run it with `cargo bench --bench crawl`)");
        return;
    }
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target_dir = target_dir(&manifest_dir);
    let veille = build_release(&manifest_dir, &target_dir);

    // The mirror: listeners first, since pages carry their absolute URLs.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_io()
        .build()
        .expect("server runtime");
    let mut rng = Rng(SEED);
    let mut sites = Vec::new();
    for (i, name) in SITE_NAMES.into_iter().enumerate() {
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let host = format!("site{}.test", i + 1);
        let site = Arc::new(generate_site(&host, port, name, &mut rng));
        runtime.spawn(accept(listener, site.clone()));
        sites.push(site);
    }
    let mirror = MirrorFigures::of(&sites);
    eprintln!(
        "mirror: {} hosts, {} documents ({} HTML pages, {} articles), {}, {} served gzipped",
        HOSTS,
        thousands(mirror.documents),
        thousands(mirror.html_pages),
        thousands(mirror.articles),
        human_bytes(mirror.bytes),
        thousands(mirror.gzip_documents)
    );

    let home = tempfile::tempdir().expect("temporary home");
    make_home(&veille, home.path(), &sites);
    // To look at what the crawler archived: VEILLE_BENCH_KEEP_HOME=1 cargo bench --bench crawl
    let kept = std::env::var_os("VEILLE_BENCH_KEEP_HOME").is_some();

    eprintln!("first run (empty archive)…");
    let first = crawl(&veille, home.path(), &sites);
    eprintln!("second run (nothing changed)…");
    let second = crawl(&veille, home.path(), &sites);

    let report = Report { mirror, first, second };
    println!("{}", report.text());
    let path = target_dir.join("bench-crawl.json");
    let text = serde_json::to_string_pretty(&report.json()).expect("JSON");
    std::fs::write(&path, text + "\n").unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!("figures written to {}", path.display());
    if kept {
        println!("home kept in {}", home.keep().display());
    }
    report.check();
}

// ---------------------------------------------------------------------------
// Building and running the binary

/// `CARGO_TARGET_DIR` when set (relative to the package), else `target/`.
fn target_dir(manifest_dir: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => manifest_dir.join(dir),
        None => manifest_dir.join("target"),
    }
}

/// Builds `veille` in release mode and returns its path. `cargo bench`
/// compiles this file with the bench profile, not necessarily the binary:
/// build it explicitly so that the crawler measured is the current source.
fn build_release(manifest_dir: &Path, target_dir: &Path) -> PathBuf {
    eprintln!("building the release binary…");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--release", "--bin", "veille"]).current_dir(manifest_dir);
    // Cargo gives this process the variables of the package it runs
    // (CARGO_PKG_NAME, CARGO_MANIFEST_DIR, OUT_DIR…). Build scripts such as
    // ring's rerun when those change: passed on, they would rebuild half the
    // dependency tree on every run, and again at the next plain `cargo build`.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let runtime_only = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"]
                .contains(&name.as_ref());
        if runtime_only {
            command.env_remove(name.as_ref());
        }
    }
    let status = command.status().expect("cannot run cargo");
    assert!(status.success(), "`cargo build --release` failed ({status})");
    let binary = target_dir.join("release").join("veille");
    assert!(binary.is_file(), "no binary at {} after the build", binary.display());
    binary
}

fn veille(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    // The home is given with --home; nothing from the caller's shell leaks in.
    command.env_remove("VEILLE_HOME").env_remove("RUST_LOG").env("NO_COLOR", "1");
    command
}

/// A home with the bench's settings (no delay: the crawler's own cost is
/// measured) and one source per host.
fn make_home(binary: &Path, dir: &Path, sites: &[Arc<Site>]) {
    let status = veille(binary).arg("init").arg(dir).arg("-q").status().expect("cannot run veille init");
    assert!(status.success(), "`veille init` failed ({status})");
    let settings = "[crawl]\ncontact = \"https://bench.invalid/\"\ndelay_seconds = 0\nconcurrency = 5\n";
    std::fs::write(dir.join("veille.toml"), settings).expect("write veille.toml");
    let mut sources = String::from("# Generated by benches/crawl.rs: the local mirror.\n");
    for site in sites {
        let id = site.host.trim_end_matches(".test");
        sources.push_str(&format!(
            "\n[[source]]\nid = \"{id}\"\nname = \"{name}\"\nhomepage = \"{base}/\"\nfeeds = [\"{base}/feed/\"]\n\
             max_depth = 3\nprofile = \"generic\"\n",
            name = site.name,
            base = site.base
        ));
    }
    std::fs::write(dir.join("corpus/sources.toml"), sources).expect("write sources.toml");
}

/// What one crawl cost, seen from the crawler and from the server.
struct Run {
    wall: f64,
    user: f64,
    sys: f64,
    /// Peak resident set size of the crawler process, in bytes.
    max_rss: u64,
    exit_code: Option<i32>,
    /// The JSON summary `veille crawl --json` prints.
    summary: Value,
    stderr: String,
    served: Served,
}

impl Run {
    fn cpu(&self) -> f64 {
        self.user + self.sys
    }

    fn field(&self, name: &str) -> u64 {
        self.summary
            .get(name)
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("no numeric {name:?} in the crawl summary:\n{:#}", self.summary))
    }
}

/// Runs `veille crawl` once and measures it. The child is reaped with
/// wait4(2), which gives its own user and system time and peak RSS.
fn crawl(binary: &Path, home: &Path, sites: &[Arc<Site>]) -> Run {
    for site in sites {
        site.stats.reset();
    }
    let mut command = veille(binary);
    command.arg("--home").arg(home).args(["crawl", "--json", "-q"]);
    for site in sites {
        command.arg("--resolve").arg(format!("{}:{}:127.0.0.1", site.host, site.port));
    }
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("cannot start veille crawl");
    // Drain both pipes while the child runs, so that it never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let pid = child.id() as libc::pid_t;
    let (status, usage) = wait_with_usage(pid, started + CRAWL_TIMEOUT);
    let wall = started.elapsed().as_secs_f64();
    // The child is reaped: `child` must not be waited for again (it is only dropped).
    drop(child);
    let stdout = out.join().expect("stdout reader");
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr reader")).into_owned();
    let exit_code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let summary: Value = serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "veille crawl printed no JSON summary ({e}); exit status {status:#x}\nstdout:\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&stdout)
        )
    });
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        wall,
        user: seconds(usage.ru_utime),
        sys: seconds(usage.ru_stime),
        // Linux counts ru_maxrss in kilobytes.
        max_rss: (usage.ru_maxrss.max(0) as u64) * 1024,
        exit_code,
        summary,
        stderr,
        served: Served::sum(sites),
    }
}

/// Waits for the child `pid`, killing it at `deadline`; returns its wait
/// status and resource usage. Polled every 2 ms (so that a stuck crawl can
/// be killed): that is the resolution of the wall times.
fn wait_with_usage(pid: libc::pid_t, deadline: Instant) -> (libc::c_int, libc::rusage) {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is a plain C struct of integers, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own unreaped child; both pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        match reaped {
            r if r == pid => return (status, usage),
            0 if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            0 => {
                // SAFETY: the child is not reaped yet, so the pid is still ours.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                // SAFETY: as above.
                unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
                panic!("veille crawl still running after {} s: killed", CRAWL_TIMEOUT.as_secs());
            }
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    panic!("wait4 failed: {e}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The report

struct MirrorFigures {
    documents: u64,
    html_pages: u64,
    articles: u64,
    gzip_documents: u64,
    /// Uncompressed size of every document.
    bytes: u64,
}

impl MirrorFigures {
    fn of(sites: &[Arc<Site>]) -> MirrorFigures {
        let docs = || sites.iter().flat_map(|s| s.docs.values());
        MirrorFigures {
            documents: docs().count() as u64,
            html_pages: docs().filter(|d| d.content_type.starts_with("text/html")).count() as u64,
            articles: (sites.len() * ARTICLES_PER_HOST) as u64,
            gzip_documents: docs().filter(|d| d.gzip.is_some()).count() as u64,
            bytes: docs().map(|d| d.identity.bytes.len() as u64).sum(),
        }
    }
}

struct Report {
    mirror: MirrorFigures,
    first: Run,
    second: Run,
}

impl Report {
    fn cpu_share(&self) -> f64 {
        self.second.cpu() / self.first.cpu().max(1e-9)
    }

    /// Bytes on the wire (headers and bodies, as the server sent them): a
    /// 304 costs its headers, which the crawler's `bytes_downloaded` (bodies
    /// only) does not see.
    fn bytes_share(&self) -> f64 {
        self.second.served.bytes as f64 / (self.first.served.bytes as f64).max(1.0)
    }

    fn target_met(&self) -> bool {
        self.cpu_share() <= TARGET_SHARE && self.bytes_share() <= TARGET_SHARE
    }

    fn text(&self) -> String {
        let (m, a, b) = (&self.mirror, &self.first, &self.second);
        let fetched = a.field("fetched");
        let mut out = String::new();
        out += &format!(
            "crawl benchmark: {HOSTS} hosts, {} pages served ({} documents with robots.txt, sitemaps and feeds; local mirror, zero delay)\n",
            thousands(m.html_pages),
            thousands(m.documents),
        );
        out += &format!(
            "first run : {} pages in {:.1} s = {} pages/s; {:.1} CPU-s ({:.1} user + {:.1} sys) = {:.2} CPU-s per 1,000 pages; \
             peak RSS {}; {} downloaded; {} new articles\n",
            thousands(fetched),
            a.wall,
            thousands((fetched as f64 / a.wall).round() as u64),
            a.cpu(),
            a.user,
            a.sys,
            a.cpu() * 1000.0 / (fetched.max(1) as f64),
            human_bytes(a.max_rss),
            human_bytes(a.field("bytes_downloaded")),
            thousands(a.field("new")),
        );
        out += &format!(
            "second run: {:.2} s; {:.2} CPU-s ({} of first run); {} sent ({} of first run); \
             {} requests, {} not modified; {} new, {} changed; peak RSS {}\n",
            b.wall,
            b.cpu(),
            percent(self.cpu_share()),
            human_bytes(b.served.bytes),
            percent(self.bytes_share()),
            thousands(b.served.requests),
            thousands(b.field("not_modified")),
            thousands(b.field("new")),
            thousands(b.field("changed")),
            human_bytes(b.max_rss),
        );
        for (name, run) in [("first", a), ("second", b)] {
            let s = &run.served;
            out += &format!(
                "  server, {name} run: {} requests on {} connections: {} × 200 ({} gzipped), {} × 304, {} × 404; \
                 {} sent; crawler: {} errors, {} disallowed, {} not articles, {} saved by 304s\n",
                thousands(s.requests),
                thousands(s.connections),
                thousands(s.ok),
                thousands(s.gzipped),
                thousands(s.not_modified),
                thousands(s.not_found),
                human_bytes(s.bytes),
                thousands(run.field("errors")),
                thousands(run.summary.get("disallowed").and_then(Value::as_u64).unwrap_or(0)),
                thousands(run.summary.get("not_articles").and_then(Value::as_u64).unwrap_or(0)),
                human_bytes(run.summary.get("bytes_saved").and_then(Value::as_u64).unwrap_or(0)),
            );
        }
        out += &format!(
            "target: second run ≤ {:.0}% of the first in bytes and CPU: {}",
            TARGET_SHARE * 100.0,
            if self.target_met() { "met" } else { "NOT met" }
        );
        out
    }

    fn json(&self) -> Value {
        let run = |r: &Run| {
            json!({
                "wall_seconds": r.wall,
                "cpu_seconds": r.cpu(),
                "user_seconds": r.user,
                "sys_seconds": r.sys,
                "peak_rss_bytes": r.max_rss,
                "exit_code": r.exit_code,
                "server": {
                    "connections": r.served.connections,
                    "requests": r.served.requests,
                    "ok": r.served.ok,
                    "gzipped": r.served.gzipped,
                    "not_modified": r.served.not_modified,
                    "not_found": r.served.not_found,
                    "bytes_sent": r.served.bytes,
                },
                "summary": compact(&r.summary),
            })
        };
        let fetched = self.first.field("fetched");
        json!({
            "mirror": {
                "hosts": HOSTS,
                "documents": self.mirror.documents,
                "html_pages": self.mirror.html_pages,
                "articles": self.mirror.articles,
                "gzip_documents": self.mirror.gzip_documents,
                "bytes": self.mirror.bytes,
            },
            "first_run": run(&self.first),
            "second_run": run(&self.second),
            "pages_per_second": fetched as f64 / self.first.wall,
            "cpu_seconds_per_1000_pages": self.first.cpu() * 1000.0 / (fetched.max(1) as f64),
            "second_run_cpu_share": self.cpu_share(),
            "second_run_bytes_share": self.bytes_share(),
            "target_share": TARGET_SHARE,
            "target_met": self.target_met(),
        })
    }

    /// A benchmark of a crawl that failed measures nothing: stop loudly.
    fn check(&self) {
        let first = &self.first;
        let failures = |run: &Run| {
            let list = run.summary.get("failures").cloned().unwrap_or(Value::Null);
            format!("failures: {list:#}\ncrawler stderr:\n{}", run.stderr)
        };
        assert_eq!(
            first.exit_code,
            Some(0),
            "first run: veille crawl exited with {:?}\n{}",
            first.exit_code,
            failures(first)
        );
        assert_eq!(first.field("errors"), 0, "first run: the crawler reported errors\n{}", failures(first));
        let new = first.field("new");
        let wanted = self.mirror.articles * 95 / 100;
        assert!(
            new >= wanted,
            "first run: only {new} new articles of {} (at least {wanted} expected)\n{}",
            self.mirror.articles,
            failures(first)
        );
    }
}

/// The crawl summary without its long lists (one entry per new article…):
/// a list of more than 20 items is replaced by its length, under `NAME_count`.
fn compact(summary: &Value) -> Value {
    let Some(fields) = summary.as_object() else { return summary.clone() };
    let mut out = serde_json::Map::new();
    for (name, value) in fields {
        match value.as_array() {
            Some(items) if items.len() > 20 => {
                out.insert(format!("{name}_count"), json!(items.len()));
            }
            _ => {
                out.insert(name.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut groups: Vec<&str> =
        digits.as_bytes().rchunks(3).map(|g| std::str::from_utf8(g).expect("ASCII digits")).collect();
    groups.reverse();
    groups.join(",")
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// A share as a percentage, with enough decimals to tell small ones apart.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p < 1.0 { format!("{p:.2}%") } else { format!("{p:.1}%") }
}

// ---------------------------------------------------------------------------
// The server

/// One representation of a document, with its validator.
struct Body {
    bytes: Vec<u8>,
    etag: String,
}

impl Body {
    fn new(bytes: Vec<u8>, suffix: &str) -> Body {
        // FNV-1a: stable across runs, so the second crawl's validators match.
        let hash = bytes
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Body { bytes, etag: format!("\"{hash:016x}{suffix}\"") }
    }
}

struct Doc {
    content_type: &'static str,
    identity: Body,
    /// Prepared once: compressing on every request would bill the server's
    /// work to the benchmark. A distinct ETag, as the bytes differ.
    gzip: Option<Body>,
}

/// What a host's server did during one run.
#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    requests: AtomicU64,
    ok: AtomicU64,
    gzipped: AtomicU64,
    not_modified: AtomicU64,
    not_found: AtomicU64,
    bytes: AtomicU64,
}

impl Stats {
    fn reset(&self) {
        for counter in [
            &self.connections,
            &self.requests,
            &self.ok,
            &self.gzipped,
            &self.not_modified,
            &self.not_found,
            &self.bytes,
        ] {
            counter.store(0, Ordering::SeqCst);
        }
    }
}

/// The figures of every host's [`Stats`], added up.
#[derive(Default)]
struct Served {
    connections: u64,
    requests: u64,
    ok: u64,
    gzipped: u64,
    not_modified: u64,
    not_found: u64,
    bytes: u64,
}

impl Served {
    fn sum(sites: &[Arc<Site>]) -> Served {
        let mut out = Served::default();
        for site in sites {
            let s = &site.stats;
            let get = |c: &AtomicU64| c.load(Ordering::SeqCst);
            out.connections += get(&s.connections);
            out.requests += get(&s.requests);
            out.ok += get(&s.ok);
            out.gzipped += get(&s.gzipped);
            out.not_modified += get(&s.not_modified);
            out.not_found += get(&s.not_found);
            out.bytes += get(&s.bytes);
        }
        out
    }
}

struct Site {
    host: String,
    port: u16,
    name: &'static str,
    base: String,
    /// By request target (path and query).
    docs: HashMap<String, Doc>,
    stats: Stats,
}

async fn accept(listener: TcpListener, site: Arc<Site>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        site.stats.connections.fetch_add(1, Ordering::Relaxed);
        let site = site.clone();
        tokio::spawn(async move {
            let _ = serve(stream, &site).await;
        });
    }
}

/// HTTP/1.1 on one connection: requests answered in turn until the client
/// closes it (keep-alive unless it asks otherwise). GETs carry no body.
async fn serve(stream: TcpStream, site: &Site) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut words = line.split_whitespace();
        let (Some(method), Some(target)) = (words.next(), words.next()) else { continue };
        let (method, target) = (method.to_string(), target.to_string());
        let mut close = words.next() == Some("HTTP/1.0");
        let (mut if_none_match, mut gzip) = (None, false);
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("accept-encoding") {
                gzip |= accepts_gzip(value);
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let answer = site.answer(&method, &target, if_none_match.as_deref(), gzip);
        site.stats.bytes.fetch_add(answer.len() as u64, Ordering::Relaxed);
        stream.get_mut().write_all(&answer).await?;
        if close {
            return Ok(());
        }
    }
}

/// Whether an Accept-Encoding value allows gzip (`q=0` refuses it).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|item| {
        let mut params = item.split(';');
        let coding = params.next().unwrap_or("").trim();
        let refused = params.any(|p| {
            p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q == 0.0)
        });
        ["gzip", "x-gzip", "*"].iter().any(|c| coding.eq_ignore_ascii_case(c)) && !refused
    })
}

/// Whether an If-None-Match value matches `etag` (weak comparison, as RFC 9110 asks).
fn etag_matches(value: &str, etag: &str) -> bool {
    value.split(',').map(|t| t.trim()).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

impl Site {
    /// The whole answer to one request, head and body.
    fn answer(&self, method: &str, target: &str, if_none_match: Option<&str>, gzip: bool) -> Vec<u8> {
        let stats = &self.stats;
        stats.requests.fetch_add(1, Ordering::Relaxed);
        let Some(doc) = self.docs.get(target) else {
            stats.not_found.fetch_add(1, Ordering::Relaxed);
            let body = b"<!DOCTYPE html><html><body><p>Page introuvable.</p></body></html>";
            let head = format!(
                "HTTP/1.1 404 Not Found\r\nServer: veille-bench\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            );
            return [head.as_bytes(), &body[..]].concat();
        };
        let (body, encoding) = match (&doc.gzip, gzip) {
            (Some(compressed), true) => (compressed, "Content-Encoding: gzip\r\n"),
            _ => (&doc.identity, ""),
        };
        let vary = if doc.gzip.is_some() { "Vary: Accept-Encoding\r\n" } else { "" };
        if if_none_match.is_some_and(|v| etag_matches(v, &body.etag)) {
            stats.not_modified.fetch_add(1, Ordering::Relaxed);
            let head = format!(
                "HTTP/1.1 304 Not Modified\r\nServer: veille-bench\r\nETag: {}\r\n{vary}\r\n",
                body.etag
            );
            return head.into_bytes();
        }
        stats.ok.fetch_add(1, Ordering::Relaxed);
        if !encoding.is_empty() {
            stats.gzipped.fetch_add(1, Ordering::Relaxed);
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nServer: veille-bench\r\nContent-Type: {}\r\nContent-Length: {}\r\nETag: {}\r\n\
             Last-Modified: Mon, 04 Mar 2024 08:00:00 GMT\r\n{encoding}{vary}\r\n",
            doc.content_type,
            body.bytes.len(),
            body.etag
        );
        let mut out = Vec::with_capacity(head.len() + body.bytes.len());
        out.extend_from_slice(head.as_bytes());
        if method != "HEAD" {
            out.extend_from_slice(&body.bytes);
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The generated sites

/// SplitMix64: tiny, seeded, good enough to make prose.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    /// Between `lo` and `hi` words, lower case.
    fn words(&mut self, lo: usize, hi: usize) -> String {
        let n = self.range(lo, hi);
        (0..n).map(|_| self.pick(WORDS)).collect::<Vec<_>>().join(" ")
    }

    fn sentence(&mut self) -> String {
        let n = self.range(7, 18);
        let mut words: Vec<&str> = (0..n).map(|_| self.pick(WORDS)).collect();
        let mut out = capitalise(words.remove(0));
        for (i, word) in words.iter().enumerate() {
            // A comma now and then, never before the last word.
            if i > 1 && i + 1 < words.len() && self.range(0, 7) == 0 {
                out.push(',');
            }
            out.push(' ');
            out.push_str(word);
        }
        out.push(if self.range(0, 14) == 0 { '?' } else { '.' });
        out
    }

    fn paragraph(&mut self) -> String {
        let n = self.range(3, 6);
        (0..n).map(|_| self.sentence()).collect::<Vec<_>>().join(" ")
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What listings, the feed and links say of an article.
struct ArticleMeta {
    title: String,
    author: &'static str,
    published: NaiveDateTime,
    lead: String,
}

impl ArticleMeta {
    fn french_date(&self) -> String {
        let d = self.published.date();
        let day = d.format("%-d").to_string();
        let month = MONTHS[d.format("%m").to_string().parse::<usize>().expect("month") - 1];
        format!("{} {month} {}", if day == "1" { "1er".into() } else { day }, d.format("%Y"))
    }

    fn iso(&self) -> String {
        self.published.format("%Y-%m-%dT%H:%M:%S+01:00").to_string()
    }
}

/// Every document of one host, ready to serve.
fn generate_site(host: &str, port: u16, name: &'static str, rng: &mut Rng) -> Site {
    let base = format!("http://{host}:{port}");
    // Article N (1 = oldest) came out N days after the first; none in the future.
    let first_day = NaiveDate::from_ymd_opt(2023, 1, 2).expect("date");
    let articles: Vec<ArticleMeta> = (1..=ARTICLES_PER_HOST)
        .map(|n| ArticleMeta {
            title: capitalise(&rng.words(4, 9)),
            author: rng.pick(&AUTHORS),
            published: (first_day + Days::new(n as u64))
                .and_hms_opt(8 + (n % 10) as u32, (n * 7 % 60) as u32, 0)
                .expect("time"),
            lead: rng.sentence(),
        })
        .collect();
    let mut docs: Vec<(String, &'static str, String)> = Vec::new();
    docs.push((
        "/robots.txt".into(),
        "text/plain; charset=utf-8",
        format!("User-agent: *\nDisallow: /admin/\nSitemap: {base}/sitemap.xml\n"),
    ));
    docs.push(("/sitemap.xml".into(), "application/xml; charset=utf-8", sitemap(&base, &articles)));
    docs.push(("/feed/".into(), "application/rss+xml; charset=utf-8", feed(&base, name, &articles)));
    let listings = ARTICLES_PER_HOST.div_ceil(PER_LISTING);
    for page in 1..=listings {
        docs.push((
            listing_target(page),
            "text/html; charset=utf-8",
            listing(name, &articles, page, listings),
        ));
    }
    for n in 1..=ARTICLES_PER_HOST {
        docs.push((
            format!("/articles/{n}/"),
            "text/html; charset=utf-8",
            article(&base, name, &articles, n, rng),
        ));
    }
    let docs = docs
        .into_iter()
        .enumerate()
        .map(|(i, (target, content_type, text))| {
            let bytes = text.into_bytes();
            // One document in ten, spread over every kind, is served gzipped.
            let gzip = (i % 10 == 7).then(|| {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(&bytes).expect("gzip in memory");
                Body::new(gz.finish().expect("gzip in memory"), "-gz")
            });
            (target, Doc { content_type, identity: Body::new(bytes, ""), gzip })
        })
        .collect();
    Site { host: host.into(), port, name, base, docs, stats: Stats::default() }
}

fn listing_target(page: usize) -> String {
    if page == 1 { "/".into() } else { format!("/?page={page}") }
}

fn sitemap(base: &str, articles: &[ArticleMeta]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, a) in articles.iter().enumerate() {
        out += &format!(
            "<url><loc>{base}/articles/{}/</loc><lastmod>{}</lastmod></url>\n",
            i + 1,
            a.published.format("%Y-%m-%d")
        );
    }
    out + "</urlset>\n"
}

fn feed(base: &str, name: &str, articles: &[ArticleMeta]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n\
         <channel>\n<title>{name}</title>\n<link>{base}/</link>\n<description>Les derniers articles de {name}</description>\n\
         <language>fr</language>\n<atom:link href=\"{base}/feed/\" rel=\"self\" type=\"application/rss+xml\"/>\n"
    );
    for (i, a) in articles.iter().enumerate().rev().take(FEED_ITEMS) {
        let date = a.published.and_local_timezone(chrono::FixedOffset::east_opt(3600).expect("offset"));
        out += &format!(
            "<item><title>{}</title><link>{base}/articles/{n}/</link><guid isPermaLink=\"true\">{base}/articles/{n}/</guid>\
             <pubDate>{}</pubDate><author>{}</author><description>{}</description></item>\n",
            a.title,
            date.single().expect("fixed offset").to_rfc2822(),
            a.author,
            a.lead,
            n = i + 1
        );
    }
    out + "</channel>\n</rss>\n"
}

/// The top of every HTML page, up to the start of its main content.
fn page_head(name: &str, title: &str, body_class: &str, extra_head: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} – {name}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{name}\" href=\"/feed/\">\n{extra_head}</head>\n\
         <body class=\"{body_class}\">\n<header class=\"site-header\"><p class=\"site-title\"><a href=\"/\">{name}</a></p>\n\
         <nav class=\"menu\"><ul><li><a href=\"/\">Accueil</a></li><li><a href=\"/?page=2\">Archives</a></li>\
         <li><a href=\"/feed/\">Flux RSS</a></li><li><a href=\"/admin/\">Espace rédaction</a></li></ul></nav></header>\n"
    )
}

fn page_foot(name: &str) -> String {
    format!(
        "<footer class=\"site-footer\"><p>{name} – journal fictif généré pour le banc d'essai du robot de veille. \
         Reproduction libre, citez la source.</p><p><a href=\"/\">Retour à l'accueil</a></p></footer>\n</body>\n</html>\n"
    )
}

/// Listing page `page` of `pages` (1 is the home page): newest first.
fn listing(name: &str, articles: &[ArticleMeta], page: usize, pages: usize) -> String {
    // WordPress's body classes: the crawler reads these pages for links, not as articles.
    let class = if page == 1 { "home blog" } else { "blog paged" };
    let title = if page == 1 { "Accueil".to_string() } else { format!("Archives, page {page}") };
    let mut out = page_head(name, &title, class, "");
    out += &format!("<main class=\"content\">\n<h1>{title}</h1>\n");
    let newest = articles.len() - (page - 1) * PER_LISTING;
    for n in (newest.saturating_sub(PER_LISTING) + 1..=newest).rev() {
        let a = &articles[n - 1];
        out += &format!(
            "<article class=\"resume\"><h2><a href=\"/articles/{n}/\">{}</a></h2>\
             <p class=\"meta\"><time datetime=\"{}\">{}</time>, par {}</p><p>{}</p>\
             <p><a class=\"suite\" href=\"/articles/{n}/\">Lire la suite</a></p></article>\n",
            a.title,
            a.iso(),
            a.french_date(),
            a.author,
            a.lead
        );
    }
    out += "<nav class=\"pagination\">";
    if page > 1 {
        out +=
            &format!("<a class=\"prev\" href=\"{}\">« Articles plus récents</a> ", listing_target(page - 1));
    }
    if page < pages {
        out +=
            &format!("<a class=\"next\" href=\"{}\">Articles plus anciens »</a>", listing_target(page + 1));
    }
    out += "</nav>\n</main>\n";
    out + &page_foot(name)
}

/// Article `n` (1-based): 6–12 KB of HTML, a couple of links in the text
/// and three more under it.
fn article(base: &str, name: &str, articles: &[ArticleMeta], n: usize, rng: &mut Rng) -> String {
    let a = &articles[n - 1];
    let other = |rng: &mut Rng| {
        let m = rng.range(1, articles.len() - 1);
        if m >= n { m + 1 } else { m }
    };
    let extra_head = format!(
        "<link rel=\"canonical\" href=\"{base}/articles/{n}/\">\n<meta name=\"author\" content=\"{}\">\n\
         <meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{}\">\n\
         <meta property=\"article:published_time\" content=\"{}\">\n",
        a.author,
        a.title,
        a.iso()
    );
    let mut head = page_head(name, &a.title, "single single-post", &extra_head);
    head += &format!(
        "<main class=\"content\">\n<article class=\"post\">\n<h1>{}</h1>\n\
         <p class=\"byline\">Publié le <time datetime=\"{}\">{}</time> par {}</p>\n<p class=\"chapo\"><strong>{}</strong></p>\n",
        a.title,
        a.iso(),
        a.french_date(),
        a.author,
        a.lead
    );
    let mut tail = String::from("</article>\n<aside class=\"related\"><h2>À lire aussi</h2><ul>");
    for _ in 0..3 {
        let m = other(rng);
        tail += &format!("<li><a href=\"/articles/{m}/\">{}</a></li>", articles[m - 1].title);
    }
    tail += "</ul></aside>\n</main>\n";
    tail += &page_foot(name);
    // Paragraphs until the page reaches its size; the last one may pass it by a few hundred bytes.
    let target = rng.range(6_000, 11_200);
    let mut body = String::new();
    let (mut paragraphs, mut next_heading) = (0, 4);
    while head.len() + body.len() + tail.len() < target {
        let text = if paragraphs == 1 || paragraphs == 4 {
            let m = other(rng);
            format!(
                "{} {} <a href=\"/articles/{m}/\">{}</a> {}.",
                rng.paragraph(),
                capitalise(&rng.words(4, 8)),
                rng.words(3, 3),
                rng.words(2, 6)
            )
        } else {
            rng.paragraph()
        };
        // A subheading every four paragraphs.
        if paragraphs == next_heading {
            body += &format!("<h2>{}</h2>\n", capitalise(&rng.words(3, 6)));
            next_heading += 4;
        }
        body += &format!("<p>{text}</p>\n");
        paragraphs += 1;
    }
    head + &body + &tail
}
