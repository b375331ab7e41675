//! The collective's work on the archive: labels and notes (`veille tag`,
//! `veille note`, the query language, one-article re-indexing, git merges
//! of two clones' labels), citations, feeds and the press review.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use crate::support::demo::demo_home;
use crate::support::veille;

/// The id of the demo's data-centre communiqué of the Sablier (2026-10-20).
const REYMURE: &str = "8449de89b8c0e215";

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn search_ids(home: &Path, query: &str) -> Vec<String> {
    let out = stdout(veille(home).args(["search", "--json", "--all-reprises", "-n", "100", query]));
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tags_and_notes_are_in_the_file_and_searchable_at_once() {
    let home = demo_home();
    let home = home.path();
    // The index is built before the marks change: they must reach it
    // without a full run.
    veille(home).args(["index"]).assert().success();
    let out = stdout(veille(home).args(["tag", REYMURE, "+À-lire", "+important"]));
    assert_eq!(out, format!("{REYMURE}\timportant à-lire\n"));
    stdout(veille(home).args(["tag", REYMURE, "-important", "--read"]));
    stdout(veille(home).args(["note", REYMURE, "Les chiffres de l'enquête publique, pour la revue."]));
    let path = stdout(veille(home).args(["show", "--path", REYMURE]));
    let text = fs::read_to_string(path.trim()).unwrap();
    assert!(
        text.contains(
            "[collective]\nlabels = [\n    \"à-lire\",\n]\nnote = \"Les chiffres de l'enquête publique, pour la revue.\"\nread = true\n+++"
        ),
        "{text}"
    );
    assert!(text.contains("tags = [\"data center\""), "the site's tags are apart: {text}");
    assert_eq!(search_ids(home, "etiquette:à-lire"), [REYMURE]);
    assert_eq!(search_ids(home, "label:À-LIRE"), [REYMURE]);
    assert_eq!(search_ids(home, "note:enquêtes"), [REYMURE], "the note is analysed in French");
    assert!(search_ids(home, "etiquette:important").is_empty(), "a removed label is gone from the index");
    let unread = search_ids(home, "lu:non");
    assert_eq!(unread.len(), 63);
    assert!(!unread.contains(&REYMURE.to_string()));
    assert_eq!(search_ids(home, "read:yes"), [REYMURE]);
    // Marks show in result rows.
    let out = stdout(veille(home).args(["search", "etiquette:à-lire"]));
    assert!(out.contains("#à-lire · lu · ✎ Les chiffres de l'enquête publique"), "{out}");
    // The note is printed back, and removed.
    let out = stdout(veille(home).args(["note", REYMURE]));
    assert_eq!(out, "Les chiffres de l'enquête publique, pour la revue.\n");
    stdout(veille(home).args(["note", REYMURE, "--clear"]));
    assert!(search_ids(home, "note:enquête").is_empty());
}

#[test]
fn tagging_many_articles_from_a_query() {
    let home = demo_home();
    let home = home.path();
    let eau = search_ids(home, "theme:eau depuis:2026-06");
    assert!(eau.len() > 1, "{eau:?}");
    let out = stdout(veille(home).args(["tag", "--query", "theme:eau depuis:2026-06", "+revue-48"]));
    assert_eq!(out, format!("{} articles changed, 0 already so\n", eau.len()));
    let mut tagged = search_ids(home, "etiquette:revue-48");
    let mut expected = eau.clone();
    tagged.sort();
    expected.sort();
    assert_eq!(tagged, expected);
    let out = stdout(veille(home).args(["tag", "--query", "theme:eau depuis:2026-06", "+revue-48"]));
    assert_eq!(out, format!("0 articles changed, {} already so\n", eau.len()));
}

#[test]
fn bad_marks_get_one_line_errors() {
    let home = demo_home();
    let home = home.path();
    veille(home).args(["index"]).assert().success();
    let one_line = |args: &[&str], says: &str| {
        let assert = veille(home).args(args).assert().code(2);
        let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    };
    one_line(&["tag", "ffffffffffff", "+x"], "no article with id \"ffffffffffff\"");
    one_line(&["tag", REYMURE, "+à lire"], "holds a space");
    one_line(&["tag", REYMURE, "lire"], "write +lire to add the label or -lire to remove it");
    one_line(&["note", "ffffffffffff", "texte"], "no article with id");
    veille(home)
        .args(["search", "lu:peut-être"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("oui or non"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = stdout(veille(home).args(["show", "--path", REYMURE]));
        let dir = Path::new(path.trim()).parent().unwrap().to_path_buf();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
        // root writes anyway: the check means something only for others.
        if fs::write(dir.join("probe"), "").is_err() {
            one_line(&["tag", REYMURE, "+x"], "Permission denied");
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn two_commands_tagging_at_once_lose_nothing() {
    let home = demo_home();
    let home = home.path();
    veille(home).args(["index"]).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("veille");
    let children: Vec<_> = (0..6)
        .map(|n| {
            Process::new(&bin)
                .current_dir(home)
                .env_remove("VEILLE_HOME")
                .args(["-q", "tag", REYMURE, &format!("+parallele-{n}")])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let out = stdout(veille(home).args(["tag", REYMURE]));
    for n in 0..6 {
        assert!(out.contains(&format!("parallele-{n}")), "{out}");
    }
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs")
}

fn git_ok(dir: &Path, args: &[&str]) {
    let output = git(dir, args);
    assert!(
        output.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A shared repository with the demo home, and two clones of it.
fn two_clones() -> Option<(tempfile::TempDir, std::path::PathBuf, std::path::PathBuf)> {
    if Process::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: the merge of two clones is not tested");
        return None;
    }
    let home = demo_home();
    veille(home.path()).arg("init").assert().success();
    let root = tempfile::tempdir().unwrap();
    let seed = root.path().join("seed");
    crate::support::demo::copy_dir(home.path(), &seed);
    git_ok(&seed, &["init", "-q", "-b", "main"]);
    git_ok(&seed, &["add", "."]);
    git_ok(&seed, &["commit", "-q", "-m", "archive"]);
    let origin = root.path().join("origin.git");
    git_ok(root.path(), &["clone", "-q", "--bare", seed.to_str().unwrap(), origin.to_str().unwrap()]);
    let (alice, bob) = (root.path().join("alice"), root.path().join("bob"));
    for clone in [&alice, &bob] {
        git_ok(root.path(), &["clone", "-q", origin.to_str().unwrap(), clone.to_str().unwrap()]);
    }
    Some((root, alice, bob))
}

fn labels_of(home: &Path, id: &str) -> String {
    stdout(veille(home).args(["tag", id])).trim_end().to_string()
}

#[test]
fn labels_added_in_two_clones_merge_line_by_line() {
    let Some((_root, alice, bob)) = two_clones() else { return };
    // An article with labels already: additions at different places of the
    // sorted list, and a note, are different lines for git's own merge.
    veille(&alice).args(["tag", REYMURE, "+eau", "+revue-48"]).assert().success();
    git_ok(&alice, &["commit", "-q", "-am", "alice: labels"]);
    git_ok(&alice, &["push", "-q", "origin", "main"]);
    git_ok(&bob, &["pull", "-q", "--no-rebase"]);
    veille(&alice).args(["tag", REYMURE, "+a-lire"]).assert().success();
    veille(&bob).args(["tag", REYMURE, "+urgent"]).assert().success();
    veille(&bob).args(["note", REYMURE, "À citer."]).assert().success();
    git_ok(&alice, &["commit", "-q", "-am", "alice: à lire"]);
    git_ok(&bob, &["commit", "-q", "-am", "bob: urgent, note"]);
    git_ok(&alice, &["push", "-q", "origin", "main"]);
    // No merge driver installed: git's text merge alone.
    git_ok(&bob, &["pull", "-q", "--no-rebase", "--no-edit"]);
    assert_eq!(labels_of(&bob, REYMURE), format!("{REYMURE}\ta-lire eau revue-48 urgent"));
    assert_eq!(stdout(veille(&bob).args(["note", REYMURE])), "À citer.\n");
    veille(&bob).arg("check").assert().success();
}

#[test]
fn first_labels_given_in_two_clones_merge_through_the_driver() {
    let Some((_root, alice, bob)) = two_clones() else { return };
    assert!(fs::read_to_string(alice.join(".gitattributes")).unwrap().contains("merge=veille"));
    veille(&alice).args(["tag", REYMURE, "+a-lire"]).assert().success();
    veille(&bob).args(["tag", REYMURE, "+important", "--read"]).assert().success();
    git_ok(&alice, &["commit", "-q", "-am", "alice"]);
    git_ok(&alice, &["push", "-q", "origin", "main"]);
    git_ok(&bob, &["commit", "-q", "-am", "bob"]);
    git_ok(&bob, &["fetch", "-q"]);
    // git's text merge alone cannot: both inserted a first line at one place.
    let plain = git(&bob, &["merge", "--no-edit", "origin/main"]);
    assert!(!plain.status.success(), "git's text merge was expected to conflict here");
    git_ok(&bob, &["merge", "--abort"]);
    // With the driver `veille merge-file --install` sets up, it merges.
    veille(&bob).args(["merge-file", "--install"]).assert().success();
    git_ok(&bob, &["merge", "--no-edit", "origin/main"]);
    assert_eq!(labels_of(&bob, REYMURE), format!("{REYMURE}\ta-lire important (lu)"));
    veille(&bob).arg("check").assert().success();
}

#[test]
fn a_crawl_writing_an_article_again_keeps_its_marks() {
    // `veille import` of the same id rewrites the file as a crawl would.
    let home = demo_home();
    let home = home.path();
    veille(home).args(["tag", REYMURE, "+à-lire"]).assert().success();
    let line = format!(
        "{{\"id\":\"{REYMURE}\",\"site\":\"collectif-sablier\",\"title\":\"Titre changé\",\"published\":\"2026-10-20\",\"body\":\"Nouveau corps.\"}}\n"
    );
    veille(home).args(["import", "-"]).write_stdin(line).assert().success();
    assert_eq!(labels_of(home, REYMURE), format!("{REYMURE}\tà-lire"));
}

/// Runs `script` (Python) on `file` when `module` can be imported, and
/// reads what it prints as JSON; `None` (with a message) when it cannot.
fn python_reader(module: &str, script: &str, file: &Path) -> Option<serde_json::Value> {
    let probe = Process::new("python3").args(["-c", &format!("import {module}")]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "python3 module {module} is not installed: that reader's round trip is skipped (.ci/run installs it)"
        );
        return None;
    }
    let output = Process::new("python3").args(["-c", script]).arg(file).output().unwrap();
    assert!(output.status.success(), "{module}: {}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

const BIBTEXPARSER: &str = r#"
import json, sys, bibtexparser
text = open(sys.argv[1], encoding="utf-8").read()
if hasattr(bibtexparser, "parse_string"):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks
    entries = [dict({"ID": e.key, "ENTRYTYPE": e.entry_type}, **{k: f.value for k, f in e.fields_dict.items()}) for e in library.entries]
else:
    entries = bibtexparser.loads(text).entries
print(json.dumps(entries))
"#;

const RISPY: &str = r#"
import json, sys, rispy
with open(sys.argv[1], encoding="utf-8") as f:
    print(json.dumps(rispy.load(f)))
"#;

const CITEPROC: &str = r#"
import json, sys
from citeproc import CitationStylesStyle, CitationStylesBibliography, formatter, Citation, CitationItem
from citeproc.source.json import CiteProcJSON
items = json.load(open(sys.argv[1], encoding="utf-8"))
bibliography = CitationStylesBibliography(CitationStylesStyle("harvard-cite-them-right", validate=False), CiteProcJSON(items), formatter.plain)
for item in items:
    bibliography.register(Citation([CitationItem(item["id"])]))
print(json.dumps([str(entry) for entry in bibliography.bibliography()]))
"#;

#[test]
fn citations_are_read_back_by_third_party_readers() {
    let home = demo_home();
    let home = home.path();
    veille(home).args(["note", REYMURE, "Note & {accolades} à 100 % #1"]).assert().success();
    let query = "site:collectif-sablier OU site:la-lime";
    let count = search_ids(home, query).len();
    assert!(count > 10);
    let export = |format: &str| {
        let file = home.join(format!("refs.{format}"));
        veille(home)
            .args(["export", "--format", format, query, "-o", file.to_str().unwrap()])
            .assert()
            .success();
        file
    };
    if let Some(entries) = python_reader("bibtexparser", BIBTEXPARSER, &export("bibtex")) {
        let entries = entries.as_array().unwrap();
        assert_eq!(entries.len(), count);
        let reymure = entries.iter().find(|e| e["ID"].as_str().unwrap().ends_with("8449de89")).unwrap();
        assert_eq!(reymure["ENTRYTYPE"], "online");
        assert_eq!(reymure["organization"], "Collectif Le Sablier");
        assert_eq!(reymure["date"], "2026-10-20");
        assert_eq!(reymure["annotation"], "Note \\& \\{accolades\\} à 100 \\% \\#1");
        assert!(reymure["url"].as_str().unwrap().starts_with("https://lesablier.example/2026/10/"));
    }
    if let Some(records) = python_reader("rispy", RISPY, &export("ris")) {
        let records = records.as_array().unwrap();
        assert_eq!(records.len(), count);
        let reymure = records.iter().find(|r| r["id"].as_str().unwrap().ends_with("8449de89")).unwrap();
        assert_eq!(reymure["type_of_reference"], "ELEC");
        assert_eq!(reymure["secondary_title"], "Collectif Le Sablier");
        assert_eq!(reymure["authors"][0], "Collectif Le Sablier");
        assert_eq!(reymure["date"], "2026/10/20/");
        assert_eq!(reymure["notes"][0], "Note & {accolades} à 100 % #1");
    }
    let csl = export("csl-json");
    let items: serde_json::Value = serde_json::from_str(&fs::read_to_string(&csl).unwrap()).unwrap();
    assert_eq!(items.as_array().unwrap().len(), count);
    if let Some(entries) = python_reader("citeproc", CITEPROC, &csl) {
        let entries: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        assert_eq!(entries.len(), count);
        assert!(
            entries.iter().any(|e| e.starts_with("Collectif Le Sablier (2026) Data center de la Reymure")
                && e.contains("Available at: https://lesablier.example/2026/10/")),
            "{entries:#?}"
        );
    }
}

#[test]
fn theme_feeds_are_valid_atom() {
    let home = demo_home();
    let home = home.path();
    veille(home).args(["note", REYMURE, "Les chiffres <clés> & la suite."]).assert().success();
    let eau = search_ids(home, "theme:eau");
    let out = stdout(veille(home).args([
        "feed",
        "--theme",
        "eau",
        "--base-url",
        "https://collectif.example/flux/",
    ]));
    let feed = feed_rs::parser::parse(out.as_bytes()).expect("feed-rs reads it");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.id, "https://collectif.example/flux/eau.xml");
    assert_eq!(feed.title.unwrap().content, "Eau");
    assert_eq!(feed.entries.len(), eau.len().min(30));
    let first = &feed.entries[0];
    assert_eq!(
        first.id,
        "https://lesablier.example/2026/10/data-center-de-la-reymure-faisons-deborder-lenquete-publique/"
    );
    assert_eq!(first.summary.as_ref().unwrap().content, "Les chiffres <clés> & la suite.");
    assert_eq!(first.authors[0].name.as_deref(), Some("Collectif Le Sablier"));
    assert!(feed.updated.is_some() && first.updated.is_some() && first.published.is_some());
    for entry in &feed.entries {
        assert!(!entry.links.is_empty() && !entry.authors.is_empty() && entry.summary.is_some(), "{entry:?}");
    }
    // Newest first.
    let dates: Vec<_> = feed.entries.iter().map(|e| e.published.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    // A label's feed, and every theme's from `update --feeds`.
    veille(home).args(["tag", REYMURE, "+revue-48"]).assert().success();
    let out = stdout(veille(home).args(["feed", "--label", "revue-48"]));
    let feed = feed_rs::parser::parse(out.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.id, "urn:veille:label:revue-48");
    let dir = home.join("flux");
    veille(home).args(["update", "--no-crawl", "--feeds", dir.to_str().unwrap()]).assert().success();
    let themes = fs::read_to_string(home.join("corpus/themes.toml")).unwrap();
    let count = themes.lines().filter(|l| l.trim() == "[[theme]]").count();
    let written: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), count);
    for path in written {
        let feed = feed_rs::parser::parse(fs::read(&path).unwrap().as_slice()).unwrap();
        assert!(!feed.entries.is_empty(), "{}", path.display());
    }
    veille(home)
        .arg("feed")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--theme ID, --label LABEL or a query"));
}

#[test]
fn the_press_review_in_three_formats() {
    let home = demo_home();
    let home = home.path();
    veille(home).args(["index"]).assert().success();
    veille(home).args(["tag", "--query", "depuis:2026-09", "+revue-48"]).assert().success();
    veille(home).args(["note", REYMURE, "Enquête <publique> : venez !"]).assert().success();
    let md = stdout(veille(home).args(["revue", "--label", "revue-48", "--title", "Revue n° 48"]));
    assert!(md.starts_with("# Revue n° 48\n\n"), "{md}");
    assert!(md.contains("## Eau\n"), "grouped by theme: {md}");
    assert!(md.contains("*Notre note\u{a0}:* Enquête \\<publique\\>\u{a0}: venez\u{202f}!"), "{md}");
    assert!(md.contains("— La Lime, 6\u{a0}octobre 2026  \n  Dans le jargon militaire"), "the lead: {md}");
    let html = stdout(veille(home).args(["revue", "--label", "revue-48", "--format", "html"]));
    assert!(html.contains("Enquête &lt;publique&gt;\u{a0}: venez\u{202f}!"), "{html}");
    assert!(!html.contains("<script") && !html.contains("<style"), "{html}");
    assert!(html.contains("style=\""), "{html}");
    let text =
        stdout(veille(home).args(["revue", "--label", "revue-48", "--format", "text", "--by", "site"]));
    assert!(text.contains("\nCOLLECTIF LE SABLIER\n"), "{text}");
    // The week by default: the demo's articles are older than a week.
    let week = stdout(veille(home).arg("revue"));
    assert!(week.contains("0 articles"), "{week}");
    // The home's template replaces the built-in one.
    fs::write(home.join("corpus/revue.md"), "{{ title }}: {% for g in groups %}{{ g.name }} {% endfor %}\n")
        .unwrap();
    let mine = stdout(veille(home).args(["revue", "--label", "revue-48", "--title", "X"]));
    assert!(mine.starts_with("X: IA militaire Eau"), "{mine}");
    let built_in = stdout(veille(home).args(["revue", "--print-template", "html"]));
    assert!(built_in.contains("{% for group in groups %}"));
}
