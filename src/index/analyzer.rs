//! The analyzers: how text becomes index terms, the same way for articles
//! and for what people type, one analysis per language.
//!
//! `WordTokenizer` splits words (hyphens split, so `data-center` meets
//! `data center`), normalises each word to NFKC (ligatures, full-width forms)
//! and strips the language's elided articles and pronouns (French `l'`,
//! `qu'`, `jusqu'`, Italian `dell'`, `un'`, with `'` or `’`) while keeping
//! `aujourd'hui` whole. tantivy's own filters do the rest: lower case, the
//! language's stop words, (for French) a plural `s` dropped (see
//! [`PluralFilter`]), the language's Snowball stemmer, then ASCII folding,
//! after stemming so that the stemmer sees the accents it expects and
//! `energie` still meets `énergie`.
//!
//! French terms are the words' stems as they are. The terms of every other
//! language carry its code (`en:center`, `it:sorveglianz`): an English
//! article's words never meet a French article's by accident (the English
//! stem of `surveillance` is the French one), each language has its own
//! word counts, and a query analysed once per language of the archive
//! matches each article in its own (see [`super::compile`]).

use std::str::CharIndices;
use std::sync::{Arc, Mutex, MutexGuard};

use compact_str::CompactString;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language as Snowball, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::language::Language;

/// Name of the French analyzer in the index's tokenizer manager.
pub const FRENCH: &str = "veille_fr";
/// Name of the analyzer for people's names and tags: no stemming, no stop words.
pub const NAMES: &str = "veille_names";

/// French elided words, as written before the apostrophe (lower case).
const FRENCH_ELISIONS: &[&str] =
    &["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];
/// Italian elided articles, prepositions and pronouns (`l'`, `dell'`,
/// `un'`, `c'`), as written before the apostrophe.
const ITALIAN_ELISIONS: &[&str] = &[
    "l", "d", "c", "m", "t", "s", "v", "un", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl",
    "agl", "dagl", "degl", "negl", "sugl", "quell", "quest", "anch", "nessun", "qual",
];

/// Tokens longer than this (in bytes) are noise: URLs, hashes, base64.
const MAX_TOKEN_LEN: usize = 60;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() || is_combining_mark(c) }
}

/// Splits text into words, NFKC-normalised, a language's elisions removed
/// (French by default).
#[derive(Clone)]
pub struct WordTokenizer {
    token: Token,
    elisions: &'static [&'static str],
}

impl Default for WordTokenizer {
    fn default() -> WordTokenizer {
        WordTokenizer { token: Token::default(), elisions: FRENCH_ELISIONS }
    }
}

impl WordTokenizer {
    /// The tokenizer of a language: its elisions (French and Italian have
    /// some; in English, `don't` and `people's` stay whole for the stemmer).
    pub fn of(language: Language) -> WordTokenizer {
        let elisions = match language {
            Language::French => FRENCH_ELISIONS,
            Language::Italian => ITALIAN_ELISIONS,
            _ => &[],
        };
        WordTokenizer { token: Token::default(), elisions }
    }
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    chars: std::iter::Peekable<CharIndices<'a>>,
    token: &'a mut Token,
    elisions: &'static [&'static str],
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            chars: text.char_indices().peekable(),
            token: &mut self.token,
            elisions: self.elisions,
        }
    }
}

impl WordTokenStream<'_> {
    /// Consumes one word starting at `start` (its first char already taken);
    /// an apostrophe between two word characters stays inside the word.
    fn word_end(&mut self) -> usize {
        while let Some(&(offset, c)) = self.chars.peek() {
            if is_word_char(c) {
                self.chars.next();
            } else if is_apostrophe(c) {
                let mut ahead = self.chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&(_, next)) if is_word_char(next) => {
                        self.chars.next();
                    }
                    _ => return offset,
                }
            } else {
                return offset;
            }
        }
        self.text.len()
    }
}

