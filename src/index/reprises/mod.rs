//! Reprises: finding the same text reposted by other sites.
//!
//! A communiqué is reposted by many sites, each with its own intro, a
//! trimmed signature, other typography (`’`/`'`, `« »`/`""`) and 10 to 30 %
//! of the text cut or added; two different articles on the same subject
//! share vocabulary (`data center`, `eau`, `Grenoble`) but must stay apart.
//! This module finds the reposts with MinHash over word shingles and LSH
//! banding (Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive
//! Datasets*, ch. 3), then groups them in clusters whose original is the
//! earliest published member.
//!
//! # Fingerprints
//!
//! [`fingerprint`] (module `fingerprint`) reads a body's words with a
//! light analysis of its own: case, accents, ligatures and typography no
//! longer matter, and function words and one-letter words are left out.
//! The shingles are the runs of [`SHINGLE`] = 5 consecutive content words,
//! and the signature is a one-permutation MinHash of [`HASHES`] = 128 bins
//! with optimal densification, each bin keeping 16 bits (b-bit minwise
//! hashing). Every parameter and hash function is fixed, so fingerprints
//! are the same on every run and machine (a test pins them), and a saved
//! file made with other parameters is not loaded.
//!
//! Version 3 of the fingerprints. Versions 1 and 2 ran the index's French
//! analyzer (stemming, NFKC) and 128 hash functions per shingle: the same
//! decisions on the evaluation below (version 2 joined 4 distinct pairs
//! of the stress column, version 3 none), for five times the time, which was 40 % of an index rebuild of
//! 82,000 articles; version 3 takes 6 to 8 %.
//!
//! The share of equal values estimates the Jaccard similarity `J` of the
//! shingle sets ([`similarity`]), with a standard error of
//! `√(J(1−J)/128)`, 0.035 at `J` = 0.2. Since a repost keeps most of the
//! *shorter* text while intros and footers inflate the union, the decision
//! uses the containment `|A∩B| / min(|A|, |B|)` as well, estimated from `J`
//! and the shingle counts as `J·(|A|+|B|) / ((1+J)·min)` ([`containment`]).
//!
//! # Decision: containment ≥ 0.4 and Jaccard ≥ 0.2
//!
//! Two bodies are reprises ([`is_reprise`]) when both have at least
//! [`MIN_SHINGLES`] shingles, their estimated containment is at least
//! [`THRESHOLD`] = 0.4 and their estimated Jaccard at least [`MIN_JACCARD`]
//! = 0.2. For two texts of the same length, this means `J` ≥ 0.25; the
//! more unequal the lengths, the more containment decides, down to the
//! Jaccard floor, which keeps the estimate of containment (noisy
//! when sizes differ a lot) and a shared boilerplate paragraph from making
//! a short text the reprise of a long one. The floor also means an
//! excerpt under about a fifth of the original is not found.
//!
//! The values come from the evaluation in the tests: French texts written
//! for it, composed from sentence templates in four subjects (data centers
//! and water, algorithmic video surveillance, lithium mines, welfare
//! scoring algorithms) that share places, actors and stock phrases; 40 %
//! of texts end with one of three "about us" paragraphs and about a third quote
//! two sentences of another text on the same subject, as real articles do.
//! 52 base texts of 250 to 600 words, four reposts each (new intro,
//! signature kept or not, a footer, typography changes, words dropped, and
//! 10 to 30 % of the sentences removed or added): 208 base–repost and 312
//! repost–repost pairs against 7 800 pairs of distinct texts on the same
//! subject. With 5-word shingles, the exact Jaccard of reposts is at least
//! 0.26 and that of distinct texts at most 0.13 (p99 0.09); containment at
//! least 0.43 and at most 0.32 (version 3; version 1: 0.29, 0.14, 0.46,
//! 0.34). Pairs found directly (LSH candidates that
//! pass the rule), over five generated corpora (three kinds of edits, two
//! seeds; the third column cuts reposts to their first 35 to 60 %):
//!
//! | rule                     | 10–30 % edits       | ≤ 30 % cut + ≤ 30 % added   | excerpts     |
//! |--------------------------|---------------------|-----------------------------|--------------|
//! | J ≥ 0.15                 | 2–3 false           | 5–9 false                   | 1 false      |
//! | J ≥ 0.2                  | all right           | 0–2 false, recall ≥ 0.987   | recall 0.990 |
//! | J ≥ 0.3                  | recall 0.990–0.994  | recall 0.89–0.90            | recall 0.906 |
//! | C ≥ 0.3 and J ≥ 0.2      | all right           | 0–2 false, recall ≥ 0.987   | recall 0.990 |
//! | C ≥ 0.4 and J ≥ 0.15     | all right           | no false, recall ≥ 0.969    | all right    |
//! | **C ≥ 0.4 and J ≥ 0.2**  | **all right**       | **no false, recall ≥ 0.969**| recall 0.990 |
//! | C ≥ 0.5 and J ≥ 0.2      | recall 0.989–0.992  | recall 0.889                | recall 0.990 |
//!
//! (J: estimated Jaccard, C: estimated containment; "false": distinct
//! texts joined, out of 7 800; "all right": precision and recall 1.
//! Measured with version 1. Version 3, with the shipped seeds: 10–30 %
//! edits all right; stress column no false, recall 0.967–0.971; excerpts
//! recall 0.992.)
//! Containment at 0.4 sits in the middle of the error-free region: 0.3
//! starts joining distinct texts, 0.5 loses heavily edited reposts. A
//! Jaccard floor of 0.15 does as well here, and better on excerpts; 0.2 is
//! kept for what the generated corpus does not hold (very unequal sizes,
//! where the containment estimate is noisy) and because LSH finds 93 % of
//! the pairs at `J` = 0.2 but 77 % at 0.15.
//!
//! Through the clusters, where a repost also meets the others through the
//! original, precision and recall are 1.0 on all three kinds of edits
//! (`cargo test --lib reprises -- --nocapture` prints the figures; the
//! ignored `reprises_parameter_sweep` prints the whole table). Shingles
//! of 3 or 4 words let distinct texts share more (distinct Jaccard up to
//! 0.21 and 0.16); 6 or 8 lower the reposts' Jaccard (cut sentences and
//! dropped words break more shingles) for no gain; 5 content words span about ten running words, close to the
//! window Broder et al. used for the web.
//!
//! # LSH: 64 bands of 2 rows
//!
//! Only fingerprints equal on a whole band (the same two consecutive
//! values) are compared. With `b` bands of `r` rows, a pair of Jaccard `J`
//! becomes a candidate with probability `1 − (1 − J^r)^b`: for 64 × 2, 0.93
//! at the 0.2 floor and 0.998 at 0.3, but 0.15 at a typical same-subject
//! 0.05. The textbook 32 × 4 (threshold near 0.42) gives 0.23 at `J` = 0.3:
//! measured, it misses 10 to 30 % of the reprise pairs. The cost of 64 × 2
//! is comparing about one same-subject pair in ten, 128 integer
//! comparisons each; inserting 500 articles one by one makes about 4 500
//! comparisons instead of 124 750 pairs, and clustering the 82,000 articles
//! of corpus-fr about 170,000 instead of 3.4 billion.
//!
//! # Short bodies
//!
//! Bodies with fewer than [`MIN_SHINGLES`] = 30 distinct shingles (about 30
//! content words, 60 to 70 running words: a brief, a teaser, a paywall
//! stub) are kept but never clustered: a couple of shared stock phrases
//! would be enough to reach the thresholds, and at that size both estimates
//! are noise.
//!
//! # Clusters: the guard against chains
//!
//! A cluster is not a connected component of the "is a reprise of" graph:
//! `A ~ B` and `B ~ C` would put `A` and `C` together though they share
//! nothing, and a digest or a brochure reprinting several texts would glue
//! them into one search hit. Module `guard` decides instead, taking the
//! articles in clustering order (dated before undated, earliest first,
//! then by id): an article joins the cluster of an earlier one it is
//! *linked* to (an LSH candidate that passes [`is_reprise`]) only when it
//! is linked to that cluster's original and, if the cluster has other
//! members, to one of them too or holds at least half of the original's
//! shingles — or when it is linked to more than half of the members.
//! Among the clusters it may join it takes the one it resembles most;
//! with none it founds its own and is its original. A chain of overlapping
//! compilations makes pairs, not one cluster; a brochure published after
//! the articles it reprints joins the one it holds most of, and one
//! published before them is the original of at most one of them.
//!
//! The clusters depend on the set of articles alone, not on the order of
//! insertions and removals, nor on saves and loads (tests check bulk,
//! shuffled, saved and folded states against each other). What it costs,
//! on the evaluation above: precision stays 1; recall through the clusters
//! stays 1 on the first two kinds of edits and is 0.992 on excerpts (was
//! 1): one excerpt of 80 shingles not linked to its base (J = 0.20) founds
//! a cluster, and the other excerpts, linked to both, join the one they
//! resemble more: two hits for one text there, where a chain would have
//! made one.
//!
//! # Storage: a base read in place, a small delta
//!
//! Module `store`: the base `index/reprises.bin` holds fixed-size
//! fingerprint records by slot (slots in id order), each article's cluster,
//! and per LSH band a table of (key, slot) sorted by key with a directory
//! by the key's high 16 bits; it is mapped, not read, so an incremental run
//! reads only the pages of its candidates. The delta
//! `index/reprises.delta`, read whole, holds what changed since: articles
//! added, base articles removed (tombstones) and the clusters derived
//! again. A save writes the delta alone until it passes 1/64 of the base
//! (at least 4,096 changes), then folds everything into a new base.
//!
//! A bulk build ([`Reprises::from_articles`]) streams the bands: per band,
//! one sorted array of (key, position) of 8 bytes an article, whose runs of
//! equal keys are compared in parallel, each pair once (at the first band
//! it shares); the links found then go through the guard. An insertion
//! compares the new article with its candidates; when it comes after every
//! article it is linked to and after every member of their clusters (the
//! usual case: a new article is the latest), its cluster is decided at
//! once; otherwise, and on a removal, the connected component of the link
//! graph around it is found by following links and passed over again.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

