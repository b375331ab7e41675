//! A full disk, for real. The writing commands (import, index, update =
//! crawl + index, reextract, brochure) run on a small tmpfs mounted in a
//! private mount namespace (`unshare -Urm`: nothing is mounted outside the
//! test, and no root is needed where user namespaces are allowed), filled
//! with a file until a few kilobytes are left. The kernel then answers
//! ENOSPC as a full disk does: no shim, no size limit that would answer
//! another error (RLIMIT_FSIZE gives EFBIG, per file).
//!
//! Each command must stop with exit 2 and one line that names what could
//! not be written and says the disk is full; leave no temporary file, no
//! truncated article or WARC record; and, once the filler is removed, the
//! same command must complete the work. What the home holds after each
//! step is copied out of the namespace and checked here.
//!
//! Where mounting is impossible (no user namespaces, no `unshare`), the
//! test fails and says so, unless `VEILLE_TEST_NO_MOUNT=1` says the machine
//! cannot: a test that passes without running proves nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::server::{Site, runtime};
use veille::archive::warc;
use veille::corpus::Corpus;

/// Commands of the script: `leave DIR KB` fills the filesystem of DIR (a
/// mount point) until KB kilobytes are left, `unfill DIR` frees it, `step NAME CMD…` runs a command
/// and keeps its output and exit code, `snap NAME DIR` copies a home out.
const PRELUDE: &str = r#"
set -u
mkdir -p "$FS" && mount -t tmpfs -o size=24m tmpfs "$FS" || exit 97
leave() {
    rm -f "$1/.filler"; sync
    avail=$(df -k --output=avail "$1" | tail -1)
    fallocate -l $(( (avail - $2) * 1024 )) "$1/.filler"
}
unfill() { rm -f "$1/.filler"; }
step() { name=$1; shift; "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo $? >"$OUT/$name.code"; }
snap() { rm -rf "$OUT/$1"; cp -a "$2" "$OUT/$1"; }
"#;

struct Run {
    out: tempfile::TempDir,
}

impl Run {
    /// Runs `script` after [`PRELUDE`] in a new mount namespace; `$B` is the
    /// veille binary, `$FS` the small disk, `$OUT` where results go.
    fn script(script: &str, env: &[(&str, String)]) -> Option<Run> {
        let out = tempfile::tempdir().unwrap();
        let binary = assert_cmd::cargo::cargo_bin("veille");
        let mut cmd = Command::new("unshare");
        cmd.args(["-Urm", "sh", "-c", &format!("{PRELUDE}\n{script}")])
            .env("B", &binary)
            .env("FS", out.path().join("fs"))
            .env("OUT", out.path())
            .env("NO_COLOR", "1")
            .env_remove("VEILLE_HOME")
            .env_remove("VEILLE_LOG");
        for (name, value) in env {
            cmd.env(name, value);
        }
        let status = cmd.output().map(|o| (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned()));
        match status {
            Ok((Some(0), _)) => Some(Run { out }),
            Ok((code, stderr)) if code == Some(97) || stderr.contains("unshare") => {
                if std::env::var_os("VEILLE_TEST_NO_MOUNT").is_some() {
                    eprintln!("disk_full: no small filesystem can be mounted here; skipped ({stderr})");
                    return None;
                }
                panic!(
                    "cannot mount a small tmpfs in a user namespace ({stderr}); \
                     set VEILLE_TEST_NO_MOUNT=1 on machines that cannot"
                );
            }
            Ok((code, stderr)) => panic!("the script failed ({code:?}): {stderr}"),
            Err(e) => {
                if std::env::var_os("VEILLE_TEST_NO_MOUNT").is_some() {
                    return None;
                }
                panic!("cannot run unshare ({e}); set VEILLE_TEST_NO_MOUNT=1 on machines without it")
            }
        }
    }

    fn code(&self, step: &str) -> i32 {
        fs::read_to_string(self.out.path().join(format!("{step}.code"))).unwrap().trim().parse().unwrap()
    }

    fn stderr(&self, step: &str) -> String {
        fs::read_to_string(self.out.path().join(format!("{step}.err"))).unwrap()
    }

    fn stdout(&self, step: &str) -> String {
        fs::read_to_string(self.out.path().join(format!("{step}.out"))).unwrap()
    }

    fn snap(&self, name: &str) -> PathBuf {
        self.out.path().join(name)
    }

    /// Stopped for the disk, said in one line naming a file.
    fn stopped_for_space(&self, step: &str) {
        let stderr = self.stderr(step);
        assert_eq!(self.code(step), 2, "{step}: {stderr}");
        let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("veille: error:")).collect();
        assert_eq!(errors.len(), 1, "{step}: one error line: {stderr}");
        assert!(errors[0].contains("No space left on device"), "{step}: {stderr}");
        assert!(errors[0].contains("the disk is full: free some space"), "{step}: {stderr}");
        assert!(errors[0].contains('/'), "{step}: names what could not be written: {stderr}");
    }
}

