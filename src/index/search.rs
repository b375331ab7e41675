//! Searching: a typed query in, ranked hits with highlighted snippets out.
//!
//! A query of several words ranked by relevance matches articles holding
//! any of them: the words' scores add up (see [`super::compile`]), so an
//! article holding them all nearly always comes first, yet one that misses
//! a word of a long query (a headline, a pasted paragraph, a question) can
//! still win on the others. [`Results::all_words`] counts the articles that
//! hold every word and each [`Hit`] says whether it is one. Lists sorted by
//! date, counts and themes keep every word required (a date-ordered list of
//! articles that hold one word of three says nothing), and fall back to any
//! word only when no article has them all. When nothing matches at all,
//! words are matched within a few typos — first, when a word is in no
//! article (`enrgie nucléaire`). [`Results::mode`] says which answered.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, Query};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocSet, IndexReader, Order, TantivyDocument, Term};

use super::compile::{Analysis, Combine, Compiler};
use super::query::{self, Node};
use super::{Fields, Index, IndexError, analyzer};
use crate::config::Theme;
use crate::language::Language;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first
    #[default]
    Relevance,
    /// Newest first
    Date,
}

/// Which way of matching gave the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Some articles hold every word (those articles, or those first).
    AllWords,
    /// No article holds every word: articles holding some of them.
    BestMatches,
    /// Nothing matched as typed: words matched within a few typos.
    Typo,
}

impl Mode {
    pub fn describe(self) -> &'static str {
        match self {
            Mode::AllWords => "all words",
            Mode::BestMatches => "best matches: no article has every word",
            Mode::Typo => "a word the archive does not have was read with typos",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
    /// Compute snippets (costs a stored-document read per hit).
    pub snippets: bool,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
    /// Every reprise of a text as its own hit, instead of one hit per text.
    pub all_reprises: bool,
    /// Internal: fold the reprises of the addresses found, then keep this
    /// page `(offset, limit)` of what remains.
    #[doc(hidden)]
    pub fold_page: Option<(usize, usize)>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            sort: Sort::Relevance,
            snippets: true,
            snippet_chars: 200,
            all_reprises: false,
            fold_page: None,
        }
    }
}

/// A passage of an article with the matched words marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` of each highlighted word, in characters (Unicode scalar values) of `text`.
    pub highlights: Vec<(usize, usize)>,
    /// The page of a PDF the passage is on, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The site's id (what `site:` matches).
    pub site: String,
    /// How the site is shown: its name (see [`crate::config::SiteNames`]).
    pub site_name: String,
    pub kind: String,
    /// The language it is indexed in (`fr`, `en`…).
    pub lang: String,
    pub authors: Vec<String>,
    /// `YYYY-MM-DD`, when known.
    pub published: Option<String>,
    pub url: Option<String>,
    /// The article file, relative to `corpus/`.
    pub path: String,
    pub score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
    /// Sites where the same text also appeared (its other reprises), when
    /// results show one hit per text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_on: Vec<String>,
    /// The names of `also_on`'s sites, for display.
    #[serde(skip)]
    pub also_on_names: Vec<String>,
    /// How many other articles hold the same text.
    #[serde(skip_serializing_if = "is_zero")]
    pub reprises: usize,
    /// The article lacks some of the words (a ranked search of several words
    /// lists such articles after, or among, those that hold them all).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The collective's labels of the article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// The collective's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Someone opened it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone)]
pub struct Results {
    pub mode: Mode,
    /// Articles matching, of which `hits` is a page.
    pub total: usize,
    /// Of those, the articles holding every word of the query (all of them
    /// but in a ranked search of several words).
    pub all_words: usize,
    /// False when `total` is only what was ranked (a similar-articles list).
    pub total_is_exact: bool,
    pub hits: Vec<Hit>,
    /// The query held words but every one of them is a stop word.
    pub only_stop_words: bool,
}

impl Results {
    /// No article, every word required.
    fn empty() -> Results {
        Results {
            mode: Mode::AllWords,
            total: 0,
            all_words: 0,
            total_is_exact: true,
            hits: Vec::new(),
            only_stop_words: false,
        }
    }
}

/// Searches one index; cheap to share between threads.
pub struct Searcher {
    index: Index,
    reader: IndexReader,
    themes: HashMap<String, Node>,
    /// The clusters of reposted texts, read with the index.
    reprises: super::reprises::Clusters,
    /// Whether any text has reprises: searches skip folding when none has.
    folds: bool,
    /// The body's analyzer for snippets, its memo kept from query to query.
    snippets: tantivy::tokenizer::TextAnalyzer,
    /// The sites' names of sources.toml, given to hits.
    names: crate::config::SiteNames,
    /// The languages of the loaded commit's articles (read once per load:
    /// every query asks for them several times).
    languages: std::sync::RwLock<Vec<Language>>,
}

