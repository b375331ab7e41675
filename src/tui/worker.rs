//! The UI's slow work, on its own thread: searches, theme counts, loading
//! articles, similar articles. Requests come in order; a search waiting
//! behind a newer search is dropped unrun, so typing fast never queues
//! work the user no longer wants.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use crate::config::Theme;
use crate::corpus::{Annotations, Article, Corpus};
use crate::index::query::Node;
use crate::index::search::{Hit, Mode, SearchOptions, Searcher, Sort, query_terms};
use crate::index::themes::ThemeCount;

/// Work for the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search {
        generation: u64,
        query: String,
        sort: Sort,
        limit: usize,
    },
    Similar {
        generation: u64,
        id: String,
        limit: usize,
    },
    ThemeCounts,
    Article {
        id: String,
        path: String,
    },
    Hits {
        ids: Vec<String>,
    },
    /// Change the collective's marks of an article, and index it.
    Annotate {
        id: String,
        path: String,
        change: MarkChange,
    },
    /// Every label the archive uses, for completion.
    Labels,
    /// The basket as a brochure (reading copy and cahier) in `dir`.
    Brochure {
        basket: String,
        title: String,
        dir: PathBuf,
    },
}

/// A change of an article's labels, note or read mark.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkChange {
    Labels { add: Vec<String>, remove: Vec<String> },
    Note(String),
    Read,
}

/// What the worker found.
#[derive(Debug, Clone)]
pub enum Response {
    Results {
        generation: u64,
        hits: Vec<Hit>,
        total: usize,
        mode: Mode,
        /// Theme ids of each hit.
        themes: HashMap<String, Vec<String>>,
        /// Analysed terms of the query, for the reader's matches.
        terms: Vec<String>,
    },
    SearchFailed {
        generation: u64,
        message: String,
    },
    ThemeCounts {
        all: usize,
        themes: Vec<ThemeCount>,
        sites: Vec<String>,
        years: Vec<i32>,
    },
    Article {
        id: String,
        article: Result<Box<Article>, String>,
        /// Titles of the archive's articles that link to it.
        cited_by: Vec<String>,
        /// For a page, the titles of its documents (PDFs); for a document, its page's title.
        linked: Vec<String>,
    },
    Hits {
        hits: Vec<Hit>,
    },
    Brochure(Result<Vec<PathBuf>, String>),
    /// The marks of article `id` as written, or why they could not be.
    Annotated {
        id: String,
        result: Result<Annotations, String>,
    },
    Labels(Vec<String>),
}

/// What the worker reads from.
pub struct Sources {
    /// Who cites whom, computed at the first article opened.
    pub citations: std::sync::OnceLock<(crate::corpus::citations::Citations, HashMap<String, String>)>,
    pub searcher: Searcher,
    pub baskets_dir: PathBuf,
    pub themes: Vec<Theme>,
    pub parsed: HashMap<String, Node>,
    pub corpus_dir: PathBuf,
}