mod fingerprint;
mod guard;
pub mod reposts;
mod store;

pub use fingerprint::{Fingerprint, HASHES, SHINGLE, STOP_WORDS, fingerprint};

/// LSH bands; each band is `HASHES / BANDS` consecutive signature values.
pub const BANDS: usize = 64;
/// Signature values per band.
pub const ROWS: usize = HASHES / BANDS;
/// Estimated containment (see [`containment`]) from which two bodies are reprises.
pub const THRESHOLD: f64 = 0.4;
/// Estimated Jaccard ([`similarity`]) below which two bodies are never reprises,
/// whatever their containment: a guard against the noise of [`containment`] when
/// one text is much shorter than the other.
pub const MIN_JACCARD: f64 = 0.2;
/// Bodies with fewer distinct shingles are never clustered: too little evidence.
pub const MIN_SHINGLES: u32 = 30;

const _: () = assert!(HASHES.is_multiple_of(BANDS));
const _: () = assert!(ROWS == 2, "a band key packs two 16-bit values");

/// Written in saved files; another value (or other parameters) is not loaded.
const FORMAT: &str = "veille-reprises-4";

impl Fingerprint {
    /// Whether this body is long enough to be clustered (see [`MIN_SHINGLES`]).
    pub fn is_clusterable(&self) -> bool {
        self.shingles >= MIN_SHINGLES
    }

