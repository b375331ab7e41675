//! Reposts made to measure: what another site does to a text it takes up
//! (sentences cut, sentences of its own added, a few words dropped, an
//! intro above, a footer or a "read more" link below, the signature kept
//! or not, its own typography), seeded so that a measure is the same on
//! every run. The evaluation of [`super::is_reprise`] on generated texts
//! and `veille bench --reprises` on a home's own articles both make their
//! reposts here.

use super::fingerprint::splitmix64;

/// splitmix64: seeded, so that a measure is the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let (state, value) = splitmix64(self.0);
        self.0 = state;
        value
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The text a repost is made of.
pub struct Original<'a> {
    /// Paragraphs of sentences.
    pub paragraphs: &'a [Vec<String>],
    /// Its signature (empty when it has none), kept by half the reposts.
    pub signature: &'a str,
}

/// What a reposting site writes of its own.
pub trait Additions {
    /// A sentence added among the original's.
    fn sentence(&mut self, rng: &mut Rng) -> String;
    /// A sentence of the intro above the text.
    fn intro(&mut self, rng: &mut Rng) -> String;
    /// The link under an excerpt.
    fn read_more(&mut self, rng: &mut Rng) -> String;
    /// A line under the text.
    fn footer(&mut self, rng: &mut Rng) -> String;
}

/// How hard reposts are edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edits {
    /// 10 to 30 % of the sentences removed or added, in total.
    Brief,
    /// Up to 30 % removed and up to 30 % added.
    Stress,
    /// Only the first 35 to 60 % of the text, under an intro, above a link.
    Excerpt,
}

impl Edits {
    pub fn name(self) -> &'static str {
        match self {
            Edits::Brief => "10–30 % edits",
            Edits::Stress => "up to 30 % removed and 30 % added",
            Edits::Excerpt => "excerpts of 35–60 %",
        }
    }
}

/// Typography another site may apply.
fn retype(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_string();
    if rng.chance(0.5) {
        text = text.replace('’', "'");
    }
    if rng.chance(0.5) {
        text = text.replace("« ", "\"").replace(" »", "\"");
    }
    if rng.chance(0.3) {
        text = text.replace('œ', "oe");
    }
    if rng.chance(0.3) {
        text = text.replace('É', "E").replace('À', "A");
    }
    if rng.chance(0.3) {
        text = text.replace(" :", "\u{a0}:").replace(" ;", "\u{a0};");
    }
    text
}

/// A repost of `original` by another site, edited as `edits` says, with
/// what `additions` gives.
pub fn repost(rng: &mut Rng, original: &Original, edits: Edits, additions: &mut impl Additions) -> String {
    let mut sentences: Vec<(usize, String)> = original
        .paragraphs
        .iter()
        .enumerate()
        .flat_map(|(p, sentences)| sentences.iter().map(move |s| (p, s.clone())))
        .collect();
    let n = sentences.len() as f64;
    let (removed, added) = match edits {
        Edits::Brief => {
            let total = 0.1 + 0.2 * rng.unit();
            let share = rng.unit();
            (total * share, total * (1.0 - share))
        }
        Edits::Stress => (0.3 * rng.unit(), 0.3 * rng.unit()),
        Edits::Excerpt => (0.0, 0.0),
    };
    for _ in 0..(removed * n).round() as usize {
        sentences.remove(rng.below(sentences.len()));
    }
    let excerpt = matches!(edits, Edits::Excerpt);
    if excerpt {
        sentences.truncate(((0.35 + 0.25 * rng.unit()) * n).round() as usize);
    }
    for _ in 0..(added * n).round() as usize {
        let at = rng.below(sentences.len() + 1);
        let paragraph = sentences.get(at).or(sentences.last()).map_or(0, |s| s.0);
        sentences.insert(at, (paragraph, additions.sentence(rng)));
    }
    // A few words dropped or changed here and there.
    for (_, sentence) in &mut sentences {
        if rng.chance(0.08) {
            let mut words: Vec<&str> = sentence.split(' ').collect();
            if words.len() > 3 {
                words.remove(rng.range(1, words.len() - 2));
                *sentence = words.join(" ");
            }
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    if rng.chance(if excerpt { 0.8 } else { 0.6 }) {
        let intro: Vec<String> = (0..rng.range(1, 2)).map(|_| additions.intro(rng)).collect();
        paragraphs.push(intro.join(" "));
    }
    let mut current = usize::MAX;
    for (paragraph, sentence) in sentences {
        if paragraph != current || paragraphs.is_empty() {
            paragraphs.push(sentence);
            current = paragraph;
        } else {
            let last = paragraphs.last_mut().unwrap();
            last.push(' ');
            last.push_str(&sentence);
        }
    }
    if excerpt {
        paragraphs.push(additions.read_more(rng));
    } else if rng.chance(0.5) && !original.signature.is_empty() {
        paragraphs.push(original.signature.to_string());
    }
    if rng.chance(0.3) {
        paragraphs.push(additions.footer(rng));
    }
    retype(rng, &paragraphs.join("\n\n"))
}