/// Runs requests until the UI hangs up.
pub fn run(sources: Sources, requests: Receiver<Request>, send: impl Fn(Response) -> bool) {
    let mut pending: Option<Request> = None;
    loop {
        let request = match pending.take() {
            Some(r) => r,
            None => match requests.recv() {
                Ok(r) => r,
                Err(_) => return,
            },
        };
        // A newer search replaces an older one still waiting.
        let request = if matches!(request, Request::Search { .. } | Request::Similar { .. }) {
            let mut latest = request;
            loop {
                match requests.try_recv() {
                    Ok(next @ (Request::Search { .. } | Request::Similar { .. })) => latest = next,
                    Ok(other) => {
                        pending = Some(other);
                        break;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            latest
        } else {
            request
        };
        if !send(answer(&sources, request)) {
            return;
        }
    }
}

pub fn answer(sources: &Sources, request: Request) -> Response {
    let searcher = &sources.searcher;
    match request {
        Request::Search { generation, query, sort, limit } => {
            let options = SearchOptions { limit, sort, ..SearchOptions::default() };
            match searcher.search(&query, &options) {
                Ok(results) => {
                    let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
                    let themes =
                        searcher.themes_of(&ids, &sources.themes, &sources.parsed).unwrap_or_default();
                    // A ranked list also holds articles with some of the
                    // words (marked so): the count is of those with all.
                    let total =
                        if results.mode == Mode::AllWords { results.all_words } else { results.total };
                    Response::Results {
                        generation,
                        total,
                        mode: results.mode,
                        hits: results.hits,
                        themes,
                        terms: query_terms(&query, &searcher.languages()),
                    }
                }
                Err(e) => Response::SearchFailed { generation, message: e.to_string() },
            }
        }
        Request::Similar { generation, id, limit } => match searcher.similar(&id, limit) {
            Ok(Some(results)) => {
                let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
                let themes = searcher.themes_of(&ids, &sources.themes, &sources.parsed).unwrap_or_default();
                Response::Results {
                    generation,
                    total: results.total,
                    mode: results.mode,
                    hits: results.hits,
                    themes,
                    terms: Vec::new(),
                }
            }
            Ok(None) => {
                Response::SearchFailed { generation, message: format!("no article {id} in the index") }
            }
            Err(e) => Response::SearchFailed { generation, message: e.to_string() },
        },
        Request::ThemeCounts => {
            let all = searcher.num_docs() as usize;
            let themes = match searcher.theme_counts(&sources.themes, &sources.parsed, true) {
                Ok((counts, _)) => counts,
                Err(_) => Vec::new(),
            };
            let years: Vec<i32> = {
                let mut years: Vec<i32> =
                    searcher.months(None).map(|m| m.keys().map(|k| k.0).collect()).unwrap_or_default();
                years.dedup();
                years
            };
            Response::ThemeCounts { all, themes, sites: sites(&sources.corpus_dir), years }
        }
        Request::Article { id, path } => {
            let file = sources.corpus_dir.join(&path);
            let article = Corpus::read(&file).map(Box::new).map_err(|e| e.to_string());
            let (citations, titles) = sources.citations.get_or_init(|| {
                let (stored, _) = Corpus::new(&sources.corpus_dir).load().unwrap_or_default();
                let titles =
                    stored.iter().map(|s| (s.article.id.clone(), s.article.display_title())).collect();
                (
                    crate::corpus::citations::Citations::build(
                        stored.iter().map(|s| &s.article),
                        &HashMap::new(),
                    ),
                    titles,
                )
            });
            let cited_by = citations
                .of(&id)
                .cited_by
                .iter()
                .map(|c| titles.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect();
            let linked = article.as_ref().map(|a| linked_titles(a, titles)).unwrap_or_default();
            Response::Article { id, article, cited_by, linked }
        }
        Request::Hits { ids } => Response::Hits { hits: searcher.by_ids(&ids).unwrap_or_default() },
        Request::Annotate { id, path, change } => {
            Response::Annotated { id, result: annotate(sources, &path, change) }
        }
        Request::Labels => Response::Labels(searcher.labels().unwrap_or_default()),
        Request::Brochure { basket, title, dir } => {
            Response::Brochure(brochure(sources, &basket, &title, &dir))
        }
    }
}

/// Writes the change in the article file (re-read under the marks' lock),
/// indexes that one file and reloads the searcher, so that a search sees it.
fn annotate(sources: &Sources, path: &str, change: MarkChange) -> Result<Annotations, String> {
    let file = sources.corpus_dir.join(path);
    let (article, changed) = crate::corpus::annotations::annotate(
        &file,
        &sources.corpus_dir.join("state"),
        |marks| match change {
            MarkChange::Labels { add, remove } => {
                marks.labels.extend(add);
                for label in remove {
                    marks.labels.remove(&label);
                }
            }
            MarkChange::Note(note) => marks.set_note(&note),
            MarkChange::Read => marks.read = true,
        },
    )
    .map_err(|e| e.to_string())?;
    if changed {
        let corpus = Corpus::new(&sources.corpus_dir);
        let index_dir = sources.searcher.index().dir().to_path_buf();
        match crate::index::update::reindex_files(&corpus, &index_dir, &[file.as_path()]) {
            Ok(_) => {
                let _ = sources.searcher.reload();
            }
            // A run writing the index takes the file at its next update.
            Err(crate::index::IndexError::Busy) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(article.annotations)
}

fn brochure(
    sources: &Sources,
    basket: &str,
    title: &str,
    dir: &std::path::Path,
) -> Result<Vec<PathBuf>, String> {
    use crate::brochure::{self, Format, Selection};
    let selection = Selection::Basket(basket.to_string());
    let hits = brochure::select(&sources.searcher, &sources.baskets_dir, &selection, None, None)
        .map_err(|e| e.to_string())?;
    let corpus = Corpus::new(&sources.corpus_dir);
    let b = brochure::assemble(&corpus, &hits, title).map_err(|e| e.to_string())?;
    let look = brochure::pdf::Look::of_home(&sources.corpus_dir).map_err(|e| e.to_string())?;
    brochure::write(&b, &[Format::Pdf, Format::Cahier], dir, Default::default(), &look)
        .map_err(|e| e.to_string())
}

/// The sites of the archive: the folders of corpus/articles/.
fn sites(corpus_dir: &std::path::Path) -> Vec<String> {
    let mut sites: Vec<String> = std::fs::read_dir(corpus_dir.join("articles"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    sites.sort();
    sites
}

/// The documents a page links (or the page a document came with), by title.
fn linked_titles(article: &Article, titles: &HashMap<String, String>) -> Vec<String> {
    let ids: Vec<&str> = match (article.extra.get("documents"), article.extra.get("parent")) {
        (Some(toml::Value::Array(documents)), _) => documents.iter().filter_map(|d| d.as_str()).collect(),
        (_, Some(toml::Value::String(parent))) => vec![parent.as_str()],
        _ => Vec::new(),
    };
    ids.into_iter().map(|id| titles.get(id).cloned().unwrap_or_else(|| id.to_string())).collect()
}