    /// The LSH bucket keys of this fingerprint, one per band: the band's
    /// number and its two values, 38 bits, distinct for distinct bands.
    fn bands(&self) -> impl Iterator<Item = u64> + '_ {
        self.hashes
            .chunks_exact(ROWS)
            .enumerate()
            .map(|(band, rows)| ((band as u64) << 32) | (u64::from(rows[0]) << 16) | u64::from(rows[1]))
    }
}

/// Estimated Jaccard similarity of the two bodies' shingle sets: the share of
/// equal signature values. 0 when either body has no shingle.
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f64 {
    if a.shingles == 0 || b.shingles == 0 {
        return 0.0;
    }
    let equal = a.hashes.iter().zip(&b.hashes).filter(|(x, y)| x == y).count();
    equal as f64 / HASHES as f64
}

/// Estimated containment `|A∩B| / min(|A|, |B|)`: the share of the shorter
/// body's shingles found in the other. From the estimated Jaccard `J` and
/// the set sizes, `|A∩B| = J·(|A| + |B|) / (1 + J)`; clamped to 1.
pub fn containment(a: &Fingerprint, b: &Fingerprint) -> f64 {
    containment_of(similarity(a, b), a, b)
}

fn containment_of(j: f64, a: &Fingerprint, b: &Fingerprint) -> f64 {
    if j == 0.0 {
        return 0.0;
    }
    let (na, nb) = (f64::from(a.shingles), f64::from(b.shingles));
    (j * (na + nb) / (1.0 + j) / na.min(nb)).min(1.0)
}

/// Whether two bodies are reprises of each other: both long enough,
/// estimated containment at least [`THRESHOLD`] and estimated Jaccard at
/// least [`MIN_JACCARD`].
pub fn is_reprise(a: &Fingerprint, b: &Fingerprint) -> bool {
    if !a.is_clusterable() || !b.is_clusterable() {
        return false;
    }
    let j = similarity(a, b);
    j >= MIN_JACCARD && containment_of(j, a, b) >= THRESHOLD
}

/// The slots of one LSH bucket. Nearly every bucket holds one article:
/// no allocation for those.
#[derive(Debug, Clone)]
enum Bucket {
    One(u32),
    Many(Vec<u32>),
}

impl Bucket {
    fn push(&mut self, slot: u32) {
        match self {
            Bucket::One(first) => *self = Bucket::Many(vec![*first, slot]),
            Bucket::Many(slots) => slots.push(slot),
        }
    }

    /// Takes a slot out; true when the bucket is then empty.
    fn remove(&mut self, slot: u32) -> bool {
        match self {
            Bucket::One(only) => *only == slot,
            Bucket::Many(slots) => {
                slots.retain(|&s| s != slot);
                if let [last] = slots[..] {
                    *self = Bucket::One(last);
                }
                matches!(self, Bucket::Many(slots) if slots.is_empty())
            }
        }
    }

    fn slots(&self) -> &[u32] {
        match self {
            Bucket::One(slot) => std::slice::from_ref(slot),
            Bucket::Many(slots) => slots,
        }
    }
}

/// An article for [`Reprises::from_articles`]: id, fingerprint, publication
/// date (Unix timestamp).
pub type Entry = (String, Fingerprint, Option<i64>);

/// Clusters of reposts, built in bulk or incrementally.
///
/// An article joins a cluster only under the guard of [`guard`]: linked
/// (an LSH candidate that passes [`is_reprise`]) to its original, or to
/// most of its members, never through a chain. The clusters are those of
/// one pass over the articles in clustering order (dated before undated,
/// earliest first, then by id), so they depend on the set of articles
/// alone: [`Reprises::from_articles`], insertions in any order and
/// removals give the same clusters for the same articles.
///
/// Articles are numbered by slot: first those of the saved base (see
/// [`store`]), read through a memory map, then those added since, held in
/// memory. [`Reprises::insert`] compares a new article with its candidates
/// only; when it comes after every article it is linked to and after every
/// member of their clusters (a new article is nearly always the latest),
/// its cluster is decided at once, as the pass would; otherwise, and on a
/// removal, the connected component of the link graph around it is found
/// by following links, and its clusters are derived again.
#[derive(Debug, Default)]
pub struct Reprises {
    base: Option<store::Base>,
    /// Base slots removed or replaced since the base was written, and
    /// added slots removed again.
    dead: FxHashSet<u32>,
    /// Articles added since the base: slot `base length + index`.
    added: Vec<Entry>,
    /// Whether `added` is in id order with no article removed (after a bulk
    /// build): ids are then found by binary search until `added_ids` is
    /// needed.
    added_sorted: bool,
    /// Slot of each live added article, by id; built when first needed.
    added_ids: Option<FxHashMap<String, u32>>,
    /// LSH buckets of the added clusterable articles (band key → slots);
    /// built when first needed (a bulk build saves without them).
    buckets: Option<FxHashMap<u64, Bucket>>,
    /// Articles whose cluster is not the base's: slot → root (the slot of
    /// its original; itself for an article with no reprise). A base
    /// cluster is either wholly here or not at all.
    roots: FxHashMap<u32, u32>,
    /// Root → members, original first then in clustering order, for the
    /// clusters of two or more of `roots` and of added articles.
    members: FxHashMap<u32, Vec<u32>>,
    /// Live articles.
    live: usize,
    /// Fingerprint comparisons made so far (a diagnostic, not saved).
    comparisons: u64,
    /// The delta this state was loaded with, and whether a save replaced
    /// the base since (the next save then writes a whole base again).
    disk: std::sync::Mutex<Option<store::DeltaName>>,
    replaced: std::sync::atomic::AtomicBool,
    /// Tests fold small deltas.
    #[cfg(test)]
    delta_min: Option<usize>,
}

