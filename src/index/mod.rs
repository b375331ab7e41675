//! The search index: the only place tantivy is used.
//!
//! The index lives in `index/` and is derived from `corpus/`: it can be
//! deleted and rebuilt at any time. It holds one document per article file,
//! analysed in its language with the analyzers of [`analyzer`], plus what incremental
//! indexing needs (path, file checksum, mtime and size as fast fields) and
//! what results show (stored title, site, date, body for snippets).

pub mod analyzer;
mod bm25f;
mod catalog;
mod compile;
mod directory;
mod manifest;
pub mod query;
mod query_language;
mod ranked;
pub mod reprises;
mod scan;
pub mod search;
pub mod themes;
pub mod update;

use std::path::{Path, PathBuf};

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{IndexReader, ReloadPolicy, TantivyError};

pub use catalog::IndexCatalog;
pub use query::{QueryError, parse as parse_query};
pub use search::{Hit, Mode, Results, SearchOptions, Sort};

/// Written into each commit; an index with another version is rebuilt.
/// Bump it when the schema, the analyzers or the text read from the
/// Markdown (`corpus::text::plain_text`) change.
const FORMAT: &str = "veille-index-13";

/// The reprises' fingerprints, next to the index (derived like it).
pub const REPRISES_FILE: &str = "reprises.bin";
/// The clusters alone, which searches read (see [`reprises::Clusters`]).
pub const CLUSTERS_FILE: &str = "reprises-clusters.json";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the index is busy: another veille process is writing it (try again when it is done)")]
    Busy,
    #[error("no index yet in {}: run `veille index`", .0.display())]
    Missing(PathBuf),
    #[error("the index in {} was made by another version of veille: run `veille index --rebuild`", .0.display())]
    Outdated(PathBuf),
    #[error("the search index in {} is damaged ({problem}): `veille index` rebuilds it from corpus/", dir.display())]
    Damaged { dir: PathBuf, problem: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error(transparent)]
    Corpus(#[from] crate::corpus::Error),
    #[error("{}:{line}: theme {id:?}: {message}", file.display())]
    Theme { file: PathBuf, line: usize, id: String, message: String },
    #[error("query: {0}")]
    Query(#[from] QueryError),
}

/// Handles to the fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// [`id_key`] of the id: what folding reprises reads for each hit.
    pub id_key: Field,
    pub path: Field,
    pub url: Field,
    pub site: Field,
    /// The name the article carries for its site (`site_name`), stored only.
    pub site_name: Field,
    pub kind: Field,
    /// The article's language (ISO 639-1 code), which chose its analysis.
    pub lang: Field,
    pub authors: Field,
    pub tags: Field,
    pub title: Field,
    pub subtitle: Field,
    /// The opening of the body, where a text says what it is about.
    pub lead: Field,
    pub body: Field,
    /// Where the pages of a PDF's text start in `body`: "offset:page …".
    pub pages: Field,
    pub published: Field,
    pub sha256: Field,
    pub mtime: Field,
    pub size: Field,
    /// The collective's labels (`[collective] labels`), exact terms.
    pub labels: Field,
    /// The collective's note, analysed in French (found with `note:`).
    pub note: Field,
    /// 1 when someone opened the article, else 0.
    pub read: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str, positions: bool| {
        let record =
            if positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record),
            )
            .set_stored()
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        id_key: b.add_u64_field("id_key", FAST),
        path: b.add_text_field("path", STRING | STORED | FAST),
        url: b.add_text_field("url", STRING | STORED),
        site: b.add_facet_field("site", FacetOptions::default().set_stored()),
        site_name: b.add_text_field("site_name", STORED),
        kind: b.add_facet_field("kind", FacetOptions::default().set_stored()),
        lang: b.add_text_field("lang", STRING | STORED),
        authors: b.add_text_field("authors", text(analyzer::NAMES, true)),
        tags: b.add_text_field("tags", text(analyzer::FRENCH, true)),
        title: b.add_text_field("title", text(analyzer::FRENCH, true)),
        subtitle: b.add_text_field("subtitle", text(analyzer::FRENCH, true)),
        lead: b.add_text_field(
            "lead",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::FRENCH)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
        body: b.add_text_field("body", text(analyzer::FRENCH, true)),
        pages: b.add_text_field("pages", STORED),
        published: b.add_date_field("published", INDEXED | STORED | FAST),
        sha256: b.add_text_field("sha256", STRING | FAST),
        mtime: b.add_i64_field("mtime", FAST),
        size: b.add_u64_field("size", FAST),
        labels: b.add_text_field("labels", STRING | STORED),
        note: b.add_text_field("note", text(analyzer::FRENCH, true)),
        read: b.add_u64_field("read", INDEXED | STORED),
    };
    (b.build(), fields)
}

/// A 64-bit key of an article id (FNV-1a, fixed by its specification, so
/// that an index and the clusters file written by another build agree).
/// Reading it from a fast column costs a fraction of reading the id's text
/// from the id column's dictionary.
pub fn id_key(id: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(id.as_bytes());
    hasher.finish()
}

