//! The crawler end to end: the real `veille crawl` binary against fixture
//! sites served on 127.0.0.1 by the tests themselves (host names resolved
//! to loopback with `--resolve`). Nothing here touches the network.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::server::{Fault, Site, runtime};
use crate::support::veille;
use veille::archive::warc;
use veille::corpus::{Article, Corpus};

struct Home {
    dir: tempfile::TempDir,
    resolve: Vec<String>,
}

impl Home {
    fn new(settings: &str, sources: &str, sites: &[&Site]) -> Home {
        let dir = tempfile::tempdir().unwrap();
        veille(dir.path()).args(["init", "-q"]).assert().success();
        fs::write(
            dir.path().join("veille.toml"),
            format!("[crawl]\ncontact = \"https://test.invalid/contact\"\n{settings}"),
        )
        .unwrap();
        fs::write(dir.path().join("corpus/sources.toml"), sources).unwrap();
        let resolve = sites.iter().map(|s| format!("{}:{}:127.0.0.1", s.host, s.port)).collect();
        Home { dir, resolve }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn crawl(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut cmd = veille(self.path());
        cmd.arg("crawl");
        for r in &self.resolve {
            cmd.args(["--resolve", r]);
        }
        cmd.args(extra).assert()
    }

    fn summary(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["--json"];
        args.extend_from_slice(extra);
        let out = self.crawl(&args).get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
    }

    fn articles(&self) -> Vec<(PathBuf, Article)> {
        let (stored, errors) = Corpus::new(self.path().join("corpus")).load().unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        stored.into_iter().map(|s| (s.path, s.article)).collect()
    }

    /// Every article file and its bytes.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        self.articles().into_iter().map(|(p, _)| (p.clone(), fs::read(&p).unwrap())).collect()
    }

