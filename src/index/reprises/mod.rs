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
//! # Clusters
//!
//! [`Reprises`] holds the fingerprints, the LSH buckets and a union-find
//! (path compression, union by size) over the articles. Its clusters are
//! the connected components of the "is a reprise of" graph restricted to
//! LSH candidates, so they do not depend on insertion order. A rebuild (and
//! loading the saved fingerprints) clusters in bulk: one sorted array of
//! (band key, article) entries, 5 million for 82,000 articles, whose runs
//! of equal keys are the buckets. Later, inserting an article compares it
//! with its candidates only; removing one re-derives
//! the components of its former cluster from the stored fingerprints, so no
//! two articles stay joined through an article that left. Components are
//! transitive: a digest quoting large parts of several communiqués could
//! join them.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

mod fingerprint;
pub mod reposts;

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
const FORMAT: &str = "veille-reprises-3";

/// Bits of a slot number in a packed LSH entry (the band key takes the other 38).
const SLOT_BITS: u32 = 26;

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

#[derive(Debug, Clone)]
struct Slot {
    id: String,
    published: Option<i64>,
}

/// An article for [`Reprises::from_articles`]: id, fingerprint, publication
/// date (Unix timestamp).
pub type Entry = (String, Fingerprint, Option<i64>);

/// Clusters of reposts, built in bulk or incrementally.
///
/// The clusters are the connected components of the graph whose edges join
/// two clusterable articles that share an LSH bucket and pass
/// [`is_reprise`]. [`Reprises::from_articles`] finds the buckets by sorting
/// every (band key, article) entry once; [`Reprises::insert`] then compares
/// a new article with its bucket neighbours only, and removing one
/// re-derives the components of its former cluster from the stored
/// fingerprints. Either way the state is the one a fresh bulk build of the
/// remaining articles gives, whatever the order.
#[derive(Debug, Default, Clone)]
pub struct Reprises {
    /// Articles by slot; a removed article leaves `None` (slots are not
    /// reused, so that entries of `bulk` never point to another article).
    slots: Vec<Option<Slot>>,
    /// Fingerprints by slot, apart from the ids: comparing reads only these.
    prints: Vec<Fingerprint>,
    /// Union-find parent by slot (itself for a root).
    parents: Vec<u32>,
    by_id: FxHashMap<String, u32>,
    /// LSH entries of the bulk build, `band key << SLOT_BITS | slot`, sorted.
    bulk: Vec<u64>,
    /// LSH bucket key → slots, for articles inserted after the bulk build.
    buckets: FxHashMap<u64, Bucket>,
    /// Union-find root → members, for clusters of two or more.
    members: FxHashMap<u32, Vec<u32>>,
    /// Fingerprint comparisons made so far (a diagnostic, not saved).
    comparisons: u64,
}

impl Reprises {
    pub fn new() -> Reprises {
        Reprises::default()
    }

    /// Clusters a whole set of articles at once: each clusterable article
    /// gives one entry per band, the entries are sorted (in parallel), and
    /// only articles in the same run of equal keys are compared. An id given
    /// twice keeps its last entry.
    pub fn from_articles(articles: Vec<Entry>) -> Reprises {
        let mut reprises = Reprises::default();
        reprises.slots.reserve(articles.len());
        reprises.by_id.reserve(articles.len());
        for (id, fingerprint, published) in articles {
            let index = reprises.next_slot();
            if let Some(old) = reprises.by_id.insert(id.clone(), index) {
                reprises.slots[old as usize] = None;
            }
            reprises.push(Slot { id, published }, fingerprint, index);
        }
        assert!(reprises.slots.len() < 1 << SLOT_BITS, "fewer than 2^26 articles");
        let clusterable: Vec<u32> = (0..reprises.next_slot())
            .filter(|&i| reprises.slots[i as usize].is_some() && reprises.prints[i as usize].is_clusterable())
            .collect();
        let mut entries = vec![0u64; clusterable.len() * BANDS];
        entries.par_chunks_mut(BANDS).zip(&clusterable).for_each(|(out, &index)| {
            for (entry, key) in out.iter_mut().zip(reprises.prints[index as usize].bands()) {
                *entry = (key << SLOT_BITS) | u64::from(index);
            }
        });
        entries.par_sort_unstable();
        let slot_of = |entry: u64| (entry & ((1 << SLOT_BITS) - 1)) as u32;
        for run in entries.chunk_by(|a, b| a >> SLOT_BITS == b >> SLOT_BITS) {
            // A bucket whose articles are all one cluster already (the later
            // bands of a repost) is passed over in one look at each.
            if run.len() < 2 {
                continue;
            }
            let first = reprises.find_compress(slot_of(run[0]));
            if run[1..].iter().all(|&entry| reprises.find_compress(slot_of(entry)) == first) {
                continue;
            }
            for (n, &a) in run.iter().enumerate() {
                for &b in &run[n + 1..] {
                    reprises.compare(slot_of(a), slot_of(b));
                }
            }
        }
        reprises.bulk = entries;
        reprises
    }

