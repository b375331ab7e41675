//! What the index holds of each article file: its id, checksum, mtime and
//! size, read from the fast fields of the last commit, for all files at
//! once ([`all`]) or for a few directories and ids ([`Lookup`]) without
//! reading a million entries.

use std::collections::HashMap;
use std::path::Path;

use tantivy::columnar::StrColumn;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use super::{Index, IndexError};

/// What the index knows of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub sha256: String,
    pub mtime: i64,
    pub size: u64,
}

fn str_column(dir: &Path, segment: &SegmentReader, name: &str) -> Result<StrColumn, IndexError> {
    segment.fast_fields().str(name)?.ok_or_else(|| IndexError::Outdated(dir.to_path_buf()))
}

/// Path → entry of every live document of the last commit.
pub fn all(index: &Index) -> Result<HashMap<String, Entry>, IndexError> {
    let searcher = index.reader()?.searcher();
    let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
    for segment in searcher.segment_readers() {
        let (paths, ids, shas) = (
            str_column(index.dir(), segment, "path")?,
            str_column(index.dir(), segment, "id")?,
            str_column(index.dir(), segment, "sha256")?,
        );
        let mtimes = segment.fast_fields().i64("mtime")?;
        let sizes = segment.fast_fields().u64("size")?;
        // Each dictionary read in one pass: looking terms up one by one
        // decompresses a block (and sets up a zstd context) per lookup,
        // which made an update with nothing to do take seconds.
        let terms = |column: &StrColumn| -> Result<Vec<String>, IndexError> {
            let dictionary = column.dictionary();
            let mut stream = dictionary
                .stream()
                .map_err(|source| IndexError::Io { path: index.dir().to_path_buf(), source })?;
            let mut out = Vec::with_capacity(dictionary.num_terms());
            while stream.advance() {
                out.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            Ok(out)
        };
        let (path_terms, id_terms, sha_terms) = (terms(&paths)?, terms(&ids)?, terms(&shas)?);
        let text = |column: &StrColumn, terms: &[String], doc| -> Option<String> {
            let ord = column.term_ords(doc).next()?;
            terms.get(usize::try_from(ord).ok()?).cloned()
        };
        for doc in segment.doc_ids_alive() {
            let (Some(path), Some(id), Some(sha256)) =
                (text(&paths, &path_terms, doc), text(&ids, &id_terms, doc), text(&shas, &sha_terms, doc))
            else {
                continue;
            };
            let mtime = mtimes.first(doc).unwrap_or(0);
            let size = sizes.first(doc).unwrap_or(0);
            out.insert(path, Entry { id, sha256, mtime, size });
        }
    }
    Ok(out)
}

/// The fast fields a lookup reads, of one segment.
struct Columns {
    path: StrColumn,
    id: StrColumn,
    sha256: StrColumn,
    mtime: tantivy::columnar::Column<i64>,
    size: tantivy::columnar::Column<u64>,
}

/// Lookups of a few files and ids in the last commit, through the inverted
/// index of the `path` and `id` fields: each costs a term lookup, whatever
/// the size of the archive.
pub struct Lookup {
    dir: std::path::PathBuf,
    searcher: Searcher,
    /// Each segment's columns, opened at its first lookup: opening a
    /// column reads its dictionary's index, which cost milliseconds a
    /// document at a million articles.
    columns: Vec<std::sync::OnceLock<Columns>>,
    path_field: Field,
    id_field: Field,
}

impl Lookup {
    pub fn new(index: &Index) -> Result<Lookup, IndexError> {
        let fields = index.fields();
        let searcher = index.reader()?.searcher();
        Ok(Lookup {
            dir: index.dir().to_path_buf(),
            columns: searcher.segment_readers().iter().map(|_| std::sync::OnceLock::new()).collect(),
            searcher,
            path_field: fields.path,
            id_field: fields.id,
        })
    }

    fn io(&self, source: std::io::Error) -> IndexError {
        IndexError::Io { path: self.dir.clone(), source }
    }

    /// Live documents in the index.
    pub fn len(&self) -> u64 {
        self.searcher.num_docs()
    }

    fn columns(&self, number: usize) -> Result<&Columns, IndexError> {
        if let Some(columns) = self.columns[number].get() {
            return Ok(columns);
        }
        let segment = &self.searcher.segment_readers()[number];
        let fast = segment.fast_fields();
        let columns = Columns {
            path: str_column(&self.dir, segment, "path")?,
            id: str_column(&self.dir, segment, "id")?,
            sha256: str_column(&self.dir, segment, "sha256")?,
            mtime: fast.i64("mtime")?,
            size: fast.u64("size")?,
        };
        Ok(self.columns[number].get_or_init(|| columns))
    }

    fn entry(&self, number: usize, doc: DocId) -> Result<Option<(String, Entry)>, IndexError> {
        let columns = self.columns(number)?;
        let get = |column: &StrColumn| -> Result<Option<String>, IndexError> {
            let Some(ord) = column.term_ords(doc).next() else { return Ok(None) };
            let mut text = String::new();
            Ok(column.ord_to_str(ord, &mut text).map_err(|e| self.io(e))?.then_some(text))
        };
        let (Some(path), Some(id), Some(sha256)) =
            (get(&columns.path)?, get(&columns.id)?, get(&columns.sha256)?)
        else {
            return Ok(None);
        };
        let mtime = columns.mtime.first(doc).unwrap_or(0);
        let size = columns.size.first(doc).unwrap_or(0);
        Ok(Some((path, Entry { id, sha256, mtime, size })))
    }

    /// The live documents whose term in `field` lies in `[from, to)`.
    fn docs_in_range(
        &self,
        field: Field,
        from: &[u8],
        to: &[u8],
    ) -> Result<Vec<(String, Entry)>, IndexError> {
        let mut out = Vec::new();
        for (number, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().range().ge(from).lt(to).into_stream().map_err(|e| self.io(e))?;
            while terms.advance() {
                let mut postings = inverted
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                    .map_err(|e| self.io(e))?;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if segment.alive_bitset().is_none_or(|alive| alive.is_alive(doc))
                        && let Some(found) = self.entry(number, doc)?
                    {
                        out.push(found);
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(out)
    }

    /// Path → entry of the files directly in `dir` (relative to `corpus/`).
    pub fn files_in(&self, dir: &str) -> Result<Vec<(String, Entry)>, IndexError> {
        let from = format!("{dir}/");
        // '/' + 1 is '0': every path under `dir/` sorts before `dir0`.
        let to = format!("{dir}0");
        let mut found = self.docs_in_range(self.path_field, from.as_bytes(), to.as_bytes())?;
        found.retain(|(path, _)| !path[from.len()..].contains('/'));
        Ok(found)
    }

    /// The entry of one file, if the index holds it.
    pub fn file(&self, path: &str) -> Result<Option<Entry>, IndexError> {
        Ok(self.exact(self.path_field, path)?.map(|(_, entry)| entry))
    }

    /// The file (relative to `corpus/`) the index holds for an id.
    pub fn path_of(&self, id: &str) -> Result<Option<String>, IndexError> {
        Ok(self.exact(self.id_field, id)?.map(|(path, _)| path))
    }

    fn exact(&self, field: Field, value: &str) -> Result<Option<(String, Entry)>, IndexError> {
        let term = Term::from_field_text(field, value);
        for (number, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(field)?;
            let Some(mut postings) =
                inverted.read_postings(&term, IndexRecordOption::Basic).map_err(|e| self.io(e))?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if segment.alive_bitset().is_none_or(|alive| alive.is_alive(doc)) {
                    return self.entry(number, doc);
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }
}
