//! The index as the corpus writers' catalog: which file holds an id, without
//! reading a million files to find out (see [`crate::corpus::Catalog`]).
//!
//! The index vouches for the files of the directories that did not move
//! since its last run (see [`super::scan`]); the files of the others, and
//! those it could not index, are left to the writer to read.

use std::collections::HashSet;
use std::path::PathBuf;

use super::Index;
use super::manifest::Lookup;
use super::scan::{self, DirCache};
use crate::corpus::{Catalog, Corpus, Survey};

/// The catalog of the index in `dir`.
pub struct IndexCatalog {
    dir: PathBuf,
}

impl IndexCatalog {
    pub fn new(dir: PathBuf) -> IndexCatalog {
        IndexCatalog { dir }
    }
}

impl Catalog for IndexCatalog {
    fn survey(&self, corpus: &Corpus) -> Option<Survey> {
        let cache = DirCache::load(&self.dir)?;
        // No index, or one of another version: the writer reads every file.
        let index = Index::open(&self.dir).ok()?;
        let lookup = Lookup::new(&index).ok()?;
        let listing = match scan::walk(corpus.dir(), Some(&cache), scan::now_nanos()) {
            Ok(listing) => listing,
            Err(e) => {
                tracing::debug!("{e}; every article file is read");
                return None;
            }
        };
        let listed: HashSet<String> = listing.listed.iter().chain(&listing.gone).cloned().collect();
        let pending: HashSet<String> = cache.pending().iter().cloned().collect();
        let mut unknown = listing.paths();
        unknown.extend(
            cache
                .pending()
                .iter()
                .filter(|rel| !listed.contains(scan::parent_of(rel)))
                .map(|rel| corpus.dir().join(rel))
                .filter(|path| path.is_file()),
        );
        let corpus_dir = corpus.dir().to_path_buf();
        let lookup = move |id: &str| -> Option<PathBuf> {
            let rel = match lookup.path_of(id) {
                Ok(rel) => rel?,
                Err(e) => {
                    tracing::warn!("{e}");
                    return None;
                }
            };
            // A file in a directory that moved was read by the writer itself.
            (!listed.contains(scan::parent_of(&rel)) && !pending.contains(&rel)).then(|| corpus_dir.join(rel))
        };
        Some(Survey { lookup: Box::new(lookup), unknown, temporaries: listing.temporaries })
    }
}