/// A delta larger than this share of the base (in articles added, removed
/// or re-clustered) is folded into a new base: 1/64 keeps the delta, read
/// whole on every run, a few megabytes at a million articles, and a fold
/// (a few seconds there) rare.
const DELTA_SHARE: usize = 64;
/// Below this, a delta is never folded: small homes write one base only
/// after so many changes.
const DELTA_MIN: usize = 4096;

impl Reprises {
    pub fn new() -> Reprises {
        Reprises::default()
    }

    /// Clusters a whole set of articles at once, band by band: per band,
    /// the (key, article) pairs of the clusterable articles are sorted, and
    /// the articles of a run of equal keys are compared, each pair once (at
    /// the first band they share). An id given twice keeps its last entry.
    pub fn from_articles(mut articles: Vec<Entry>) -> Reprises {
        // Stable sort of the reversed list, then the first of each id: the last given.
        articles.reverse();
        articles.sort_by(|a, b| a.0.cmp(&b.0));
        articles.dedup_by(|later, first| later.0 == first.0);
        let mut order: Vec<u32> =
            (0..articles.len() as u32).filter(|&i| articles[i as usize].1.is_clusterable()).collect();
        // Slots are in id order: the clustering order is (undated, date, slot).
        let key = |i: u32| {
            let published = articles[i as usize].2;
            (published.is_none(), published.unwrap_or(0), i)
        };
        order.par_sort_unstable_by_key(|&i| key(i));
        let (pairs, comparisons) = bulk_links(&articles, &order);
        let links = guard::Links::from_pairs(order.len(), &pairs);
        drop(pairs);
        let shingles: Vec<u32> = order.iter().map(|&i| articles[i as usize].1.shingles).collect();
        let roots = guard::derive(&links, &shingles);
        let mut reprises = Reprises {
            live: articles.len(),
            added: articles,
            added_sorted: true,
            comparisons,
            ..Reprises::default()
        };
        for (position, &slot) in order.iter().enumerate() {
            let root = order[roots[position] as usize];
            if root != slot {
                reprises.roots.insert(slot, root);
                reprises.members.entry(root).or_insert_with(|| vec![root]).push(slot);
            }
        }
        reprises
    }

    fn disk_name(&self) -> Option<store::DeltaName> {
        *self.disk.lock().expect("not poisoned")
    }

    fn base_len(&self) -> u32 {
        self.base.as_ref().map_or(0, store::Base::len)
    }

    fn added(&self, slot: u32) -> &Entry {
        &self.added[(slot - self.base_len()) as usize]
    }

    fn print(&self, slot: u32) -> Fingerprint {
        match &self.base {
            Some(base) if slot < base.len() => base.print(slot),
            _ => self.added(slot).1,
        }
    }

    fn published(&self, slot: u32) -> Option<i64> {
        match &self.base {
            Some(base) if slot < base.len() => base.published(slot),
            _ => self.added(slot).2,
        }
    }

    fn id(&self, slot: u32) -> &str {
        match &self.base {
            Some(base) if slot < base.len() => base.id(slot),
            _ => &self.added(slot).0,
        }
    }

    /// Sort key of an article: dated before undated, earliest first, then id.
    fn order(&self, slot: u32) -> (bool, i64, &str) {
        let published = self.published(slot);
        (published.is_none(), published.unwrap_or(0), self.id(slot))
    }

    /// The live article `id`.
    fn find(&self, id: &str) -> Option<u32> {
        let base = self.base.as_ref().and_then(|base| base.find(id)).filter(|slot| !self.dead.contains(slot));
        base.or_else(|| match &self.added_ids {
            Some(ids) => ids.get(id).copied(),
            // Without the map, the added articles are those of a bulk build (or none), in id order.
            None => self
                .added
                .binary_search_by(|entry| entry.0.as_str().cmp(id))
                .ok()
                .map(|i| self.base_len() + i as u32),
        })
    }

    /// Builds what a bulk build leaves out: the ids and LSH buckets of the added articles.
    fn index_added(&mut self) {
        let base_len = self.base_len();
        if self.added_ids.is_none() {
            let ids = self
                .added
                .iter()
                .enumerate()
                .map(|(i, entry)| (i as u32 + base_len, entry))
                .filter(|(slot, _)| !self.dead.contains(slot))
                .map(|(slot, entry)| (entry.0.clone(), slot))
                .collect();
            self.added_ids = Some(ids);
            self.added_sorted = false;
        }
        if self.buckets.is_none() {
            let mut buckets: FxHashMap<u64, Bucket> = FxHashMap::default();
            for (i, entry) in self.added.iter().enumerate() {
                let slot = i as u32 + base_len;
                if entry.1.is_clusterable() && !self.dead.contains(&slot) {
                    for key in entry.1.bands() {
                        buckets.entry(key).and_modify(|b| b.push(slot)).or_insert(Bucket::One(slot));
                    }
                }
            }
            self.buckets = Some(buckets);
        }
    }