/// Removes a leading elision (`l'`, `qu'`, `jusqu'`…), once or twice
/// (`qu'aujourd'hui` → `aujourd'hui`); returns the byte offset where the
/// remaining word starts.
fn strip_elisions(word: &str, elisions: &[&str]) -> usize {
    let mut start = 0;
    for _ in 0..2 {
        if elisions.is_empty() {
            break;
        }
        let rest = &word[start..];
        let Some((index, apostrophe)) = rest.char_indices().find(|&(_, c)| is_apostrophe(c)) else { break };
        let prefix = &rest[..index];
        if prefix.len() <= 7 && elisions.iter().any(|e| prefix.eq_ignore_ascii_case(e)) {
            start += index + apostrophe.len_utf8();
        } else {
            break;
        }
    }
    start
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, c)) = self.chars.next() {
            if !is_word_char(c) {
                continue;
            }
            let end = self.word_end();
            let word = &self.text[start..end];
            let skip = strip_elisions(word, self.elisions);
            let word = &word[skip..];
            if word.is_empty() {
                continue;
            }
            self.token.text.clear();
            if word.is_ascii()
                || (unicode_normalization::is_nfkc_quick(word.chars())
                    == unicode_normalization::IsNormalized::Yes
                    && !word.contains(['’', 'ʼ', '‘']))
            {
                self.token.text.push_str(word);
            } else {
                // One apostrophe for all, so that aujourd’hui meets aujourd'hui.
                self.token.text.extend(word.nfkc().map(|c| if is_apostrophe(c) { '\'' } else { c }));
            }
            self.token.offset_from = start + skip;
            self.token.offset_to = end;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Drops a plural `s` before stemming. The Snowball stemmer treats
/// `centers` and `center` differently (`center`, `cent`); taking the `s` off
/// first makes a word and its plural meet whatever the stemmer then does.
#[derive(Clone, Copy, Default)]
pub struct PluralFilter;

impl TokenFilter for PluralFilter {
    type Tokenizer<T: Tokenizer> = PluralFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PluralFilterWrapper<T> {
        PluralFilterWrapper(tokenizer)
    }
}

#[derive(Clone)]
pub struct PluralFilterWrapper<T>(T);

impl<T: Tokenizer> Tokenizer for PluralFilterWrapper<T> {
    type TokenStream<'a> = PluralFilterStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PluralFilterStream(self.0.token_stream(text))
    }
}

pub struct PluralFilterStream<S>(S);

impl<S: TokenStream> TokenStream for PluralFilterStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &mut self.0.token_mut().text;
        let bytes = text.as_bytes();
        if bytes.len() >= 4 && bytes[bytes.len() - 1] == b's' && bytes[bytes.len() - 2] != b's' {
            text.pop();
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// English words common in French writing on technology, each with the
/// term it is indexed as: the French stemmer would fold them into French
/// words they are not (`center` and `cents` into `cent`, `data` and `date`
/// into `dat`, `servers` and `servent` into `serv`). Only words whose French
/// stem meets a French word's are listed; `cloud`, `smart` or `streaming`
/// come out of the stemmer whole.
const LOANWORDS: [(&str, &str); 16] = [
    ("center", "center"),
    ("centers", "center"),
    ("data", "data"),
    ("news", "news"),
    ("server", "server"),
    ("servers", "server"),
    ("cookie", "cookie"),
    ("cookies", "cookie"),
    ("city", "city"),
    ("cities", "city"),
    ("cluster", "cluster"),
    ("clusters", "cluster"),
    ("computer", "computer"),
    ("computers", "computer"),
    ("hacker", "hacker"),
    ("hackers", "hacker"),
];

/// The term of a loanword of [`LOANWORDS`], whatever its case.
fn loanword(word: &str) -> Option<&'static str> {
    if word.len() > 9 || !word.is_ascii() {
        return None;
    }
    let mut lower = [0u8; 9];
    lower[..word.len()].copy_from_slice(word.as_bytes());
    lower[..word.len()].make_ascii_lowercase();
    let lower = std::str::from_utf8(&lower[..word.len()]).ok()?;
    LOANWORDS.iter().find(|(w, _)| *w == lower).map(|(_, stem)| *stem)
}

/// Memoises the word-level filters. Words follow Zipf's law: most tokens of
/// an article were seen before, so instead of running lower case, stop
/// words, plural, stemmer and folding on each token (the stemmer alone took
/// a quarter of indexing time), the result for each distinct word is
/// computed once by tantivy's own filters and then looked up.
///
/// Each clone of an analyzer (one per indexing thread) fills a memo of its
/// own, unless the analyzer was made by [`french_shared_memo`].
#[derive(Clone)]
pub struct Memoized {
    words: TextAnalyzer,
    shared: Option<Arc<Mutex<Memo>>>,
    /// Whether [`LOANWORDS`] keep their own terms (French text).
    loanwords: bool,
}

/// Distinct words remembered per analyzer before the memo starts over.
const MEMO_LIMIT: usize = 500_000;

