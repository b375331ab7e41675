//! `veille check`: what is wrong in a home, each problem with the command
//! (or the edit) that repairs it.
//!
//! The quick check reads the settings, sources, themes and every article
//! file. The deep check (`--deep`, for a weekly cron line) verifies what can
//! rot without anyone noticing: each article's text against its `sha256`,
//! each WARC record against its digests, each article's `warc` pointer
//! against the record it names, the index against the files (same ids, same
//! checksums), and the baskets against the archive. Files are read once, on
//! all cores; nothing is written unless `--repair` is given, and then only
//! the one repair that cannot lose data (cutting off a WARC record that an
//! interrupted run left half-written at the end of its file).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::Home;
use crate::archive::warc;
use crate::corpus::{self, Corpus, sha256_hex};

/// The part of a home a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Settings,
    Sources,
    Themes,
    Article,
    Raw,
    Index,
    Basket,
}

/// One thing wrong, where, and how to repair it.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub area: Area,
    /// The file (relative to the home when inside it).
    pub path: String,
    /// The line of the file, when one is to blame.
    pub line: Option<usize>,
    pub problem: String,
    pub repair: String,
}

/// What a check looked at and found.
#[derive(Debug, Default, Serialize)]
pub struct Findings {
    pub articles: usize,
    pub sources: usize,
    pub themes: usize,
    /// Deep check only: WARC files and records read.
    pub raw_files: Option<usize>,
    pub raw_records: Option<usize>,
    /// Deep check only: articles the index holds.
    pub indexed: Option<usize>,
    pub baskets: Option<usize>,
    /// WARC files cut back to their last whole record (`--repair`).
    pub repaired: Vec<String>,
    pub problems: Vec<Problem>,
}

/// How far to look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub deep: bool,
    /// Cut off WARC records left half-written at the end of a file.
    pub repair: bool,
}

/// What one article file holds that the other checks need.
struct ArticleFacts {
    /// Relative to `corpus/`, as the index stores it.
    indexed_path: String,
    id: String,
    url: Option<String>,
    warc: Option<corpus::WarcRef>,
    file_sha256: String,
}

/// A path as problems name it: relative to the home when inside it.
fn shown(home: &Home, path: &Path) -> String {
    path.strip_prefix(home.root()).unwrap_or(path).display().to_string()
}

/// Checks `home`.
pub fn check(home: &Home, options: Options) -> Findings {
    let mut findings = Findings::default();
    let shown = |path: &Path| shown(home, path);
    let mut problem = |area, file: PathBuf, problem: String, repair: &str| {
        let (line, problem) = located(&problem, &file);
        let path = shown(&file);
        findings.problems.push(Problem { area, path, line, problem, repair: repair.to_string() });
    };
    if let Err(e) = home.settings() {
        problem(Area::Settings, home.config_file(), e.to_string(), "fix that line");
    }
    let sources = match home.sources() {
        Ok(sources) => sources,
        Err(e) => {
            problem(Area::Sources, home.sources_file(), e.to_string(), "fix that line");
            Vec::new()
        }
    };
    let themes = match home.themes() {
        Ok(themes) => themes,
        Err(e) => {
            problem(Area::Themes, home.themes_file(), e.to_string(), "fix that line");
            Vec::new()
        }
    };
    // A theme whose query does not parse is named with its line.
    let (_, theme_errors) = crate::index::search::parse_themes(&themes, &home.themes_file());
    for e in theme_errors {
        problem(Area::Themes, home.themes_file(), e.to_string(), "fix the query on that line");
    }
    findings.sources = sources.len();
    findings.themes = themes.len();

    let corpus = home.corpus();
    let crawled: HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let (facts, article_problems) = read_articles(&corpus, home, options.deep, &crawled);
    findings.articles = facts.len();
    findings.problems.extend(article_problems);
    // Two files claiming one id.
    let mut first_of: HashMap<&str, &str> = HashMap::new();
    for fact in &facts {
        if let Some(first) = first_of.insert(&fact.id, &fact.indexed_path) {
            findings.problems.push(Problem {
                line: None,
                area: Area::Article,
                path: format!("corpus/{}", fact.indexed_path),
                problem: format!("id {:?} is also the id of corpus/{first}", fact.id),
                repair: "remove the copy you do not want (the index keeps one of them)".into(),
            });
        }
    }
    if options.deep {
        check_raw(home, &facts, options.repair, &mut findings);
        check_index(home, &facts, &mut findings);
        check_baskets(home, &facts, &mut findings);
    }
    findings
}