    fn warc_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<_> = fs::read_dir(self.path().join("corpus/raw"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }
}

/// Routes of a fixture manifest marked as articles, with their titles.
fn article_routes(name: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites").join(name);
    let manifest: toml::Table =
        toml::from_str(&fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
    manifest["route"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("article").and_then(|a| a.as_bool()) == Some(true))
        .map(|r| (r["path"].as_str().unwrap().to_string(), r["title"].as_str().unwrap().to_string()))
        .collect()
}

fn spip_and_wordpress(rt: &tokio::runtime::Runtime) -> (Site, Site, Site) {
    let spip = Site::start(rt, "spip", "spip.test");
    let wp = Site::start(rt, "wordpress", "wp.test");
    // The host every out-of-scope link of the fixtures points to: it must see no request.
    let elsewhere = Site::start(rt, "", "ailleurs.test");
    spip.replace("{base}", &spip.base());
    for n in [3, 5, 7] {
        let page = format!(
            "<html><body class=\"page_auteur\"><h1>Auteur {n}</h1><ul><li><a href=\"spip.php?article11\">a</a></li></ul></body></html>"
        );
        spip.set(&format!("/spip.php?auteur{n}"), "text/html; charset=utf-8", page);
    }
    wp.replace("{base}", &wp.base());
    wp.replace("{spip}", &spip.base());
    (spip, wp, elsewhere)
}

fn two_sources(spip: &Site, wp: &Site) -> String {
    format!(
        r#"
[[source]]
id = "sablier"
name = "Le Sablier des Monts"
homepage = "{spip}/"
feeds = ["{spip}/spip.php?page=backend"]
profile = "spip"
max_depth = 2

[[source]]
id = "breche"
name = "Collectif Brèche Numérique"
homepage = "{wp}/"
feeds = ["{wp}/feed/"]
profile = "wordpress"
exclude = ['/tag/']
"#,
        spip = spip.base(),
        wp = wp.base()
    )
}

const FAST: &str = "delay_seconds = 0.05\nbackoff_seconds = 0.05\ntimeout_seconds = 5\n";

#[test]
fn sites_are_archived_once_politely_then_rechecked_with_conditional_requests() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(FAST, &two_sources(&spip, &wp), &[&spip, &wp, &elsewhere]);

    let first = home.summary(&[]);
    let listed: Vec<_> = home.articles().into_iter().map(|(_, a)| a.url.unwrap_or_default()).collect();
    assert_eq!(first["new"], 14, "{listed:#?}");
    assert_eq!(first["sources"][0]["failed"], serde_json::Value::Null, "{first:#}");

    // Every article archived exactly once, with its title.
    let articles = home.articles();
    assert_eq!(articles.len(), 14, "{:#?}", articles.iter().map(|a| &a.1.url).collect::<Vec<_>>());
    let ids: HashSet<_> = articles.iter().map(|(_, a)| a.id.clone()).collect();
    assert_eq!(ids.len(), 14);
    for (site, name) in [(&spip, "spip"), (&wp, "wordpress")] {
        for (path, title) in article_routes(name) {
            let hits =
                site.hits(&path) + path.strip_prefix("/spip.php").map_or(0, |q| site.hits(&format!("/{q}")));
            assert_eq!(hits, 1, "{path} fetched {hits} times");
            let url = format!("{}{path}", site.base());
            let (_, article) = articles
                .iter()
                .find(|(_, a)| a.url.as_deref() == Some(url.as_str()))
                .unwrap_or_else(|| panic!("no article for {url}"));
            assert_eq!(article.title, title, "{url}");
            assert!(article.warc.is_some() && article.fetched.is_some() && article.sha256.is_some());
        }
    }
    // Latin-1 and undeclared windows-1252 pages decoded right.
    let by_path =
        |p: &str| &articles.iter().find(|(_, a)| a.url.as_deref().is_some_and(|u| u.ends_with(p))).unwrap().1;
    for p in ["article15", "article16", "article17"] {
        let a = by_path(p);
        assert!(
            !a.body.contains('\u{FFFD}') && a.body.chars().any(|c| "éèàçê".contains(c)),
            "{p}: {}",
            a.body
        );
    }
    assert!(!by_path("article11").body.contains("de passage"), "forum comments are not the article");

    // Disallowed and out-of-scope URLs never requested.
    let all: Vec<_> = spip.log().into_iter().chain(wp.log()).collect();
    for l in &all {
        assert!(!l.target.starts_with("/ecrire") && !l.target.starts_with("/wp-admin"), "{}", l.target);
        assert!(!l.target.contains("page=recherche") && !l.target.starts_with("/tag/"), "{}", l.target);
        assert!(!l.target.contains("utm_"), "tracking parameters are stripped: {}", l.target);
        let ua = l.header("user-agent").unwrap();
        assert!(ua.starts_with("veille/") && ua.contains("https://test.invalid/contact"), "{ua}");
    }
    assert!(elsewhere.log().is_empty(), "{:?}", elsewhere.log());

    // Requests to one host never closer than its delay (robots.txt asks 0.2 s of the SPIP site).
    for (site, delay) in [(&spip, 0.2), (&wp, 0.05)] {
        let log = site.log();
        for pair in log.windows(2) {
            let gap = pair[1].at.duration_since(pair[0].at).as_secs_f64();
            assert!(
                gap >= delay - 0.002,
                "{}: {} then {} after {gap:.3} s",
                site.host,
                pair[0].target,
                pair[1].target
            );
        }
    }

    // The WARC files, re-read record by record.
    check_warc(&home, &articles);

    // Second run: conditional requests, 304s, nothing downloaded again, no file touched.
    let before = home.snapshot();
    spip.clear_log();
    wp.clear_log();
    let second = home.summary(&[]);
    assert_eq!(second["new"], 0, "{second:#}");
    assert_eq!(second["changed"], 0, "{second:#}");
    assert!(second["not_modified"].as_u64().unwrap() >= 6, "{second:#}");
    let (down1, down2) =
        (first["bytes_downloaded"].as_u64().unwrap(), second["bytes_downloaded"].as_u64().unwrap());
    assert!(down2 * 10 < down1, "second run downloaded {down2} bytes, first {down1}");
    assert!(second["bytes_saved"].as_u64().unwrap() > 0);
    for l in spip.log().iter().chain(wp.log().iter()) {
        if l.target != "/robots.txt" {
            assert!(l.header("if-none-match").is_some(), "{} asked without validators", l.target);
        }
    }
    assert_eq!(home.snapshot(), before, "a run with nothing new changes no article file");

    // A changed page, announced by the feed, is fetched again and its article updated.
    let page = String::from_utf8(spip.get("/spip.php?article18")).unwrap();
    let marker = "<div class=\"texte crayon article-texte-18\">";
    assert!(page.contains(marker));
    spip.set(
        "/spip.php?article18",
        "text/html; charset=utf-8",
        page.replacen(
            marker,
            &format!("{marker}<p>Mise à jour : le collectif ajoute un paragraphe sur les réservoirs.</p>"),
            1,
        ),
    );
    let feed = String::from_utf8(spip.get("/spip.php?page=backend")).unwrap();
    let bumped = bump_first_pubdate(&feed);
    spip.set("/spip.php?page=backend", "application/rss+xml; charset=utf-8", bumped);
    let third = home.summary(&[]);
    assert_eq!(third["changed"], 1, "{third:#}");
    let updated = home.articles();
    assert_eq!(updated.len(), 14);
    assert!(updated.iter().any(|(_, a)| a.body.contains("les réservoirs")));

    // --recheck asks again for every archived article, conditionally.
    spip.clear_log();
    let fourth = home.summary(&["--source", "sablier", "--recheck"]);
    assert!(fourth["not_modified"].as_u64().unwrap() >= 8, "{fourth:#}");
    assert_eq!(fourth["changed"], 0);
}

/// Moves the newest `<pubDate>` of an RSS feed to now, so that its entry reads as changed.
fn bump_first_pubdate(feed: &str) -> String {
    let start = feed.find("<item").unwrap();
    let from = start + feed[start..].find("<pubDate>").unwrap() + "<pubDate>".len();
    let to = from + feed[from..].find("</pubDate>").unwrap();
    let now = chrono::Utc::now() + chrono::Duration::hours(1);
    format!("{}{}{}", &feed[..from], now.to_rfc2822(), &feed[to..])
}

fn check_warc(home: &Home, articles: &[(PathBuf, Article)]) {
    let files = home.warc_files();
    assert!(!files.is_empty());
    let mut responses = 0;
    for file in &files {
        let (records, end) = warc::read_all(file).unwrap();
        assert_eq!(end, fs::metadata(file).unwrap().len(), "{} ends in a broken record", file.display());
        assert_eq!(records[0].header("WARC-Type"), Some("warcinfo"));
        for record in &records {
            assert!(record.header("WARC-Record-ID").unwrap().starts_with("<urn:uuid:"));
            assert!(record.header("WARC-Date").is_some());
            if record.header("WARC-Type") == Some("response") {
                responses += 1;
                assert!(record.header("WARC-Target-URI").unwrap().starts_with("http://"));
                let http = record.http_response().unwrap();
                let digest = record.header("WARC-Payload-Digest").unwrap();
                use sha1::Digest as _;
                let expected =
                    format!("sha1:{}", data_encoding::BASE32.encode(&sha1::Sha1::digest(http.body)));
                assert_eq!(digest, expected);
            }
        }
    }
    assert!(responses >= 20, "{responses} responses");
    for (_, article) in articles {
        let at = article.warc.as_ref().unwrap();
        let record = warc::read_at(&home.path().join("corpus/raw").join(&at.file), at.offset).unwrap();
        assert_eq!(record.header("WARC-Type"), Some("response"));
        assert_eq!(record.header("WARC-Target-URI"), article.url.as_deref());
    }
    // Standard tools read the files too, when warcio is installed (.ci/run installs it).
    let warcio = std::process::Command::new("python3").args(["-c", "import warcio"]).output();
    if warcio.is_ok_and(|o| o.status.success()) {
        for file in &files {
            let out = std::process::Command::new("python3")
                .args(["-c", "import sys; from warcio.cli import main; main(sys.argv[1:])", "check", "-v"])
                .arg(file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "warcio check {}: {}{}",
                file.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    } else {
        eprintln!("warcio not installed: WARC files checked by veille's own reader only");
    }
}

#[test]
fn dry_run_lists_pages_and_writes_nothing() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(FAST, &two_sources(&spip, &wp), &[&spip, &wp, &elsewhere]);
    let out = home.crawl(&["--dry-run", "--source", "sablier"]).success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.lines().any(|l| l.ends_with("/spip.php?article18")), "{out}");
    assert!(home.articles().is_empty());
    assert!(home.warc_files().is_empty());
    assert!(!home.path().join("corpus/state/crawl.redb").exists());
    assert!(spip.log().iter().all(|l| !l.target.starts_with("/spip.php?article")), "pages are not fetched");
}

fn fault_site(rt: &tokio::runtime::Runtime) -> (Site, Site) {
    let site = Site::start(rt, "", "fautes.test");
    let elsewhere = Site::start(rt, "", "ailleurs.test");
    let article = |title: &str| {
        format!(
            "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
             <p>{title} : les serveurs du quartier consomment l’eau de la rivière, et le collectif a relevé les compteurs \
             pendant tout l’été pour documenter ce que les exploitants refusent de publier.</p>\
             <p>Ce texte existe pour vérifier que le robot archive une page après une panne passagère, \
             sans s’arrêter sur les autres erreurs rencontrées en chemin.</p></article></body></html>"
        )
    };
    let links = [
        "/404",
        "/410",
        "/flaky",
        "/busy",
        "/loop-a",
        "/away",
        "/to-loopback",
        "/reset",
        "/slow",
        "/huge",
        "/huge-chunked",
        "/bomb",
        "/bad-utf8",
        "/empty",
        "/listing",
        "/trap?debut_articles=0",
        "/ok",
    ];
    let home: String = links.iter().map(|l| format!("<li><a href=\"{l}\">{l}</a></li>")).collect();
    site.set(
        "/",
        "text/html; charset=utf-8",
        format!("<html><body><h1>Accueil</h1><ul>{home}</ul></body></html>"),
    );
    site.set("/robots.txt", "text/plain", "User-agent: *\nDisallow:\n");
    site.set("/404", "text/html", "");
    site.fault("/404", Fault::Status { code: 404, times: u32::MAX, retry_after: None });
    site.fault("/410", Fault::Status { code: 410, times: u32::MAX, retry_after: None });
    site.set("/flaky", "text/html; charset=utf-8", article("Après deux pannes"));
    site.fault("/flaky", Fault::Status { code: 500, times: 2, retry_after: None });
    site.set("/busy", "text/html; charset=utf-8", article("Après un 429"));
    site.fault("/busy", Fault::Status { code: 429, times: 1, retry_after: Some(1) });
    site.fault("/loop-a", Fault::Redirect("{base}/loop-b".into()));
    site.fault("/loop-b", Fault::Redirect("{base}/loop-a".into()));
    site.fault("/away", Fault::Redirect(format!("{}/capture", elsewhere.base())));
    site.fault("/to-loopback", Fault::Redirect(format!("http://127.0.0.1:{}/capture", elsewhere.port)));
    site.fault("/reset", Fault::Reset);
    site.fault("/slow", Fault::Slow { every: Duration::from_millis(300) });
    site.fault("/huge", Fault::Huge { bytes: 50 << 20, chunked: false });
    site.fault("/huge-chunked", Fault::Huge { bytes: 50 << 20, chunked: true });
    site.fault("/bomb", Fault::GzipBomb { inflated: 200 << 20 });
    let mut bad =
        b"<html><head><meta charset=\"utf-8\"></head><body><article><h1>Octets invalides</h1><p>".to_vec();
    bad.extend_from_slice(b"Le texte contient des octets \xff\xfe qui ne sont pas de l'UTF-8, ");
    bad.extend_from_slice("et pourtant la page doit être lue et archivée sans que le robot s’arrête, car une erreur d’encodage ne doit jamais faire perdre le reste.</p></article></body></html>".as_bytes());
    site.fault("/bad-utf8", Fault::Body { content_type: "text/html; charset=utf-8".into(), bytes: bad });
    site.fault("/empty", Fault::Body { content_type: "text/html".into(), bytes: Vec::new() });
    site.set(
        "/listing",
        "text/html; charset=utf-8",
        "<html><body><h1>Rubrique</h1><ul><li><a href=\"/ok\">Un</a></li><li><a href=\"/flaky\">Deux</a></li></ul></body></html>",
    );
    site.fault("/trap?debut_articles=0", Fault::EndlessPagination);
    for n in 1..100 {
        site.fault(&format!("/trap?debut_articles={}", n * 10), Fault::EndlessPagination);
    }
    site.set("/ok", "text/html; charset=utf-8", article("Une page qui va bien"));
    (site, elsewhere)
}

#[test]
fn every_fault_ends_in_its_outcome_and_the_crawl_goes_on() {
    let rt = runtime();
    let (site, elsewhere) = fault_site(&rt);
    let sources = format!("[[source]]\nid = \"fautes\"\nhomepage = \"{}/\"\nmax_depth = 1\n", site.base());
    let settings = "delay_seconds = 0\nbackoff_seconds = 0.05\ntimeout_seconds = 2\nhost_failures = 50\nmax_pagination = 5\nretries = 2\n";
    let home = Home::new(settings, &sources, &[&site, &elsewhere]);
    let started = std::time::Instant::now();
    let summary = home.summary(&[]);
    assert!(started.elapsed() < Duration::from_secs(120));
    let failures: BTreeMap<String, String> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let url = f["url"].as_str().unwrap();
            (
                url.strip_prefix(&site.base()).unwrap_or(url).to_string(),
                f["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |path: &str, needle: &str| {
        let error = failures.get(path).unwrap_or_else(|| panic!("{path} not reported: {failures:#?}"));
        assert!(error.contains(needle), "{path}: {error}");
    };
    expect("/404", "404");
    expect("/410", "410");
    expect("/loop-a", "redirect loop");
    expect("/away", "out of the source's scope");
    expect("/to-loopback", "out of the source's scope");
    expect("/reset", "");
    expect("/slow", "timed out");
    expect("/huge", "larger than");
    expect("/huge-chunked", "larger than");
    expect("/bomb", "larger than");
    assert!(!failures.contains_key("/flaky") && !failures.contains_key("/busy"), "{failures:#?}");
    assert_eq!(site.hits("/flaky"), 3, "two 500s then success");
    let busy: Vec<_> = site.log().into_iter().filter(|l| l.target == "/busy").collect();
    assert_eq!(busy.len(), 2);
    assert!(busy[1].at.duration_since(busy[0].at) >= Duration::from_millis(990), "Retry-After: 1 honoured");
    assert!(elsewhere.log().is_empty(), "never redirected out of scope: {:?}", elsewhere.log());
    assert_eq!(site.hits("/410"), 1, "a 410 is not retried");
    assert!(site.hits("/reset") >= 2, "a reset is retried");

    let titles: HashSet<String> = home.articles().into_iter().map(|(_, a)| a.title).collect();
    for t in ["Après deux pannes", "Après un 429", "Une page qui va bien", "Octets invalides"] {
        assert!(titles.contains(t), "{t} missing from {titles:?}: {summary:#}");
    }
    assert_eq!(titles.len(), 4, "{titles:?}");
    // The endless listing is followed a bounded number of times.
    let trap = site.log().iter().filter(|l| l.target.starts_with("/trap")).count();
    assert!((2..=6).contains(&trap), "{trap} pages of the endless listing");
    assert!(summary["not_articles"].as_u64().unwrap() >= 3, "{summary:#}");

    // Failures that may heal are tried again next run; lasting ones are not.
    site.clear_log();
    home.summary(&[]);
    assert_eq!(site.hits("/410"), 0);
    assert_eq!(site.hits("/ok"), 0, "an archived article is not fetched again before its recrawl date");
}

#[test]
fn a_failing_host_is_left_alone_and_the_run_exits_1() {
    let rt = runtime();
    let site = Site::start(&rt, "", "panne.test");
    let links: String = (0..30).map(|i| format!("<a href=\"/p{i}\">p{i}</a> ")).collect();
    site.set("/", "text/html", format!("<html><body>{links}</body></html>"));
    site.set("/robots.txt", "text/plain", "User-agent: *\nDisallow:\n");
    for i in 0..30 {
        site.fault(&format!("/p{i}"), Fault::Status { code: 503, times: u32::MAX, retry_after: None });
    }
    let sources = format!("[[source]]\nid = \"panne\"\nhomepage = \"{}/\"\n", site.base());
    let settings = "delay_seconds = 0\nbackoff_seconds = 0.01\nretries = 1\nhost_failures = 3\n";
    let home = Home::new(settings, &sources, &[&site]);
    let out = home.crawl(&[]).code(1).get_output().stderr.clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("panne") && stderr.contains("left alone"), "{stderr}");
    let requests = site.log().iter().filter(|l| l.target.starts_with("/p")).count();
    assert_eq!(requests, 3 * 2, "three URLs tried twice each, then the host is paused");

    // A host whose robots.txt fails is not crawled at all.
    let down = Site::start(&rt, "", "down.test");
    down.set("/", "text/html", "<html><body>x</body></html>");
    down.fault("/robots.txt", Fault::Status { code: 500, times: u32::MAX, retry_after: None });
    let sources = format!("[[source]]\nid = \"down\"\nhomepage = \"{}/\"\n", down.base());
    let home = Home::new(settings, &sources, &[&down]);
    home.crawl(&[]).code(1);
    assert!(down.log().iter().all(|l| l.target == "/robots.txt"));
}

#[test]
fn a_crawl_killed_mid_way_resumes_without_loss_or_duplicates() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(
        "delay_seconds = 0.1\nbackoff_seconds = 0.05\n",
        &two_sources(&spip, &wp),
        &[&spip, &wp, &elsewhere],
    );
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("veille"));
    cmd.current_dir(home.path()).env_remove("VEILLE_HOME").arg("crawl").arg("-q");
    for r in &home.resolve {
        cmd.args(["--resolve", r]);
    }
    let mut child = cmd.spawn().unwrap();
    // Kill it (SIGKILL: no clean-up at all) once it has fetched some articles.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let articles = spip
            .log()
            .iter()
            .chain(wp.log().iter())
            .filter(|l| l.target.contains("article") || l.target.starts_with("/20"))
            .count();
        if articles >= 6 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = home.articles().len();
    assert!(partial < 14, "killed too late to test anything ({partial} articles)");

    let summary = home.summary(&[]);
    assert_eq!(summary["errors"], 0, "{summary:#}");
    let articles = home.articles();
    assert_eq!(articles.len(), 14, "nothing lost");
    let ids: HashSet<_> = articles.iter().map(|(_, a)| a.id.clone()).collect();
    assert_eq!(ids.len(), 14, "nothing duplicated");
    // Every WARC file is whole again, and every article points at its record.
    check_warc(&home, &articles);
    for (path, title) in article_routes("spip") {
        assert!(spip.hits(&path) <= 2, "{path} ({title}) fetched {} times", spip.hits(&path));
    }
}

