//! The ceiling of any tantivy indexer on this machine: how fast tantivy alone
//! indexes corpus-fr, with everything veille adds around it left out.
//!
//! The articles are read into memory before the clock starts; the schema is
//! a title and a body indexed with positions, nothing stored, no fast field;
//! the analyzer is tantivy's stock French chain (simple tokenizer, lower
//! case, stop words, Snowball stemmer), as `peers.py` gives tantivy-py. It
//! is timed with one indexing thread and with as many as `veille index`
//! uses (the machine's cores, up to 8), same memory budget.
//!
//! `veille index` does more on top: it reads 82k files and their TOML front
//! matter, turns Markdown into plain text, hashes each file, stores every
//! field (zstd), fills fast fields, indexes six text fields (lead, tags,
//! authors…), normalises (NFKC) and folds accents, fingerprints reprises.
//! Comparing the two tells what that costs, and whether a target expressed
//! against another engine is within tantivy's reach on this hardware.
//!
//! ```text
//! python3 "$EVAL/bench/corpus-fr.py" /tmp/corpus-fr.jsonl   # EVAL: the evaluation data (docs/development.md)
//! cargo bench --bench index_ceiling -- /tmp/corpus-fr.jsonl
//! ```

use std::time::Instant;

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // cargo passes `--bench`; the corpus is the first other argument.
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench index_ceiling -- CORPUS.jsonl");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut articles = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let field = |key: &str| value[key].as_str().unwrap_or_default().to_string();
        articles.push((field("title"), field("body")));
    }
    let megabytes = articles.iter().map(|(t, b)| t.len() + b.len()).sum::<usize>() as f64 / 1e6;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    println!("{} articles, {megabytes:.1} MB of title and body text, in memory", articles.len());
    for threads in [1, cores] {
        let seconds = index(&articles, threads)?;
        println!(
            "tantivy alone, {threads} thread(s): {seconds:.2} s = {:.0} docs/s, {:.1} MB/s",
            articles.len() as f64 / seconds,
            megabytes / seconds
        );
    }
    Ok(())
}

fn index(articles: &[(String, String)], threads: usize) -> tantivy::Result<f64> {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("fr")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", options.clone());
    let body = builder.add_text_field("body", options);
    let dir = tempfile::tempdir()?;
    let index = Index::create_in_dir(dir.path(), builder.build())?;
    let french = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("tantivy ships French stop words"))
        .filter(Stemmer::new(Language::French))
        .build();
    index.tokenizers().register("fr", french);
    let started = Instant::now();
    // The same memory budget as `veille index`.
    let mut writer = index.writer_with_num_threads(threads, 256 << 20)?;
    for (t, b) in articles {
        let mut doc = TantivyDocument::default();
        doc.add_text(title, t);
        doc.add_text(body, b);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(started.elapsed().as_secs_f64())
}
