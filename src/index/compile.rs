//! From a parsed query to a tantivy query.
//!
//! Words are analysed with the index's own analyzers, once for each
//! language the archive holds (an article's terms are its language's: see
//! [`super::analyzer`]), so that each article is matched in its own language
//! and all are ranked together; they are searched in the
//! title, subtitle, lead, tags, authors and body at once, each word scored
//! as one bag of words over its fields (BM25F, see [`super::bm25f`]). The
//! same tree compiles three ways: every word required (what filters, counts
//! and date-sorted lists use); ranked (any word matches, the scores add up,
//! and two words of the query found next to each other in an article add a
//! little more); and typo-tolerant (fuzzy terms, every word required).

use std::collections::HashMap;
use std::ops::Bound;

use chrono::NaiveDate;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Term};

use super::Fields;
use super::analyzer;
use super::bm25f::{FieldsTermQuery, Group};
use super::query::{Node, QueryError, TextField};
use super::query_language::MIN_WEIGHT;
use super::ranked::{BoundedQuery, RankedQuery};
use crate::language::Language;

/// How plain words combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every word must match.
    All,
    /// At least one word must match; scores of the words add up, and words
    /// of the query that follow each other in the article add more.
    Ranked,
    /// Like `All`, each word matched within a few typos.
    Fuzzy,
}

/// Field weights, BM25F's `w_f`: a word in the title counts as three in
/// the body before saturation. Under BM25F the title's weight moves little
/// (1, 2 and 3 score within 0.003 nDCG@10 of each other on each of six
/// collections: see benches/relevance), the weights of the first version
/// are kept.
const TITLE_BOOST: f32 = 3.0;
const SUBTITLE_BOOST: f32 = 2.0;
const TAGS_BOOST: f32 = 1.5;
const AUTHORS_BOOST: f32 = 1.0;
const BODY_BOOST: f32 = 1.0;
/// The lead (first sentences of the body) counts once more, lightly: texts
/// say what they are about first (news ledes, definitions, chapôs). Without
/// it, nDCG@10 drops on three collections of six (by up to 0.016) and moves
/// by less than 0.001 on the others.
const LEAD_BOOST: f32 = 0.4;
/// Weight of two query words found in order, at most one word apart, in
/// the body (stop words leave a gap): the ordered-window feature of
/// Metzler and Croft's sequential dependence model, with its usual weight
/// (about a tenth of the words' own). It raised nDCG@10 on all six
/// collections (by 0.001 to 0.010).
const PAIR_BOOST: f32 = 0.1;
/// Words allowed between two query words for them to count as a pair.
const PAIR_SLOP: u32 = 1;
/// Pairs of a query, at most (the first ones): each costs a read of word
/// positions in the articles near the top, and a longer query (pasted text)
/// is found by its words. Questions and headlines have fewer.
const MAX_PAIRS: usize = 12;

/// Deepest chain of themes referring to themes.
const MAX_THEME_DEPTH: usize = 4;

/// A language of the archive and its analyzers.
pub struct Analysis {
    pub language: Language,
    pub text: TextAnalyzer,
    pub names: TextAnalyzer,
    /// The term of the articles in this language (`lang:en`), whose number
    /// is the word counts' population when the archive has several
    /// languages; `None` when it has one.
    pub population: Option<Term>,
    /// How likely the query is to be in this language, relative to the
    /// likeliest (see [`super::query_language`]): its branch's weight.
    pub weight: f32,
}

impl Analysis {
    /// The analyses of `languages` (French when there is none).
    pub fn of(fields: Fields, languages: &[Language]) -> Vec<Analysis> {
        let languages = if languages.is_empty() { &[Language::French][..] } else { languages };
        let several = languages.len() > 1;
        languages
            .iter()
            .map(|&language| Analysis {
                language,
                text: analyzer::of_language(language),
                names: analyzer::names_of(language),
                population: several.then(|| Term::from_field_text(fields.lang, language.code())),
                weight: 1.0,
            })
            .collect()
    }
}