/// Theme queries, parsed; a theme whose query does not parse is reported
/// with its id and line, and the others still work.
pub fn parse_themes(themes: &[Theme], file: &std::path::Path) -> (HashMap<String, Node>, Vec<IndexError>) {
    let mut parsed = HashMap::new();
    let mut errors = Vec::new();
    for theme in themes {
        match query::parse(&theme.query) {
            Ok(node) => {
                parsed.insert(theme.id.clone(), node);
            }
            Err(e) => errors.push(IndexError::Theme {
                file: file.to_path_buf(),
                line: theme.line,
                id: theme.id.clone(),
                message: format!("{e}\n{}", e.pointer(&theme.query)),
            }),
        }
    }
    (parsed, errors)
}

impl Searcher {
    pub fn new(index: Index, themes: HashMap<String, Node>) -> Result<Searcher, IndexError> {
        let reader = index.reader()?;
        let file = index.dir().join(super::CLUSTERS_FILE);
        let reprises = super::reprises::Clusters::load(&file).unwrap_or_else(|e| {
            tracing::warn!("{}: {e}; reprises are not shown", file.display());
            Default::default()
        });
        let folds = !reprises.clusters().is_empty();
        let snippets = analyzer::french_shared_memo();
        let languages = std::sync::RwLock::new(languages_of(&reader.searcher(), index.fields().lang));
        Ok(Searcher {
            index,
            reader,
            themes,
            reprises,
            folds,
            snippets,
            names: Default::default(),
            languages,
        })
    }

    /// Hits show sites by these names (and by the names their articles
    /// carry) instead of their ids.
    pub fn with_site_names(mut self, names: crate::config::SiteNames) -> Searcher {
        self.names = names;
        self
    }

    /// A hit read from its stored document, its sites named.
    fn hit(&self, doc: &TantivyDocument, score: f32, snippet: Option<Snippet>) -> Hit {
        let fields = self.index.fields();
        let mut hit = hit(doc, &fields, score, snippet);
        let carried = first_text(doc, fields.site_name);
        hit.site_name = self.names.display(&hit.site, carried.as_deref()).to_string();
        hit
    }

    /// The clusters of reposted texts.
    pub fn reprises(&self) -> &super::reprises::Clusters {
        &self.reprises
    }

