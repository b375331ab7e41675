//! Fingerprints: from an article body to a short signature of its word
//! shingles (see the parent module for why these parameters).
//!
//! A body goes through a light analysis of its own, made to be cheap
//! rather than to serve search: words are runs of letters and digits
//! (apostrophes, hyphens and punctuation split them, so `’`/`'`, `« »`/`""`
//! and no-break spaces do not matter), folded to lower case without
//! accents or ligatures (`Œuvre`, `oeuvre`, `ŒUVRE` are one word; full-width
//! and other compatibility forms through NFKD), and function words
//! ([`STOP_WORDS`]) and one-letter words are left out, so that a shingle
//! spans content words: `l’eau de la ville` and `l'eau de la ville` both give
//! `eau ville`. There is no stemming: a repost keeps the words of the text
//! it reposts, and the French analyzer of the index costs about five times
//! as much per byte (version 2 of the fingerprints used it).
//!
//! Each word is hashed as it is read (no allocation), the shingles are the
//! runs of [`SHINGLE`] consecutive word hashes, and the signature is a
//! one-permutation MinHash (Li, Owen & Zhang, *One Permutation Hashing*,
//! NIPS 2012): one 64-bit hash per shingle, whose top 7 bits pick one of
//! [`HASHES`] bins and whose low 32 bits compete for the bin's minimum.
//! Bins no shingle fell in borrow the minimum of another bin, picked by a
//! fixed sequence of probes per bin (Shrivastava, *Optimal Densification
//! for Fast and Accurate Minwise Hashing*, ICML 2017), so that two bodies
//! agree on a bin with probability equal to the Jaccard similarity of their
//! shingle sets, as with 128 independent permutations, at the cost of one
//! hash per shingle instead of 128. Each bin keeps the low 16 bits of its
//! minimum (b-bit minwise hashing, Li & König, WWW 2010): two different
//! minima agree by chance with probability 2⁻¹⁶, which moves the estimates
//! by less than 0.0001, for half the size.

use std::cell::RefCell;
use std::sync::LazyLock;

/// Content words per shingle.
pub const SHINGLE: usize = 5;
/// Signature length: bins of the one-permutation MinHash.
pub const HASHES: usize = 128;
/// Bits of the shingle hash that pick the bin.
const BIN_BITS: u32 = HASHES.trailing_zeros();
const _: () = assert!(HASHES == 128, "the filled bins are one u128");

/// Seed of the hash functions: changing it changes every fingerprint.
pub(super) const SEED: u64 = 0x7665_696c_6c65_7265;

/// Longer words are not words (URLs, hashes, base64): skipped.
const MAX_WORD: usize = 60;

/// French function words, as written (folded like the text before use).
/// Elided forms (`qu`, `jusqu`) are here because the apostrophe splits
/// `qu’il` into `qu` and `il`.
pub const STOP_WORDS: &str = "
    au aux avec ce ces cet cette ceci cela ça dans de des du elle elles en et eux il ils je la le les
    leur leurs lui ma mais me même mêmes mes moi mon ne nos notre nous on ou où par pas pour qu que
    qui quoi sa se ses son sur ta te tes toi ton tu un une unes uns vos votre vous vers chez sans sous
    entre dont donc car ni or si non plus moins très tout tous toute toutes aussi ainsi alors comme
    quand lorsque lorsqu puisque puisqu quoique quoiqu jusqu jusque afin selon depuis pendant avant
    après contre parmi malgré auprès envers
    être suis es est sommes êtes sont étais était étions étiez étaient été serai seras sera serons
    serez seront serais serait serions seriez seraient sois soit soyons soyez soient fus fut furent
    avoir ai as avons avez ont avais avait avions aviez avaient eu aurai auras aura aurons aurez
    auront aurais aurait aurions auriez auraient aie aies ait ayons ayez aient eut eurent
    y ci là celui celle ceux celles lequel laquelle lesquels lesquelles auquel auxquels duquel
    desquels quel quelle quels quelles
";

/// A body's fingerprint: the one-permutation MinHash signature of its
/// word shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// Per bin, the low 16 bits of the minimum (after densification).
    pub hashes: [u16; HASHES],
    /// Number of distinct shingles of the body (texts with fewer than
    /// [`super::MIN_SHINGLES`] are not clustered).
    pub shingles: u32,
}

/// splitmix64's step and output: the mixer used throughout.
pub(super) const fn splitmix64(state: u64) -> (u64, u64) {
    let state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    (state, mix(state))
}

/// splitmix64's finaliser: every input bit moves every output bit.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of a folded word: eight bytes at a time, then mixed. Written out
/// (not a crate's hasher) so that fingerprints stay the same across
/// versions and machines.
fn word_hash(word: &[u8]) -> u64 {
    word_hash_with(word, 0)
}

