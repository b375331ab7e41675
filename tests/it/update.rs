//! `veille update` as cron runs it, against fixture sites served on
//! 127.0.0.1 by the tests: quiet runs, failing sources, the home lock,
//! readers during an update, and SIGKILL at random points.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use crate::support::server::{Fault, Site, runtime};
use crate::support::veille;
use veille::corpus::Corpus;

fn process(home: &Path, args: &[&str]) -> Process {
    let mut cmd = Process::new(assert_cmd::cargo::cargo_bin("veille"));
    cmd.current_dir(home).env_remove("VEILLE_HOME").env("NO_COLOR", "1").args(args);
    cmd
}

fn new_home(settings: &str, sources: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path()).args(["init", "-q"]).assert().success();
    fs::write(
        dir.path().join("veille.toml"),
        format!("[crawl]\ncontact = \"https://test.invalid/\"\n{settings}"),
    )
    .unwrap();
    fs::write(dir.path().join("corpus/sources.toml"), sources).unwrap();
    dir
}

fn resolve(sites: &[&Site]) -> Vec<String> {
    sites.iter().flat_map(|s| ["--resolve".to_string(), format!("{}:{}:127.0.0.1", s.host, s.port)]).collect()
}

fn spip_site(rt: &tokio::runtime::Runtime) -> Site {
    let spip = Site::start(rt, "spip", "spip.test");
    spip.replace("{base}", &spip.base());
    for n in [3, 5, 7] {
        let page = format!("<html><body class=\"page_auteur\"><h1>Auteur {n}</h1></body></html>");
        spip.set(&format!("/spip.php?auteur{n}"), "text/html; charset=utf-8", page);
    }
    spip
}

fn wp_site(rt: &tokio::runtime::Runtime) -> Site {
    let wp = Site::start(rt, "wordpress", "wp.test");
    wp.replace("{base}", &wp.base());
    wp.replace("{spip}", "http://spip.invalid");
    wp
}

fn source(id: &str, site: &Site, profile: &str, feed: &str) -> String {
    format!(
        "[[source]]\nid = \"{id}\"\nhomepage = \"{base}/\"\nfeeds = [\"{base}{feed}\"]\nprofile = \"{profile}\"\nexclude = ['/tag/']\n",
        base = site.base()
    )
}

#[test]
fn a_quiet_nightly_run_twice_then_the_log_and_the_digest() {
    let rt = runtime();
    let spip = spip_site(&rt);
    let home =
        new_home("delay_seconds = 0.02\n", &source("sablier", &spip, "spip", "/spip.php?page=backend"));
    let mut args = vec!["update".to_string(), "--digest".into(), "nouveaux.md".into()];
    args.extend(resolve(&[&spip]));
    for run in 0..2 {
        let out = veille(home.path()).args(&args).assert().code(0).get_output().clone();
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "run {run} was not quiet: {:?} {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if run == 0 {
            let digest = fs::read_to_string(home.path().join("nouveaux.md")).unwrap();
            assert!(digest.contains("8 nouveaux articles"), "{digest}");
            assert!(digest.contains("— sablier, 2026-01-20"), "{digest}");
            assert!(digest.contains(&format!("(<{}/spip.php?article18>)", spip.base())), "{digest}");
        }
    }
    let digest = fs::read_to_string(home.path().join("nouveaux.md")).unwrap();
    assert!(digest.contains("0 nouveaux articles"), "{digest}");
    // The index holds the articles: searchable at once.
    let out = veille(home.path())
        .args(["search", "--json", "ville"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("spip.php?article18"));
    let log = veille(home.path()).args(["log"]).assert().success().get_output().stdout.clone();
    let log = String::from_utf8(log).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(log.lines().next().unwrap().contains("update: 8 new, 0 changed"), "{log}");
    assert!(log.lines().nth(1).unwrap().contains("update: 0 new, 0 changed, 8 unchanged, 0 failed"), "{log}");
    let summary =
        veille(home.path()).args(&args).arg("--summary").assert().code(0).get_output().stdout.clone();
    let summary = String::from_utf8(summary).unwrap();
    assert_eq!(summary.lines().count(), 1);
    assert!(summary.contains("saved by conditional requests"), "{summary}");
}

#[test]
fn a_failing_source_exits_1_and_the_others_are_archived() {
    let rt = runtime();
    let spip = spip_site(&rt);
    let down = Site::start(&rt, "", "down.test");
    down.fault("/robots.txt", Fault::Status { code: 503, times: u32::MAX, retry_after: None });
    let sources = format!(
        "{}\n[[source]]\nid = \"hors-service\"\nhomepage = \"{}/\"\n",
        source("sablier", &spip, "spip", "/spip.php?page=backend"),
        down.base()
    );
    let home = new_home("delay_seconds = 0.02\nbackoff_seconds = 0.01\n", &sources);
    let mut args = vec!["update".to_string()];
    args.extend(resolve(&[&spip, &down]));
    let out = veille(home.path()).args(&args).assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hors-service") && stderr.contains("503"), "{stderr}");
    assert!(!stderr.contains("sablier"), "{stderr}");
    let (articles, _) = Corpus::new(home.path().join("corpus")).load().unwrap();
    assert_eq!(articles.len(), 8);
    let log = veille(home.path()).args(["log"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&log).contains("hors-service: robots.txt answered 503"));
    // A broken configuration is fatal, before anything is fetched.
    fs::write(home.path().join("corpus/sources.toml"), "[[source]]\nid = \"x\"\n").unwrap();
    let out = veille(home.path()).args(&args).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&out).contains("sources.toml"));
    fs::remove_file(home.path().join("veille.toml")).unwrap();
    veille(home.path()).arg("update").assert().code(2);
}

