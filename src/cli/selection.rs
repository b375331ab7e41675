//! The articles a query selects, read from their files: what `export`,
//! `tag --query`, `revue` and `feed` work on.

use crate::corpus::{Corpus, StoredArticle};
use crate::home::Home;
use crate::index::search::{SearchOptions, Sort};

use super::Context;

/// The articles `query` finds (every article when it is empty), newest
/// first, and how many of their files could not be read (each reported).
pub fn select(context: &Context, home: &Home, query: &str) -> anyhow::Result<(Vec<StoredArticle>, usize)> {
    let corpus = home.corpus();
    if query.trim().is_empty() {
        let (mut articles, errors) = corpus.load()?;
        for error in &errors {
            tracing::warn!("{error}; skipped");
        }
        articles.sort_by_key(|s| std::cmp::Reverse(s.article.published.map(|p| p.timestamp())));
        return Ok((articles, errors.len()));
    }
    let (searcher, _) = super::index::searcher(context, home)?;
    let limit = searcher.num_docs().max(1) as usize;
    let options = SearchOptions {
        limit,
        sort: Sort::Date,
        snippets: false,
        all_reprises: true,
        ..SearchOptions::default()
    };
    let results = searcher.search(query, &options).map_err(|e| match e {
        crate::index::IndexError::Query(q) => {
            anyhow::anyhow!("cannot read the query: {q}\n{}", q.pointer(query))
        }
        other => other.into(),
    })?;
    let mut articles = Vec::with_capacity(results.hits.len());
    let mut broken = 0;
    for hit in results.hits {
        let path = corpus.dir().join(&hit.path);
        match Corpus::read(&path) {
            Ok(article) => articles.push(StoredArticle { path, article }),
            Err(e) => {
                broken += 1;
                tracing::warn!("{e}; skipped (run `veille index` if the corpus changed)");
            }
        }
    }
    Ok((articles, broken))
}