#[test]
fn reextract_rebuilds_articles_from_the_warc_files_offline() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(FAST, &two_sources(&spip, &wp), &[&spip, &wp, &elsewhere]);
    home.crawl(&["-q"]).success();
    let before = home.snapshot();
    spip.clear_log();
    wp.clear_log();
    let report: serde_json::Value = serde_json::from_slice(
        &veille(home.path()).args(["reextract", "--json"]).assert().success().get_output().stdout,
    )
    .unwrap();
    assert_eq!(report["unchanged"], 14, "{report:#}");
    assert_eq!(home.snapshot(), before, "the same extractor changes no file");
    let (lost, _) = before.iter().find(|(p, _)| p.to_string_lossy().contains("/sablier/")).unwrap();
    fs::remove_file(lost).unwrap();
    let report: serde_json::Value = serde_json::from_slice(
        &veille(home.path())
            .args(["reextract", "--json", "--source", "sablier"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(report["new"].as_u64().unwrap() + report["unchanged"].as_u64().unwrap(), 8, "{report:#}");
    assert_eq!(home.articles().len(), 14);
    // A URL of the archive (any variant of it) can be extracted again to debug a profile.
    let url = format!("{}/?article18&utm_source=x", spip.base());
    let out =
        veille(home.path()).args(["extract", "--json", &url]).assert().success().get_output().stdout.clone();
    let extracted: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(extracted["profile"], "spip");
    assert!(extracted["title"].as_str().unwrap().starts_with("La ville intelligente"));
    let missing = format!("{}/spip.php?article99", spip.base());
    let err = veille(home.path()).args(["extract", &missing]).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&err).contains("not in the archive"));
    assert!(spip.log().is_empty() && wp.log().is_empty(), "no network");
}