/// How [`Index::open_or_create`] found the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Opened {
    Existing,
    /// None, or one of another version: an empty one was made.
    Created,
    /// Damaged (this was wrong): an empty one was made in its place.
    Healed(String),
}

/// What is wrong with a file of the index, in a few words (tantivy's own
/// messages name internals and give advice for its developers).
fn damage(e: &TantivyError) -> String {
    use tantivy::directory::error::OpenReadError;
    let why = |io: &std::io::Error| match io.kind() {
        std::io::ErrorKind::NotFound => "missing".to_string(),
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => {
            "not a whole index file: overwritten or cut short".to_string()
        }
        _ => io.to_string(),
    };
    match e {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("{} is missing", path.display())
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("{}: {}", filepath.display(), why(io_error))
        }
        TantivyError::IoError(io) => why(io),
        TantivyError::DataCorruption(corruption) => {
            let text = format!("{corruption:?}");
            text.split(". ").next().unwrap_or(&text).to_string()
        }
        other => other.to_string().split(". ").next().unwrap_or_default().to_string(),
    }
}

/// An open index.
pub struct Index {
    dir: PathBuf,
    index: tantivy::Index,
    fields: Fields,
}

impl Index {
    /// Opens the index in `dir` for reading.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        if !dir.join("meta.json").is_file() {
            return Err(IndexError::Missing(dir.to_path_buf()));
        }
        // A meta.json this version cannot read (a torn file, another
        // version's settings) is a damaged index, which `index`, `update`
        // and a first search build again: the index is derived from corpus/.
        let index = match tantivy::Index::open(directory::SearchDirectory::open(dir)?) {
            Ok(index) => index,
            Err(TantivyError::DataCorruption(e)) => {
                tracing::debug!("{}: {e:?}", dir.display());
                let problem = "meta.json: not readable".to_string();
                return Err(IndexError::Damaged { dir: dir.to_path_buf(), problem });
            }
            Err(e) => return Err(e.into()),
        };
        let (schema, fields) = build_schema();
        let payload = index.load_metas()?.payload;
        if index.schema() != schema || payload.as_deref() != Some(FORMAT) {
            return Err(IndexError::Outdated(dir.to_path_buf()));
        }
        analyzer::register(&index);
        Ok(Index { dir: dir.to_path_buf(), index, fields })
    }

    /// Opens every file of every segment (footers checked), so that a
    /// damaged file (a bad sector, a half-finished copy) is one plain error
    /// that says the index is derived, not a failure deep in a commit.
    /// Readers need no separate check: opening one opens the same files
    /// ([`Index::reader`] reports the same error).
    pub(crate) fn check_segments(&self) -> Result<(), IndexError> {
        for segment in self.index.searchable_segments()? {
            tantivy::SegmentReader::open(&segment).map_err(|e| self.damaged(&e))?;
        }
        Ok(())
    }

    fn damaged(&self, e: &TantivyError) -> IndexError {
        IndexError::Damaged { dir: self.dir.clone(), problem: damage(e) }
    }

    /// Opens the index in `dir`, creating it (empty) when there is none,
    /// when it was made by another version, or when it is damaged (what
    /// was wrong is in [`Opened::Healed`]).
    pub(crate) fn open_or_create(dir: &Path) -> Result<(Index, Opened), IndexError> {
        let opened = match Index::open(dir).and_then(|index| index.check_segments().map(|()| index)) {
            Ok(index) => return Ok((index, Opened::Existing)),
            Err(IndexError::Missing(_) | IndexError::Outdated(_)) => Opened::Created,
            Err(IndexError::Damaged { problem, .. }) => Opened::Healed(problem),
            Err(e) => return Err(e),
        };
        let io = |source| IndexError::Io { path: dir.to_path_buf(), source };
        if dir.exists() {
            // Only what tantivy wrote is removed: the directory is ours.
            std::fs::remove_dir_all(dir).map_err(io)?;
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = build_schema();
        let directory = directory::SearchDirectory::open(dir)?;
        let index = tantivy::Index::create(directory, schema, tantivy::IndexSettings::default())?;
        analyzer::register(&index);
        Ok((Index { dir: dir.to_path_buf(), index, fields }, opened))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn fields(&self) -> Fields {
        self.fields
    }

    pub fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }

    /// A reader on the last commit; it never sees a half-written index.
    pub fn reader(&self) -> Result<IndexReader, IndexError> {
        // Opening a reader opens every segment's files: one that cannot be
        // read is the damage it is.
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| self.damaged(&e))
    }

    /// Number of articles in the last commit.
    pub fn len(&self) -> Result<u64, IndexError> {
        Ok(self.reader()?.searcher().num_docs())
    }

    pub fn is_empty(&self) -> Result<bool, IndexError> {
        Ok(self.len()? == 0)
    }

    /// Bytes the index takes on disk.
    pub fn size_on_disk(&self) -> u64 {
        walkdir::WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    /// The key is stored in indexes: it must not change with the build.
    #[test]
    fn id_keys_are_fnv1a_64() {
        assert_eq!(super::id_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::id_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(super::id_key("2025-01-01-eau"), super::id_key("2025-01-01-eau-2"));
    }
}