    /// One address per text, in rank order: an address whose text an earlier
    /// one already holds is left out. Gives the page `(offset, limit)` of the
    /// kept addresses and, for each, the other members of its cluster.
    #[allow(clippy::type_complexity)]
    fn fold(
        &self,
        searcher: &tantivy::Searcher,
        addresses: Vec<(f32, DocAddress)>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<(f32, DocAddress)>, Vec<Vec<String>>), IndexError> {
        let mut seen = std::collections::HashSet::new();
        let mut kept = Vec::new();
        let mut others = Vec::new();
        // One `id_key` column per segment, opened once.
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            columns.push(reader.fast_fields().u64("id_key")?);
        }
        for (score, address) in addresses {
            let key = columns[address.segment_ord as usize].first(address.doc_id);
            let cluster = key.and_then(|key| Some((key, self.reprises.cluster_of_key(key)?)));
            let Some((key, (n, members))) = cluster else {
                kept.push((score, address));
                others.push(Vec::new());
                continue;
            };
            if !seen.insert(n) {
                continue;
            }
            kept.push((score, address));
            others.push(members.iter().filter(|id| super::id_key(id) != key).cloned().collect());
        }
        let page = kept.into_iter().skip(offset).take(limit).collect();
        let others = others.into_iter().skip(offset).take(limit).collect();
        Ok((page, others))
    }

    /// The sites of these articles, sorted, without duplicates, read from
    /// the `site` facet column (no stored document is read). Each id is
    /// looked up in each segment's term dictionary: a cluster has a handful
    /// of members, and a term-set query would stream the whole dictionary.
    fn sites_of(&self, searcher: &tantivy::Searcher, ids: &[String]) -> Result<Vec<String>, IndexError> {
        let fields = self.index.fields();
        let mut sites = Vec::new();
        let mut facet = tantivy::schema::Facet::root();
        for segment in searcher.segment_readers() {
            let postings = segment.inverted_index(fields.id)?;
            let mut facets = None;
            for id in ids {
                let term = tantivy::Term::from_field_text(fields.id, id);
                let Some(docs) = postings
                    .read_postings(&term, IndexRecordOption::Basic)
                    .map_err(|e| IndexError::Tantivy(e.into()))?
                else {
                    continue;
                };
                let doc = docs.doc();
                if doc == tantivy::TERMINATED || segment.is_deleted(doc) {
                    continue;
                }
                let reader = match &facets {
                    Some(reader) => reader,
                    None => facets.insert(segment.facet_reader("site")?),
                };
                for ord in reader.facet_ords(doc) {
                    reader.facet_from_ord(ord, &mut facet)?;
                    if let Some(site) = facet.to_path().last() {
                        sites.push(site.to_string());
                    }
                }
            }
        }
        sites.sort();
        sites.dedup();
        Ok(sites)
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Sees the last commit (after `veille index` ran elsewhere).
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader.reload()?;
        let languages = languages_of(&self.reader.searcher(), self.index.fields().lang);
        *self.languages.write().unwrap_or_else(|e| e.into_inner()) = languages;
        Ok(())
    }

    /// The tantivy searcher on the last loaded commit.
    pub(crate) fn reader_searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// A compiler for `node`, its languages weighed by how likely the query
    /// is to be in each (see [`super::query_language`]).
    fn compiler(&self, combine: Combine, node: &Node) -> Compiler<'_> {
        static NONE: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
        let fields = self.index.fields();
        // `langue:en` asks for those articles: the query is then read in
        // the languages asked for, whatever its words look like.
        let mut asked = Vec::new();
        languages_asked(node, &mut asked);
        let present = self.languages();
        let languages = match asked.is_empty() {
            true => present,
            false => present.into_iter().filter(|l| asked.contains(l)).collect(),
        };
        let mut languages = Analysis::of(fields, &languages);
        if languages.len() > 1 {
            let mut words = Vec::new();
            collect_words(node, &mut words);
            let words: Vec<&str> = words.iter().flat_map(|w| analyzer::words(w)).collect();
            super::query_language::weigh(&self.reader.searcher(), &fields, &mut languages, &words);
        }
        Compiler {
            fields,
            languages,
            themes: &self.themes,
            combine,
            corrections: NONE.get_or_init(HashMap::new),
        }
    }

    /// The languages of the archive's articles, French first: those a
    /// query is analysed in.
    pub fn languages(&self) -> Vec<Language> {
        self.languages.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Compiles a query tree; `None` when it searches nothing (empty, or
    /// only stop words).
    pub fn compile(&self, node: &Node, combine: Combine) -> Result<Option<Box<dyn Query>>, IndexError> {
        Ok(self.compiler(combine, node).compile(node)?)
    }

    /// Parses and runs a query as typed.
    pub fn search(&self, text: &str, options: &SearchOptions) -> Result<Results, IndexError> {
        let node = query::parse(text)?;
        let run = |options: &SearchOptions| {
            if is_question(text) {
                self.search_tree(&strip_question_words(&node), true, options)
            } else {
                self.search_node(&node, options)
            }
        };
        if options.all_reprises || !self.folds {
            return run(options);
        }
        // Reprises fold into one hit: ask for more, fold (on ids read from
        // the fast field, before any stored document is read), then take the
        // page; ask for more again while folding left the page short and
        // more articles match (a text reposted on many sites).
        let mut factor = 2;
        loop {
            let wide = SearchOptions {
                limit: (options.offset + options.limit) * factor,
                offset: 0,
                fold_page: Some((options.offset, options.limit)),
                ..options.clone()
            };
            let results = run(&wide)?;
            let more = results.total > wide.limit || !results.total_is_exact;
            if results.hits.len() >= options.limit || !more || factor >= MAX_FOLD_FACTOR {
                return Ok(results);
            }
            // One more run, wide enough for a text reposted many times.
            factor = MAX_FOLD_FACTOR;
        }
    }

    /// Runs a parsed query: every word required, else best matches, else
    /// typo-tolerant matches.
    pub fn search_node(&self, node: &Node, options: &SearchOptions) -> Result<Results, IndexError> {
        self.search_tree(node, false, options)
    }

    /// `question`: the text was typed as a question (see [`is_question`]),
    /// ranked by best matches at once.
    fn search_tree(
        &self,
        node: &Node,
        question: bool,
        options: &SearchOptions,
    ) -> Result<Results, IndexError> {
        let empty = matches!(node, Node::And(items) if items.is_empty());
        let Some(all_words) = self.compile(node, Combine::All)? else {
            if empty {
                // Nothing typed: the whole archive.
                return self.run(&AllQuery, Mode::AllWords, options);
            }
            return Ok(Results { only_stop_words: true, ..Results::empty() });
        };
        let words = count_words(node);
        if words > 1 && (options.sort == Sort::Relevance || question) {
            return self.ranked(node, options);
        }
        let results = self.run(all_words.as_ref(), Mode::AllWords, options)?;
        if results.total > 0 {
            return Ok(results);
        }
        // A word the archive has never seen is most likely mistyped
        // (`enrgie nucléaire`): every word within typo distance says more
        // than the articles that have only the other words.
        let typo_first = words > 1 && self.has_unknown_word(node);
        if typo_first && let Some(results) = self.typo_tolerant(node, options)? {
            return Ok(results);
        }
        if words > 1
            && let Some(any) = self.compile(node, Combine::Ranked)?
        {
            let results = self.run(any.as_ref(), Mode::BestMatches, options)?;
            if results.total > 0 {
                return Ok(results);
            }
        }
        if words > 0
            && !typo_first
            && let Some(results) = self.typo_tolerant(node, options)?
        {
            return Ok(results);
        }
        Ok(results)
    }

    /// A query of several words ranked by relevance (see the module's doc).
    /// A word that no article holds is read as the nearest word the archive
    /// has (fewest typos, then the most common), like a spelling
    /// corrector; one with none near is kept and matches nothing.
    fn ranked(&self, node: &Node, options: &SearchOptions) -> Result<Results, IndexError> {
        let corrections = self.corrections(node)?;
        let mut compiler = self.compiler(Combine::All, node);
        compiler.corrections = &corrections;
        let Some(all_words) = compiler.compile(node)? else { return Ok(Results::empty()) };
        compiler.combine = Combine::Ranked;
        let Some(ranked) = compiler.compile(node)? else { return Ok(Results::empty()) };
        let all = self.reader.searcher().search(all_words.as_ref(), &Count)?;
        let mode = match (corrections.is_empty(), all) {
            (false, _) => Mode::Typo,
            (true, 0) => Mode::BestMatches,
            (true, _) => Mode::AllWords,
        };
        let results =
            self.run_highlighting(ranked.as_ref(), mode, options, None, Some((all_words.as_ref(), all)))?;
        if results.total == 0
            && corrections.is_empty()
            && let Some(results) = self.typo_tolerant(node, options)?
        {
            return Ok(results);
        }
        Ok(results)
    }

    /// The words of the query (their terms) that no article holds, each
    /// with the nearest term the archive has within typo distance.
    fn corrections(&self, node: &Node) -> Result<HashMap<String, String>, IndexError> {
        let searcher = self.reader.searcher();
        let f = self.index.fields();
        let mut words = Vec::new();
        unqualified_words(node, &mut words);
        let mut french = analyzer::french();
        let mut others = self.other_languages();
        let mut corrections = HashMap::new();
        for word in words {
            let distance = usize::from(super::compile::typo_distance(word.chars().count()));
            // A word that articles of another language hold is no typo.
            if others.iter_mut().any(|analyzer| known_word(&searcher, &f, analyzer, word)) {
                continue;
            }
            for (_, term) in analyzer::terms(&mut french, word) {
                let unknown = [f.title, f.subtitle, f.tags, f.body].into_iter().all(|field| {
                    searcher.doc_freq(&Term::from_field_text(field, &term)).is_ok_and(|n| n == 0)
                });
                if !unknown || distance == 0 {
                    continue;
                }
                let nearest = self
                    .near_terms(&searcher, &term, distance)?
                    .into_iter()
                    .min_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
                if let Some((near, _, _)) = nearest {
                    corrections.insert(term, near);
                }
            }
        }
        Ok(corrections)
    }

    /// The body's terms within `distance` edits of `term` (sharing its first
    /// letter, as typos seldom hit it), with their distance and how many
    /// articles hold them.
    fn near_terms(
        &self,
        searcher: &tantivy::Searcher,
        term: &str,
        distance: usize,
    ) -> Result<Vec<(String, usize, u64)>, IndexError> {
        let body = self.index.fields().body;
        let Some(first) = term.chars().next() else { return Ok(Vec::new()) };
        let mut lower = [0u8; 4];
        let lower = first.encode_utf8(&mut lower).as_bytes().to_vec();
        let mut upper = lower.clone();
        *upper.last_mut().expect("a char has a byte") += 1;
        let mut near: HashMap<String, (usize, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(body)?;
            let mut stream = index
                .terms()
                .range()
                .ge(&lower)
                .lt(&upper)
                .into_stream()
                .map_err(|e| IndexError::Tantivy(e.into()))?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else { continue };
                // Another language's term (`en:…`) is no spelling of a French one.
                if candidate.len().abs_diff(term.len()) > distance || candidate.contains(':') {
                    continue;
                }
                let edits = strsim::levenshtein(candidate, term);
                if edits <= distance {
                    let entry = near.entry(candidate.to_string()).or_insert((edits, 0));
                    entry.1 += u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(near.into_iter().map(|(t, (d, n))| (t, d, n)).collect())
    }

    /// Every word required, each within a few typos; `None` when nothing matches.
    fn typo_tolerant(&self, node: &Node, options: &SearchOptions) -> Result<Option<Results>, IndexError> {
        let Some(fuzzy) = self.compile(node, Combine::Fuzzy)? else { return Ok(None) };
        let highlight = if options.snippets { Some(self.typo_terms(node)?) } else { None };
        let results = self.run_highlighting(fuzzy.as_ref(), Mode::Typo, options, highlight, None)?;
        Ok((results.total > 0).then_some(results))
    }

    /// Whether a word of the query (not in a phrase, not given a field) is
    /// in no title, subtitle, tag or body of the archive. Stop words are no
    /// words.
    fn has_unknown_word(&self, node: &Node) -> bool {
        let searcher = self.reader.searcher();
        let f = self.index.fields();
        let mut words = Vec::new();
        unqualified_words(node, &mut words);
        let mut french = analyzer::french();
        let mut others = self.other_languages();
        words.into_iter().any(|word| {
            analyzer::terms(&mut french, word).iter().any(|(_, term)| {
                [f.title, f.subtitle, f.tags, f.body]
                    .into_iter()
                    .all(|field| searcher.doc_freq(&Term::from_field_text(field, term)).is_ok_and(|n| n == 0))
            }) && !others.iter_mut().any(|analyzer| known_word(&searcher, &f, analyzer, word))
        })
    }

    /// The analyzers of the archive's languages other than French.
    fn other_languages(&self) -> Vec<tantivy::tokenizer::TextAnalyzer> {
        let languages = self.languages().into_iter().filter(|l| *l != Language::French);
        languages.map(analyzer::of_language).collect()
    }

    /// The index words within typo distance of the words typed, to
    /// highlight typo-tolerant hits (tantivy's fuzzy query does not name
    /// the terms it matched).
    fn typo_terms(&self, node: &Node) -> Result<BTreeMap<String, f32>, IndexError> {
        let searcher = self.reader.searcher();
        let mut words = Vec::new();
        collect_words(node, &mut words);
        let mut french = analyzer::french();
        let typed = words.iter().flat_map(|word| {
            let distance = usize::from(super::compile::typo_distance(word.chars().count()));
            analyzer::terms(&mut french, word).into_iter().map(move |(_, term)| (term, distance))
        });
        let typed: Vec<(String, usize)> = typed.collect();
        let mut terms = BTreeMap::new();
        for (term, distance) in typed {
            for (near, _, _) in self.near_terms(&searcher, &term, distance)? {
                terms.insert(near, 1.0);
            }
        }
        Ok(terms)
    }

    /// Number of articles matching a tree (all words required).
    pub fn count(&self, node: &Node) -> Result<usize, IndexError> {
        match self.compile(node, Combine::All)? {
            Some(query) => Ok(self.reader.searcher().search(query.as_ref(), &Count)?),
            None => Ok(0),
        }
    }

    fn run(&self, query: &dyn Query, mode: Mode, options: &SearchOptions) -> Result<Results, IndexError> {
        self.run_highlighting(query, mode, options, None, None)
    }

    /// Runs a query; snippets highlight `terms` when given, else the query's
    /// own terms. `all_words`: for a ranked query, the query of the articles
    /// holding every word and how many they are, to mark the other hits
    /// partial.
    fn run_highlighting(
        &self,
        query: &dyn Query,
        mode: Mode,
        options: &SearchOptions,
        terms: Option<BTreeMap<String, f32>>,
        all_words: Option<(&dyn Query, usize)>,
    ) -> Result<Results, IndexError> {
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(options.limit.max(1)).and_offset(options.offset);
        // Counting every match of a ranked query would defeat the skipping
        // that keeps it fast (see `ranked`): its total is what was ranked,
        // exact only when the page is not full.
        let mut exact = true;
        let (total, addresses): (usize, Vec<(f32, DocAddress)>) = match options.sort {
            Sort::Relevance if all_words.is_some() => {
                let top = searcher.search(query, &top)?;
                exact = top.len() < options.limit.max(1);
                (options.offset + top.len(), top)
            }
            Sort::Relevance => searcher.search(query, &(Count, top))?,
            Sort::Date => {
                let (total, dated) = searcher.search(
                    query,
                    &(Count, top.order_by_fast_field::<tantivy::DateTime>("published", Order::Desc)),
                )?;
                (total, dated.into_iter().map(|(_, address)| (0.0, address)).collect())
            }
        };
        let fields = self.index.fields();
        let snippet_terms = match (options.snippets, terms) {
            (false, _) => None,
            (true, Some(terms)) => Some(terms),
            (true, None) => Some(snippet_terms(&searcher, query, fields.body)?),
        };
        // One generator per language of the hits: a body is read with its
        // language's analyzer, so that its words meet the query's terms.
        let mut generators: HashMap<Language, SnippetGenerator> = HashMap::new();
        let mut hits = Vec::with_capacity(addresses.len());
        let (addresses, folds) = match options.fold_page {
            Some((offset, limit)) => self.fold(&searcher, addresses, offset, limit)?,
            None => (addresses.into_iter().take(options.limit).collect(), Vec::new()),
        };
        let partial = match all_words {
            Some((all, count)) if !exact || count < total => self.partial(&searcher, all, &addresses)?,
            _ => Vec::new(),
        };
        for (n, (score, address)) in addresses.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(address)?;
            let snippet = snippet_terms.as_ref().map(|terms| {
                let language = first_text(&doc, fields.lang)
                    .and_then(|code| Language::from_code(&code))
                    .unwrap_or(Language::French);
                let generator = generators.entry(language).or_insert_with(|| {
                    let analyzer = match language {
                        Language::French => self.snippets.clone(),
                        other => analyzer::of_language(other),
                    };
                    SnippetGenerator::new(terms.clone(), analyzer, fields.body, options.snippet_chars)
                });
                snippet(generator, &doc, &fields, options.snippet_chars)
            });
            let mut hit = self.hit(&doc, score, snippet);
            hit.partial = partial.contains(&address);
            if let Some(others) = folds.get(n).filter(|o| !o.is_empty()) {
                hit.reprises = others.len();
                hit.also_on = self.sites_of(&searcher, others)?;
                hit.also_on_names =
                    hit.also_on.iter().map(|id| self.names.display(id, None).to_string()).collect();
            }
            hits.push(hit);
        }
        let all_words = match (all_words, mode) {
            (Some((_, count)), _) => count,
            (None, Mode::AllWords) => total,
            (None, _) => 0,
        };
        Ok(Results { mode, total, all_words, total_is_exact: exact, hits, only_stop_words: false })
    }

    /// The addresses of those that do not match `all_words` (each segment's
    /// scorer made once, and walked forward).
    fn partial(
        &self,
        searcher: &tantivy::Searcher,
        all_words: &dyn Query,
        addresses: &[(f32, DocAddress)],
    ) -> Result<Vec<DocAddress>, IndexError> {
        let weight = all_words.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
        let mut sorted: Vec<DocAddress> = addresses.iter().map(|(_, a)| *a).collect();
        sorted.sort();
        let mut partial = Vec::new();
        let mut scorer: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
        for address in sorted {
            let fresh = !matches!(&scorer, Some((segment, _)) if *segment == address.segment_ord);
            if fresh {
                let reader = searcher.segment_reader(address.segment_ord);
                scorer = Some((address.segment_ord, weight.scorer(reader, 1.0)?));
            }
            let (_, docs) = scorer.as_mut().expect("made above");
            let doc = if docs.doc() < address.doc_id { docs.seek(address.doc_id) } else { docs.doc() };
            if doc != address.doc_id {
                partial.push(address);
            }
        }
        Ok(partial)
    }

    /// The articles with these ids, in the order given (ids not in the index are left out).
    /// Every label of the collective that an article carries, sorted: what
    /// the interface completes.
    pub fn labels(&self) -> Result<Vec<String>, IndexError> {
        let searcher = self.reader_searcher();
        let field = self.index().fields().labels;
        let mut labels = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted
                .terms()
                .stream()
                .map_err(|source| IndexError::Io { path: self.index().dir().to_path_buf(), source })?;
            while terms.advance() {
                let term = tantivy::Term::from_field_text(field, &String::from_utf8_lossy(terms.key()));
                // A label removed since keeps its term until segments merge.
                if searcher.doc_freq(&term)? > 0 {
                    labels.insert(String::from_utf8_lossy(terms.key()).into_owned());
                }
            }
        }
        Ok(labels.into_iter().collect())
    }

    pub fn by_ids(&self, ids: &[String]) -> Result<Vec<Hit>, IndexError> {
        use tantivy::collector::DocSetCollector;
        let fields = self.index.fields();
        let searcher = self.reader.searcher();
        let terms = ids.iter().map(|id| tantivy::Term::from_field_text(fields.id, id));
        let query = tantivy::query::TermSetQuery::new(terms);
        let mut found = HashMap::new();
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let hit = self.hit(&doc, 0.0, None);
            found.insert(hit.id.clone(), hit);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Articles most like the one with `id` (more-like-this on its words).
    pub fn similar(&self, id: &str, limit: usize) -> Result<Option<Results>, IndexError> {
        let searcher = self.reader.searcher();
        let fields = self.index.fields();
        let term = tantivy::Term::from_field_text(fields.id, id);
        let found = searcher.search(
            &tantivy::query::TermQuery::new(term.clone(), tantivy::schema::IndexRecordOption::Basic),
            &TopDocs::with_limit(1),
        )?;
        let Some((_, address)) = found.first() else { return Ok(None) };
        let query = tantivy::query::MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_min_term_frequency(2)
            .with_max_query_terms(40)
            .with_min_word_length(3)
            .with_document(*address);
        let exclude = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let query = tantivy::query::BooleanQuery::new(vec![
            (tantivy::query::Occur::Must, Box::new(query)),
            (tantivy::query::Occur::MustNot, Box::new(exclude)),
        ]);
        let options = SearchOptions { limit, snippets: false, ..SearchOptions::default() };
        let mut results = self.run(&query, Mode::BestMatches, &options)?;
        // Every article shares some word with this one: only the ranked ones are told.
        results.total = results.hits.len();
        results.total_is_exact = false;
        Ok(Some(results))
    }
}

/// How many times a page's length a folded search may ask for, at most.
const MAX_FOLD_FACTOR: usize = 16;

/// Words that make a question and say nothing of its subject.
const QUESTION_WORDS: [&str; 16] = [
    "comment",
    "pourquoi",
    "quand",
    "combien",
    "où",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "quoi",
    "peut-on",
    "doit-on",
    "faut-il",
    "qu'est-ce",
    "qu’est-ce",
    "est-ce",
];

/// A query typed as a question (`Comment obtenir un passeport ?`): ends
/// with a question mark or opens with a question word. Questions are ranked
/// by best matches at once: nobody expects every word of a sentence to be
/// in the answer.
pub fn is_question(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with('?') {
        return true;
    }
    let first = text.split_whitespace().next().unwrap_or_default().to_lowercase();
    QUESTION_WORDS.contains(&first.as_str())
}

/// The query without its question words, at top level.
fn strip_question_words(node: &Node) -> Node {
    let is_question_word = |n: &Node| {
        matches!(n, Node::Word { text, field: None, .. }
            if QUESTION_WORDS.contains(&text.to_lowercase().trim_end_matches('?')))
    };
    match node {
        Node::And(items) => Node::And(items.iter().filter(|n| !is_question_word(n)).cloned().collect()),
        other => other.clone(),
    }
}

/// The analysed terms of the words a query searches for (not the negated
/// ones, not filters), in each of `languages`: what a reader highlights in
/// an article (read with its own language's analyzer).
pub fn query_terms(text: &str, languages: &[Language]) -> Vec<String> {
    let Ok(node) = query::parse(text) else { return Vec::new() };
    let mut words = Vec::new();
    collect_words(&node, &mut words);
    let mut terms: Vec<String> = Vec::new();
    for &language in if languages.is_empty() { &[Language::French][..] } else { languages } {
        let mut analyzer = super::analyzer::of_language(language);
        terms.extend(words.iter().flat_map(|w| super::analyzer::terms(&mut analyzer, w)).map(|(_, t)| t));
    }
    terms.sort();
    terms.dedup();
    terms
}

/// Whether every term `word` gives with `analyzer` is in some title,
/// subtitle, tag or body (a stop word, which gives none, is not known).
fn known_word(
    searcher: &tantivy::Searcher,
    f: &Fields,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    word: &str,
) -> bool {
    let terms = analyzer::terms(analyzer, word);
    !terms.is_empty()
        && terms.iter().all(|(_, term)| {
            [f.title, f.subtitle, f.tags, f.body]
                .into_iter()
                .any(|field| searcher.doc_freq(&Term::from_field_text(field, term)).is_ok_and(|n| n > 0))
        })
}

/// The languages of the articles a searcher sees (the terms of the `lang`
/// field; a handful per segment), in [`Language`]'s order: French first.
fn languages_of(searcher: &tantivy::Searcher, field: tantivy::schema::Field) -> Vec<Language> {
    let mut found = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().stream() else { continue };
        while stream.advance() {
            if let Some(language) = std::str::from_utf8(stream.key()).ok().and_then(Language::from_code) {
                found.insert(language);
            }
        }
    }
    found.into_iter().collect()
}

/// The languages a query asks for with `langue:` (not negated).
fn languages_asked(node: &Node, out: &mut Vec<Language>) {
    match node {
        Node::Lang(language) => out.push(*language),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| languages_asked(n, out)),
        _ => {}
    }
}