    fn next_slot(&self) -> u32 {
        u32::try_from(self.slots.len()).expect("fewer than 2^32 articles")
    }

    fn push(&mut self, slot: Slot, fingerprint: Fingerprint, index: u32) {
        debug_assert_eq!(index, self.next_slot());
        self.slots.push(Some(slot));
        self.prints.push(fingerprint);
        self.parents.push(index);
    }

    /// Adds (or replaces) an article. Only its LSH candidates are compared
    /// with it. `published` is a Unix timestamp, used to tell the original.
    pub fn insert(&mut self, id: &str, fingerprint: Fingerprint, published: Option<i64>) {
        self.remove(id);
        let index = self.next_slot();
        self.push(Slot { id: id.to_string(), published }, fingerprint, index);
        self.by_id.insert(id.to_string(), index);
        if fingerprint.is_clusterable() {
            for key in fingerprint.bands() {
                match self.buckets.entry(key) {
                    std::collections::hash_map::Entry::Occupied(mut bucket) => bucket.get_mut().push(index),
                    std::collections::hash_map::Entry::Vacant(place) => {
                        place.insert(Bucket::One(index));
                    }
                }
            }
            self.link(index, None);
        }
    }

    /// Removes an article that left the corpus; the other members of its
    /// cluster are regrouped without it.
    pub fn remove(&mut self, id: &str) {
        let Some(index) = self.by_id.remove(id) else { return };
        let fingerprint = self.prints[index as usize];
        if fingerprint.is_clusterable() {
            for key in fingerprint.bands() {
                if let Some(bucket) = self.buckets.get_mut(&key)
                    && bucket.remove(index)
                {
                    self.buckets.remove(&key);
                }
            }
        }
        let root = self.find(index);
        let former = self.members.remove(&root);
        self.slots[index as usize] = None;
        let Some(mut former) = former else { return };
        former.retain(|&i| i != index);
        for &member in &former {
            self.parents[member as usize] = member;
        }
        let within: FxHashSet<u32> = former.iter().copied().collect();
        for &member in &former {
            self.link(member, Some(&within));
        }
    }

    /// The live articles sharing the bucket `key`, bulk entries and later ones.
    fn bucket(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.bulk.partition_point(|&entry| entry >> SLOT_BITS < key);
        let bulk = self.bulk[start..]
            .iter()
            .take_while(move |&&entry| entry >> SLOT_BITS == key)
            .map(|&entry| (entry & ((1 << SLOT_BITS) - 1)) as u32);
        let later = self.buckets.get(&key).map(Bucket::slots).unwrap_or_default().iter().copied();
        bulk.chain(later).filter(|&slot| self.slots[slot as usize].is_some())
    }

    /// Joins `index` with the bucket neighbours (restricted to `within`) it is a reprise of.
    fn link(&mut self, index: u32, within: Option<&FxHashSet<u32>>) {
        let mut candidates: Vec<u32> = self.prints[index as usize]
            .bands()
            .flat_map(|key| self.bucket(key))
            .filter(|&c| c != index && within.is_none_or(|w| w.contains(&c)))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for candidate in candidates {
            self.compare(index, candidate);
        }
    }

    /// Compares two articles not yet in one cluster, and joins them if they
    /// are reprises.
    fn compare(&mut self, a: u32, b: u32) {
        if self.find_compress(a) == self.find_compress(b) {
            return;
        }
        self.comparisons += 1;
        if is_reprise(&self.prints[a as usize], &self.prints[b as usize]) {
            self.union(a, b);
        }
    }

    fn slot(&self, index: u32) -> &Slot {
        self.slots[index as usize].as_ref().expect("live slot")
    }