/// A parser's message starts with its file and line (`/h/themes.toml:3:
/// …`): they are fields of their own in a problem.
fn located(message: &str, file: &Path) -> (Option<usize>, String) {
    let Some(rest) = message.strip_prefix(&file.display().to_string()) else {
        return (None, message.to_string());
    };
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let line = rest.split_once(':').and_then(|(n, after)| Some((n.parse::<usize>().ok()?, after)));
    match line {
        Some((n, after)) => (Some(n), after.trim().to_string()),
        None => (None, rest.trim().to_string()),
    }
}

/// Reads every article file on all cores; the deep check also compares the
/// text with its `sha256`.
fn read_articles(
    corpus: &Corpus,
    home: &Home,
    deep: bool,
    crawled: &HashSet<&str>,
) -> (Vec<ArticleFacts>, Vec<Problem>) {
    let paths = match corpus.article_paths() {
        Ok(paths) => paths,
        Err(e) => {
            let problem = Problem {
                line: None,
                area: Area::Article,
                path: "corpus/articles".into(),
                problem: e.to_string(),
                repair: "check the directory's permissions and the disk".into(),
            };
            return (Vec::new(), vec![problem]);
        }
    };
    let shown = |path: &Path| shown(home, path);
    let read: Vec<Result<(ArticleFacts, Option<Problem>), Problem>> = paths
        .par_iter()
        .map(|path| {
            let unreadable = |problem: String| {
                let (line, problem) = located(&problem, path);
                Problem {
                    area: Area::Article,
                    path: shown(path),
                    line,
                    problem,
                    repair: "fix that line, or restore the file (git checkout, a backup)".into(),
                }
            };
            let bytes = fs::read(path).map_err(|e| unreadable(e.to_string()))?;
            let file_sha256 = sha256_hex(&bytes);
            let article = Corpus::parse(path, bytes).map_err(|e| unreadable(e.to_string()))?;
            let rotted =
                deep && article.sha256.as_deref().is_some_and(|stated| stated != article.body_sha256());
            let problem = rotted.then(|| {
                let repair = if article.warc.is_some() && crawled.contains(article.site.as_str()) {
                    format!(
                        "`veille reextract --source {}` makes it again from the raw archive",
                        article.site
                    )
                } else {
                    "restore it (git checkout, a backup) or import it again; if the text was edited on \
                     purpose, remove its `sha256` line"
                        .to_string()
                };
                Problem {
                    line: None,
                    area: Area::Article,
                    path: shown(path),
                    problem: "its text does not match its sha256 (changed since it was written)".into(),
                    repair,
                }
            });
            let facts = ArticleFacts {
                indexed_path: crate::index::update::indexed_path(corpus, path),
                id: article.id,
                url: article.url,
                warc: article.warc,
                file_sha256,
            };
            Ok((facts, problem))
        })
        .collect();
    let mut facts = Vec::with_capacity(read.len());
    let mut problems = Vec::new();
    for result in read {
        match result {
            Ok((fact, problem)) => {
                facts.push(fact);
                problems.extend(problem);
            }
            Err(problem) => problems.push(problem),
        }
    }
    (facts, problems)
}

/// A response record as the articles' pointers need it.
struct Response {
    target: String,
}

/// What reading one WARC file found.
struct ScannedFile {
    name: String,
    /// Response records by offset.
    responses: HashMap<u64, Response>,
    records: usize,
    problems: Vec<Problem>,
    /// Ends in a record cut short, to be cut off (`--repair`).
    to_repair: bool,
}