/// [`word_hash`] of an ASCII word of letters and digits in any case: `| 0x20`
/// lowers an ASCII letter and leaves a digit as it is, so the word needs
/// no copy to be folded.
fn ascii_word_hash(word: &[u8]) -> u64 {
    word_hash_with(word, 0x20)
}

fn word_hash_with(word: &[u8], lower: u8) -> u64 {
    let lower8 = u64::from_le_bytes([lower; 8]);
    let mut h = SEED ^ (word.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut chunks = word.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) | lower8;
        h = (h.rotate_left(23) ^ x).wrapping_mul(0xff51_afd7_ed55_8ccd);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        for (to, &from) in last.iter_mut().zip(rest) {
            *to = from | lower;
        }
        h = (h.rotate_left(23) ^ u64::from_le_bytes(last)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    }
    mix(h)
}

/// What a non-ASCII character does to the word being read.
enum Fold {
    /// Letters written as ASCII (`é` → `e`, `œ` → `oe`).
    Ascii(&'static str),
    /// Part of the word, adds nothing (combining accents, soft hyphens, joiners).
    Nothing,
    /// Ends the word.
    Break,
    /// Any other letter or digit: NFKD, accents dropped, lower case.
    Other,
}

fn fold(c: char) -> Fold {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => Fold::Ascii("a"),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => Fold::Ascii("e"),
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => Fold::Ascii("i"),
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => Fold::Ascii("o"),
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => Fold::Ascii("u"),
        'ç' | 'Ç' => Fold::Ascii("c"),
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => Fold::Ascii("y"),
        'ñ' | 'Ñ' => Fold::Ascii("n"),
        'œ' | 'Œ' => Fold::Ascii("oe"),
        'æ' | 'Æ' => Fold::Ascii("ae"),
        'ß' => Fold::Ascii("ss"),
        'ø' | 'Ø' => Fold::Ascii("o"),
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => Fold::Nothing,
        c if unicode_normalization::char::is_combining_mark(c) => Fold::Nothing,
        c if c.is_alphanumeric() => Fold::Other,
        _ => Fold::Break,
    }
}