    /// The live articles sharing an LSH bucket with `slot`, in slot order.
    fn candidates(&mut self, slot: u32) -> Vec<u32> {
        self.index_added();
        let print = self.print(slot);
        let mut out = Vec::new();
        if let Some(base) = &self.base {
            for band in 0..BANDS {
                out.extend(base.bucket(band, store::band_key(&print, band)));
            }
        }
        let buckets = self.buckets.as_ref().expect("indexed");
        for key in print.bands() {
            out.extend(buckets.get(&key).map(Bucket::slots).unwrap_or_default());
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&c| c != slot && !self.dead.contains(&c));
        out
    }

    /// The articles `slot` is linked to: its candidates that pass
    /// [`is_reprise`], with their estimated Jaccard.
    fn links(&mut self, slot: u32) -> Vec<(u32, f32)> {
        let print = self.print(slot);
        let candidates = self.candidates(slot);
        self.comparisons += candidates.len() as u64;
        candidates
            .into_iter()
            .filter_map(|c| {
                let other = self.print(c);
                is_reprise(&print, &other).then(|| (c, similarity(&print, &other) as f32))
            })
            .collect()
    }

    /// The root (the original's slot) of `slot`'s cluster; itself when it has no reprise.
    fn root(&self, slot: u32) -> u32 {
        if let Some(&root) = self.roots.get(&slot) {
            return root;
        }
        match &self.base {
            Some(base) if slot < base.len() => {
                base.cluster(slot).and_then(|c| base.members(c).next()).unwrap_or(slot)
            }
            _ => slot,
        }
    }

    /// The members of the cluster whose root is `root`, original first.
    fn members(&self, root: u32) -> Vec<u32> {
        if let Some(members) = self.members.get(&root) {
            return members.clone();
        }
        match &self.base {
            Some(base) if root < base.len() && !self.roots.contains_key(&root) => {
                base.cluster(root).map_or_else(|| vec![root], |c| base.members(c).collect())
            }
            _ => vec![root],
        }
    }

    /// Moves a base cluster (or lone base article) into `roots` and `members`,
    /// before it changes.
    fn cover(&mut self, root: u32) {
        if root >= self.base_len() || self.roots.contains_key(&root) {
            return;
        }
        let members = self.members(root);
        for &member in &members {
            self.roots.insert(member, root);
        }
        if members.len() > 1 {
            self.members.insert(root, members);
        }
    }

    /// Adds (or replaces) an article. Only its LSH candidates are compared
    /// with it. `published` is a Unix timestamp, used to tell the original.
    pub fn insert(&mut self, id: &str, fingerprint: Fingerprint, published: Option<i64>) {
        self.insert_one(id, fingerprint, published);
        self.release();
    }

    /// Unmaps the pages of the base read so far (see [`store::Base::release`]).
    fn release(&self) {
        if let Some(base) = &self.base {
            base.release();
        }
    }

    fn insert_one(&mut self, id: &str, fingerprint: Fingerprint, published: Option<i64>) {
        self.remove_one(id);
        self.index_added();
        let slot = self.base_len() + self.added.len() as u32;
        assert!(slot < u32::MAX, "fewer than 2^32 articles");
        self.added.push((id.to_string(), fingerprint, published));
        self.added_ids.as_mut().expect("indexed").insert(id.to_string(), slot);
        self.live += 1;
        if !fingerprint.is_clusterable() {
            return;
        }
        let buckets = self.buckets.as_mut().expect("indexed");
        for key in fingerprint.bands() {
            buckets.entry(key).and_modify(|b| b.push(slot)).or_insert(Bucket::One(slot));
        }
        let links = self.links(slot);
        let latest = links.iter().all(|&(c, _)| {
            self.order(c) < self.order(slot)
                && self.members(self.root(c)).iter().all(|&m| self.order(m) < self.order(slot))
        });
        if !latest {
            self.rederive(vec![slot]);
            return;
        }
        // The pass's decision for the last article (see guard::derive).
        let mut met: Vec<guard::Met> = Vec::new();
        for &(c, similarity) in &links {
            let root = self.root(c);
            let at = match met.iter().position(|m| m.root == root) {
                Some(at) => at,
                None => {
                    met.push(guard::Met::new(root, self.members(root).len() as u32));
                    met.len() - 1
                }
            };
            met[at].add(c, similarity, (fingerprint.shingles, self.print(c).shingles));
        }
        met.sort_by(|a, b| self.order(a.root).cmp(&self.order(b.root)));
        let chosen = guard::choose(&met);
        if let Some(root) = chosen {
            self.cover(root);
            self.roots.insert(slot, root);
            self.members.entry(root).or_insert_with(|| vec![root]).push(slot);
        }
    }

    /// Removes an article that left the corpus; the clusters around it are
    /// derived again without it.
    pub fn remove(&mut self, id: &str) {
        self.remove_one(id);
        self.release();
    }

    fn remove_one(&mut self, id: &str) {
        let Some(slot) = self.find(id) else { return };
        self.index_added();
        let print = self.print(slot);
        let (root, former, links) = if print.is_clusterable() {
            let root = self.root(slot);
            (root, self.members(root), self.links(slot))
        } else {
            (slot, vec![slot], Vec::new())
        };
        // Its cluster moves out of the base before it changes.
        self.cover(root);
        self.dead.insert(slot);
        self.live -= 1;
        if slot >= self.base_len() {
            self.added_ids.as_mut().expect("indexed").remove(id);
            if print.is_clusterable() {
                let buckets = self.buckets.as_mut().expect("indexed");
                for key in print.bands() {
                    if let Some(bucket) = buckets.get_mut(&key)
                        && bucket.remove(slot)
                    {
                        buckets.remove(&key);
                    }
                }
            }
        }
        self.roots.remove(&slot);
        if former.len() <= 1 {
            // A lone article decided no one else's cluster (see guard).
            return;
        }
        self.members.remove(&root);
        let seeds = former.into_iter().filter(|&m| m != slot).chain(links.into_iter().map(|l| l.0)).collect();
        self.rederive(seeds);
    }