/// Every WARC file: records readable and matching their digests, and the
/// record each article points at being a response for its URL.
fn check_raw(home: &Home, facts: &[ArticleFacts], repair: bool, findings: &mut Findings) {
    let raw = home.raw_dir();
    let mut files: Vec<PathBuf> = fs::read_dir(&raw)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".warc.gz")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let shown = |path: &Path| shown(home, path);
    let restore = "restore the file from a backup (the articles made from it are not affected; \
                   `veille crawl --recheck` archives the pages again)";
    let scanned: Vec<ScannedFile> = files
        .par_iter()
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let mut responses = HashMap::new();
            let mut count = 0;
            let mut problems = Vec::new();
            let mut cut_at_end = false;
            let problem = |problem: String, repair: &str| Problem {
                line: None,
                area: Area::Raw,
                path: shown(path),
                problem,
                repair: repair.to_string(),
            };
            let len = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let mut start = 0;
            loop {
                let (records, end) = match warc::read_from(path, start) {
                    Ok(read) => read,
                    Err(e) => {
                        problems.push(problem(e.to_string(), restore));
                        break;
                    }
                };
                for record in records {
                    count += 1;
                    if let Err(why) = record.check_digests() {
                        problems.push(problem(format!("record at byte {}: {why}", record.offset), restore));
                    }
                    if record.header("WARC-Type") == Some("response") {
                        let target = record.header("WARC-Target-URI").unwrap_or_default().to_string();
                        responses.insert(record.offset, Response { target });
                    }
                }
                if end >= len {
                    break;
                }
                match warc::next_record_after(path, end) {
                    Ok(Some(next)) => {
                        problems.push(problem(
                            format!("bytes {end}–{next} are not readable records (damaged in the middle)"),
                            restore,
                        ));
                        start = next;
                    }
                    _ => {
                        cut_at_end = true;
                        break;
                    }
                }
            }
            if cut_at_end && !repair {
                problems.push(problem(
                    "ends in a record cut short (an interrupted run)".into(),
                    "`veille check --deep --repair` cuts it off",
                ));
            }
            ScannedFile { name, responses, records: count, problems, to_repair: cut_at_end && repair }
        })
        .collect();
    let mut responses: HashMap<String, HashMap<u64, Response>> = HashMap::new();
    let mut records = 0;
    for ScannedFile { name, responses: file_responses, records: count, problems, to_repair } in scanned {
        records += count;
        findings.problems.extend(problems);
        if to_repair {
            let path = raw.join(&name);
            match warc::repair(&path) {
                Ok(_) => findings.repaired.push(shown(&path)),
                Err(e) => findings.problems.push(Problem {
                    line: None,
                    area: Area::Raw,
                    path: shown(&path),
                    problem: format!("cannot be cut back to its last whole record: {e}"),
                    repair: "check the file's permissions and the disk".into(),
                }),
            }
        }
        responses.insert(name, file_responses);
    }
    findings.raw_files = Some(files.len());
    findings.raw_records = Some(records);
    for fact in facts {
        let Some(at) = &fact.warc else { continue };
        let path = format!("corpus/{}", fact.indexed_path);
        let wrong = match responses.get(&at.file) {
            None => Some(format!("its raw record's file corpus/raw/{} is missing", at.file)),
            Some(file) => match file.get(&at.offset) {
                None => Some(format!("corpus/raw/{} has no response record at byte {}", at.file, at.offset)),
                Some(response) => fact
                    .url
                    .as_deref()
                    .filter(|url| corpus::canonical::key(url) != corpus::canonical::key(&response.target))
                    .map(|url| {
                        format!(
                            "its raw record (corpus/raw/{} byte {}) is the answer for {}, not for {url}",
                            at.file, at.offset, response.target
                        )
                    }),
            },
        };
        if let Some(problem) = wrong {
            findings.problems.push(Problem {
                line: None,
                area: Area::Article,
                path,
                problem,
                repair: "restore corpus/raw/ from a backup; `veille crawl --recheck` archives the page again"
                    .into(),
            });
        }
    }
}