/// Calls `each` with the hash of every word of `text`, folded, of two
/// bytes or more once folded (`à` and `l` are not words, `œ` is `oe`), in
/// order. The word being read lives in a small buffer on the stack.
fn words(text: &str, mut each: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut word = [0u8; MAX_WORD];
    // Bytes of the word so far; past MAX_WORD the word is overlong and
    // only the count goes on.
    let mut len = 0usize;
    let end = |len: &mut usize, word: &[u8; MAX_WORD], each: &mut dyn FnMut(u64)| {
        if (2..=MAX_WORD).contains(len) {
            each(word_hash(&word[..*len]));
        }
        *len = 0;
    };
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if len == 0 && ASCII[usize::from(byte & 0x7f)] != 0 && byte.is_ascii() {
            // A word starts: most are plain ASCII, hashed where they lie.
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii() && ASCII[usize::from(bytes[at])] != 0 {
                at += 1;
            }
            if at == bytes.len() || bytes[at].is_ascii() {
                if (2..=MAX_WORD).contains(&(at - start)) {
                    each(ascii_word_hash(&bytes[start..at]));
                }
            } else {
                // It goes on with an accent: the slow path from here on.
                for &byte in &bytes[start..at] {
                    if len < MAX_WORD {
                        word[len] = ASCII[usize::from(byte)];
                    }
                    len += 1;
                }
            }
            continue;
        }
        if byte.is_ascii() {
            at += 1;
            let folded = ASCII[usize::from(byte)];
            if folded != 0 {
                if len < MAX_WORD {
                    word[len] = folded;
                }
                len += 1;
            } else if len > 0 {
                end(&mut len, &word, &mut each);
            }
            continue;
        }
        let c = text[at..].chars().next().expect("at a character boundary");
        at += c.len_utf8();
        let mut push = |piece: &[u8]| {
            for &byte in piece {
                if len < MAX_WORD {
                    word[len] = byte;
                }
                len += 1;
            }
        };
        match fold(c) {
            Fold::Ascii(folded) => push(folded.as_bytes()),
            Fold::Nothing => {}
            Fold::Other => {
                let mut buf = [0u8; 4];
                unicode_normalization::char::decompose_compatible(c, |d| {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        for lower in d.to_lowercase() {
                            push(lower.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                });
            }
            Fold::Break => end(&mut len, &word, &mut each),
        }
    }
    end(&mut len, &word, &mut each);
}

/// ASCII letters and digits in lower case; 0 for the other ASCII bytes.
static ASCII: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// The folded stop words' hashes in a table where each has a slot of its
/// own (a multiplier is searched at start-up until none collide), so that
/// telling a stop word costs one multiplication, one load and one
/// comparison, without a branch.
struct StopWords {
    multiplier: u64,
    slots: Box<[u64; STOP_SLOTS]>,
}

/// Slots of the stop word table: a power of two, about twenty times the
/// words, so that a multiplier without collisions is found in a few tries.
const STOP_SLOTS: usize = 4096;

impl StopWords {
    fn new() -> StopWords {
        let mut hashes = Vec::new();
        words(STOP_WORDS, |word| hashes.push(word));
        let mut state = SEED;
        loop {
            let (next, multiplier) = splitmix64(state);
            state = next;
            let mut table = StopWords { multiplier: multiplier | 1, slots: Box::new([0; STOP_SLOTS]) };
            let placed = hashes.iter().all(|&word| {
                let slot = table.slot(word);
                let free = table.slots[slot] == 0 || table.slots[slot] == word;
                table.slots[slot] = word;
                free
            });
            if placed {
                return table;
            }
        }
    }

    fn slot(&self, word: u64) -> usize {
        (word.wrapping_mul(self.multiplier) >> (64 - STOP_SLOTS.trailing_zeros())) as usize
    }

    fn contains(&self, word: u64) -> bool {
        self.slots[self.slot(word)] == word
    }
}

static STOP: LazyLock<StopWords> = LazyLock::new(StopWords::new);

/// The hashes of the content words of `text`, in order, appended to `out`.
pub(super) fn content_words(text: &str, out: &mut Vec<u64>) {
    let stop = &*STOP;
    words(text, |word| {
        // Pushed, then taken back if it is a stop word: no branch for the
        // processor to mispredict on one word in two.
        out.push(word);
        let len = out.len() - usize::from(stop.contains(word));
        out.truncate(len);
    });
}

/// The hash of one shingle: its words in order.
pub(super) fn shingle(window: &[u64]) -> u64 {
    let h =
        window.iter().fold(SEED, |h, &word| (h.rotate_left(29) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    mix(h)
}

/// The shingles of a word sequence (with repeats): windows of `k` words, or
/// one shingle of all the words when there are fewer.
pub(super) fn shingles(words: &[u64], k: usize) -> impl Iterator<Item = u64> + '_ {
    let k = k.min(words.len()).max(1);
    words.windows(k).map(shingle)
}

/// Scratch space reused from body to body on one thread.
struct Scratch {
    words: Vec<u64>,
    /// Open addressing set of shingle hashes (0 = empty), to count the distinct ones.
    seen: Vec<u64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const { RefCell::new(Scratch { words: Vec::new(), seen: Vec::new() }) };
}

/// The fingerprint of an article body (its plain text).
pub fn fingerprint(body: &str) -> Fingerprint {
    SCRATCH.with(|scratch| {
        let scratch = &mut *scratch.borrow_mut();
        scratch.words.clear();
        content_words(body, &mut scratch.words);
        let count = scratch.words.len().saturating_sub(SHINGLE - 1).max(1);
        let capacity = (2 * count).next_power_of_two();
        scratch.seen.clear();
        scratch.seen.resize(capacity, 0);
        let mask = capacity - 1;
        let mut mins = [u32::MAX; HASHES];
        let mut filled: u128 = 0;
        let mut distinct: u32 = 0;
        if !scratch.words.is_empty() {
            for hash in shingles(&scratch.words, SHINGLE) {
                let bin = (hash >> (64 - BIN_BITS)) as usize;
                mins[bin] = mins[bin].min(hash as u32);
                filled |= 1 << bin;
                let key = hash.max(1);
                let mut slot = (key as usize) & mask;
                loop {
                    match scratch.seen[slot] {
                        0 => {
                            scratch.seen[slot] = key;
                            distinct += 1;
                            break;
                        }
                        k if k == key => break,
                        _ => slot = (slot + 1) & mask,
                    }
                }
            }
        }
        // Bodies too short to be clustered are never compared: their empty
        // bins stay empty, which spares the longest densifications.
        let hashes = if distinct >= super::MIN_SHINGLES {
            densify(&mins, filled)
        } else {
            std::array::from_fn(|bin| if filled & (1 << bin) != 0 { mins[bin] as u16 } else { u16::MAX })
        };
        Fingerprint { hashes, shingles: distinct }
    })
}

/// Fills the bins no shingle fell in from other bins (optimal
/// densification): bin `i` takes the minimum of the first filled bin in its
/// own fixed sequence of probes, the same for every body. No shingle at
/// all: every bin is `u16::MAX`.
fn densify(mins: &[u32; HASHES], filled: u128) -> [u16; HASHES] {
    let mut out = mins.map(|min| min as u16);
    if filled == 0 {
        return [u16::MAX; HASHES];
    }
    let is_filled = |bin: usize| filled & (1 << bin) != 0;
    let mut empty = !filled;
    while empty != 0 {
        let bin = empty.trailing_zeros() as usize;
        empty &= empty - 1;
        let source = PROBES[bin].iter().map(|&probe| usize::from(probe)).find(|&probe| is_filled(probe));
        let source = source.unwrap_or_else(|| {
            let mut probes = Probes::new(bin);
            (0..PROBED).for_each(|_| _ = probes.next());
            probes.find(|&probe| is_filled(probe)).expect("a filled bin")
        });
        out[bin] = mins[source] as u16;
    }
    out
}

/// The sequence of probes of one bin: splitmix64 from a state made of the
/// seed and the bin number, each output's top bits naming a bin.
struct Probes {
    state: u64,
}

impl Probes {
    const fn new(bin: usize) -> Probes {
        Probes { state: SEED ^ ((bin as u64) << 40) }
    }

    const fn next_probe(&mut self) -> usize {
        let (state, probe) = splitmix64(self.state);
        self.state = state;
        (probe >> (64 - BIN_BITS)) as usize
    }
}

impl Iterator for Probes {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        Some(self.next_probe())
    }
}

/// Probes computed in advance: enough for a body with a fifth of its
/// bins filled to find one in 99.9 % of cases.
const PROBED: usize = 32;

/// The first [`PROBED`] probes of every bin.
static PROBES: [[u8; PROBED]; HASHES] = {
    let mut table = [[0; PROBED]; HASHES];
    let mut bin = 0;
    while bin < HASHES {
        let mut probes = Probes::new(bin);
        let mut n = 0;
        while n < PROBED {
            table[bin][n] = probes.next_probe() as u8;
            n += 1;
        }
        bin += 1;
    }
    table
};

/// [`content_words`] into a new vector, for tests.
#[cfg(test)]
pub(super) fn words_of(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    content_words(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typography_case_accents_and_ligatures_do_not_matter() {
        assert_eq!(words_of("L’Œuvre de l’eau « publique »"), words_of("l'oeuvre de l'eau \"publique\""));
        assert_eq!(words_of("ÉNERGIE, data\u{a0}center"), words_of("energie data-center"));
        assert_eq!(words_of("e\u{301}nergie ﬁnale"), words_of("énergie finale"));
        assert_eq!(words_of("ｅａｕ"), words_of("eau"));
        assert_eq!(words_of("pro\u{ad}duction"), words_of("production"));
    }

    #[test]
    fn function_words_and_single_letters_are_left_out() {
        assert_eq!(words_of("l'eau de la ville, qu'il y a à Grenoble"), words_of("eau ville grenoble"));
        assert_eq!(words_of("Les data centers sont là"), words_of("data centers"));
        assert!(words_of(&"x".repeat(200)).is_empty(), "an overlong word is not a word");
    }

    #[test]
    fn no_shingle_gives_an_empty_fingerprint() {
        let empty = fingerprint("de la, et le");
        assert_eq!(empty.shingles, 0);
        assert!(empty.hashes.iter().all(|&h| h == u16::MAX));
        assert_eq!(fingerprint("eau").shingles, 1);
    }

    #[test]
    fn distinct_shingles_are_counted_once() {
        let text = "alpha bravo charlie delta echo foxtrot golf hotel";
        let once = fingerprint(text);
        let twice = fingerprint(&format!("{text} {text}"));
        assert_eq!(once.shingles, 4);
        // The repeat adds the shingles that straddle the seam, not the repeated ones.
        assert_eq!(twice.shingles, 8);
    }

    #[test]
    fn empty_bins_copy_the_minima_of_filled_ones() {
        let text = "barrage Sivens zone humide occupation expulsion recours tribunal administratif \
                    Toulouse conseil départemental Tarn maïs irrigation agriculteurs pelleteuses \
                    gendarmes mobiles grenade offensive Rémi Fraisse octobre deux mille quatorze \
                    abandon projet retenue collinaire zone défendre naturalistes luttes \
                    rapport experts";
        let print = fingerprint(text);
        assert!(print.shingles >= super::super::MIN_SHINGLES, "{text}");
        let mut minima: [Option<u32>; HASHES] = [None; HASHES];
        for hash in shingles(&words_of(text), SHINGLE) {
            let bin = (hash >> (64 - BIN_BITS)) as usize;
            minima[bin] = Some(minima[bin].map_or(hash as u32, |m| m.min(hash as u32)));
        }
        assert!(minima.iter().any(Option::is_none), "the text leaves bins empty");
        for (bin, &value) in print.hashes.iter().enumerate() {
            match minima[bin] {
                Some(min) => assert_eq!(value, min as u16, "a filled bin keeps its minimum"),
                None => assert!(minima.iter().flatten().any(|&m| m as u16 == value), "bin {bin}: {value}"),
            }
        }
    }
}