impl TokenFilter for Memoized {
    type Tokenizer<T: Tokenizer> = MemoizedWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoizedWrapper<T> {
        let memo = match self.shared {
            Some(shared) => MemoStore::Shared(shared),
            None => MemoStore::Own(Memo::default()),
        };
        MemoizedWrapper { inner: tokenizer, words: self.words, memo, loanwords: self.loanwords }
    }
}

#[derive(Clone)]
enum MemoStore {
    Own(Memo),
    Shared(Arc<Mutex<Memo>>),
}

/// The memo a token stream fills: its analyzer's own, or the shared one,
/// locked while the stream lives.
enum MemoRef<'a> {
    Own(&'a mut Memo),
    Shared(MutexGuard<'a, Memo>),
}

impl std::ops::Deref for MemoRef<'_> {
    type Target = Memo;

    fn deref(&self) -> &Memo {
        match self {
            MemoRef::Own(memo) => memo,
            MemoRef::Shared(memo) => memo,
        }
    }
}

impl std::ops::DerefMut for MemoRef<'_> {
    fn deref_mut(&mut self) -> &mut Memo {
        match self {
            MemoRef::Own(memo) => memo,
            MemoRef::Shared(memo) => memo,
        }
    }
}

// Words and stems of up to 24 bytes (nearly all) live inside the table's
// slots: a lookup touches one cache line instead of chasing two pointers.
type Memo = rustc_hash::FxHashMap<CompactString, Option<CompactString>>;

pub struct MemoizedWrapper<T> {
    inner: T,
    words: TextAnalyzer,
    memo: MemoStore,
    loanwords: bool,
}

impl<T: Clone> Clone for MemoizedWrapper<T> {
    fn clone(&self) -> Self {
        // Each clone (one per indexing thread) fills its own memo.
        let memo = match &self.memo {
            MemoStore::Own(_) => MemoStore::Own(Memo::default()),
            MemoStore::Shared(shared) => MemoStore::Shared(Arc::clone(shared)),
        };
        MemoizedWrapper {
            inner: self.inner.clone(),
            words: self.words.clone(),
            memo,
            loanwords: self.loanwords,
        }
    }
}

impl<T: Tokenizer> Tokenizer for MemoizedWrapper<T> {
    type TokenStream<'a> = MemoizedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let mut memo = match &mut self.memo {
            MemoStore::Own(memo) => MemoRef::Own(memo),
            // A poisoned memo still holds correct entries: a panic cannot
            // leave one half-written.
            MemoStore::Shared(shared) => MemoRef::Shared(shared.lock().unwrap_or_else(|e| e.into_inner())),
        };
        if memo.len() > MEMO_LIMIT {
            memo.clear();
        }
        MemoizedStream {
            tail: self.inner.token_stream(text),
            words: &mut self.words,
            memo,
            loanwords: self.loanwords,
        }
    }
}

pub struct MemoizedStream<'a, S> {
    tail: S,
    words: &'a mut TextAnalyzer,
    memo: MemoRef<'a>,
    loanwords: bool,
}

impl<S: TokenStream> TokenStream for MemoizedStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            let term = match self.memo.get(token.text.as_str()) {
                Some(term) => term.as_deref(),
                None => {
                    let loanword = if self.loanwords { loanword(&token.text) } else { None };
                    let term = match loanword {
                        Some(stem) => Some(CompactString::from(stem)),
                        None => {
                            let mut stream = self.words.token_stream(&token.text);
                            stream.advance().then(|| CompactString::from(stream.token().text.as_str()))
                        }
                    };
                    self.memo.entry(CompactString::from(token.text.as_str())).or_insert(term).as_deref()
                }
            };
            if let Some(term) = term {
                token.text.clear();
                token.text.push_str(term);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyzer of titles, subtitles and bodies.
pub fn french() -> TextAnalyzer {
    french_with(None)
}

/// The French analyzer, with one memo for all its clones: for snippets,
/// where each query tokenizes a few documents, and a memo of its own would
/// start empty each time.
pub fn french_shared_memo() -> TextAnalyzer {
    french_with(Some(Arc::default()))
}

fn french_with(shared: Option<Arc<Mutex<Memo>>>) -> TextAnalyzer {
    let words = TextAnalyzer::builder(RawTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Snowball::French).expect("tantivy ships French stop words"))
        .filter(PluralFilter)
        .filter(Stemmer::new(Snowball::French))
        .filter(AsciiFoldingFilter)
        .build();
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Memoized { words, shared, loanwords: true })
        .build()
}