#[test]
fn a_damaged_crawl_state_is_moved_aside_and_the_crawl_goes_on_as_a_first_one() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(FAST, &two_sources(&spip, &wp), &[&spip, &wp, &elsewhere]);
    home.crawl(&["-q"]).success();
    let texts = |home: &Home| -> Vec<(PathBuf, String, String)> {
        home.articles().into_iter().map(|(p, a)| (p, a.title, a.body)).collect()
    };
    let before = texts(&home);
    let warcs = home.warc_files();
    let state = home.path().join("corpus/state/crawl.redb");
    let len = fs::metadata(&state).unwrap().len() as usize;
    fs::write(&state, vec![0x5a_u8; len]).unwrap();
    let output = home.crawl(&["--json"]).success().get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the crawl state cannot be read") && stderr.contains("moved aside"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["new"], 0, "every article is found again under its id: {summary:#}");
    // Pages fetched again point at their new records; every text and every
    // earlier WARC file stays.
    assert_eq!(texts(&home), before, "nothing archived is lost or changed");
    assert!(warcs.iter().all(|w| home.warc_files().contains(w)));
    let kept = fs::read_dir(home.path().join("corpus/state"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("crawl.redb.damaged-"))
        .count();
    assert_eq!(kept, 1);
    // The next night is an ordinary one again: conditional requests.
    let summary = home.summary(&[]);
    assert!(summary["not_modified"].as_u64().unwrap() > 0, "{summary:#}");
}

/// `veille check --deep` on a crawled home: clean, then each kind of rot
/// found, named with its file and its repair, and repaired by that command.
#[test]
fn check_deep_finds_what_rotted_and_names_the_repair() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let home = Home::new(FAST, &two_sources(&spip, &wp), &[&spip, &wp, &elsewhere]);
    home.crawl(&["-q"]).success();
    veille(home.path()).args(["index", "-q"]).assert().success();
    fs::create_dir_all(home.path().join("corpus/baskets")).unwrap();
    let articles = home.articles();
    let first_id = articles[0].1.id.clone();
    fs::write(home.path().join("corpus/baskets/panier.toml"), format!("articles = [\"{first_id}\"]\n"))
        .unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--deep"];
        args.extend_from_slice(extra);
        veille(home.path()).args(args).assert()
    };
    let clean = check(&[]).success().get_output().stdout.clone();
    let clean = String::from_utf8_lossy(&clean);
    assert!(clean.contains("14 articles indexed") && clean.contains("0 problems"), "{clean}");
    assert!(clean.contains("WARC file"), "{clean}");

    // 1. An article's text changed behind veille's back (a bad sector, a
    //    careless edit): its sha256 says so; the index also sees it.
    let (rotted_path, rotted) = &articles[1];
    let text = fs::read_to_string(rotted_path).unwrap();
    let last = rotted.body.split_whitespace().last().unwrap();
    fs::write(rotted_path, text.replacen(last, "XXXX", 1)).unwrap();
    // 2. A basket lists an article that is not in the archive.
    fs::write(
        home.path().join("corpus/baskets/panier.toml"),
        format!("articles = [\"{first_id}\", \"disparu\"]\n"),
    )
    .unwrap();
    // 3. A WARC file ends in a record cut short, and 4. another's record
    //    has a flipped byte in the middle.
    let warcs = home.warc_files();
    let (records, _) = warc::read_all(&warcs[0]).unwrap();
    let victim = records.iter().find(|r| r.header("WARC-Type") == Some("response")).unwrap();
    let mut bytes = fs::read(&warcs[0]).unwrap();
    bytes.extend_from_within(victim.offset as usize..victim.offset as usize + 40);
    fs::write(&warcs[0], &bytes).unwrap();

    let output = check(&["--json"]).code(1).get_output().stdout.clone();
    let findings: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let problems = findings["problems"].as_array().unwrap();
    let find = |area: &str, words: &str| {
        problems
            .iter()
            .find(|p| p["area"] == area && p["problem"].as_str().unwrap().contains(words))
            .unwrap_or_else(|| panic!("no {area} problem with {words:?}: {problems:#?}"))
    };
    let sha = find("article", "does not match its sha256");
    assert!(sha["path"].as_str().unwrap().ends_with(".md"), "{sha:#}");
    assert!(sha["repair"].as_str().unwrap().contains("veille reextract --source"), "{sha:#}");
    assert!(
        find("index", "1 article file changed since it was indexed")["repair"]
            .as_str()
            .unwrap()
            .contains("veille index")
    );
    assert!(find("basket", "\"disparu\"")["path"].as_str().unwrap().ends_with("baskets/panier.toml"));
    let cut = find("raw", "cut short");
    assert!(cut["repair"].as_str().unwrap().contains("--repair"), "{cut:#}");
    assert_eq!(problems.len(), 4, "{problems:#?}");
    // The same, for a person: one line each, with its repair.
    let output = check(&[]).code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
    assert!(stderr.lines().all(|l| l.contains("; to repair: ")), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("4 problems"));

    // Each repaired by the command it names.
    check(&["--repair", "-q"]).code(1);
    assert_eq!(warc::read_all(&warcs[0]).unwrap().1, fs::metadata(&warcs[0]).unwrap().len());
    veille(home.path()).args(["reextract", "-q", "--source", &rotted.site]).assert().success();
    veille(home.path()).args(["index", "-q"]).assert().success();
    fs::write(home.path().join("corpus/baskets/panier.toml"), format!("articles = [\"{first_id}\"]\n"))
        .unwrap();
    check(&[]).success();

    // A flipped byte inside a record: its digest (or its gzip check) fails,
    // and records after it are still read.
    let (records, _) = warc::read_all(&warcs[0]).unwrap();
    let middle = &records[records.len() / 2];
    let mut bytes = fs::read(&warcs[0]).unwrap();
    let at = middle.offset as usize + 30;
    bytes[at] ^= 0x55;
    fs::write(&warcs[0], &bytes).unwrap();
    let output = check(&["--json"]).code(1).get_output().stdout.clone();
    let findings: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let problems = findings["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["area"] == "raw" && p["repair"].as_str().unwrap().contains("backup")),
        "{problems:#?}"
    );
    assert!(
        findings["raw_records"].as_u64().unwrap() >= records.len() as u64 - 2,
        "the records after the damage are read: {findings:#}"
    );
}

