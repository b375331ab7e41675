//! BM25F: one word searched in several fields, scored as one bag of words.
//!
//! Summing a BM25 score per field (what a boolean query of boosted term
//! queries does) lets a word found in the title *and* the body count twice
//! before saturation, and gives a title word the rarity of the word among
//! titles, not among articles: a title shared by a whole series ("Revue de
//! presse", an encyclopedia article cut into passages) then outweighs what
//! the passages say. BM25F (Robertson, Zaragoza & Taylor, "Simple BM25
//! extension to multiple weighted fields", CIKM 2004; Zaragoza et al.,
//! TREC 2004) instead weighs and length-normalises each field's frequency,
//! adds them into one pseudo-frequency, and saturates that once, with one
//! rarity for the word in the article as a whole:
//!
//! ```text
//! tf~ = Σ_f w_f · tf_f / (1 − b + b · len_f / avglen_f)
//! score = idf · (k1 + 1) · tf~ / (k1 + tf~)
//! ```
//!
//! Lucene's `CombinedFieldQuery` (Elasticsearch's `combined_fields`) is the
//! same model with one length for all fields; like it, the word's document
//! frequency is its largest over the fields (the lead is part of the body,
//! titles are short: the body's count is nearly always that largest). The
//! constants `k1` and `b` are BM25's usual ones, tantivy's own.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Term-frequency saturation (BM25's usual value, tantivy's and Lucene's).
pub(crate) const K1: Score = 1.2;
/// Length normalisation (BM25's usual value, tantivy's and Lucene's).
const B: Score = 0.75;

/// One word's terms in one language: the word in each field (as the
/// field's analyzer of that language reads it: names are not stemmed) with
/// the field's weight.
#[derive(Clone, Debug)]
pub struct Group {
    pub terms: Vec<(Term, Score)>,
    /// The term every article of the language holds (`lang:en`): the word's
    /// rarity is counted among them. `None`: among all articles (an archive
    /// in one language).
    pub population: Option<Term>,
    /// The weight of the group's language for the query (1 in an archive of one language).
    pub weight: Score,
}

