//! The `veille` binary as users run it: a temporary home, real files.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::support::veille;
use predicates::prelude::*;
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn new_home() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path()).args(["init", "-q"]).assert().success();
    dir
}

fn article_files(home: &Path) -> Vec<PathBuf> {
    walkdir(&home.join("corpus/articles"))
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walkdir(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn help_lists_every_command_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let assert = veille(dir.path()).arg("--help").assert().success();
    let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for command in [
        "init",
        "import",
        "index",
        "search",
        "themes",
        "similar",
        "list",
        "show",
        "check",
        "export",
        "bench",
        "completions",
        "man",
    ] {
        assert!(help.contains(command), "--help lacks {command}");
        veille(dir.path())
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
    }
    assert!(help.contains("Exit status"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path()).arg("frobnicate").assert().code(2);
    // No command opens the terminal UI: outside a home it says how to make one,
    // and without a terminal it says what to use instead.
    veille(dir.path()).assert().code(2).stderr(predicate::str::contains("veille init"));
    veille(dir.path()).args(["init", "-q"]).assert().success();
    veille(dir.path()).assert().code(2).stderr(predicate::str::contains("needs a terminal"));
    veille(dir.path()).arg("--version").assert().success().stdout(predicate::str::starts_with("veille "));
}

#[test]
fn no_home_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    veille(dir.path())
        .arg("list")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no veille home").and(predicate::str::contains("veille init")));
    veille(dir.path())
        .args(["--home", "nowhere", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a veille home"));
}

#[test]
fn init_creates_the_layout_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("archive");
    veille(dir.path())
        .args(["init", home.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("created  veille.toml"));
    for path in ["veille.toml", "corpus/sources.toml", "corpus/themes.toml", ".gitignore"] {
        assert!(home.join(path).is_file(), "{path} missing");
    }
    assert!(home.join("corpus/articles").is_dir());
    let gitignore = fs::read_to_string(home.join(".gitignore")).unwrap();
    for line in ["/index/", "/corpus/raw/", "/corpus/state/"] {
        assert!(gitignore.contains(line));
    }
    fs::write(home.join("veille.toml"), "[archive]\nname = \"Le nôtre\"\n").unwrap();
    veille(&home).arg("init").assert().success().stdout(predicate::str::contains("already a veille home"));
    assert_eq!(fs::read_to_string(home.join("veille.toml")).unwrap(), "[archive]\nname = \"Le nôtre\"\n");
}

#[test]
fn home_is_found_from_env_and_parent_directories() {
    let home = new_home();
    veille(&home.path().join("corpus/articles")).arg("check").assert().success();
    let elsewhere = tempfile::tempdir().unwrap();
    veille(elsewhere.path()).env("VEILLE_HOME", home.path()).arg("check").assert().success();
    // --home wins over VEILLE_HOME.
    veille(elsewhere.path())
        .env("VEILLE_HOME", elsewhere.path())
        .args(["--home", home.path().to_str().unwrap(), "check"])
        .assert()
        .success();
}

#[test]
fn import_reports_bad_lines_keeps_good_ones_and_is_idempotent() {
    let home = new_home();
    let file = fixture("import-mixed.jsonl");
    veille(home.path())
        .args(["import", file.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("imported 3 articles").and(predicate::str::contains("4 lines skipped")),
        )
        .stderr(
            predicate::str::contains("import-mixed.jsonl:3: invalid JSON")
                .and(predicate::str::contains("import-mixed.jsonl:4: missing `id`"))
                .and(predicate::str::contains("import-mixed.jsonl:5: `published`"))
                .and(predicate::str::contains(
                    "import-mixed.jsonl:8: id \"bassines-2025-01\" already given on line 1",
                )),
        );
    let files = article_files(home.path());
    let names: Vec<_> =
        files.iter().map(|p| p.strip_prefix(home.path()).unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "corpus/articles/gouttes/2025/01/bassines-la-nappe-n-est-pas-un-reservoir-prive.md",
            "corpus/articles/gouttes/2025/03/appel-pas-de-cameras-intelligentes-dans-nos-rues.md",
            "corpus/articles/import/undated/un-texte-sans-titre-prend-sa-premiere-ligne-comme-titre.md",
        ]
    );
    let before: Vec<_> = files.iter().map(|p| fs::read(p).unwrap()).collect();
    veille(home.path())
        .args(["import", file.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 new, 0 updated, 3 unchanged"));
    let after: Vec<_> = article_files(home.path()).iter().map(|p| fs::read(p).unwrap()).collect();
    assert_eq!(before, after, "a second import changes nothing");
    let text = String::from_utf8(before[0].clone()).unwrap();
    assert!(text.contains("id = \"bassines-2025-01\"") && text.contains("> L'eau d'ici doit rester ici."));
}

#[test]
fn import_reads_stdin_and_quiet_is_quiet() {
    let home = new_home();
    veille(home.path())
        .args(["-q", "import", "-", "--site", "lot"])
        .write_stdin(fs::read(fixture("import-good.jsonl")).unwrap())
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let files = article_files(home.path());
    assert_eq!(files.len(), 3);
    // Two equal titles in one month: two files.
    assert!(files.iter().any(|p| p.ends_with("essai/2024/06/un-data-center-de-plus-2.md")));
}

#[test]
fn import_of_a_missing_file_names_it() {
    let home = new_home();
    veille(home.path())
        .args(["import", "absent.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open absent.jsonl"));
}

#[test]
fn list_show_and_json() {
    let home = new_home();
    veille(home.path()).args(["-q", "import"]).arg(fixture("import-good.jsonl")).assert().success();
    veille(home.path()).args(["list", "--site", "essai"]).assert().success().stdout(
        predicate::str::contains("2024-06-01").and(predicate::str::contains("Énergie : l'effet rebond")),
    );
    let output = veille(home.path()).args(["list", "--json"]).output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["id"], "n3", "undated articles come last");
    assert!(lines[0]["path"].as_str().unwrap().starts_with("corpus/articles/essai/2024/06/"));
    veille(home.path())
        .args(["show", "n3"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("+++\nid = \"n3\""));
    let output = veille(home.path()).args(["show", "--json", "n1"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["published"], "2024-06-01");
    assert_eq!(json["body"], "Un texte sur les centres de données et l'eau.");
    veille(home.path())
        .args(["show", "zzzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no article"));
}

#[test]
fn a_broken_article_is_reported_with_its_line_and_skipped() {
    let home = new_home();
    veille(home.path()).args(["-q", "import"]).arg(fixture("import-good.jsonl")).assert().success();
    let broken = home.path().join("corpus/articles/essai/casse.md");
    fs::write(&broken, "+++\nid = \"x\"\nsite = \"essai\"\npublished = \"demain\"\n+++\n").unwrap();
    veille(home.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 articles").and(predicate::str::contains("1 problem")))
        .stderr(predicate::str::contains("casse.md:4: `published`"));
    veille(home.path())
        .arg("list")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Un data center de plus"))
        .stderr(predicate::str::contains("casse.md:4"));
}

#[test]
fn check_reads_theme_queries() {
    let home = new_home();
    let mut text = fs::read_to_string(home.path().join("corpus/themes.toml")).unwrap();
    text.push_str("\n[[theme]]\nid = \"casse\"\nlabel = \"Cassé\"\nquery = 'eau depuis:hier'\n");
    fs::write(home.path().join("corpus/themes.toml"), text).unwrap();
    veille(home.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("theme \"casse\"").and(predicate::str::contains("not a date")));
}

#[test]
fn broken_settings_name_file_and_line() {
    let home = new_home();
    fs::write(home.path().join("corpus/themes.toml"), "[[theme]]\nid = \"eau\"\nlabel = \"Eau\"\n").unwrap();
    veille(home.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("themes.toml:1:").and(predicate::str::contains("query")));
}

#[test]
fn a_closed_pipe_is_a_quiet_exit() {
    let home = new_home();
    let mut lines = String::new();
    for i in 0..3000 {
        lines.push_str(&format!(
            "{{\"id\":\"p{i}\",\"title\":\"Titre numéro {i}\",\"body\":\"x\",\"published\":\"2024-01-01\"}}\n"
        ));
    }
    veille(home.path()).args(["-q", "import", "-"]).write_stdin(lines).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("veille");
    let mut child = std::process::Command::new(bin)
        .current_dir(home.path())
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(first.contains("Titre numéro"));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        veille(dir.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("import"));
    }
    veille(dir.path()).arg("man").assert().success().stdout(predicate::str::contains(".TH veille"));
    let mandir = dir.path().join("man");
    veille(dir.path()).args(["man", "--dir", mandir.to_str().unwrap()]).assert().success();
    assert!(mandir.join("veille.1").is_file() && mandir.join("veille-import.1").is_file());
}

#[test]
fn verbose_and_quiet_conflict() {
    let home = new_home();
    veille(home.path()).args(["-q", "-v", "check"]).assert().code(2);
}

/// The repository is itself a home, with a demo archive that checks clean.
#[test]
fn the_repository_is_a_home_whose_demo_archive_checks_clean() {
    veille(repo())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("10 themes").and(predicate::str::contains("0 problems")));
}

/// A temporary home holding a copy of the demo archive.
fn demo_home() -> TempDir {
    let dir = new_home();
    crate::support::demo::copy_dir(&repo().join("corpus/articles"), &dir.path().join("corpus/articles"));
    fs::copy(repo().join("corpus/themes.toml"), dir.path().join("corpus/themes.toml")).unwrap();
    fs::copy(repo().join("corpus/sources.toml"), dir.path().join("corpus/sources.toml")).unwrap();
    dir
}

fn json_lines(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(output.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn index_then_search_in_french() {
    let home = demo_home();
    veille(home.path())
        .arg("index")
        .assert()
        .success()
        .stdout(predicate::str::contains("indexed 64 articles").and(predicate::str::contains("64 added")));
    veille(home.path()).arg("index").assert().success().stdout(predicate::str::contains("64 unchanged"));
    veille(home.path()).args(["search", "énergie", "nucléaire", "-n", "2"]).assert().success().stdout(
        predicate::str::contains("[nucléaire]").and(predicate::str::contains("with every word, 1–2 shown")),
    );
    veille(home.path())
        .args(["--color", "always", "search", "uranium", "-n", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[1m"));
    veille(home.path())
        .args(["search", "enrgie"])
        .assert()
        .success()
        .stdout(predicate::str::contains("read with typos"));
}

#[test]
fn search_without_an_index_builds_it_first() {
    let home = demo_home();
    veille(home.path())
        .args(["search", "lithium"])
        .assert()
        .success()
        .stderr(predicate::str::contains("building the search index"))
        .stdout(predicate::str::contains("lithium"));
    assert!(home.path().join("index/meta.json").is_file());
}

#[test]
fn search_json_has_one_object_per_hit() {
    let home = demo_home();
    let output = veille(home.path()).args(["search", "--json", "data center", "-n", "3"]).output().unwrap();
    assert!(output.status.success());
    let hits = json_lines(&output.stdout);
    assert_eq!(hits.len(), 3);
    for hit in &hits {
        for key in ["id", "url", "title", "site", "published", "score", "snippet", "mode", "path"] {
            assert!(hit.get(key).is_some(), "{key} missing in {hit}");
        }
        let snippet = &hit["snippet"];
        let text: Vec<char> = snippet["text"].as_str().unwrap().chars().collect();
        for range in snippet["highlights"].as_array().unwrap() {
            let (a, b) = (range[0].as_u64().unwrap() as usize, range[1].as_u64().unwrap() as usize);
            let word: String = text[a..b].iter().collect::<String>().to_lowercase();
            assert!(word.starts_with("data") || word.starts_with("center"), "{word}");
        }
        assert_eq!(hit["mode"], "all_words");
    }
}

#[test]
fn search_batch_prints_one_line_per_query() {
    let home = demo_home();
    let queries = "q1\teau\nq2\tlithium OU cuivre\nq3\tdepuis:hier\n\nq4\tComment refroidir les serveurs ?\n";
    let output = veille(home.path())
        .args(["search", "--batch", "-", "--limit", "5", "--json"])
        .write_stdin(queries)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "one query did not parse");
    let lines = json_lines(&output.stdout);
    let qids: Vec<_> = lines.iter().map(|l| l["qid"].as_str().unwrap()).collect();
    assert_eq!(qids, ["q1", "q2", "q3", "q4"]);
    assert_eq!(lines[0]["hits"].as_array().unwrap().len(), 5);
    assert!(lines[0]["hits"][0]["id"].is_string());
    assert!(lines[2]["error"].as_str().unwrap().contains("not a date"));
    assert!(lines[3]["hits"].as_array().is_some_and(|h| !h.is_empty()), "a question is ranked");
    assert!(String::from_utf8_lossy(&output.stderr).contains("-:3:"));
}

#[test]
fn bad_queries_point_at_the_problem() {
    let home = demo_home();
    veille(home.path())
        .args(["search", "eau depuis:2024-13"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a date").and(predicate::str::contains("    ^^^^^^^^^^^^^^")));
    // Pasted text is read leniently: an unclosed quote runs to the end.
    veille(home.path()).args(["search", "eau \"effet rebond"]).assert().success();
    veille(home.path())
        .args(["search", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to search"));
}

#[test]
fn themes_with_counts_timelines_and_json() {
    let home = demo_home();
    veille(home.path())
        .arg("themes")
        .assert()
        .success()
        .stdout(predicate::str::contains("IA militaire").and(predicate::str::contains("surveillance-vsa")));
    let output = veille(home.path()).args(["themes", "--timeline", "--json"]).output().unwrap();
    let themes = json_lines(&output.stdout);
    assert_eq!(themes.len(), 10);
    for theme in &themes {
        assert!(theme["count"].as_u64().unwrap() > 0);
        assert!(theme["timeline"].as_array().unwrap().len() >= 18, "18 months at least");
    }
    // An invalid theme is named with its line; the others are still counted.
    let mut text = fs::read_to_string(home.path().join("corpus/themes.toml")).unwrap();
    text.push_str("\n[[theme]]\nid = \"casse\"\nlabel = \"Cassé\"\nquery = 'type:tract'\n");
    fs::write(home.path().join("corpus/themes.toml"), text).unwrap();
    let output = veille(home.path()).args(["themes", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_lines(&output.stdout).len(), 10);
    assert!(String::from_utf8_lossy(&output.stderr).contains("theme \"casse\""));
}

#[test]
fn sites_are_shown_by_name_and_chosen_by_id() {
    let home = demo_home();
    let stdout = |args: &[&str]| {
        let output = veille(home.path()).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let text = stdout(&["search", "site:cahiers-du-frein", "-n", "3"]);
    assert!(text.contains("     Cahiers du frein · ") && !text.contains("cahiers-du-frein"), "{text}");
    let text = stdout(&["search", "vidéosurveillance"]);
    assert!(text.contains("also on: Le Hibou veilleur"), "{text}");
    let hits = json_lines(stdout(&["search", "--json", "site:la-lime", "-n", "2"]).as_bytes());
    assert!(hits.iter().all(|h| h["site"] == "la-lime" && h["site_name"] == "La Lime"), "{hits:?}");
    let text = stdout(&["list", "--site", "la-lime", "--limit", "2"]);
    assert!(text.contains("La Lime") && !text.contains("la-lime"), "{text}");
    let text = stdout(&["export", "--format", "markdown", "site:hibou-veilleur"]);
    assert!(text.contains("Le Hibou veilleur · "), "{text}");

    // An import line may name its site; sources.toml's [[site]] comes first.
    let lines = home.path().join("kali.jsonl");
    fs::write(
        &lines,
        "{\"id\": \"k1\", \"site\": \"kali\", \"site_name\": \"Kali\", \"title\": \"Les barrages et la soif\", \"body\": \"Texte.\"}\n",
    )
    .unwrap();
    veille(home.path()).args(["import", "-q"]).arg(&lines).assert().success();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let file =
        article_files(home.path()).into_iter().find(|p| p.to_string_lossy().contains("/kali/")).unwrap();
    assert!(fs::read_to_string(&file).unwrap().contains("\nsite_name = \"Kali\"\n"));
    let text = stdout(&["search", "site:kali"]);
    assert!(text.contains("     Kali · "), "{text}");
    let sources = home.path().join("corpus/sources.toml");
    let mut toml = fs::read_to_string(&sources).unwrap();
    toml.push_str("\n[[site]]\nid = \"kali\"\nname = \"Kali, la revue\"\n");
    fs::write(&sources, toml).unwrap();
    let text = stdout(&["search", "site:kali"]);
    assert!(text.contains("     Kali, la revue · "), "{text}");
    // A broken sources.toml does not stop a search: the article's own name
    // (or the id) is shown, with a warning.
    fs::write(&sources, "[[site]]\nid = \"kali\"\n").unwrap();
    let output = veille(home.path()).args(["search", "site:kali"]).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("     Kali · "));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sources.toml"));
}

/// Damages `file` as a bad sector, a torn copy or a slip of the hand would.
fn damage(file: &Path, how: &str) {
    match how {
        "garbage" => fs::write(file, [0x5a_u8; 4000]).unwrap(),
        "truncated" => {
            let len = fs::metadata(file).unwrap().len();
            fs::OpenOptions::new().write(true).open(file).unwrap().set_len(len / 2).unwrap();
        }
        "empty" => fs::write(file, b"").unwrap(),
        "missing" => fs::remove_file(file).unwrap(),
        _ => unreachable!(),
    }
}

#[test]
fn a_damaged_index_is_built_again_from_the_corpus() {
    let home = demo_home();
    let index = home.path().join("index");
    let first_of = |ext: &str| {
        let mut files: Vec<PathBuf> = fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        files.remove(0)
    };
    veille(home.path()).args(["index", "-q"]).assert().success();
    for (ext, how) in [
        ("store", "garbage"),
        ("idx", "truncated"),
        ("term", "empty"),
        ("fast", "missing"),
        ("json", "garbage"),
    ] {
        // Searching heals it…
        let file = if ext == "json" { index.join("meta.json") } else { first_of(ext) };
        damage(&file, how);
        let output = veille(home.path()).args(["search", "eau", "-n", "1"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{ext} {how}: {stderr}");
        assert!(stderr.contains("was damaged") && stderr.lines().count() == 1, "{ext} {how}: {stderr}");
        assert!(!stderr.contains("tantivy") && !stderr.contains("Footer"), "{stderr}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("  1. "));
        // …and so does `veille index`, which a nightly update runs.
        let file = if ext == "json" { index.join("meta.json") } else { first_of(ext) };
        damage(&file, how);
        let output = veille(home.path()).args(["index"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{ext} {how}: {stderr}");
        assert!(stderr.contains("was damaged"), "{ext} {how}: {stderr}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("64 added"), "{ext} {how}");
    }
    // The reprises' files are derived too: rewritten, not shown as errors forever.
    damage(&index.join("reprises-clusters.json"), "garbage");
    veille(home.path()).args(["index", "-q"]).assert().success();
    let output = veille(home.path()).args(["search", "eau"]).output().unwrap();
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    damage(&index.join("reprises.bin"), "truncated");
    veille(home.path()).args(["index", "-q"]).assert().success();
    assert!(
        String::from_utf8_lossy(
            &veille(home.path()).args(["search", "vidéosurveillance"]).output().unwrap().stdout
        )
        .contains("also on:")
    );
}

#[cfg(unix)]
#[test]
fn a_damaged_index_in_a_busy_home_says_how_to_repair_it() {
    use std::os::fd::AsRawFd;
    let home = demo_home();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let store = fs::read_dir(home.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    damage(&store, "garbage");
    // Another veille (a crawl, say) holds the home: the search may not rebuild.
    let lock = fs::File::open(home.path().join("corpus/state/lock")).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let output = veille(home.path()).args(["search", "eau"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("is damaged") && stderr.contains("`veille index` rebuilds it"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    drop(lock);
    veille(home.path()).args(["search", "eau"]).assert().success();
}

#[test]
fn links_is_the_command_and_liens_its_alias() {
    let home = demo_home();
    let listed = veille(home.path()).args(["list", "--json", "--limit", "1"]).output().unwrap();
    let id = json_lines(&listed.stdout)[0]["id"].as_str().unwrap().to_string();
    let links = veille(home.path()).args(["links", "--json", &id]).output().unwrap();
    assert!(links.status.success(), "{}", String::from_utf8_lossy(&links.stderr));
    let liens = veille(home.path()).args(["liens", "--json", &id]).output().unwrap();
    assert_eq!(links.stdout, liens.stdout);
    let parsed: serde_json::Value = serde_json::from_slice(&links.stdout).unwrap();
    assert!(parsed.get("cited_by").is_some(), "{parsed}");
}

#[test]
fn export_formats_and_similar() {
    let home = demo_home();
    let output = veille(home.path()).args(["export", "site:la-lime"]).output().unwrap();
    let records = json_lines(&output.stdout);
    assert_eq!(records.len(), 15);
    assert!(records.iter().all(|r| r["site"] == "la-lime" && r["body"].as_str().unwrap().len() > 1000));
    assert!(records[0]["published"].as_str().unwrap().ends_with("T00:00:00Z"));
    let output = veille(home.path()).arg("export").output().unwrap();
    assert_eq!(json_lines(&output.stdout).len(), 64);
    let csv_file = home.path().join("out.csv");
    veille(home.path())
        .args(["export", "--format", "csv", "-o", csv_file.to_str().unwrap(), "lithium"])
        .assert()
        .success();
    let csv = fs::read_to_string(&csv_file).unwrap();
    assert!(csv.starts_with("id,url,site,site_name,title"));
    veille(home.path())
        .args(["export", "--format", "markdown", "type:communique site:hibou-veilleur"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# ").and(predicate::str::contains("\n---\n")));
    let first = records[0]["id"].as_str().unwrap();
    let output = veille(home.path()).args(["similar", "--json", first, "-n", "3"]).output().unwrap();
    let similar = json_lines(&output.stdout);
    assert_eq!(similar.len(), 3);
    assert!(similar.iter().all(|h| h["id"] != first));
}

#[test]
fn extract_prints_an_article_json_or_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let page = fixture("extract/wordpress.html");
    veille(dir.path())
        .args(["extract", page.to_str().unwrap(), "--url", "https://levain.example/2024/11/05/levain/"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("+++\nid = ").and(predicate::str::contains("published = 2024-11-05")),
        );
    let output = veille(dir.path()).args(["extract", "--json", page.to_str().unwrap()]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["date"], "2024-11-05");
    assert_eq!(json["profile"], "wordpress");
    let listing = fixture("extract/listing.html");
    veille(dir.path())
        .args(["extract", listing.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an article: listing page"));
    let paths = format!("{}\n{}\n/nonexistent.html\n", page.display(), listing.display());
    let output =
        veille(dir.path()).args(["extract", "--batch", "--json"]).write_stdin(paths).output().unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["title"], json["title"]);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(error.contains("listing page") && error.contains("listing.html"), "{error}");
    assert!(lines[2]["error"].as_str().unwrap().contains("nonexistent"));
}

#[test]
fn extract_with_a_sources_custom_selectors() {
    let home = new_home();
    fs::write(
        home.path().join("corpus/sources.toml"),
        "[[source]]\nid = \"levain\"\nhomepage = \"https://levain.example/\"\nprofile = \"custom\"\n[source.selectors]\ntitle = \"h1.entry-title\"\nbody = \"div.entry-content\"\nremove = [\"table\"]\n",
    )
    .unwrap();
    let page = fixture("extract/wordpress.html");
    let output = veille(home.path())
        .args(["extract", "--json", "--source", "levain", page.to_str().unwrap()])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["profile"], "custom");
    assert!(!json["markdown"].as_str().unwrap().contains("| "), "the remove list applies");
    veille(home.path())
        .args(["extract", "--source", "nope", page.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no source \"nope\""));
}

#[test]
fn an_index_this_version_cannot_read_is_built_again() {
    let home = demo_home();
    veille(home.path()).args(["index", "-q"]).assert().success();
    // As left by another version (settings it does not know) or a torn write.
    let meta = home.path().join("index/meta.json");
    let text = fs::read_to_string(&meta).unwrap().replace("\"lz4\"", "\"brotli-9\"");
    fs::write(&meta, text).unwrap();
    veille(home.path())
        .args(["search", "eau", "--json", "-n", "1"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"title\""));
    fs::write(&meta, "{ torn").unwrap();
    veille(home.path()).args(["index", "-q"]).assert().success();
    veille(home.path()).args(["search", "eau", "-n", "1"]).assert().success();
}

#[test]
fn bench_leaves_out_queries_that_do_not_parse_and_lists_the_slowest() {
    let home = crate::support::demo::demo_home();
    let queries = home.path().join("queries.tsv");
    fs::write(&queries, "q1\tdata center eau\nq2\tdepuis:hier\nq3\tnucléaire\n").unwrap();
    let assert = veille(home.path())
        .args(["bench", "--queries"])
        .arg(&queries)
        .args(["--runs", "2", "--slowest", "5"])
        .assert()
        .success()
        .stderr(predicate::str::contains("does not parse: depuis:hier"));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(out.contains("queries: 2 × 1 passes"), "{out}");
    assert!(out.contains("not timed: 1 that do not parse"), "{out}");
    let slowest: Vec<&str> = out.lines().filter(|l| l.contains(" ms  ")).collect();
    assert_eq!(slowest.len(), 2, "{out}");
    assert!(slowest.iter().all(|l| !l.contains("depuis:hier")), "{out}");
}

// --- a home shared by a collective ------------------------------------------

/// Runs `veille ARGS` from `dir` under `umask`, as a member's shell would.
fn veille_with_umask(dir: &Path, umask: &str, args: &[&str]) {
    let bin = assert_cmd::cargo::cargo_bin("veille");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(&bin)
        .args(args)
        .current_dir(dir)
        .env_remove("VEILLE_HOME")
        .env_remove("VEILLE_LOG")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "umask {umask} veille {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file and directory under `dir` (not `dir` itself).
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        }
        out.push(path);
    }
    out
}

#[cfg(unix)]
#[test]
fn files_follow_the_umask_and_a_changed_mode_is_kept() {
    let lines = "{\"id\": \"a1\", \"title\": \"L'eau\", \"body\": \"Une nappe.\", \"site\": \"essai\"}\n";
    for (umask, file_mode, dir_mode) in [("022", 0o644, 0o755), ("002", 0o664, 0o775)] {
        let home = tempfile::tempdir().unwrap();
        fs::write(home.path().join("in.jsonl"), lines).unwrap();
        veille_with_umask(home.path(), umask, &["init", "-q"]);
        veille_with_umask(home.path(), umask, &["import", "-q", "in.jsonl"]);
        veille_with_umask(home.path(), umask, &["index", "-q"]);
        veille_with_umask(home.path(), umask, &["update", "-q", "--no-crawl"]);
        veille_with_umask(home.path(), umask, &["brochure", "-q", "--title", "Eau", "--query", "eau"]);
        let mut kinds = std::collections::BTreeSet::new();
        for path in tree(home.path()) {
            if path.file_name().is_some_and(|n| n == "in.jsonl") {
                continue;
            }
            let expected = if path.is_dir() { dir_mode } else { file_mode };
            assert_eq!(mode(&path), expected, "umask {umask}: {:o} for {}", mode(&path), path.display());
            kinds.insert(path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default());
        }
        for kind in ["md", "toml", "json", "idx", "pdf"] {
            assert!(kinds.contains(kind), "umask {umask}: no .{kind} file was checked ({kinds:?})");
        }
        assert!(home.path().join(".gitignore").exists() && home.path().join("index/meta.json").exists());

        // A member's chmod survives a rewrite (an import that changes the article).
        let article = article_files(home.path()).pop().unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&article, fs::Permissions::from_mode(0o640)).unwrap();
        fs::write(home.path().join("in.jsonl"), lines.replace("Une nappe.", "Une nappe basse.")).unwrap();
        veille_with_umask(home.path(), umask, &["import", "-q", "in.jsonl"]);
        assert!(fs::read_to_string(&article).unwrap().contains("nappe basse"), "the article was rewritten");
        assert_eq!(mode(&article), 0o640, "umask {umask}: the changed mode is kept");
    }
}

/// A second member (a user the test makes, when it runs as root) reads a
/// home made under umask 022 and searches it.
#[cfg(unix)]
#[test]
fn another_member_reads_and_searches_the_archive() {
    // SAFETY: geteuid takes nothing and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: the second-member test is skipped");
        return;
    }
    let user = format!("veille-m{}", std::process::id() % 100_000);
    let made = std::process::Command::new("useradd")
        .args(["--no-create-home", "--shell", "/bin/sh", &user])
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("useradd failed: the second-member test is skipped");
        return;
    }
    struct Remove(String);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::process::Command::new("userdel").arg(&self.0).status();
        }
    }
    let _remove = Remove(user.clone());
    // A home outside the test's private temporary directory (0700).
    let home = tempfile::Builder::new().prefix("veille-shared-").tempdir_in("/tmp").unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(home.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let lines =
        "{\"id\": \"a1\", \"title\": \"L'eau partagée\", \"body\": \"Une nappe.\", \"site\": \"essai\"}\n";
    fs::write(home.path().join("in.jsonl"), lines).unwrap();
    veille_with_umask(home.path(), "022", &["init", "-q"]);
    veille_with_umask(home.path(), "022", &["import", "-q", "in.jsonl"]);
    veille_with_umask(home.path(), "022", &["index", "-q"]);
    let bin = assert_cmd::cargo::cargo_bin("veille");
    // The binary sits in the build tree, which that user may not traverse: a copy in the home.
    let copy = home.path().join("veille-bin");
    fs::copy(&bin, &copy).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
    let output = std::process::Command::new("runuser")
        .args(["-u", &user, "--"])
        .arg(&copy)
        .args(["--home"])
        .arg(home.path())
        .args(["search", "nappe"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("L'eau partagée"), "{stdout}");

    // The recommended setup: a group owning the home, setgid directories,
    // umask 002. The member then writes too: imports, takes the home lock
    // another member's run created, and indexes.
    let group = format!("veille-g{}", std::process::id() % 100_000);
    let run = |program: &str, args: &[&str]| std::process::Command::new(program).args(args).status().unwrap();
    if !run("groupadd", &[&group]).success() {
        eprintln!("groupadd failed: the shared-group part is skipped");
        return;
    }
    struct RemoveGroup(String);
    impl Drop for RemoveGroup {
        fn drop(&mut self) {
            let _ = std::process::Command::new("groupdel").arg(&self.0).status();
        }
    }
    let _remove_group = RemoveGroup(group.clone());
    assert!(run("usermod", &["-a", "-G", &group, &user]).success());
    let shared = home.path().join("collectif");
    fs::create_dir(&shared).unwrap();
    let shared_str = shared.to_str().unwrap();
    assert!(run("chgrp", &[&group, shared_str]).success());
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o2775)).unwrap();
    fs::write(shared.join("in.jsonl"), lines).unwrap();
    veille_with_umask(&shared, "002", &["init", "-q"]);
    veille_with_umask(&shared, "002", &["import", "-q", "in.jsonl"]);
    veille_with_umask(&shared, "002", &["index", "-q"]);
    let more = "{\"id\": \"a2\", \"title\": \"Une autre\", \"body\": \"Un puits.\", \"site\": \"essai\"}\n";
    fs::write(home.path().join("more.jsonl"), more).unwrap();
    let as_member = |args: &str| {
        std::process::Command::new("runuser")
            .args(["-u", &user, "--", "sh", "-c"])
            .arg(format!("umask 002 && {} --home {} {args}", copy.display(), shared.display()))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let more_path = home.path().join("more.jsonl");
    for args in
        [format!("import -q {}", more_path.display()), "index -q".to_string(), "search puits".to_string()]
    {
        let output = as_member(&args);
        assert!(
            output.status.success(),
            "member: veille {args}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if args.starts_with("search") {
            assert!(String::from_utf8_lossy(&output.stdout).contains("Une autre"));
        }
    }
}

// --- the Quickwit export ------------------------------------------------------

#[test]
fn export_carries_the_index_terms_and_dates_as_rfc3339() {
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;

    let home = demo_home();
    // Keys veille does not know, with a datetime and a day, in one article.
    let file = article_files(home.path()).into_iter().next().unwrap();
    let text = fs::read_to_string(&file).unwrap();
    let text = text.replacen("\nkind = ", "\nrelu = 2025-03-01T10:30:00Z\nvu = 2025-03-02\nkind = ", 1);
    fs::write(&file, text).unwrap();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let output = veille(home.path()).arg("export").output().unwrap();
    assert!(output.status.success());
    let records = json_lines(&output.stdout);
    assert_eq!(records.len(), 64);
    let edited = records.iter().find(|r| r["extra"].is_object()).expect("the edited article");
    assert_eq!(edited["extra"]["relu"], "2025-03-01T10:30:00Z");
    assert_eq!(edited["extra"]["vu"], "2025-03-02T00:00:00Z");

    // Each exported term is one the index holds for that article, field by field.
    let index = veille::index::Index::open(&home.path().join("index")).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let f = index.fields();
    let holds = |field, id: &str, term: &str| {
        let clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(tantivy::Term::from_field_text(f.id, id), IndexRecordOption::Basic)),
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    tantivy::Term::from_field_text(field, term),
                    IndexRecordOption::Basic,
                )),
            ),
        ];
        searcher.search(&BooleanQuery::new(clauses), &Count).unwrap() == 1
    };
    let mut checked = 0;
    for record in records.iter().take(12) {
        let id = record["id"].as_str().unwrap();
        for (key, field) in [("title_stems", f.title), ("tags_stems", f.tags), ("body_stems", f.body)] {
            let stems = record[key].as_str().unwrap();
            for stem in stems.split(' ').filter(|s| !s.is_empty()) {
                assert!(holds(field, id, stem), "{id}: {key} {stem:?} is not in the index");
                checked += 1;
            }
        }
        // The query side: `veille analyze` gives a title the terms exported for it.
        let title = record["title"].as_str().unwrap();
        let analyzed = veille(home.path()).args(["analyze", title]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&analyzed.stdout).trim(), record["title_stems"].as_str().unwrap());
    }
    assert!(checked > 1000, "{checked} terms checked");
    // The Quickwit config maps every exported field (`extra` is dynamic).
    let config = fs::read_to_string(repo().join("docs/quickwit-index.yaml")).unwrap();
    for key in records[0].as_object().unwrap().keys().filter(|k| *k != "extra") {
        assert!(
            config.contains(&format!("name: {key},")) || config.contains(&format!("name: {key}\n")),
            "{key}"
        );
    }
    assert!(config.contains("fieldnorms: true") && config.contains("tokenizer: whitespace"));
    // `--since`: what the archive got on or after a day.
    let none = veille(home.path()).args(["export", "--since", "2999-01-01"]).output().unwrap();
    assert!(none.status.success() && none.stdout.is_empty());
}

/// The main failure of each command family, as a person reads it: exit 2,
/// one line `veille: error: …` saying what, where and what to do, with no
/// text repeated (layers of errors that quote each other) and no advice
/// meant for another program.
#[test]
fn every_command_family_fails_in_one_plain_line() {
    let home = new_home();
    let h = home.path();
    let nowhere = tempfile::tempdir().unwrap();
    let broken = new_home();
    fs::write(broken.path().join("corpus/sources.toml"), "[[source]]\nid = \"a\"\nhomepage = [\n").unwrap();
    let h_arg = h.to_str().unwrap();
    // (where it runs, arguments, what the line must say)
    let cases: Vec<(&Path, Vec<&str>, Vec<&str>)> = vec![
        (nowhere.path(), vec!["search", "eau"], vec!["no veille home here", "veille init DIR", "--home"]),
        (
            nowhere.path(),
            vec!["--home", nowhere.path().to_str().unwrap(), "index"],
            vec!["is not a veille home", "veille init"],
        ),
        (h, vec!["import", "absent.jsonl"], vec!["cannot open absent.jsonl", "No such file"]),
        (h, vec!["show", "abc"], vec!["no article with id \"abc\"", "veille list"]),
        (h, vec!["links", "abc"], vec!["no article with id \"abc\""]),
        (h, vec!["crawl", "--source", "nope"], vec!["no source with id \"nope\"", "sources.toml"]),
        (broken.path(), vec!["crawl"], vec!["sources.toml:3:"]),
        (
            h,
            vec!["brochure", "--basket", "absent", "--title", "T"],
            vec!["no basket named \"absent\"", "TUI"],
        ),
        (h, vec!["brochure", "--query", "zzzzz", "--title", "T"], vec!["nothing to print", "zzzzz"]),
        (
            h,
            vec!["export", "--format", "csv", "-o", "/nonexistent/dir/x.csv"],
            vec!["cannot create /nonexistent/dir/x.csv"],
        ),
        (nowhere.path(), vec!["init", h_arg], vec![]),
    ];
    for (dir, args, wanted) in cases {
        let output = veille(dir).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if wanted.is_empty() {
            // `init` on an existing home changes nothing and says so: not an error.
            assert!(output.status.success(), "{args:?}: {stderr}");
            continue;
        }
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("veille: error: ")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: one error line: {stderr}");
        let line = errors[0];
        for w in wanted {
            assert!(line.contains(w), "{args:?}: {line:?} lacks {w:?}");
        }
        assert!(!line.contains("tantivy") && !line.contains("Please use"), "{args:?}: {line}");
        let chars: Vec<char> = line.chars().collect();
        let repeated = chars.windows(24).enumerate().find(|(i, w)| {
            let w: String = w.iter().collect();
            chars[i + 1..].windows(24).any(|v| v.iter().collect::<String>() == w)
        });
        assert!(repeated.is_none(), "{args:?}: says something twice: {line}");
    }
}

/// Damage inside an index file whose footer is intact opens without error;
/// `check --deep` finds it through tantivy's per-file checksums and names
/// the rebuild that repairs it.
#[test]
fn check_deep_finds_damage_inside_an_index_file() {
    let home = demo_home();
    veille(home.path()).args(["index", "-q"]).assert().success();
    veille(home.path()).args(["check", "--deep", "-q"]).assert().success();
    let store = fs::read_dir(home.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    let mut bytes = fs::read(&store).unwrap();
    let middle = bytes.len() / 3;
    for b in &mut bytes[middle..middle + 16] {
        *b ^= 0xa5;
    }
    fs::write(&store, bytes).unwrap();
    let output = veille(home.path()).args(["check", "--deep"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".store: damaged") && stderr.contains("veille index --rebuild"), "{stderr}");
    veille(home.path()).args(["index", "--rebuild", "-q"]).assert().success();
    veille(home.path()).args(["check", "--deep", "-q"]).assert().success();
}

/// An article file that is there but cannot be read is one problem, named
/// with its line, not also an index entry "with no file any more".
#[test]
fn check_deep_names_an_unreadable_article_once() {
    let home = demo_home();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let file = article_files(home.path()).remove(0);
    fs::write(&file, "+++\ntitle = [\n+++\n").unwrap();
    let output = veille(home.path()).args(["check", "--deep"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(".md:2:") && stderr.contains("restore the file"), "{stderr}");
}