fn wait_for_lock(home: &Path, child: &mut Child) {
    let lock = home.join("corpus/state/lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    let holder = format!("(pid {})", child.id());
    while fs::read_to_string(&lock).map_or(true, |t| !t.contains(&holder)) {
        assert!(child.try_wait().unwrap().is_none(), "the update ended before the test could watch it");
        assert!(Instant::now() < deadline, "no lock taken");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_second_writer_exits_75_and_readers_never_fail_during_an_update() {
    let rt = runtime();
    let spip = spip_site(&rt);
    let home = new_home("delay_seconds = 0.3\n", &source("sablier", &spip, "spip", "/spip.php?page=backend"));
    veille(home.path()).arg("index").arg("-q").assert().success();
    let mut args = vec!["update", "-q"];
    let resolved = resolve(&[&spip]);
    args.extend(resolved.iter().map(String::as_str));
    let mut first = process(home.path(), &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for_lock(home.path(), &mut first);
    let pid = first.id().to_string();
    for other in [vec!["update"], vec!["crawl"], vec!["index"], vec!["reextract"]] {
        let out = veille(home.path()).args(&other).assert().code(75).get_output().stderr.clone();
        let stderr = String::from_utf8_lossy(&out);
        assert!(stderr.contains(&format!("pid {pid}")) && stderr.contains("busy"), "{other:?}: {stderr}");
    }
    // Readers search in a loop while the update writes.
    let mut searches = 0;
    while first.try_wait().unwrap().is_none() {
        let out = veille(home.path()).args(["search", "--json", "eau"]).output().unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("search prints JSON lines");
        }
        searches += 1;
    }
    assert!(first.wait().unwrap().success());
    assert!(searches >= 3, "only {searches} searches ran during the update");
    // Once it is done, --wait is not needed and the home is free.
    veille(home.path()).args(["index", "-q", "--wait"]).assert().success();
}

/// The corpus as a map of file → text, without what differs between two
/// runs by nature (the fetch time, the place in the WARC files).
fn corpus_text(home: &Path) -> BTreeMap<String, String> {
    let corpus = Corpus::new(home.join("corpus"));
    corpus
        .article_paths()
        .unwrap()
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !["fetched", "warc", "file = ", "offset = "].iter().any(|k| l.starts_with(k)))
                .collect();
            (p.strip_prefix(home).unwrap().display().to_string(), kept.join("\n"))
        })
        .collect()
}

/// The article ids the index holds.
fn index_ids(home: &Path) -> BTreeSet<String> {
    let index = veille::index::Index::open(&home.join("index")).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let field = index.fields().id;
    let mut ids = BTreeSet::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let doc: tantivy::TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc)).unwrap();
            use tantivy::schema::Value;
            ids.insert(doc.get_first(field).and_then(|v| v.as_str()).unwrap().to_string());
        }
    }
    ids
}

#[test]
fn killed_at_twenty_random_points_the_next_run_completes_the_work() {
    let rt = runtime();
    let wp = wp_site(&rt);
    let sources = source("breche", &wp, "wordpress", "/feed/");
    let settings = "delay_seconds = 0.01\n";
    let resolved = resolve(&[&wp]);
    let mut args = vec!["update", "-q"];
    args.extend(resolved.iter().map(String::as_str));

    let clean = new_home(settings, &sources);
    let started = Instant::now();
    assert!(process(clean.path(), &args).status().unwrap().success());
    let duration = started.elapsed();
    let expected = corpus_text(clean.path());
    assert_eq!(expected.len(), 6);

    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("kill points seeded with {seed}");
    let mut state = seed | 1;
    for round in 0..20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let at = duration.mul_f64((state % 1000) as f64 / 1000.0 * 1.2);
        let home = new_home(settings, &sources);
        let mut child =
            process(home.path(), &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        let out = process(home.path(), &args).output().unwrap();
        assert!(
            out.status.success(),
            "round {round} (killed at {at:?}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(corpus_text(home.path()), expected, "round {round}: killed at {at:?}");
        veille(home.path()).args(["index", "-q"]).assert().success();
        let ids: BTreeSet<String> = Corpus::new(home.path().join("corpus"))
            .load()
            .unwrap()
            .0
            .into_iter()
            .map(|s| s.article.id)
            .collect();
        assert_eq!(index_ids(home.path()), ids, "round {round}: the index agrees with the corpus");
    }
}

#[test]
fn sigterm_and_sigint_stop_at_a_safe_point_and_the_next_run_finishes() {
    let rt = runtime();
    let spip = spip_site(&rt);
    let home = new_home("delay_seconds = 0.2\n", &source("sablier", &spip, "spip", "/spip.php?page=backend"));
    let resolved = resolve(&[&spip]);
    let mut args = vec!["update", "-q"];
    args.extend(resolved.iter().map(String::as_str));
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let mut child =
            process(home.path(), &args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        wait_for_lock(home.path(), &mut child);
        std::thread::sleep(Duration::from_millis(600));
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let log = veille(home.path()).args(["log", "--json"]).assert().success().get_output().stdout.clone();
    let log = String::from_utf8(log).unwrap();
    assert!(log.lines().all(|l| l.contains("stopped by signal")), "{log}");
    let mut full = vec!["update".to_string()];
    full.extend(resolved);
    veille(home.path()).args(&full).assert().code(0);
    let (articles, _) = Corpus::new(home.path().join("corpus")).load().unwrap();
    assert_eq!(articles.len(), 8);
}