    fn find(&self, mut index: u32) -> u32 {
        loop {
            let parent = self.parents[index as usize];
            if parent == index {
                return index;
            }
            index = parent;
        }
    }

    /// [`Reprises::find`] with path compression.
    fn find_compress(&mut self, index: u32) -> u32 {
        let root = self.find(index);
        let mut at = index;
        while at != root {
            let next = self.parents[at as usize];
            self.parents[at as usize] = root;
            at = next;
        }
        root
    }

    /// Union by size: the smaller cluster's root points to the larger's.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find_compress(a), self.find_compress(b));
        if ra == rb {
            return;
        }
        let size = |r: u32| self.members.get(&r).map_or(1, Vec::len);
        let (root, child) = if size(ra) >= size(rb) { (ra, rb) } else { (rb, ra) };
        let moved = self.members.remove(&child).unwrap_or_else(|| vec![child]);
        self.parents[child as usize] = root;
        self.members.entry(root).or_insert_with(|| vec![root]).extend(moved);
    }

    /// Sort key of a member: dated before undated, earliest first, then id.
    fn order(&self, index: u32) -> (bool, i64, &str) {
        let slot = self.slot(index);
        (slot.published.is_none(), slot.published.unwrap_or(0), slot.id.as_str())
    }

    fn sorted_ids(&self, members: &[u32]) -> Vec<String> {
        let mut members = members.to_vec();
        members.sort_by(|&a, &b| self.order(a).cmp(&self.order(b)));
        members.into_iter().map(|i| self.slot(i).id.clone()).collect()
    }

    /// All members of `id`'s cluster including `id`: the original first
    /// (earliest published; ties and undated articles by id, undated last),
    /// then the others by date. An article with no reprise, or an unknown
    /// id, gives `vec![id]`.
    pub fn cluster_of(&self, id: &str) -> Vec<String> {
        let Some(&index) = self.by_id.get(id) else { return vec![id.to_string()] };
        match self.members.get(&self.find(index)) {
            Some(members) => self.sorted_ids(members),
            None => vec![id.to_string()],
        }
    }

    /// The original of `id`'s cluster (`id` itself when it has no reprise).
    pub fn original(&self, id: &str) -> String {
        self.cluster_of(id).swap_remove(0)
    }

    /// All clusters of two or more members, each original first, ordered
    /// like their originals.
    pub fn clusters(&self) -> Vec<Vec<String>> {
        let mut clusters: Vec<(u32, Vec<String>)> = self
            .members
            .values()
            .map(|members| {
                let first = *members.iter().min_by(|&&a, &&b| self.order(a).cmp(&self.order(b))).unwrap();
                (first, self.sorted_ids(members))
            })
            .collect();
        clusters.sort_by(|a, b| self.order(a.0).cmp(&self.order(b.0)));
        clusters.into_iter().map(|(_, ids)| ids).collect()
    }

    /// Number of articles (clustered or not).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether `id` was inserted.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The stored fingerprint of `id`.
    pub fn fingerprint(&self, id: &str) -> Option<&Fingerprint> {
        self.by_id.get(id).map(|&i| &self.prints[i as usize])
    }

    /// Fingerprint comparisons made since this value was created or loaded:
    /// a diagnostic of how much LSH spares (all pairs would be n(n−1)/2).
    pub fn comparisons(&self) -> u64 {
        self.comparisons
    }

    /// Writes the fingerprints, atomically, in a compact binary form (see
    /// [`stored`]). Clusters are not written: [`Reprises::load`] derives
    /// them again.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut articles: Vec<(&Slot, &Fingerprint)> = self
            .slots
            .iter()
            .zip(&self.prints)
            .filter_map(|(slot, print)| Some((slot.as_ref()?, print)))
            .collect();
        articles.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        let bytes = stored::write(articles.iter().map(|(s, print)| (s.id.as_str(), *print, s.published)));
        crate::corpus::atomic::write_atomic(path, &bytes)
    }

    /// Saves, next to `path`, the clusters alone ([`Clusters`]): what
    /// searches and the terminal UI read, a few kilobytes where the
    /// fingerprints take megabytes.
    pub fn save_clusters(&self, path: &Path) -> std::io::Result<()> {
        let clusters = Clusters::from_lists(self.clusters());
        let json =
            serde_json::to_vec(&StoredClusters { format: FORMAT.to_string(), clusters: clusters.lists })
                .map_err(std::io::Error::other)?;
        crate::corpus::atomic::write_atomic(path, &json)
    }

    /// Reads what [`Reprises::save`] wrote and clusters it again
    /// ([`Reprises::from_articles`]). `None` when the file is missing or
    /// was written with other fingerprint parameters: the caller must then
    /// fingerprint every article again. A damaged file is an
    /// `InvalidData` error naming what is wrong.
    pub fn load(path: &Path) -> std::io::Result<Option<Reprises>> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(articles) =
            stored::read(&bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?
        else {
            return Ok(None);
        };
        let mut reprises = Reprises::from_articles(articles);
        reprises.comparisons = 0;
        Ok(Some(reprises))
    }
}