/// A post page as WordPress's classic themes write it.
fn wordpress_post(n: usize) -> String {
    let paragraph = |k: usize| {
        format!(
            "<p>Le billet {n} revient sur la réunion publique numéro {k} consacrée au partage de l'eau \
             dans la vallée, où les habitants ont rappelé que les forages agricoles et les projets \
             industriels puisent dans la même nappe, et que personne ne leur a demandé leur avis.</p>"
        )
    };
    format!(
        "<!doctype html><html lang=\"fr-FR\"><head><meta charset=\"utf-8\"><title>Billet numéro {n} &#8211; Collectif</title>\
         <meta name=\"generator\" content=\"WordPress 6.1.9\"></head><body class=\"post-template-default single\">\
         <article class=\"post type-post\"><header><h1 class=\"entry-title\">Billet numéro {n}</h1>\
         <time class=\"entry-date published\" datetime=\"2024-03-{:02}T10:00:00+01:00\">{} mars 2024</time></header>\
         <div class=\"entry-content\">{}</div></article></body></html>",
        1 + n % 28,
        1 + n % 28,
        (0..4).map(paragraph).collect::<String>()
    )
}

/// A WordPress site as a new install serves it: plain permalinks (`?p=N`,
/// the default), and robots.txt behind nginx's usual `try_files`, which
/// answers 301 to `/robots.txt/`. Every post is archived (a post link is no
/// page number, and does not use the pagination budget), and the rules
/// found after the redirect are kept.
#[test]
fn plain_permalinks_and_a_redirected_robots_txt_lose_no_post() {
    let rt = runtime();
    let site = Site::start(&rt, "", "wp.test");
    let posts = 40;
    let home: String =
        (1..=posts).map(|n| format!("<li><a href=\"/?p={n}\">Billet numéro {n}</a></li>")).collect();
    site.set(
        "/",
        "text/html; charset=utf-8",
        format!(
            "<html lang=\"fr\"><head><title>Collectif</title><meta name=\"generator\" content=\"WordPress 6.1.9\">\
             </head><body class=\"home blog\"><ul>{home}</ul><a href=\"/wp-admin/\">admin</a>\
             <a href=\"/?paged=2\">Articles plus anciens</a></body></html>"
        ),
    );
    site.set("/?paged=2", "text/html; charset=utf-8", "<html><body><p>Rien de plus.</p></body></html>");
    for n in 1..=posts {
        site.set(&format!("/?p={n}"), "text/html; charset=utf-8", wordpress_post(n));
    }
    site.fault("/robots.txt", Fault::Redirect("{base}/robots.txt/".into()));
    site.set("/robots.txt/", "text/plain", "User-agent: *\nDisallow: /wp-admin/\n");
    let sources = format!("[[source]]\nid = \"collectif\"\nhomepage = \"{}/\"\n", site.base());
    let home = Home::new(&format!("{FAST}max_pagination = 3\n"), &sources, &[&site]);
    let summary = home.summary(&[]);
    assert_eq!(summary["sources"][0]["failed"], serde_json::Value::Null, "{summary:#}");
    let articles = home.articles();
    assert_eq!(articles.len(), posts, "{summary:#}");
    assert!(site.hits("/robots.txt/") == 1 && site.hits("/wp-admin/") == 0, "{:?}", site.routes());
}

