//! The ranked union of a query's words: any word matches, the scores add
//! up, and the top of the list is found without scoring every article.
//!
//! A query of thirty words pasted from an article matches most of the
//! archive; scoring every match would make it ten times slower than a short
//! one. [`RankedQuery`] skips, with MaxScore (Turtle & Flood, "Query
//! evaluation: strategies and optimizations", 1995), the articles that
//! cannot enter the top: each clause knows the most it can add to a score;
//! clauses sorted by that bound, those whose bounds together stay under the
//! score an article needs to enter the top are "non-essential": an article
//! none of the others holds cannot make it, so only the essential clauses'
//! articles are visited, and the others are only asked about those. The
//! results are exactly the same as scoring every article.
//!
//! Every clause of a ranked query has a bound: words are BM25F
//! ([`FieldsTermQuery::max_score`]), phrases and pairs [`BoundedQuery`]; a
//! clause of another kind would get an infinite one, always essential, and
//! the results would stay exact.

use tantivy::query::{
    Bm25StatisticsProvider, BoostQuery, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::bm25f::{FieldsTermQuery, K1, advance_all, seek_all, seek_to};

/// A query scored as tantivy scores terms and phrases, with what bounds
/// its score: each of its terms and the boost it is searched with. A term
/// query, a phrase, or a sum of boosted ones never scores more than
/// `Σ boost · (k1 + 1) · idf(term)` (BM25's frequency factor stays under
/// one; a phrase's weight is the sum of its terms' rarities).
#[derive(Debug)]
pub struct BoundedQuery {
    inner: Box<dyn Query>,
    terms: Vec<(Term, Score)>,
}

impl Clone for BoundedQuery {
    fn clone(&self) -> Self {
        BoundedQuery { inner: self.inner.box_clone(), terms: self.terms.clone() }
    }
}

impl BoundedQuery {
    pub fn new(inner: Box<dyn Query>, terms: Vec<(Term, Score)>) -> BoundedQuery {
        BoundedQuery { inner, terms }
    }

    /// Two words of the query found in this order in one field, at most
    /// `slop` words apart, scored as tantivy scores a phrase, times `boost`.
    pub fn pair(first: Term, second: Term, slop: u32, boost: Score) -> BoundedQuery {
        let terms = vec![(0, first.clone()), (1, second.clone())];
        let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
        BoundedQuery::new(
            Box::new(BoostQuery::new(Box::new(phrase), boost)),
            vec![(first, boost), (second, boost)],
        )
    }

    fn max_score(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Score> {
        let docs = stats.total_num_docs()?.max(1);
        let mut bound = 0.0;
        for (term, boost) in &self.terms {
            let n = stats.doc_freq(term)?.min(docs);
            bound += boost * (K1 + 1.0) * (((docs - n) as Score + 0.5) / (n as Score + 0.5)).ln_1p();
        }
        Ok(bound)
    }
}

impl Query for BoundedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.inner.weight(scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

/// Clauses whose scores add up; an article matches when it holds any.
pub struct RankedQuery {
    clauses: Vec<Box<dyn Query>>,
}

impl RankedQuery {
    pub fn new(clauses: Vec<Box<dyn Query>>) -> RankedQuery {
        RankedQuery { clauses }
    }
}

impl Clone for RankedQuery {
    fn clone(&self) -> Self {
        RankedQuery { clauses: self.clauses.iter().map(|q| q.box_clone()).collect() }
    }
}

impl std::fmt::Debug for RankedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RankedQuery").field(&self.clauses).finish()
    }
}

impl Query for RankedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut clauses = Vec::with_capacity(self.clauses.len());
        for clause in &self.clauses {
            let bound = match scoring {
                EnableScoring::Enabled { statistics_provider: stats, .. } => {
                    if let Some(word) = clause.downcast_ref::<FieldsTermQuery>() {
                        word.max_score(stats)?
                    } else if let Some(bounded) = clause.downcast_ref::<BoundedQuery>() {
                        bounded.max_score(stats)?
                    } else {
                        Score::INFINITY
                    }
                }
                EnableScoring::Disabled { .. } => Score::INFINITY,
            };
            clauses.push((clause.weight(scoring)?, bound));
        }
        Ok(Box::new(RankedWeight { clauses }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

/// Documents taken at a time by [`RankedWeight::for_each_pruning`].
const WINDOW: DocId = 4096;
/// The first window: small, so that the score needed to enter the top rises
/// before many articles are scored with every clause (windows then double).
const FIRST_WINDOW: DocId = 64;

struct RankedWeight {
    /// Each clause's weight and the most it adds to a score.
    clauses: Vec<(Box<dyn Weight>, Score)>,
}

impl RankedWeight {
    fn union(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Union> {
        let mut scorers = Vec::with_capacity(self.clauses.len());
        for (weight, _) in &self.clauses {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        let doc = scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        Ok(Union { scorers, doc })
    }
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.union(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut union = self.union(reader, 1.0)?;
        seek_to(&mut union, doc)?;
        let mut explanation = Explanation::new("sum of the words' scores", union.score());
        for (weight, _) in &self.clauses {
            if let Ok(clause) = weight.explain(reader, doc) {
                explanation.add_detail(clause);
            }
        }
        Ok(explanation)
    }

    /// MaxScore: see the module's doc.
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut clauses: Vec<(Box<dyn Scorer>, Score)> = Vec::with_capacity(self.clauses.len());
        for (weight, bound) in &self.clauses {
            let scorer = weight.scorer(reader, 1.0)?;
            if scorer.doc() != TERMINATED {
                clauses.push((scorer, *bound));
            }
        }
        // Smallest bounds first; `reach[i]`: the most clauses 0..=i add together.
        clauses.sort_by(|a, b| a.1.total_cmp(&b.1));
        let reach: Vec<Score> = clauses
            .iter()
            .scan(0.0, |sum, (_, bound)| {
                *sum += bound;
                Some(*sum)
            })
            .collect();
        // Clauses before `essential` cannot lift an article into the top alone.
        let mut essential = reach.iter().take_while(|&&r| r <= threshold).count();
        // Articles are taken a window at a time: the essential clauses add
        // their scores into the window's slots (no search for the smallest
        // document among thirty lists at each step), then each article
        // found is completed by the other clauses while it can still enter
        // the top (Lucene's MaxScore works the same way).
        let mut scores = vec![0.0 as Score; WINDOW as usize];
        let mut found = vec![0u64; WINDOW as usize / 64];
        let mut window = FIRST_WINDOW;
        while essential < clauses.len() {
            let start = clauses[essential..].iter().map(|(s, _)| s.doc()).min().unwrap_or(TERMINATED);
            if start == TERMINATED {
                break;
            }
            let end = start.saturating_add(window);
            window = (window * 2).min(WINDOW);
            for (scorer, _) in &mut clauses[essential..] {
                let mut doc = scorer.doc();
                while doc < end {
                    let slot = (doc - start) as usize;
                    scores[slot] += scorer.score();
                    found[slot / 64] |= 1 << (slot % 64);
                    doc = scorer.advance();
                }
            }
            for (word, bits) in found.iter_mut().enumerate() {
                while *bits != 0 {
                    let bit = bits.trailing_zeros() as usize;
                    *bits &= *bits - 1;
                    let slot = word * 64 + bit;
                    let doc = start + slot as DocId;
                    let mut score = std::mem::take(&mut scores[slot]);
                    // The others, largest bound first, while they can still matter.
                    for i in (0..essential).rev() {
                        if score + reach[i] <= threshold {
                            break;
                        }
                        let scorer = &mut clauses[i].0;
                        if scorer.doc() < doc {
                            scorer.seek(doc);
                        }
                        if scorer.doc() == doc {
                            score += scorer.score();
                        }
                    }
                    if score > threshold {
                        threshold = callback(doc, score);
                        essential = reach.iter().take_while(|&&r| r <= threshold).count();
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every article holding a clause, its score the sum of theirs: what counts
/// and filters walk.
struct Union {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl DocSet for Union {
    fn advance(&mut self) -> DocId {
        self.doc = advance_all(self.scorers.iter_mut().map(|s| s.as_mut()), self.doc);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.doc = seek_all(self.scorers.iter_mut().map(|s| s.as_mut()), target);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for Union {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers.iter_mut().filter(|s| s.doc() == doc).map(|s| s.score()).sum()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{TantivyDocument, doc};

    use super::*;
    use crate::index::bm25f::Group;

    /// A pseudo-random index of `docs` documents over a small vocabulary,
    /// in several segments, words drawn with Zipf-like frequencies.
    fn index(docs: u32) -> (tantivy::Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT | STORED);
        let body = schema.add_text_field("body", TEXT);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let word = |r: u64| format!("w{}", (r % 40).min(r % 7 + (r >> 8) % 40));
        for n in 0..docs {
            let title_words: Vec<String> = (0..1 + next() % 3).map(|_| word(next())).collect();
            let body_words: Vec<String> = (0..next() % 60).map(|_| word(next())).collect();
            writer.add_document(doc!(title => title_words.join(" "), body => body_words.join(" "))).unwrap();
            if n % 3000 == 2999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, title, body)
    }

    #[test]
    fn pruned_tops_are_the_tops_of_every_article_scored() {
        let (index, title, body) = index(10_000);
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1, "several segments");
        let queries: [&[&str]; 4] = [
            &["w1", "w2"],
            &["w3", "w17", "w30"],
            &["w0", "w5", "w9", "w12", "w25", "w39"],
            &["w38", "w39", "w4"],
        ];
        for words in queries {
            let mut clauses: Vec<Box<dyn Query>> = words
                .iter()
                .map(|w| {
                    let terms =
                        vec![(Term::from_field_text(title, w), 3.0), (Term::from_field_text(body, w), 1.0)];
                    Box::new(FieldsTermQuery::new(vec![Group { terms, population: None, weight: 1.0 }]))
                        as Box<dyn Query>
                })
                .collect();
            for pair in words.windows(2) {
                let (a, b) = (Term::from_field_text(body, pair[0]), Term::from_field_text(body, pair[1]));
                clauses.push(Box::new(BoundedQuery::pair(a, b, 1, 0.1)));
            }
            let query = RankedQuery::new(clauses);
            // Every article scored, through the plain union.
            let weight = query.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let mut all = Vec::new();
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let mut scorer = weight.scorer(reader, 1.0).unwrap();
                while scorer.doc() != TERMINATED {
                    all.push((scorer.score(), ord, scorer.doc()));
                    scorer.advance();
                }
            }
            all.sort_by(|a, b| b.0.total_cmp(&a.0));
            for k in [1, 10, 50] {
                let top = searcher.search(&query, &TopDocs::with_limit(k)).unwrap();
                assert_eq!(top.len(), k.min(all.len()));
                for (n, (score, _)) in top.iter().enumerate() {
                    assert!(
                        (score - all[n].0).abs() < 1e-4,
                        "{words:?} top {k}: #{n} {score} vs {}",
                        all[n].0
                    );
                }
            }
        }
    }
}