/// The analyzer of authors and tags: words matched whole, accents folded.
pub fn names() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// What the terms of a language start with: nothing for French, the
/// archive's own, else the language's code and a colon (`en:`), which no
/// word holds (the tokenizer splits words at a colon).
pub fn tag(language: Language) -> &'static str {
    match language {
        Language::French => "",
        Language::English => "en:",
        Language::German => "de:",
        Language::Italian => "it:",
        Language::Spanish => "es:",
        Language::Portuguese => "pt:",
        Language::Dutch => "nl:",
        Language::Danish => "da:",
        Language::Finnish => "fi:",
        Language::Hungarian => "hu:",
        Language::Norwegian => "no:",
        Language::Russian => "ru:",
        Language::Swedish => "sv:",
    }
}

/// The analyzer of titles, subtitles, tags and bodies in `language`: the
/// French one, or the language's own elisions, stop words and stemmer,
/// folding, and its tag before each term. English loanwords and the plural
/// rule are French matters.
pub fn of_language(language: Language) -> TextAnalyzer {
    if language == Language::French {
        return french();
    }
    let words = TextAnalyzer::builder(RawTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(language.snowball()).expect("tantivy ships stop words for each language"))
        .filter(Stemmer::new(language.snowball()))
        .filter(AsciiFoldingFilter)
        .filter(Tagged(tag(language)))
        .build();
    TextAnalyzer::builder(WordTokenizer::of(language))
        .filter(Memoized { words, shared: None, loanwords: false })
        .build()
}

/// The analyzer of authors of an article in `language`: [`names`], its
/// terms tagged like the article's other terms.
pub fn names_of(language: Language) -> TextAnalyzer {
    if language == Language::French {
        return names();
    }
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Tagged(tag(language)))
        .build()
}