/// The plain words typed (not negated, not in themes).
fn collect_words(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::Word { text, .. } | Node::Phrase { text, .. } => out.push(text.clone()),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| collect_words(n, out)),
        _ => {}
    }
}

/// Words searched in every text field, not inside a phrase, a negation or a theme.
fn unqualified_words<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match node {
        Node::Word { text, field: None, .. } => out.push(text),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| unqualified_words(n, out)),
        _ => {}
    }
}

/// Words and phrases that are not inside a negation or a theme.
fn count_words(node: &Node) -> usize {
    match node {
        Node::Word { .. } | Node::Phrase { .. } => 1,
        Node::And(items) | Node::Or(items) => items.iter().map(count_words).sum(),
        _ => 0,
    }
}

pub(crate) fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string)
}

fn all_texts(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field).filter_map(|v| v.as_str()).map(str::to_string).collect()
}

fn facet_value(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    match doc.get_first(field).map(OwnedValue::from) {
        Some(OwnedValue::Facet(facet)) => facet.to_path().last().map(|s| s.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn hit(doc: &TantivyDocument, fields: &Fields, score: f32, snippet: Option<Snippet>) -> Hit {
    let published = doc.get_first(fields.published).and_then(|v| v.as_datetime()).and_then(|d| {
        chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0).map(|t| t.date_naive().to_string())
    });
    Hit {
        id: first_text(doc, fields.id).unwrap_or_default(),
        title: first_text(doc, fields.title).unwrap_or_default(),
        subtitle: first_text(doc, fields.subtitle),
        site: facet_value(doc, fields.site),
        site_name: String::new(),
        kind: facet_value(doc, fields.kind),
        lang: first_text(doc, fields.lang).unwrap_or_default(),
        authors: all_texts(doc, fields.authors),
        published,
        url: first_text(doc, fields.url),
        path: first_text(doc, fields.path).unwrap_or_default(),
        score,
        snippet,
        also_on: Vec::new(),
        also_on_names: Vec::new(),
        reprises: 0,
        partial: false,
        labels: all_texts(doc, fields.labels),
        note: first_text(doc, fields.note),
        read: doc.get_first(fields.read).and_then(|v| v.as_u64()) == Some(1),
    }
}

/// The words of `query` in `field` that some article holds, each weighed
/// by its rarity: what [`SnippetGenerator::create`] computes, which cannot
/// be given an analyzer of our own.
fn snippet_terms(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
) -> Result<BTreeMap<String, f32>, IndexError> {
    let mut terms = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weighed = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_string) else { continue };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            weighed.insert(text, 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(weighed)
}

/// The snippet of a hit, on one line, highlights in characters; the start of
/// the body when the match is elsewhere (title, tags).
fn snippet(
    generator: &SnippetGenerator,
    doc: &TantivyDocument,
    fields: &Fields,
    max_chars: usize,
) -> Snippet {
    let found = generator.snippet_from_doc(doc);
    if !found.is_empty() && !found.highlighted().is_empty() {
        let mut snippet = one_line(found.fragment(), found.highlighted());
        if let Some(pages) = first_text(doc, fields.pages) {
            let pages: Vec<(usize, u32)> = pages
                .split_whitespace()
                .filter_map(|p| p.split_once(':'))
                .filter_map(|(at, page)| Some((at.parse().ok()?, page.parse().ok()?)))
                .collect();
            let body = first_text(doc, fields.body).unwrap_or_default();
            let at =
                body.find(found.fragment()).unwrap_or(0) + found.highlighted().first().map_or(0, |r| r.start);
            snippet.page = crate::corpus::text::page_at(&pages, at);
        }
        return snippet;
    }
    let body = first_text(doc, fields.body).unwrap_or_default();
    let mut end = body.len().min(max_chars * 4);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let mut start_text: String = body[..end].chars().take(max_chars).collect();
    if start_text.chars().count() == max_chars {
        if let Some(cut) = start_text.rfind(char::is_whitespace) {
            start_text.truncate(cut);
        }
        start_text.push('…');
    }
    one_line(&start_text, &[])
}

/// Collapses runs of whitespace to one space and turns byte ranges into
/// character ranges of the result.
fn one_line(text: &str, ranges: &[std::ops::Range<usize>]) -> Snippet {
    let mut out = String::with_capacity(text.len());
    let mut char_at_byte = vec![0usize; text.len() + 1];
    let mut chars = 0usize;
    let mut space = false;
    for (i, c) in text.char_indices() {
        char_at_byte[i] = chars;
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            chars += 1;
            space = false;
            char_at_byte[i] = chars;
        }
        out.push(c);
        chars += 1;
    }
    char_at_byte[text.len()] = chars;
    let highlights = ranges
        .iter()
        .filter(|r| r.end <= text.len() && r.start < r.end)
        .map(|r| (char_at_byte[r.start], char_at_byte[r.end].max(char_at_byte[r.start])))
        .collect();
    Snippet { text: out, highlights, page: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_keeps_highlights_on_their_words() {
        let text = "l’eau\n\n  des  nappes";
        let start = text.find("nappes").unwrap();
        let nappes = std::ops::Range { start, end: start + "nappes".len() };
        let s = one_line(text, std::slice::from_ref(&nappes));
        assert_eq!(s.text, "l’eau des nappes");
        let (a, b) = s.highlights[0];
        assert_eq!(s.text.chars().skip(a).take(b - a).collect::<String>(), "nappes");
    }
}