/// The saved fingerprints. All numbers little-endian:
///
/// ```text
/// "veille-reprises-3\n"  format line
/// u32 SHINGLE, u32 HASHES, u64 seed, u64 number of articles
/// per article, sorted by id:
///     u32 id length, id (UTF-8), i64 published (i64::MIN: none),
///     u32 distinct shingles, HASHES × u16 signature
/// ```
///
/// About 290 bytes an article, 24 MB for 82,000; JSON with base64 took
/// 2.5 times as much and as many times longer to write and read.
mod stored {
    use super::{Entry, FORMAT, Fingerprint, HASHES, SHINGLE, fingerprint::SEED};

    pub(super) fn write<'a>(
        articles: impl ExactSizeIterator<Item = (&'a str, &'a Fingerprint, Option<i64>)>,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + articles.len() * (24 + 2 * HASHES));
        out.extend_from_slice(FORMAT.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&(SHINGLE as u32).to_le_bytes());
        out.extend_from_slice(&(HASHES as u32).to_le_bytes());
        out.extend_from_slice(&SEED.to_le_bytes());
        out.extend_from_slice(&(articles.len() as u64).to_le_bytes());
        for (id, fingerprint, published) in articles {
            out.extend_from_slice(&(id.len() as u32).to_le_bytes());
            out.extend_from_slice(id.as_bytes());
            out.extend_from_slice(&published.unwrap_or(i64::MIN).to_le_bytes());
            out.extend_from_slice(&fingerprint.shingles.to_le_bytes());
            for value in fingerprint.hashes {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        out
    }

    struct Reader<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
            let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len());
            let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
            let out = &self.bytes[self.at..end];
            self.at = end;
            Ok(out)
        }

        fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
            Ok(self.take(N)?.try_into().expect("N bytes"))
        }
    }

    /// The articles, or `None` for a file of another format or parameters.
    pub(super) fn read(bytes: &[u8]) -> Result<Option<Vec<Entry>>, String> {
        let Some(rest) = bytes.strip_prefix(FORMAT.as_bytes()).and_then(|r| r.strip_prefix(b"\n")) else {
            // Another version is outdated; anything else is not ours at all.
            return if bytes.starts_with(b"veille-reprises-") {
                Ok(None)
            } else {
                Err("not a file of fingerprints (no veille-reprises format line)".to_string())
            };
        };
        let mut reader = Reader { bytes: rest, at: 0 };
        let shingle = u32::from_le_bytes(reader.array()?);
        let hashes = u32::from_le_bytes(reader.array()?);
        let seed = u64::from_le_bytes(reader.array()?);
        if (shingle as usize, hashes as usize, seed) != (SHINGLE, HASHES, SEED) {
            return Ok(None);
        }
        let count = u64::from_le_bytes(reader.array()?);
        let mut articles =
            Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(rest.len() / (2 * HASHES)));
        for n in 0..count {
            let len = u32::from_le_bytes(reader.array()?) as usize;
            let id = std::str::from_utf8(reader.take(len)?)
                .map_err(|e| format!("article {n}: id is not UTF-8 ({e})"))?
                .to_string();
            let published = Some(i64::from_le_bytes(reader.array()?)).filter(|&p| p != i64::MIN);
            let shingles = u32::from_le_bytes(reader.array()?);
            let mut fingerprint = Fingerprint { hashes: [0; HASHES], shingles };
            for value in &mut fingerprint.hashes {
                *value = u16::from_le_bytes(reader.array()?);
            }
            articles.push((id, fingerprint, published));
        }
        if reader.at != rest.len() {
            return Err(format!("{} bytes after the last article", rest.len() - reader.at));
        }
        Ok(Some(articles))
    }
}

#[cfg(test)]
mod eval;

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