/// Puts a language's tag before each term (see [`tag`]).
#[derive(Clone, Copy)]
pub struct Tagged(&'static str);

impl TokenFilter for Tagged {
    type Tokenizer<T: Tokenizer> = TaggedWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> TaggedWrapper<T> {
        TaggedWrapper(tokenizer, self.0)
    }
}

#[derive(Clone)]
pub struct TaggedWrapper<T>(T, &'static str);

impl<T: Tokenizer> Tokenizer for TaggedWrapper<T> {
    type TokenStream<'a> = TaggedStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        TaggedStream(self.0.token_stream(text), self.1)
    }
}

pub struct TaggedStream<S>(S, &'static str);

impl<S: TokenStream> TokenStream for TaggedStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        if !self.1.is_empty() {
            self.0.token_mut().text.insert_str(0, self.1);
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// `text` as tokens of `analyzer`, for a field that gets its tokens from
/// veille rather than from the field's analyzer (an article not in French).
pub fn pre_tokenized(analyzer: &mut TextAnalyzer, text: &str) -> tantivy::tokenizer::PreTokenizedString {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tantivy::tokenizer::PreTokenizedString { text: text.to_string(), tokens }
}

/// Registers both analyzers on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(FRENCH, french());
    index.tokenizers().register(NAMES, names());
}

/// The words of `text` as the tokenizer splits them (hyphens split,
/// elisions dropped), before any filter: `data-center` gives `data`, `center`.
pub fn words(text: &str) -> Vec<&str> {
    let mut tokenizer = WordTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(&text[token.offset_from..token.offset_to]);
    }
    out
}

/// The terms `text` gives, with their positions (for phrases).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push((token.position, token.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(text: &str) -> Vec<String> {
        terms(&mut french(), text).into_iter().map(|(_, t)| t).collect()
    }

    fn same(a: &str, b: &str) {
        assert_eq!(analyse(a), analyse(b), "{a:?} and {b:?} should give the same terms");
        assert!(!analyse(a).is_empty(), "{a:?} gives no term");
    }

    #[test]
    fn french_pairs_meet() {
        same("énergie", "energie");
        same("militaires", "militaire");
        same("l'eau", "eau");
        same("l’eau", "eau");
        same("data-centers", "data center");
        same("réseaux", "réseau");
        same("Œuvre", "oeuvre");
        same("cœur", "coeur");
        same("ÉNERGIE", "énergie");
        same("ﬁnance", "finance");
        same("Ｅｎｅｒｇｉｅ", "énergie");
        same("e\u{301}nergie", "énergie");
        same("qu’aujourd’hui", "aujourd'hui");
        same("surveillances", "surveillance");
    }

    #[test]
    fn english_loanwords_keep_their_own_terms() {
        same("data centers", "Data Center");
        same("servers", "server");
        same("cities", "city");
        for (loanword, french) in [
            ("center", "cents"),
            ("data", "date"),
            ("servers", "servent"),
            ("news", "new"),
            ("cities", "citer"),
        ] {
            assert_ne!(analyse(loanword), analyse(french), "{loanword} is not {french}");
        }
        assert_eq!(analyse("cent"), analyse("cents"), "French words still stem");
        assert_eq!(analyse("big data"), ["big", "data"]);
    }

    fn analyse_in(language: Language, text: &str) -> Vec<String> {
        terms(&mut of_language(language), text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn each_language_has_its_own_stems_tagged_with_its_code() {
        assert_eq!(analyse_in(Language::English, "data centers"), ["en:data", "en:center"]);
        assert_eq!(analyse_in(Language::English, "the center"), ["en:center"], "English stop words");
        assert_eq!(analyse_in(Language::English, "computing computers"), ["en:comput", "en:comput"]);
        assert_eq!(analyse_in(Language::Italian, "dell'acqua"), analyse_in(Language::Italian, "acqua"));
        assert_eq!(analyse_in(Language::Italian, "un'assemblea"), analyse_in(Language::Italian, "assemblea"));
        assert_eq!(analyse_in(Language::German, "Überwachung"), analyse_in(Language::German, "uberwachung"));
        assert_eq!(analyse_in(Language::Spanish, "vigilancia"), ["es:vigil"]);
        // The same word in two languages gives two terms: an English text
        // never meets a French one by accident.
        assert_ne!(analyse_in(Language::English, "surveillance"), analyse("surveillance"));
        assert_eq!(analyse_in(Language::French, "surveillance"), analyse("surveillance"));
        let mut names = names_of(Language::English);
        assert_eq!(
            terms(&mut names, "Ted Kaczynski").into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
            ["en:ted", "en:kaczynski"]
        );
    }

    #[test]
    fn pre_tokenized_text_keeps_the_text_and_the_positions() {
        let mut english = of_language(Language::English);
        let pre = pre_tokenized(&mut english, "The water of the data center");
        assert_eq!(pre.text, "The water of the data center");
        let words: Vec<(usize, &str)> = pre.tokens.iter().map(|t| (t.position, t.text.as_str())).collect();
        assert_eq!(words, [(1, "en:water"), (4, "en:data"), (5, "en:center")]);
    }

    #[test]
    fn elisions_go_and_aujourdhui_stays() {
        assert_eq!(analyse("jusqu'à"), Vec::<String>::new(), "à is a stop word and jusqu an elision");
        assert!(!analyse("jusqu’à la mine").contains(&"jusqu".to_string()));
        assert_eq!(analyse("aujourd'hui"), ["aujourd'hui"]);
        assert_eq!(analyse("lorsqu'il pleut"), analyse("il pleut"));
        assert_eq!(analyse("d'électricité"), analyse("électricité"));
    }

    #[test]
    fn stop_words_are_dropped_and_positions_kept() {
        let terms = terms(&mut french(), "la guerre de l'eau");
        let words: Vec<_> = terms.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(words, ["guerr", "eau"]);
        assert_eq!(terms[1].0 - terms[0].0, 2, "a gap stays where stop words were");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Contre l’IA militaire";
        let mut analyzer = french();
        let mut stream = analyzer.token_stream(text);
        let mut spans = Vec::new();
        while stream.advance() {
            let t = stream.token();
            spans.push(&text[t.offset_from..t.offset_to]);
        }
        assert_eq!(spans, ["Contre", "IA", "militaire"]);
    }

    #[test]
    fn names_keep_whole_words() {
        let names: Vec<_> = terms(&mut names(), "Hélène Marchal").into_iter().map(|(_, t)| t).collect();
        assert_eq!(names, ["helene", "marchal"]);
    }

    #[test]
    fn a_shared_memo_gives_the_same_terms_to_every_clone() {
        let text = "Les réseaux d'eau des data-centers l'été : jusqu'à 4 millions de litres.";
        let expected = analyse(text);
        let shared = french_shared_memo();
        for _ in 0..3 {
            let mut clone = shared.clone();
            let got: Vec<String> = terms(&mut clone, text).into_iter().map(|(_, t)| t).collect();
            assert_eq!(got, expected);
        }
    }
}