    /// Derives again the clusters of the connected components of the link
    /// graph that hold `seeds`: the components are found by following
    /// links, then passed over in clustering order (see [`guard`]).
    fn rederive(&mut self, seeds: Vec<u32>) {
        let mut seen: FxHashSet<u32> = FxHashSet::default();
        let mut queue: Vec<u32> =
            seeds.into_iter().filter(|s| !self.dead.contains(s) && self.print(*s).is_clusterable()).collect();
        queue.retain(|&s| seen.insert(s));
        let mut component = Vec::new();
        let mut pairs: Vec<(u32, u32, f32)> = Vec::new();
        while let Some(at) = queue.pop() {
            component.push(at);
            for (other, similarity) in self.links(at) {
                if at < other {
                    pairs.push((at, other, similarity));
                }
                if seen.insert(other) {
                    queue.push(other);
                }
            }
        }
        component.sort_by(|&a, &b| self.order(a).cmp(&self.order(b)));
        let position: FxHashMap<u32, u32> =
            component.iter().enumerate().map(|(p, &s)| (s, p as u32)).collect();
        for pair in &mut pairs {
            *pair = (position[&pair.0], position[&pair.1], pair.2);
        }
        let shingles: Vec<u32> = component.iter().map(|&s| self.print(s).shingles).collect();
        let roots = guard::derive(&guard::Links::from_pairs(component.len(), &pairs), &shingles);
        for &slot in &component {
            let old = self.root(slot);
            // A removed root's base cluster was covered when it left.
            if !self.dead.contains(&old) {
                self.cover(old);
            }
            self.members.remove(&old);
        }
        for (position, &slot) in component.iter().enumerate() {
            let root = component[roots[position] as usize];
            self.roots.insert(slot, root);
            if root != slot {
                self.members.entry(root).or_insert_with(|| vec![root]).push(slot);
            }
        }
    }

    fn sorted_ids(&self, members: &[u32]) -> Vec<String> {
        let mut members = members.to_vec();
        members.sort_by(|&a, &b| self.order(a).cmp(&self.order(b)));
        members.into_iter().map(|i| self.id(i).to_string()).collect()
    }

    /// All members of `id`'s cluster including `id`: the original first
    /// (earliest published; ties and undated articles by id, undated last),
    /// then the others by date. An article with no reprise, or an unknown
    /// id, gives `vec![id]`.
    pub fn cluster_of(&self, id: &str) -> Vec<String> {
        let Some(slot) = self.find(id) else { return vec![id.to_string()] };
        let members = self.members(self.root(slot));
        if members.len() < 2 { vec![id.to_string()] } else { self.sorted_ids(&members) }
    }

    /// The original of `id`'s cluster (`id` itself when it has no reprise).
    pub fn original(&self, id: &str) -> String {
        self.cluster_of(id).swap_remove(0)
    }

    /// The clusters of two or more, as slots, each original first then in
    /// clustering order, ordered like their originals. The base's clusters
    /// are in that order already: the few clusters changed since are merged
    /// in by binary search, so that only the cluster tables and the ids of
    /// the base are read, not its records.
    fn cluster_slots(&self) -> Vec<Vec<u32>> {
        let mut changed: Vec<Vec<u32>> = self.members.values().cloned().collect();
        for members in &mut changed {
            members.sort_by(|&a, &b| self.order(a).cmp(&self.order(b)));
        }
        changed.sort_by(|a, b| self.order(a[0]).cmp(&self.order(b[0])));
        let Some(base) = &self.base else { return changed };
        let count = base.clusters();
        let mut out = Vec::with_capacity(count as usize + changed.len());
        // A cluster moved out of the base keeps its root in `roots`, unless the root left.
        let kept = |c: u32| -> Option<Vec<u32>> {
            let members: Vec<u32> = base.members(c).collect();
            (members.len() > 1 && !self.roots.contains_key(&members[0]) && !self.dead.contains(&members[0]))
                .then_some(members)
        };
        let original = |c: u32| base.members(c).next().unwrap_or(0);
        let mut next = 0u32;
        for members in changed {
            let key = self.order(members[0]);
            let (mut lo, mut hi) = (next, count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if self.order(original(mid)) < key { lo = mid + 1 } else { hi = mid }
            }
            out.extend((next..lo).filter_map(kept));
            next = lo;
            out.push(members);
        }
        out.extend((next..count).filter_map(kept));
        self.release();
        out
    }

    /// All clusters of two or more members, each original first, ordered
    /// like their originals.
    pub fn clusters(&self) -> Vec<Vec<String>> {
        let clusters = self
            .cluster_slots()
            .into_iter()
            .map(|members| members.into_iter().map(|i| self.id(i).to_string()).collect())
            .collect();
        self.release();
        clusters
    }

    /// Number of articles (clustered or not).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Whether `id` was inserted.
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// The stored fingerprint of `id`.
    pub fn fingerprint(&self, id: &str) -> Option<Fingerprint> {
        self.find(id).map(|slot| self.print(slot))
    }

    /// Fingerprint comparisons made since this value was created or loaded:
    /// a diagnostic of how much LSH spares (all pairs would be n(n−1)/2).
    pub fn comparisons(&self) -> u64 {
        self.comparisons
    }