/// No temporary file left, every article file whole.
fn intact(home: &Path) -> usize {
    let leftovers: Vec<_> = walkdir::WalkDir::new(home.join("corpus"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".veille-"))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let (articles, errors) = Corpus::new(home.join("corpus")).load().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    for file in fs::read_dir(home.join("corpus/raw")).into_iter().flatten() {
        let path = file.unwrap().path();
        if !path.to_string_lossy().ends_with(".warc.gz") {
            continue;
        }
        let (_, end) = warc::read_all(&path).unwrap();
        assert_eq!(end, fs::metadata(&path).unwrap().len(), "{}: a cut WARC record", path.display());
    }
    articles.len()
}

fn jsonl(count: usize, from: usize) -> String {
    (from..from + count)
        .map(|i| {
            let body = "Les nappes phréatiques baissent encore cet été dans la vallée. ".repeat(60);
            serde_json::json!({
                "id": format!("a{i:04}"), "title": format!("Sécheresse, épisode {i}"),
                "site": "exemple", "published": "2026-11-01", "body": format!("{body}Fin {i}."),
            })
            .to_string()
                + "\n"
        })
        .collect()
}

#[test]
fn a_full_disk_stops_import_and_index_cleanly_and_the_next_run_completes() {
    let inputs = tempfile::tempdir().unwrap();
    let (first, second) = (inputs.path().join("first.jsonl"), inputs.path().join("second.jsonl"));
    fs::write(&first, jsonl(120, 0)).unwrap();
    fs::write(&second, jsonl(60, 120)).unwrap();
    let script = r#"
H="$FS/home"
"$B" init -q "$H" && cd "$H" || exit 1
leave "$FS" 60
step import1 "$B" import "$FIRST"
snap import1 "$H"
unfill "$FS"
step import2 "$B" import "$FIRST"
step index1 "$B" index
step import3 "$B" import "$SECOND"
leave "$FS" 12
step index2 "$B" index
step search2 "$B" search --json secheresse --limit 500
snap index2 "$H"
unfill "$FS"
step index3 "$B" index
step search3 "$B" search --json secheresse --limit 500
"#;
    let env = [("FIRST", first.display().to_string()), ("SECOND", second.display().to_string())];
    let Some(run) = Run::script(script, &env) else { return };

    run.stopped_for_space("import1");
    assert!(run.stderr("import1").contains("import of"), "{}", run.stderr("import1"));
    let written = intact(&run.snap("import1"));
    assert!(written > 0 && written < 120, "{written} articles written before the disk filled");
    assert_eq!(run.code("import2"), 0, "{}", run.stderr("import2"));
    assert!(run.stdout("import2").contains(&format!("{} new", 120 - written)), "{}", run.stdout("import2"));
    assert_eq!(run.code("index1"), 0, "{}", run.stderr("index1"));
    assert_eq!(run.code("import3"), 0, "{}", run.stderr("import3"));

    // The index could not take the 60 new articles: the one before stays
    // whole and searchable, and the next run takes them.
    run.stopped_for_space("index2");
    let hits = |step: &str| -> usize {
        assert_eq!(run.code(step), 0, "{step}: {}", run.stderr(step));
        // One JSON line a hit.
        run.stdout(step).lines().filter(|l| l.starts_with('{')).count()
    };
    assert_eq!(hits("search2"), 120, "the index of the last good run");
    assert_eq!(intact(&run.snap("index2")), 180);
    assert_eq!(run.code("index3"), 0, "{}", run.stderr("index3"));
    assert_eq!(hits("search3"), 180);
}

