//! Which language a query is written in, told by the archive itself.
//!
//! A query is analysed in every language of the archive (see
//! [`super::compile`]), and a word analysed in a language it is not of
//! becomes a rare, meaningless term there: French `de` is a stop word in
//! French but a rare English term, so an English article that happens to
//! hold it would outrank the French articles a French query is about. Each
//! language's branch of the query is therefore weighed by how likely the
//! query is to be in that language: naive Bayes over the query's words,
//! with each language's own document frequencies as its language model
//! (query language identification from collection statistics, as in
//! cross-language retrieval), smoothed with the archive's:
//!
//! ```text
//! P(w | L) = λ · df_L(w) / N_L + (1 − λ) · Σ_L' df_L'(w) / N
//! P(L | q) ∝ N_L / N · Π_w P(w | L)
//! ```
//!
//! A stop word of `L` counts as held by every article of `L`. Each branch is
//! weighed `P(L | q) / max_L' P(L' | q)` (the likeliest language scores as
//! if alone), and a branch weighed less than [`MIN_WEIGHT`] is left out. An
//! archive in one language skips all this.

use tantivy::Term;

use super::Fields;
use super::analyzer;
use super::compile::Analysis;

/// Weight of a language's own word counts against the whole archive's
/// (Jelinek–Mercer smoothing). A word of the query that a language's
/// articles never hold keeps a tenth of its share of the archive, so that
/// a name or a loanword does not rule a language out.
const LAMBDA: f64 = 0.9;

/// Branches weighed less than this are dropped: their articles could not
/// come near the top.
pub const MIN_WEIGHT: f32 = 0.001;

/// Sets each analysis's weight for a query of `words`.
pub fn weigh(searcher: &tantivy::Searcher, fields: &Fields, analyses: &mut [Analysis], words: &[&str]) {
    if analyses.len() < 2 || words.is_empty() {
        return;
    }
    let docs = |term: Option<&Term>| -> f64 {
        match term {
            Some(term) => searcher.doc_freq(term).unwrap_or(0) as f64,
            None => searcher.num_docs() as f64,
        }
    };
    let total = (searcher.num_docs() as f64).max(1.0);
    let populations: Vec<f64> = analyses.iter().map(|a| docs(a.population.as_ref()).max(1.0)).collect();
    // For each word, each language's share of articles holding it.
    let mut log_posteriors: Vec<f64> = populations.iter().map(|n| (n / total).ln()).collect();
    for word in words {
        let mut shares = Vec::with_capacity(analyses.len());
        let mut held = 0.0;
        for (analysis, population) in analyses.iter_mut().zip(&populations) {
            let terms = analyzer::terms(&mut analysis.text, word);
            let holding = if terms.is_empty() {
                // A stop word of the language: in every one of its articles.
                *population
            } else {
                terms
                    .iter()
                    .map(|(_, term)| docs(Some(&Term::from_field_text(fields.body, term))))
                    .fold(f64::INFINITY, f64::min)
                    .min(*population)
            };
            held += holding;
            shares.push(holding / population);
        }
        if held == 0.0 {
            continue; // a word no article holds says nothing of the language
        }
        let background = held / total;
        for (log, share) in log_posteriors.iter_mut().zip(shares) {
            *log += (LAMBDA * share + (1.0 - LAMBDA) * background).ln();
        }
    }
    let best = log_posteriors.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (analysis, log) in analyses.iter_mut().zip(log_posteriors) {
        analysis.weight = (log - best).exp() as f32;
    }
}