    /// Writes the state, atomically (see [`store`]): the delta alone when
    /// there is a base and the changes since are few, else a whole new base
    /// and an empty delta.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let changes = self.added.len() + self.dead.len() + self.roots.len();
        #[cfg(test)]
        let delta_min = self.delta_min.unwrap_or(DELTA_MIN);
        #[cfg(not(test))]
        let delta_min = DELTA_MIN;
        let limit = (self.base_len() as usize / DELTA_SHARE).max(delta_min);
        match &self.base {
            Some(base) if changes <= limit && !self.replaced.load(std::sync::atomic::Ordering::Relaxed) => {
                let sequence = self
                    .disk_name()
                    .filter(|d| d.generation == base.generation)
                    .map_or(1, |d| d.sequence + 1);
                let name = store::DeltaName { generation: base.generation, sequence };
                store::write_delta(&store::delta_path(path), &self.delta(name))?;
                *self.disk.lock().expect("not poisoned") = Some(name);
                Ok(())
            }
            _ => self.save_base(path),
        }
    }

    /// The changes since the base, numbered as they will be read back: the
    /// added articles still live, in order, after the base's slots.
    fn delta(&self, name: store::DeltaName) -> store::Delta {
        let base_len = self.base_len();
        let mut renumber: FxHashMap<u32, u32> = FxHashMap::default();
        let mut added = Vec::new();
        for (i, entry) in self.added.iter().enumerate() {
            let slot = base_len + i as u32;
            if !self.dead.contains(&slot) {
                renumber.insert(slot, base_len + added.len() as u32);
                added.push(entry.clone());
            }
        }
        let new = |slot: u32| if slot < base_len { slot } else { renumber[&slot] };
        let mut dead: Vec<u32> = self.dead.iter().copied().filter(|&s| s < base_len).collect();
        dead.sort_unstable();
        let mut roots: Vec<(u32, u32)> = self.roots.iter().map(|(&s, &r)| (new(s), new(r))).collect();
        // Added articles in clusters of added articles only are not in `roots`.
        for (&root, members) in &self.members {
            for &member in members {
                if !self.roots.contains_key(&member) {
                    roots.push((new(member), new(root)));
                }
            }
        }
        roots.sort_unstable();
        roots.dedup();
        store::Delta { name: Some(name), added, dead, roots }
    }

    /// Writes every live article in a new base, then an empty delta.
    fn save_base(&self, path: &Path) -> std::io::Result<()> {
        let base_len = self.base_len();
        let mut added: Vec<u32> = (0..self.added.len() as u32)
            .map(|i| base_len + i)
            .filter(|slot| !self.dead.contains(slot))
            .collect();
        if !self.added_sorted {
            added.sort_by(|&a, &b| self.id(a).cmp(self.id(b)));
        }
        let based = (0..base_len).filter(|slot| !self.dead.contains(slot));
        // Both lists are in id order: merged.
        let mut slots = Vec::with_capacity(self.live);
        let mut added = added.into_iter().peekable();
        for slot in based {
            while let Some(&next) = added.peek()
                && self.id(next) < self.id(slot)
            {
                slots.push(next);
                added.next();
            }
            slots.push(slot);
        }
        slots.extend(added);
        let mut renumber = vec![u32::MAX; base_len as usize + self.added.len()];
        for (new, &old) in slots.iter().enumerate() {
            renumber[old as usize] = new as u32;
        }
        let clusters: Vec<Vec<u32>> = self
            .cluster_slots()
            .into_iter()
            .map(|members| members.into_iter().map(|m| renumber[m as usize]).collect())
            .collect();
        drop(renumber);
        let folded = self.base.as_ref().and(self.disk_name());
        let generation = store::write(path, &Merged { state: self, slots: &slots }, &clusters, folded)?;
        let name = store::DeltaName { generation, sequence: 0 };
        store::write_delta(
            &store::delta_path(path),
            &store::Delta { name: Some(name), ..Default::default() },
        )?;
        self.replaced.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Saves, next to `path`, the clusters alone ([`Clusters`]): what
    /// searches and the terminal UI read.
    pub fn save_clusters(&self, path: &Path) -> std::io::Result<()> {
        let clusters = Clusters::from_lists(self.clusters());
        let json =
            serde_json::to_vec(&StoredClusters { format: FORMAT.to_string(), clusters: clusters.lists })
                .map_err(std::io::Error::other)?;
        crate::corpus::atomic::write_atomic(path, &json)
    }

    /// Reads what [`Reprises::save`] wrote: maps the base and reads the
    /// delta. `None` when the base is missing or was written with other
    /// fingerprint parameters: the caller must then fingerprint every
    /// article again. A damaged file, or a delta of another base, is an
    /// `InvalidData` error naming what is wrong.
    pub fn load(path: &Path) -> std::io::Result<Option<Reprises>> {
        let invalid = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidData, message);
        let Some(base) = store::Base::open(path)? else {
            return Ok(None);
        };
        let mut delta = store::read_delta(path)?;
        match delta.name {
            Some(name) if name.generation == base.generation => {}
            // Folded into this base by a run killed before it wrote the new delta.
            Some(name) if Some(name) == base.folded => delta = store::Delta::default(),
            None => {}
            Some(_) => {
                return Err(invalid(format!(
                    "{}: made for another {}",
                    store::delta_path(path).display(),
                    path.display()
                )));
            }
        }
        let base_len = base.len();
        let end = base_len as u64 + delta.added.len() as u64;
        if delta.dead.iter().any(|&s| s >= base_len)
            || delta.roots.iter().any(|&(s, r)| u64::from(s) >= end || u64::from(r) >= end)
        {
            return Err(invalid(format!("{}: a slot out of range", store::delta_path(path).display())));
        }
        let mut reprises = Reprises {
            live: base_len as usize - delta.dead.len() + delta.added.len(),
            dead: delta.dead.into_iter().collect(),
            added: delta.added,
            base: Some(base),
            ..Reprises::default()
        };
        *reprises.disk.get_mut().expect("not poisoned") =
            delta.name.filter(|n| Some(n.generation) == reprises.base.as_ref().map(|b| b.generation));
        for (slot, root) in delta.roots {
            reprises.roots.insert(slot, root);
        }
        let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (&slot, &root) in &reprises.roots {
            if slot != root {
                members.entry(root).or_insert_with(|| vec![root]).push(slot);
            }
        }
        for list in members.values_mut() {
            let root = list[0];
            list[1..].sort_by(|&a, &b| reprises.order(a).cmp(&reprises.order(b)));
            debug_assert_eq!(list[0], root);
        }
        reprises.members = members;
        Ok(Some(reprises))
    }
}