pub struct Compiler<'a> {
    pub fields: Fields,
    /// The languages of the archive, French first when it has French.
    pub languages: Vec<Analysis>,
    pub themes: &'a HashMap<String, Node>,
    pub combine: Combine,
    /// Terms no article holds, each read as the archive's nearest term.
    pub corrections: &'a HashMap<String, String>,
}

type Q = Box<dyn Query>;

fn boost(query: Q, factor: f32) -> Q {
    if (factor - 1.0).abs() < f32::EPSILON { query } else { Box::new(BoostQuery::new(query, factor)) }
}

fn any_of(queries: Vec<Q>) -> Option<Q> {
    match queries.len() {
        0 => None,
        1 => queries.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))),
    }
}

fn date_term(field: Field, day: NaiveDate) -> Term {
    let secs = day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
    Term::from_field_date_for_search(field, DateTime::from_timestamp_secs(secs))
}

/// A ranked query's compound words (`data-center`, `bio-informatique`,
/// `Marie-Galante`) as the words they join: each is a word of the query and
/// the two stand together as a pair, so that an article holding them apart
/// or in another form still matches (quoted phrases stay phrases).
fn split_compounds(items: &[Node]) -> Vec<Node> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Node::Word { text, field: None, span } => {
                let words = analyzer::words(text);
                if words.len() > 1 {
                    out.extend(words.into_iter().map(|w| Node::Word {
                        text: w.to_string(),
                        field: None,
                        span: span.clone(),
                    }));
                    continue;
                }
                out.push(item.clone());
            }
            _ => out.push(item.clone()),
        }
    }
    out
}