impl Group {
    /// The word's rarity among the articles of its language: BM25's
    /// `ln(1 + (N − n + 0.5) / (n + 0.5))` with `n` its largest document
    /// frequency over the fields and `N` the number of those articles.
    fn idf(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Score> {
        let docs = match &self.population {
            Some(term) => stats.doc_freq(term)?,
            None => stats.total_num_docs()?,
        }
        .max(1);
        let mut doc_freq = 0;
        for (term, _) in &self.terms {
            doc_freq = doc_freq.max(stats.doc_freq(term)?);
        }
        let doc_freq = doc_freq.min(docs);
        Ok((((docs - doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5)).ln_1p())
    }
}

/// One word in several fields, each with its weight, in one or several
/// languages. An article holds the terms of its own language only, so its
/// score is its language's group's: languages do not add up.
#[derive(Clone, Debug)]
pub struct FieldsTermQuery {
    groups: Vec<Group>,
}

impl FieldsTermQuery {
    pub fn new(groups: Vec<Group>) -> FieldsTermQuery {
        FieldsTermQuery { groups }
    }

    /// The most the word adds to an article's score (its pseudo-frequency
    /// growing without end): what lets a ranked search skip articles.
    pub fn max_score(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Score> {
        let mut max: Score = 0.0;
        for group in &self.groups {
            max = max.max(group.weight * group.idf(stats)? * (K1 + 1.0));
        }
        Ok(max)
    }
}

impl Query for FieldsTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut groups = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let mut fields = Vec::with_capacity(group.terms.len());
            let mut idf = 1.0;
            if let EnableScoring::Enabled { statistics_provider: stats, .. } = scoring {
                let docs = stats.total_num_docs()?.max(1);
                for (term, weight) in &group.terms {
                    let average = stats.total_num_tokens(term.field())? as Score / docs as Score;
                    fields.push(FieldWeight { term: term.clone(), weight: *weight, norms: norms(average) });
                }
                idf = group.weight * group.idf(stats)?;
            } else {
                for (term, weight) in &group.terms {
                    fields.push(FieldWeight { term: term.clone(), weight: *weight, norms: [1.0; 256] });
                }
            }
            groups.push(GroupWeight { fields, idf });
        }
        Ok(Box::new(FieldsTermWeight { groups, scoring: scoring.is_scoring_enabled() }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for group in &self.groups {
            for (term, _) in &group.terms {
                visitor(term, false);
            }
        }
    }
}

/// The length normalisation `1 − b + b · len / avglen` of each of the 256
/// field-length codes tantivy stores.
fn norms(average: Score) -> [Score; 256] {
    let mut out = [1.0; 256];
    if average > 0.0 {
        for (id, norm) in out.iter_mut().enumerate() {
            let len = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
            *norm = 1.0 - B + B * len / average;
        }
    }
    out
}

struct FieldWeight {
    term: Term,
    weight: Score,
    norms: [Score; 256],
}

struct GroupWeight {
    fields: Vec<FieldWeight>,
    idf: Score,
}

struct FieldsTermWeight {
    groups: Vec<GroupWeight>,
    scoring: bool,
}

impl FieldsTermWeight {
    fn fields_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<FieldsTermScorer> {
        let mut fields = Vec::new();
        let mut factors = Vec::with_capacity(self.groups.len());
        for (index, group) in self.groups.iter().enumerate() {
            factors.push(boost * group.idf * (K1 + 1.0));
            for field in &group.fields {
                let inverted = reader.inverted_index(field.term.field())?;
                let option =
                    if self.scoring { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
                let Some(postings) = inverted.read_postings(&field.term, option)? else { continue };
                let fieldnorms = match self.scoring {
                    true => reader.fieldnorms_readers().get_field(field.term.field())?,
                    false => None,
                };
                let fieldnorms = fieldnorms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                fields.push(FieldPostings {
                    postings,
                    fieldnorms,
                    weight: field.weight,
                    norms: field.norms,
                    group: index,
                });
            }
        }
        let doc = fields.iter().map(|f| f.postings.doc()).min().unwrap_or(TERMINATED);
        Ok(FieldsTermScorer { fields, doc, factors })
    }
}

impl Weight for FieldsTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.fields_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.fields_scorer(reader, 1.0)?;
        seek_to(&mut scorer, doc)?;
        let mut explanation = Explanation::new("BM25F", scorer.score());
        for (group, weight) in self.groups.iter().enumerate() {
            let tf = scorer.pseudo_frequency(group);
            if tf > 0.0 {
                explanation.add_const("idf", weight.idf);
                explanation.add_const("pseudo-frequency", tf);
            }
        }
        Ok(explanation)
    }
}

struct FieldPostings {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    weight: Score,
    norms: [Score; 256],
    /// Which language's group the term is of.
    group: usize,
}

/// The articles holding the word in any of its fields, in order.
struct FieldsTermScorer {
    fields: Vec<FieldPostings>,
    doc: DocId,
    /// `boost · idf · (k1 + 1)` of each group.
    factors: Vec<Score>,
}

impl FieldsTermScorer {
    /// The pseudo-frequency of the word's terms of one group in the current article.
    fn pseudo_frequency(&self, group: usize) -> Score {
        let mut tf = 0.0;
        for field in &self.fields {
            if field.group == group && field.postings.doc() == self.doc {
                let norm = field.norms[field.fieldnorms.fieldnorm_id(self.doc) as usize];
                tf += field.weight * field.postings.term_freq() as Score / norm;
            }
        }
        tf
    }
}

/// Moves `docset` to `doc` for an explanation; an error when it does not match.
pub(crate) fn seek_to(docset: &mut dyn DocSet, doc: DocId) -> tantivy::Result<()> {
    if docset.seek(doc) == doc {
        Ok(())
    } else {
        Err(tantivy::TantivyError::InvalidArgument(format!("document #{doc} does not match")))
    }
}

/// Moves each docset standing on `current` to its next document; returns
/// the smallest document they then stand on (a union's next).
pub(crate) fn advance_all<'a, D: DocSet + ?Sized + 'a>(
    docsets: impl Iterator<Item = &'a mut D>,
    current: DocId,
) -> DocId {
    let mut next = TERMINATED;
    for docset in docsets {
        let mut doc = docset.doc();
        if doc == current {
            doc = docset.advance();
        }
        next = next.min(doc);
    }
    next
}

/// Moves each docset before `target` to `target` or after; returns the
/// smallest document they then stand on (a union's seek).
pub(crate) fn seek_all<'a, D: DocSet + ?Sized + 'a>(
    docsets: impl Iterator<Item = &'a mut D>,
    target: DocId,
) -> DocId {
    let mut next = TERMINATED;
    for docset in docsets {
        let mut doc = docset.doc();
        if doc < target {
            doc = docset.seek(target);
        }
        next = next.min(doc);
    }
    next
}

impl DocSet for FieldsTermScorer {
    fn advance(&mut self) -> DocId {
        self.doc = advance_all(self.fields.iter_mut().map(|f| &mut f.postings), self.doc);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.doc = seek_all(self.fields.iter_mut().map(|f| &mut f.postings), target);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.fields.iter().map(|f| f.postings.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for FieldsTermScorer {
    fn score(&mut self) -> Score {
        if let [factor] = self.factors[..] {
            let tf = self.pseudo_frequency(0);
            return factor * tf / (K1 + tf);
        }
        // An article holds one language's terms: one group scores.
        let mut score = 0.0;
        for (group, factor) in self.factors.iter().enumerate() {
            let tf = self.pseudo_frequency(group);
            if tf > 0.0 {
                score += factor * tf / (K1 + tf);
            }
        }
        score
    }
}
