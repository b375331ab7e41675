//! What reprises cost at a million articles: an ignored test that builds,
//! loads and updates a state of synthetic fingerprints (random signatures,
//! one article in ten a near copy of an earlier one), one step a run, so
//! that `/usr/bin/time -v` tells each step's peak memory:
//!
//! ```sh
//! export REPRISES_SCALE_DIR=/tmp/reprises-scale REPRISES_SCALE_N=1000000
//! for step in build add none; do
//!   REPRISES_SCALE_STEP=$step /usr/bin/time -v cargo test --release --lib \
//!     reprises_at_scale -- --ignored --nocapture
//! done
//! ```
//!
//! `REPRISES_SCALE_FILE` points `add` and `none` at another saved state
//! (a copy of a real `index/reprises.bin`).

use std::time::Instant;

use super::reposts::Rng;
use super::*;

/// Resident memory now, anonymous and file-backed (mapped pages read), from /proc.
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map_or("?".into(), |l| l[name.len()..].trim().to_string())
    };
    format!("anon {}, file {}", field("RssAnon:"), field("RssFile:"))
}

fn synthetic(n: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng(seed);
    let mut out: Vec<Entry> = Vec::with_capacity(n);
    for i in 0..n {
        let mut print = Fingerprint { hashes: [0; HASHES], shingles: rng.range(20, 600) as u32 };
        if i % 10 == 9 && i > 0 {
            // A repost of an earlier article: 80 % of its values kept.
            let source = out[rng.below(i)].1;
            print.shingles = source.shingles.max(MIN_SHINGLES);
            for (value, old) in print.hashes.iter_mut().zip(source.hashes) {
                *value = if rng.chance(0.8) { old } else { rng.next_u64() as u16 };
            }
        } else {
            for value in &mut print.hashes {
                *value = rng.next_u64() as u16;
            }
        }
        out.push((format!("article-{i:08}-{seed}"), print, Some(rng.range(0, 800_000_000) as i64)));
    }
    out
}

#[test]
#[ignore = "a benchmark: see the module's doc"]
fn reprises_at_scale() {
    let n: usize = std::env::var("REPRISES_SCALE_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir =
        std::path::PathBuf::from(std::env::var("REPRISES_SCALE_DIR").unwrap_or("/tmp/reprises-scale".into()));
    let path =
        std::env::var("REPRISES_SCALE_FILE").map(Into::into).unwrap_or_else(|_| dir.join("reprises.bin"));
    let clusters = dir.join("reprises-clusters.json");
    std::fs::create_dir_all(&dir).unwrap();
    let step = std::env::var("REPRISES_SCALE_STEP").unwrap_or("build".into());
    let started = Instant::now();
    match step.as_str() {
        "build" => {
            let articles = synthetic(n, 1);
            let made = started.elapsed();
            println!("made: {}", rss());
            let started = Instant::now();
            let reprises = Reprises::from_articles(articles);
            let built = started.elapsed();
            println!("clustered: {}", rss());
            reprises.save(&path).unwrap();
            reprises.save_clusters(&clusters).unwrap();
            println!(
                "build: {n} synthetic in {made:.2?}, clustered in {built:.2?} ({} clusters, {} comparisons), \
                 saved in {:.2?}; {} bytes",
                reprises.clusters().len(),
                reprises.comparisons(),
                started.elapsed() - built,
                std::fs::metadata(&path).unwrap().len()
            );
        }
        "add" => {
            let mut reprises = Reprises::load(&path).unwrap().unwrap();
            let loaded = started.elapsed();
            let seed =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
            let mut new = synthetic(100, seed);
            // Half of them reposts of articles already there (of a synthetic build).
            let mut rng = Rng(seed);
            for entry in new.iter_mut().step_by(2) {
                let id = format!("article-{:08}-1", rng.below(n));
                if let Some(print) = reprises.fingerprint(&id) {
                    entry.1 = print;
                    entry.2 = Some(900_000_000);
                }
            }
            let inserting = Instant::now();
            for (id, print, published) in new {
                reprises.insert(&id, print, published);
            }
            let inserted = inserting.elapsed();
            println!("after inserting: {}", rss());
            let saving = Instant::now();
            reprises.save(&path).unwrap();
            let saved = saving.elapsed();
            println!("after saving: {}", rss());
            let writing = Instant::now();
            reprises.save_clusters(&clusters).unwrap();
            println!("after the clusters: {}", rss());
            println!(
                "add 100: loaded in {loaded:.2?}, inserted in {inserted:.2?} ({} comparisons), saved in {saved:.2?}, \
                 clusters written in {:.2?}; total {:.2?}",
                reprises.comparisons(),
                writing.elapsed(),
                started.elapsed()
            );
        }
        _ => {
            let reprises = Reprises::load(&path).unwrap().unwrap();
            println!("none: loaded {} articles in {:.2?}", reprises.len(), started.elapsed());
        }
    }
}