/// The live articles of a state in id order, as a new base's slots.
struct Merged<'a> {
    state: &'a Reprises,
    slots: &'a [u32],
}

impl store::Source for Merged<'_> {
    fn len(&self) -> u32 {
        self.slots.len() as u32
    }

    fn id(&self, slot: u32) -> &str {
        self.state.id(self.slots[slot as usize])
    }

    fn print(&self, slot: u32) -> Fingerprint {
        self.state.print(self.slots[slot as usize])
    }

    fn published(&self, slot: u32) -> Option<i64> {
        self.state.published(self.slots[slot as usize])
    }
}

/// The links of a bulk build, as (position, position, Jaccard) in
/// clustering order `order` (slots of `articles`), and the number of
/// comparisons. One band at a time: the band's keys are sorted (8 bytes an
/// article), runs of equal keys compared in parallel; a pair sharing an
/// earlier band was compared there already.
fn bulk_links(articles: &[Entry], order: &[u32]) -> (Vec<(u32, u32, f32)>, u64) {
    let mut pairs = Vec::new();
    let mut comparisons = 0u64;
    let mut entries: Vec<u64> = Vec::with_capacity(order.len());
    for band in 0..BANDS {
        entries.clear();
        entries.extend(order.iter().enumerate().map(|(position, &slot)| {
            (u64::from(store::band_key(&articles[slot as usize].1, band)) << 32) | position as u64
        }));
        entries.par_sort_unstable();
        let runs: Vec<&[u64]> =
            entries.chunk_by(|a, b| a >> 32 == b >> 32).filter(|run| run.len() > 1).collect();
        let (found, compared) = runs
            .par_iter()
            .map(|run| {
                let mut found = Vec::new();
                let mut compared = 0u64;
                for (n, &a) in run.iter().enumerate() {
                    let pa = &articles[order[a as u32 as usize] as usize].1;
                    for &b in &run[n + 1..] {
                        let pb = &articles[order[b as u32 as usize] as usize].1;
                        if (0..band)
                            .any(|earlier| store::band_key(pa, earlier) == store::band_key(pb, earlier))
                        {
                            continue;
                        }
                        compared += 1;
                        if is_reprise(pa, pb) {
                            found.push((a as u32, b as u32, similarity(pa, pb) as f32));
                        }
                    }
                }
                (found, compared)
            })
            .reduce(
                || (Vec::new(), 0),
                |mut x, y| {
                    x.0.extend(y.0);
                    (x.0, x.1 + y.1)
                },
            );
        pairs.extend(found);
        comparisons += compared;
    }
    (pairs, comparisons)
}

#[cfg(test)]
mod eval;
#[cfg(test)]
mod scale;

#[derive(Serialize, Deserialize)]
struct StoredClusters {
    format: String,
    clusters: Vec<Vec<String>>,
}

/// The clusters only, for readers: each cluster's ids, original first.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    lists: Vec<Vec<String>>,
    of: FxHashMap<String, u32>,
    /// The same, by [`crate::index::id_key`].
    by_key: FxHashMap<u64, u32>,
}

impl Clusters {
    fn from_lists(lists: Vec<Vec<String>>) -> Clusters {
        let mut of = FxHashMap::default();
        let mut by_key = FxHashMap::default();
        for (n, list) in lists.iter().enumerate() {
            for id in list {
                of.insert(id.clone(), n as u32);
                by_key.insert(crate::index::id_key(id), n as u32);
            }
        }
        Clusters { lists, of, by_key }
    }

    /// Reads what [`Reprises::save_clusters`] wrote; a missing file or one
    /// of another format gives no cluster.
    pub fn load(path: &Path) -> std::io::Result<Clusters> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Clusters::default()),
            Err(e) => return Err(e),
        };
        let stored: StoredClusters = serde_json::from_slice(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if stored.format != FORMAT {
            return Ok(Clusters::default());
        }
        Ok(Clusters::from_lists(stored.clusters))
    }

    /// As [`Reprises::cluster_of`].
    pub fn cluster_of(&self, id: &str) -> Vec<String> {
        match self.of.get(id) {
            Some(&n) => self.lists[n as usize].clone(),
            None => vec![id.to_string()],
        }
    }

    /// As [`Reprises::clusters`].
    pub fn clusters(&self) -> &[Vec<String>] {
        &self.lists
    }

    /// The cluster (its number and ids) of the article whose
    /// [`crate::index::id_key`] is `key`, when it has reprises.
    pub fn cluster_of_key(&self, key: u64) -> Option<(u32, &[String])> {
        self.by_key.get(&key).map(|&n| (n, self.lists[n as usize].as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
}