/// A source with no `profile` line: each page's `<meta name=generator>`
/// (and markup) chooses how it is read, as `veille extract` does; an
/// explicit `profile = "generic"` keeps the generic reader.
#[test]
fn a_source_without_profile_is_read_with_the_profile_its_pages_name() {
    let rt = runtime();
    let (spip, wp, elsewhere) = spip_and_wordpress(&rt);
    let without = two_sources(&spip, &wp).replace("profile = \"spip\"\n", "");
    let home = Home::new(FAST, &without, &[&spip, &wp, &elsewhere]);
    home.crawl(&["-q", "--source", "sablier"]).success();
    let articles = home.articles();
    assert!(articles.len() >= 6, "{}", articles.len());
    for (path, article) in &articles {
        // SPIP's breadcrumb is page furniture the spip profile leaves out.
        assert!(
            !article.body.starts_with("[Accueil]"),
            "{}: read as generic: {}",
            path.display(),
            article.body
        );
    }
    let generic = two_sources(&spip, &wp).replace("profile = \"spip\"", "profile = \"generic\"");
    let home = Home::new(FAST, &generic, &[&spip, &wp, &elsewhere]);
    home.crawl(&["-q", "--source", "sablier"]).success();
    let bodies: Vec<String> =
        home.articles().iter().map(|(_, a)| a.body.chars().take(60).collect()).collect();
    assert!(bodies.iter().any(|b| b.starts_with("[Accueil]")), "generic as asked: {bodies:#?}");
}