/// The index against the files: same paths, same ids, same checksums.
fn check_index(home: &Home, facts: &[ArticleFacts], findings: &mut Findings) {
    let dir = home.index_dir();
    let shown = |path: &Path| shown(home, path);
    let opened = crate::index::Index::open(&dir).and_then(|index| index.check_segments().map(|()| index));
    // Damage inside a file whose footer is intact (a bad sector, a copy
    // changed in transit) shows only in the checksums tantivy keeps in
    // each footer: reading every file is the deep check's job.
    if let Ok(index) = &opened {
        match index.tantivy().validate_checksum() {
            Ok(corrupted) => {
                let mut corrupted: Vec<_> = corrupted.into_iter().collect();
                corrupted.sort();
                for file in corrupted {
                    findings.problems.push(Problem {
                        area: Area::Index,
                        path: shown(&dir.join(&file)),
                        line: None,
                        problem: "damaged: its checksum does not match its content".into(),
                        repair: "`veille index --rebuild` builds the index again from corpus/".into(),
                    });
                }
            }
            Err(e) => findings.problems.push(Problem {
                area: Area::Index,
                path: shown(&dir),
                line: None,
                problem: format!("cannot be read through: {e}"),
                repair: "`veille index --rebuild` builds the index again from corpus/".into(),
            }),
        }
    }
    let indexed = opened.and_then(|index| crate::index::update::indexed_files(&index));
    let mut indexed = match indexed {
        Ok(indexed) => indexed,
        Err(e) => {
            use crate::index::IndexError;
            let (problem, repair) = match e {
                IndexError::Missing(_) => ("there is no index yet".to_string(), "`veille index` builds it"),
                IndexError::Outdated(_) => (
                    "it was made by another version of veille".to_string(),
                    "`veille index --rebuild` builds it again from corpus/",
                ),
                IndexError::Damaged { problem, .. } => {
                    (format!("it is damaged ({problem})"), "`veille index` builds it again from corpus/")
                }
                e => (e.to_string(), "`veille index --rebuild` builds it again from corpus/"),
            };
            findings.problems.push(Problem {
                area: Area::Index,
                path: shown(&dir),
                line: None,
                problem,
                repair: repair.into(),
            });
            return;
        }
    };
    findings.indexed = Some(indexed.len());
    // Counted, with an example each: a stale index can differ in every file.
    let mut missing: Vec<&str> = Vec::new();
    let mut stale: Vec<&str> = Vec::new();
    for fact in facts {
        match indexed.remove(&fact.indexed_path) {
            None => missing.push(&fact.indexed_path),
            Some((id, sha)) if id != fact.id || sha != fact.file_sha256 => stale.push(&fact.indexed_path),
            Some(_) => {}
        }
    }
    // A file that is there but cannot be read is reported as an article
    // problem already: its index entry is not "gone".
    let gone: BTreeMap<String, (String, String)> =
        indexed.into_iter().filter(|(path, _)| !home.corpus_dir().join(path).exists()).collect();
    let repair = "`veille index` brings it up to date";
    let mut report = |paths: Vec<&str>, one: &str, many: &str| {
        if let Some(first) = paths.first() {
            let what = if paths.len() == 1 { one } else { many };
            let more = if paths.len() > 1 { ", …" } else { "" };
            findings.problems.push(Problem {
                line: None,
                area: Area::Index,
                path: shown(&dir),
                problem: format!("{} {what} (corpus/{first}{more})", paths.len()),
                repair: repair.into(),
            });
        }
    };
    report(missing, "article file is not in the index", "article files are not in the index");
    report(
        stale,
        "article file changed since it was indexed",
        "article files changed since they were indexed",
    );
    let gone: Vec<&str> = gone.keys().map(String::as_str).collect();
    report(gone, "indexed article has no file any more", "indexed articles have no file any more");
}

/// Every basket parses and lists only articles of the archive.
fn check_baskets(home: &Home, facts: &[ArticleFacts], findings: &mut Findings) {
    use crate::corpus::basket::Basket;
    let dir = home.baskets_dir();
    let shown = |path: &Path| shown(home, path);
    let names = match Basket::list(&dir) {
        Ok(names) => names,
        Err(e) => {
            findings.problems.push(Problem {
                line: None,
                area: Area::Basket,
                path: shown(&dir),
                problem: e.to_string(),
                repair: "check the directory's permissions".into(),
            });
            return;
        }
    };
    findings.baskets = Some(names.len());
    let ids: HashSet<&str> = facts.iter().map(|f| f.id.as_str()).collect();
    for name in names {
        let path = shown(&Basket::path(&dir, &name));
        match Basket::load(&dir, &name) {
            Ok(basket) => {
                for id in basket.articles.iter().filter(|id| !ids.contains(id.as_str())) {
                    findings.problems.push(Problem {
                        line: None,
                        area: Area::Basket,
                        path: path.clone(),
                        problem: format!("lists {id:?}, which is not in the archive"),
                        repair: format!(
                            "remove that line from {path} (or the article in the TUI's basket view)"
                        ),
                    });
                }
            }
            Err(e) => findings.problems.push(Problem {
                line: None,
                area: Area::Basket,
                path,
                problem: e.to_string(),
                repair: "fix that line".into(),
            }),
        }
    }
}