/// Edit distance allowed, between stems, for a typed word of `len` characters.
pub(crate) fn typo_distance(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

impl Compiler<'_> {
    /// The query for `node`; `None` when it holds no searchable term (only
    /// stop words, say).
    pub fn compile(&mut self, node: &Node) -> Result<Option<Q>, QueryError> {
        self.node(node, 0)
    }

    fn node(&mut self, node: &Node, depth: usize) -> Result<Option<Q>, QueryError> {
        Ok(match node {
            // A word that analyses to several terms (`data-center`) is a phrase too.
            Node::Word { text, field, .. } | Node::Phrase { text, field, .. } => self.text(text, *field),
            Node::Site(site) => Some(self.facet(self.fields.site, site)),
            Node::Kind(kind) => Some(self.facet(self.fields.kind, kind.as_str())),
            Node::Label(label) => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.labels, label),
                IndexRecordOption::Basic,
            ))),
            Node::Lang(language) => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.lang, language.code()),
                IndexRecordOption::Basic,
            ))),
            Node::Read(read) => Some(Box::new(TermQuery::new(
                Term::from_field_u64(self.fields.read, u64::from(*read)),
                IndexRecordOption::Basic,
            ))),
            Node::Theme { id, span } => {
                let Some(theme) = self.themes.get(id) else {
                    let mut known: Vec<_> = self.themes.keys().cloned().collect();
                    known.sort();
                    return Err(QueryError {
                        message: format!("no theme {id:?} (themes: {})", known.join(", ")),
                        span: span.clone(),
                    });
                };
                if depth >= MAX_THEME_DEPTH {
                    return Err(QueryError {
                        message: format!("theme {id:?} refers to themes too deeply (a cycle?)"),
                        span: span.clone(),
                    });
                }
                // A theme is a filter: its own words are never ranked.
                let theme = theme.clone();
                let saved = self.combine;
                self.combine = if saved == Combine::Ranked { Combine::All } else { saved };
                let compiled = self.node(&theme, depth + 1);
                self.combine = saved;
                compiled?
            }
            Node::Published { from, to } => {
                let lower =
                    from.map_or(Bound::Unbounded, |d| Bound::Included(date_term(self.fields.published, d)));
                let upper =
                    to.map_or(Bound::Unbounded, |d| Bound::Excluded(date_term(self.fields.published, d)));
                Some(Box::new(RangeQuery::new(lower, upper)))
            }
            Node::Not(inner) => self.node(inner, depth)?.map(|q| -> Q {
                Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery)), (Occur::MustNot, q)]))
            }),
            Node::Or(branches) => {
                let mut queries = Vec::new();
                for branch in branches {
                    if let Some(q) = self.node(branch, depth)? {
                        queries.push(q);
                    }
                }
                any_of(queries)
            }
            Node::And(items) => self.and(items, depth)?,
        })
    }

    fn and(&mut self, items: &[Node], depth: usize) -> Result<Option<Q>, QueryError> {
        let split;
        let items = if self.combine == Combine::Ranked {
            split = split_compounds(items);
            &split[..]
        } else {
            items
        };
        let mut clauses: Vec<(Occur, Q)> = Vec::new();
        let mut words: Vec<Q> = Vec::new();
        for item in items {
            match item {
                Node::Not(inner) => {
                    if let Some(q) = self.node(inner, depth)? {
                        clauses.push((Occur::MustNot, q));
                    }
                }
                _ if item.is_text() && self.combine == Combine::Ranked => {
                    if let Some(q) = self.node(item, depth)? {
                        words.push(q);
                    }
                }
                _ => {
                    if let Some(q) = self.node(item, depth)? {
                        clauses.push((Occur::Must, q));
                    }
                }
            }
        }
        if words.len() > 1 {
            // Ranked: the words, and the pairs they make, add up.
            words.extend(self.pairs(items));
            clauses.push((Occur::Must, Box::new(RankedQuery::new(words))));
        } else if let Some(word) = words.pop() {
            clauses.push((Occur::Must, word));
        }
        if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            if clauses.is_empty() {
                return Ok(None);
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        if clauses.len() == 1 && clauses[0].0 == Occur::Must {
            return Ok(clauses.pop().map(|(_, q)| q));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// Each two plain words next to each other in the query, as a phrase
    /// of the body that allows one word between them, weighed
    /// [`PAIR_BOOST`]: articles where the words of the query stand together
    /// rank above those where they are scattered.
    fn pairs(&mut self, items: &[Node]) -> Vec<Q> {
        let body = self.fields.body;
        let mut pairs = Vec::new();
        for analysis in &mut self.languages {
            if analysis.weight < MIN_WEIGHT {
                continue;
            }
            let boost = PAIR_BOOST * analysis.weight;
            let single: Vec<Option<String>> = items
                .iter()
                .filter_map(|item| match item {
                    Node::Word { text, field: None, .. } => {
                        let mut terms = analyzer::terms(&mut analysis.text, text);
                        // A stop word leaves no term, and no break between its neighbours.
                        match terms.len() {
                            0 => None,
                            1 => Some(
                                terms
                                    .pop()
                                    .map(|(_, term)| self.corrections.get(&term).cloned().unwrap_or(term)),
                            ),
                            _ => Some(None),
                        }
                    }
                    _ => Some(None),
                })
                .collect();
            for pair in single.windows(2).take(MAX_PAIRS) {
                if let [Some(first), Some(second)] = pair
                    && first != second
                {
                    let (first, second) =
                        (Term::from_field_text(body, first), Term::from_field_text(body, second));
                    pairs.push(Box::new(BoundedQuery::pair(first, second, PAIR_SLOP, boost)) as Q);
                }
            }
        }
        pairs
    }

    fn facet(&self, field: Field, value: &str) -> Q {
        let term = Term::from_facet(field, &Facet::from_path([value]));
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// A word or phrase in the fields it may be found in, in each language
    /// of the archive.
    fn text(&mut self, text: &str, field: Option<TextField>) -> Option<Q> {
        let f = self.fields;
        let targets: Vec<(Field, f32, bool)> = match field {
            None => vec![
                (f.title, TITLE_BOOST, false),
                (f.subtitle, SUBTITLE_BOOST, false),
                (f.lead, LEAD_BOOST, false),
                (f.tags, TAGS_BOOST, false),
                (f.authors, AUTHORS_BOOST, true),
                (f.body, BODY_BOOST, false),
            ],
            Some(TextField::Title) => {
                vec![(f.title, TITLE_BOOST, false), (f.subtitle, SUBTITLE_BOOST, false)]
            }
            Some(TextField::Author) => vec![(f.authors, 1.0, true)],
            Some(TextField::Tag) => vec![(f.tags, 1.0, false)],
            Some(TextField::Note) => vec![(f.note, 1.0, false)],
        };
        let (combine, corrections) = (self.combine, self.corrections);
        // The collective's notes are written in the archive's language,
        // French, whatever the article's: read in French alone, over every
        // article, whatever the query's words look like.
        let mut french_alone;
        let analyses: &mut [Analysis] = if field == Some(TextField::Note) {
            french_alone = Analysis::of(f, &[Language::French]);
            &mut french_alone
        } else {
            &mut self.languages
        };
        let mut groups = Vec::new();
        let mut per_field = Vec::new();
        let mut bound = Vec::new();
        let mut single_everywhere = combine != Combine::Fuzzy;
        for analysis in analyses.iter_mut() {
            if analysis.weight < MIN_WEIGHT {
                continue;
            }
            let weight_of_language = analysis.weight;
            // A stop word (`des`, `la`) is no search term, not even in names.
            if field.is_none() && analyzer::terms(&mut analysis.text, text).is_empty() {
                continue;
            }
            let mut single = Vec::new();
            let mut phrases = Vec::new();
            for &(field, weight, names) in &targets {
                let analyzer = if names { &mut analysis.names } else { &mut analysis.text };
                let mut terms = analyzer::terms(analyzer, text);
                if terms.len() == 1 {
                    let term = terms.pop().expect("one").1;
                    let term = corrections.get(&term).cloned().unwrap_or(term);
                    terms.push((0, term));
                } else if terms.len() > 1 {
                    single_everywhere = false;
                }
                bound.extend(terms.iter().map(|(_, t)| (Term::from_field_text(field, t), weight)));
                if terms.len() == 1 {
                    single.push((Term::from_field_text(field, &terms[0].1), weight));
                }
                if let Some(q) = terms_query(combine, field, terms, text.chars().count()) {
                    phrases.push(boost(q, weight * weight_of_language));
                }
            }
            if let Some(query) = any_of(phrases) {
                // A typo-tolerant term of one language must not wander into
                // another's (`en:center` is one edit from `es:center`).
                let query = match (&analysis.population, analysis.language, combine) {
                    (Some(population), language, Combine::Fuzzy) if language != Language::French => {
                        let filter = Box::new(TermQuery::new(population.clone(), IndexRecordOption::Basic));
                        Box::new(BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, filter as Q)]))
                            as Q
                    }
                    _ => query,
                };
                per_field.push(query);
            }
            if !single.is_empty() {
                groups.push(Group {
                    terms: single,
                    population: analysis.population.clone(),
                    weight: weight_of_language,
                });
            }
        }
        if single_everywhere && !groups.is_empty() {
            // A word that is one term in every field: one BM25F score.
            return Some(Box::new(FieldsTermQuery::new(groups)));
        }
        // Phrases and typo-tolerant words: a query per field, weighed.
        let query = any_of(per_field)?;
        // What a ranked search needs to skip articles (a fuzzy term's is unknown).
        Some(if self.combine == Combine::Fuzzy { query } else { Box::new(BoundedQuery::new(query, bound)) })
    }
}

/// Terms of one field: a term, a phrase when the text gave several
/// (`data-center`, `"effet rebond"`), or fuzzy terms in typo mode.
fn terms_query(combine: Combine, field: Field, terms: Vec<(usize, String)>, typed_len: usize) -> Option<Q> {
    match terms.len() {
        0 => None,
        1 => {
            let term = Term::from_field_text(field, &terms[0].1);
            if combine == Combine::Fuzzy {
                // The typed length decides: stems are shorter than what people type.
                let distance = typo_distance(typed_len);
                if distance > 0 {
                    return Some(Box::new(FuzzyTermQuery::new(term, distance, true)));
                }
            }
            Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
        }
        _ => {
            let first = terms[0].0;
            let terms =
                terms.into_iter().map(|(pos, t)| (pos - first, Term::from_field_text(field, &t))).collect();
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    }
}