/// A static site (Hugo-like): the home, `/page/2/`, tag and category pages
/// are runs of teasers and no article is made of them, whatever their
/// address; two addresses whose `rel=canonical` name one article give it
/// once, and a recheck leaves its file alone.
#[test]
fn a_static_site_gives_its_posts_and_no_listing() {
    let rt = runtime();
    let site = Site::start(&rt, "", "hugo.test");
    let post = |n: usize, extra: &str| {
        let text = format!(
            "<p>Le billet {n} raconte la marche pour l'eau du printemps, les rencontres avec les paysans \
             de la vallée et la réunion publique du soir, où la question des forages a occupé tout le monde.</p>"
        )
        .repeat(4);
        format!(
            "<html lang=\"fr\"><head><title>Billet {n} | Le Banc</title><link rel=\"canonical\" href=\"/posts/billet-{n}/\">\
             </head><body><header><a href=\"/\">Le Banc</a></header><main><article class=\"post-single\">\
             <h1 class=\"post-title\">Billet {n}</h1><div class=\"post-content\">{text}{extra}</div></article></main></body></html>"
        )
    };
    let teasers = |range: std::ops::RangeInclusive<usize>| -> String {
        range
            .map(|n| {
                format!(
                    "<article class=\"post-entry\"><header class=\"entry-header\"><h2>Billet {n}</h2></header>\
                     <div class=\"entry-content\"><p>Le billet {n} raconte la marche pour l'eau du printemps…</p></div>\
                     <a class=\"entry-link\" aria-label=\"post link\" href=\"/posts/billet-{n}/\"></a></article>"
                )
            })
            .collect()
    };
    let listing = |body: String, more: &str| {
        format!(
            "<html lang=\"fr\"><head><title>Le Banc</title><link rel=\"canonical\" href=\"/\"></head><body>\
             <header><a href=\"/\">Le Banc</a> <a href=\"/tags/eau/\">eau</a> <a href=\"/categories/luttes/\">luttes</a></header>\
             <main>{body}</main><footer>{more}</footer></body></html>"
        )
    };
    site.set("/", "text/html", listing(teasers(1..=4), "<a href=\"/page/2/\">Suivant</a>"));
    site.set("/page/2/", "text/html", listing(teasers(5..=8), ""));
    site.set("/tags/eau/", "text/html", listing(teasers(2..=6), ""));
    site.set("/categories/luttes/", "text/html", listing(teasers(1..=3), ""));
    for n in 1..=8 {
        site.set(&format!("/posts/billet-{n}/"), "text/html", post(n, ""));
    }
    // The same post at a second address (a print version), naming the first.
    site.set("/print/billet-1/", "text/html", post(1, "<p>Imprimé depuis Le Banc.</p>"));
    let home_page = String::from_utf8(site.get("/"))
        .unwrap()
        .replace("</footer>", "<a href=\"/print/billet-1/\">imprimer</a></footer>");
    site.set("/", "text/html", home_page);
    let sources = format!("[[source]]\nid = \"banc\"\nhomepage = \"{}/\"\nmax_depth = 3\n", site.base());
    let home = Home::new(FAST, &sources, &[&site]);
    home.crawl(&["-q"]).success();
    let urls: Vec<String> = home.articles().into_iter().map(|(_, a)| a.url.unwrap_or_default()).collect();
    assert_eq!(urls.len(), 8, "{urls:#?}");
    assert!(urls.iter().all(|u| u.contains("/posts/billet-")), "{urls:#?}");
    let before = home.snapshot();
    home.crawl(&["-q", "--recheck"]).success();
    assert_eq!(home.snapshot(), before, "a recheck of an unchanged site changes no file");
    // Bytes that change around an unchanged text (a comment's avatar now
    // served by another host) change no article either.
    let page = post(2, "")
        .replace("</main>", "</main><footer><img src=\"https://1.gravatar.test/avatar/ab\"></footer>");
    site.set("/posts/billet-2/", "text/html", page);
    home.crawl(&["-q", "--recheck"]).success();
    assert_eq!(home.snapshot(), before, "the same text, the same file");
}

/// A site whose pages carry no validators (no ETag, no Last-Modified: many
/// CMS pages) cannot be asked "changed since?". Its listings are not
/// downloaded again while its feed shows nothing new; a new post in the
/// feed brings them back at once, and a source with no feed or sitemap
/// has its listings read every run, as before.
#[test]
fn listings_without_validators_wait_while_the_feed_shows_nothing_new() {
    let rt = runtime();
    let site = Site::start(&rt, "", "wp.test");
    site.without_validators();
    let publish = |posts: usize| {
        let items: String = (1..=posts)
            .map(|n| {
                format!(
                    "<item><title>Billet numéro {n}</title><link>{}/posts/{n}/</link>\
                     <pubDate>Mon, {:02} Mar 2024 10:00:00 +0100</pubDate></item>",
                    site.base(),
                    1 + n % 28
                )
            })
            .collect();
        site.set(
            "/feed/",
            "application/rss+xml",
            format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Collectif</title>{items}</channel></rss>"),
        );
        let links: String =
            (1..=posts).map(|n| format!("<li><a href=\"/posts/{n}/\">Billet numéro {n}</a></li>")).collect();
        site.set(
            "/",
            "text/html; charset=utf-8",
            format!("<html lang=\"fr\"><head><title>Collectif</title></head><body><ul>{links}</ul><a href=\"/tags/eau/\">eau</a></body></html>"),
        );
        site.set(
            "/tags/eau/",
            "text/html; charset=utf-8",
            format!("<html lang=\"fr\"><head><title>eau</title></head><body><ul>{links}</ul></body></html>"),
        );
        for n in 1..=posts {
            site.set(&format!("/posts/{n}/"), "text/html; charset=utf-8", wordpress_post(n));
        }
    };
    publish(3);
    let with_feed = format!(
        "[[source]]\nid = \"collectif\"\nhomepage = \"{0}/\"\nfeeds = [\"{0}/feed/\"]\n",
        site.base()
    );
    let home = Home::new(FAST, &with_feed, &[&site]);
    home.crawl(&["-q"]).success();
    assert_eq!(home.articles().len(), 3);
    assert_eq!(site.hits("/tags/eau/"), 1);

    site.clear_log();
    let summary = home.summary(&[]);
    assert_eq!(site.hits("/feed/"), 1);
    assert_eq!((site.hits("/"), site.hits("/tags/eau/")), (0, 0), "{:?}", site.log());
    assert_eq!(summary["listings_left"], 1, "{summary:#}");
    assert_eq!(summary["unconditional"], 1, "the feed, fetched before, could not be asked: {summary:#}");
    let line = String::from_utf8(home.crawl(&[]).get_output().stdout.clone()).unwrap();
    assert!(
        line.contains("1 request could not be conditional")
            && line.contains("1 listing not downloaded again"),
        "{line}"
    );

    publish(4);
    site.clear_log();
    home.crawl(&["-q"]).success();
    assert_eq!(site.hits("/"), 1, "a new post in the feed: the listings are read again");
    assert_eq!(home.articles().len(), 4);

    // A feed sources.toml no longer names (and no page links) is not read.
    fs::write(
        home.path().join("corpus/sources.toml"),
        format!("[[source]]\nid = \"collectif\"\nhomepage = \"{}/\"\n", site.base()),
    )
    .unwrap();
    site.clear_log();
    home.crawl(&["-q"]).success();
    assert_eq!((site.hits("/feed/"), site.hits("/")), (0, 1), "{:?}", site.log());

    // No feed, no sitemap: nothing tells that the site did not change.
    let no_feed = format!("[[source]]\nid = \"collectif\"\nhomepage = \"{}/\"\n", site.base());
    let home = Home::new(FAST, &no_feed, &[&site]);
    home.crawl(&["-q"]).success();
    site.clear_log();
    home.crawl(&["-q"]).success();
    assert_eq!(site.hits("/"), 1);
}