#[test]
fn a_full_disk_stops_update_reextract_and_brochure_cleanly_and_the_next_run_completes() {
    let rt = runtime();
    let site = Site::start(&rt, "spip", "spip.test");
    site.replace("{base}", &site.base());
    let settings = "[crawl]\ncontact = \"https://test.invalid/contact\"\ndelay_seconds = 0.05\n\
                    backoff_seconds = 0.05\ntimeout_seconds = 5\n";
    let sources = format!(
        "[[source]]\nid = \"sablier\"\nhomepage = \"{0}/\"\nfeeds = [\"{0}/spip.php?page=backend\"]\n\
         profile = \"spip\"\nmax_depth = 2\n",
        site.base()
    );
    let files = tempfile::tempdir().unwrap();
    fs::write(files.path().join("veille.toml"), settings).unwrap();
    fs::write(files.path().join("sources.toml"), sources).unwrap();
    let script = r#"
H="$FS/home"
"$B" init -q "$H" && cd "$H" || exit 1
cp "$FILES/veille.toml" veille.toml && cp "$FILES/sources.toml" corpus/sources.toml
# The raw archive and the articles on small disks of their own, so that
# each kind of write meets the full disk in turn.
mkdir -p corpus/raw corpus/articles
mount -t tmpfs -o size=2m tmpfs corpus/raw && mount -t tmpfs -o size=2m tmpfs corpus/articles || exit 97
leave corpus/raw 8
step update1 "$B" update --resolve "$RESOLVE"
snap update1 "$H"
unfill corpus/raw
leave corpus/articles 6
step update2 "$B" update --resolve "$RESOLVE"
snap update2 "$H"
unfill corpus/articles
step update3 "$B" update --resolve "$RESOLVE"
snap update3 "$H"
rm -r corpus/articles/sablier
leave corpus/articles 4
step reextract1 "$B" reextract
snap reextract1 "$H"
unfill corpus/articles
step reextract2 "$B" reextract
step index "$B" index -q
leave "$FS" 8
step brochure1 "$B" brochure --query eau --title Essai -o "$H/out"
snap brochure1 "$H"
unfill "$FS"
step brochure2 "$B" brochure --query eau --title Essai -o "$H/out"
snap brochure2 "$H"
"#;
    let env = [
        ("FILES", files.path().display().to_string()),
        ("RESOLVE", format!("spip.test:{}:127.0.0.1", site.port)),
    ];
    let Some(run) = Run::script(script, &env) else { return };

    // The WARC file could not take a record: the crawl stopped there.
    run.stopped_for_space("update1");
    assert!(run.stderr("update1").contains(".warc.gz"), "{}", run.stderr("update1"));
    let first = intact(&run.snap("update1"));
    // An article file could not be written: the crawl stopped there.
    run.stopped_for_space("update2");
    assert!(run.stderr("update2").contains(".md"), "{}", run.stderr("update2"));
    let second = intact(&run.snap("update2"));
    assert_eq!(run.code("update3"), 0, "{}", run.stderr("update3"));
    let all = intact(&run.snap("update3"));
    assert!(first < all && second < all && all >= 6, "{first}, {second}, then {all} articles");
    // Everything the deep check verifies holds after the interrupted nights.
    let checked = crate::support::veille(&run.snap("update3")).args(["check", "--deep"]).assert().success();
    let summary = String::from_utf8_lossy(&checked.get_output().stdout).into_owned();
    assert!(summary.contains(&format!("{all} articles indexed")), "{summary}");

    run.stopped_for_space("reextract1");
    assert!(intact(&run.snap("reextract1")) < all);
    assert_eq!(run.code("reextract2"), 0, "{}", run.stderr("reextract2"));
    assert_eq!(run.code("index"), 0, "{}", run.stderr("index"));

    run.stopped_for_space("brochure1");
    let out = |snap: &str| -> Vec<String> {
        fs::read_dir(run.snap(snap).join("out"))
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    };
    assert!(out("brochure1").is_empty(), "nothing half-written: {:?}", out("brochure1"));
    assert_eq!(run.code("brochure2"), 0, "{}", run.stderr("brochure2"));
    let made = out("brochure2");
    assert!(made.iter().any(|f| f.ends_with(".pdf")), "{made:?}");
    let pdf =
        fs::read(run.snap("brochure2").join("out").join(made.iter().find(|f| f.ends_with(".pdf")).unwrap()))
            .unwrap();
    assert!(
        pdf.starts_with(b"%PDF") && pdf.ends_with(b"%%EOF\n")
            || pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF")
    );
}