/// A SPIP-like site: every answer stamped `Last-Modified` = now (which no
/// conditional request can use) and a nonce in every page. The stamp is not
/// taken for a validator, so the home waits while the feed shows nothing
/// new; without a feed the home is read again, but its links being those
/// of last time, the listings it links to are not fetched again.
#[test]
fn a_page_stamped_now_and_a_nonce_do_not_pass_for_news() {
    let rt = runtime();
    let site = Site::start(&rt, "", "spip.test");
    site.stamped_now();
    let feed: String = (1..=3)
        .map(|n| format!("<item><title>Article {n}</title><link>{}/posts/{n}/</link></item>", site.base()))
        .collect();
    site.set(
        "/feed/",
        "application/rss+xml",
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Sablier</title>{feed}</channel></rss>"),
    );
    let links: String =
        (1..=3).map(|n| format!("<li><a href=\"/posts/{n}/\">Article {n}</a></li>")).collect();
    let home_page = |nonce: u32| {
        format!(
            "<html lang=\"fr\"><head><title>Sablier</title></head><body><ul>{links}</ul>\
             <a href=\"/rubrique/\">Rubrique</a><div class=\"ajaxbloc\" data-ajax-env=\"{nonce:08x}\"></div></body></html>"
        )
    };
    site.set("/rubrique/", "text/html; charset=utf-8", format!("<html><body><ul>{links}</ul></body></html>"));
    for n in 1..=3 {
        site.set(&format!("/posts/{n}/"), "text/html; charset=utf-8", wordpress_post(n));
    }
    for (with_feed, home_hits, nonce) in [(true, 0, 10), (false, 1, 20)] {
        site.set("/", "text/html; charset=utf-8", home_page(nonce));
        let feeds = if with_feed { format!("feeds = [\"{}/feed/\"]\n", site.base()) } else { String::new() };
        let sources = format!("[[source]]\nid = \"sablier\"\nhomepage = \"{}/\"\n{feeds}", site.base());
        let home = Home::new(FAST, &sources, &[&site]);
        home.crawl(&["-q"]).success();
        assert_eq!(home.articles().len(), 3);
        site.set("/", "text/html; charset=utf-8", home_page(nonce + 1));
        site.clear_log();
        let summary = home.summary(&[]);
        assert_eq!(site.hits("/"), home_hits, "with a feed: {with_feed}; {:?}", site.log());
        assert_eq!(site.hits("/rubrique/"), 0, "with a feed: {with_feed}; {summary:#}");
        assert_eq!(home.articles().len(), 3);
    }
}

/// An article page of the language test's site, declared French whatever its text.
fn page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"2026-03-02T10:00:00+01:00\"></head>\
         <body><article><h1>{title}</h1>\n{body}</article></body></html>"
    )
}

#[test]
fn a_translation_under_a_french_lang_is_indexed_in_its_own_language() {
    let rt = runtime();
    let site = Site::start(&rt, "", "traductions.test");
    let base = site.base();
    let item = |path: &str, title: &str| {
        format!(
            "<item><title>{title}</title><link>{base}{path}</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate></item>"
        )
    };
    site.set(
        "/feed.xml",
        "application/rss+xml",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Traductions</title><link>{base}/</link>{}{}</channel></rss>",
            item("/vsa.html", "La vidéosurveillance algorithmique"),
            item("/vsa-en.html", "Algorithmic video surveillance"),
        ),
    );
    site.set(
        "/",
        "text/html",
        format!("<html lang=\"fr\"><body><a href=\"{base}/vsa.html\">VSA</a></body></html>"),
    );
    site.set(
        "/vsa.html",
        "text/html",
        page(
            "La vidéosurveillance algorithmique",
            &[
                "La mairie a installé des caméras dont les images sont analysées par un logiciel qui \
             signale les comportements jugés anormaux, et chaque passant devient un suspect.",
                "Les habitants du quartier ont écrit à la préfecture pour demander le retrait du \
             dispositif, et une réunion publique aura lieu jeudi soir à la bourse du travail.",
            ],
        ),
    );
    site.set(
        "/vsa-en.html",
        "text/html",
        page(
            "Algorithmic video surveillance",
            &[
                "The town hall has installed cameras whose footage is analysed by software that flags \
             behaviour it considers abnormal, and every passer-by becomes a suspect.",
                "People in the neighbourhood have written to the prefecture asking for the system to \
             be removed, and a public meeting will be held on Thursday evening at the union hall.",
            ],
        ),
    );
    let sources = format!(
        "[[source]]\nid = \"traductions\"\nname = \"Traductions\"\nhomepage = \"{base}/\"\nfeeds = [\"{base}/feed.xml\"]\nlang = \"fr\"\n"
    );
    let home = Home::new(FAST, &sources, &[&site]);
    home.crawl(&["-q"]).success();
    let languages: BTreeMap<String, Option<String>> =
        home.articles().into_iter().map(|(_, a)| (a.title.clone(), a.lang.clone())).collect();
    assert_eq!(
        languages.get("La vidéosurveillance algorithmique"),
        Some(&Some("fr".to_string())),
        "{languages:?}"
    );
    assert_eq!(
        languages.get("Algorithmic video surveillance"),
        Some(&Some("en".to_string())),
        "{languages:?}"
    );
    let out = veille(home.path()).args(["search", "--json", "camera footage langue:en"]).output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("Algorithmic video surveillance"), "{out}");
}
