//! Which language an article is written in: the languages veille analyses,
//! how a declared language (a page's `lang`, a site's, an import's) is read,
//! and when the text itself overrules it.
//!
//! Detection is whatlang's (trigrams, restricted to the languages veille
//! can analyse). On an article's title and body it is right nearly always;
//! on a headline it is not (see [`decide`] and docs/search.md, "Languages"),
//! so a declared language stands unless the text clearly says otherwise.

/// A language veille analyses with its own stop words and stemmer: those
/// tantivy ships both for. Its code is ISO 639-1, what `lang` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    French,
    English,
    German,
    Italian,
    Spanish,
    Portuguese,
    Dutch,
    Danish,
    Finnish,
    Hungarian,
    Norwegian,
    Russian,
    Swedish,
}

/// Every language, French first (the archive's own analysis).
pub const ALL: [Language; 13] = [
    Language::French,
    Language::English,
    Language::German,
    Language::Italian,
    Language::Spanish,
    Language::Portuguese,
    Language::Dutch,
    Language::Danish,
    Language::Finnish,
    Language::Hungarian,
    Language::Norwegian,
    Language::Russian,
    Language::Swedish,
];

impl Language {
    /// The ISO 639-1 code (`fr`, `en`…).
    pub fn code(self) -> &'static str {
        match self {
            Language::French => "fr",
            Language::English => "en",
            Language::German => "de",
            Language::Italian => "it",
            Language::Spanish => "es",
            Language::Portuguese => "pt",
            Language::Dutch => "nl",
            Language::Danish => "da",
            Language::Finnish => "fi",
            Language::Hungarian => "hu",
            Language::Norwegian => "no",
            Language::Russian => "ru",
            Language::Swedish => "sv",
        }
    }

    /// The language of a code as people and pages write it: `fr`, `FR`,
    /// `fr-FR`, `fr_CA`, `fra`, `fre`, `french`, `français`. `None` for a
    /// language veille does not analyse.
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default().to_lowercase();
        let found = match primary.as_str() {
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Language::French,
            "en" | "eng" | "english" | "anglais" => Language::English,
            "de" | "deu" | "ger" | "german" | "deutsch" | "allemand" => Language::German,
            "it" | "ita" | "italian" | "italiano" | "italien" => Language::Italian,
            "es" | "spa" | "spanish" | "español" | "espagnol" => Language::Spanish,
            "pt" | "por" | "portuguese" | "português" | "portugais" => Language::Portuguese,
            "nl" | "nld" | "dut" | "dutch" | "nederlands" | "néerlandais" => Language::Dutch,
            "da" | "dan" | "danish" | "dansk" => Language::Danish,
            "fi" | "fin" | "finnish" | "suomi" => Language::Finnish,
            "hu" | "hun" | "hungarian" | "magyar" => Language::Hungarian,
            "no" | "nb" | "nn" | "nor" | "nob" | "nno" | "norwegian" | "norsk" => Language::Norwegian,
            "ru" | "rus" | "russian" | "русский" => Language::Russian,
            "sv" | "swe" | "swedish" | "svenska" => Language::Swedish,
            _ => return None,
        };
        Some(found)
    }

    /// tantivy's name of the language (its stop words and Snowball stemmer).
    pub fn snowball(self) -> tantivy::tokenizer::Language {
        use tantivy::tokenizer::Language as Snowball;
        match self {
            Language::French => Snowball::French,
            Language::English => Snowball::English,
            Language::German => Snowball::German,
            Language::Italian => Snowball::Italian,
            Language::Spanish => Snowball::Spanish,
            Language::Portuguese => Snowball::Portuguese,
            Language::Dutch => Snowball::Dutch,
            Language::Danish => Snowball::Danish,
            Language::Finnish => Snowball::Finnish,
            Language::Hungarian => Snowball::Hungarian,
            Language::Norwegian => Snowball::Norwegian,
            Language::Russian => Snowball::Russian,
            Language::Swedish => Snowball::Swedish,
        }
    }

    fn whatlang(self) -> whatlang::Lang {
        use whatlang::Lang;
        match self {
            Language::French => Lang::Fra,
            Language::English => Lang::Eng,
            Language::German => Lang::Deu,
            Language::Italian => Lang::Ita,
            Language::Spanish => Lang::Spa,
            Language::Portuguese => Lang::Por,
            Language::Dutch => Lang::Nld,
            Language::Danish => Lang::Dan,
            Language::Finnish => Lang::Fin,
            Language::Hungarian => Lang::Hun,
            Language::Norwegian => Lang::Nob,
            Language::Russian => Lang::Rus,
            Language::Swedish => Lang::Swe,
        }
    }

    fn from_whatlang(lang: whatlang::Lang) -> Option<Language> {
        ALL.into_iter().find(|l| l.whatlang() == lang)
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Characters of a text the detector reads at most: an article's language
/// is clear long before its end, and detection then costs the same for a
/// brochure as for a brief.
const DETECTED_CHARS: usize = 4_000;

/// Words a text needs before what the detector says may overrule a declared
/// language. On Debian's package descriptions (real text in six languages,
/// see benches/languages), whatlang restricted to veille's languages names
/// the right one for 62–92 % of three-word headlines, 72–97 % of one-line
/// descriptions (6–12 words) and 99.9–100 % of paragraphs: below a
/// paragraph, a page's or a site's word is worth more.
const MIN_WORDS: usize = 20;

/// What the detector says of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub language: Language,
    /// The text has the [`MIN_WORDS`] a detection needs to be worth anything.
    pub long_enough: bool,
    /// And the detector is sure (whatlang's own confidence test).
    pub sure: bool,
}

/// What the detector says of a text; `None` when it cannot tell (no letters).
pub fn detect(text: &str) -> Option<Detected> {
    let end = text.char_indices().nth(DETECTED_CHARS).map_or(text.len(), |(i, _)| i);
    let text = &text[..end];
    // Built once: every page a crawl extracts is detected.
    static DETECTOR: std::sync::OnceLock<whatlang::Detector> = std::sync::OnceLock::new();
    let detector = DETECTOR
        .get_or_init(|| whatlang::Detector::with_allowlist(ALL.iter().map(|l| l.whatlang()).collect()));
    let info = detector.detect(text)?;
    let long_enough = text.split_whitespace().take(MIN_WORDS).count() >= MIN_WORDS;
    Some(Detected {
        language: Language::from_whatlang(info.lang())?,
        long_enough,
        sure: long_enough && info.is_reliable(),
    })
}

/// The language of an article: the declared one (a page's `lang`, else its
/// site's; `fallback`, the archive's, when there is none or it is not a
/// language veille analyses), unless the detector names another, its word
/// is worth something (the text is a paragraph at least, and against a
/// declared language the detector is sure), and the text holds more of that
/// language's function words than of the expected one's (Grefenstette's
/// stop-word test: names are no evidence, and a French paragraph full of
/// Spanish names is French). A translation a French site publishes under
/// its French `lang` is found; a headline keeps what was declared.
pub fn decide(declared: Option<&str>, title: &str, body: &str, fallback: Language) -> Language {
    let declared = declared.and_then(Language::from_code);
    let mut text = String::with_capacity(title.len() + 2 + body.len().min(DETECTED_CHARS * 2));
    text.push_str(title);
    text.push_str(".\n");
    let end = body.char_indices().nth(DETECTED_CHARS).map_or(body.len(), |(i, _)| i);
    text.push_str(&body[..end]);
    let expected = declared.unwrap_or(fallback);
    match detect(&text) {
        // Another language than expected: the detector's word must be worth
        // something (a paragraph; sure, against a declared language), and
        // the text must hold more of its function words than of the
        // expected language's (names are no evidence: a French paragraph on
        // Mexican wrestlers is still French).
        Some(detected)
            if detected.language != expected
                && detected.long_enough
                && (declared.is_none() || detected.sure)
                && stop_words(&text, detected.language) > stop_words(&text, expected) =>
        {
            detected.language
        }
        _ => expected,
    }
}

/// How many of the words of `text` (as far as the detector reads) are stop
/// words of `language`.
fn stop_words(text: &str, language: Language) -> usize {
    use tantivy::tokenizer::{LowerCaser, RawTokenizer, StopWordFilter, TextAnalyzer};
    let Some(filter) = StopWordFilter::new(language.snowball()) else { return 0 };
    let mut analyzer =
        TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(filter).build();
    let end = text.char_indices().nth(DETECTED_CHARS).map_or(text.len(), |(i, _)| i);
    text[..end]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .filter(|word| !analyzer.token_stream(word).advance())
        .count()
}

/// Sets `article.lang` with [`decide`]: its own `lang`, else `declared`
/// (its site's), checked against its text.
pub fn settle(article: &mut crate::corpus::Article, declared: Option<&str>, fallback: Language) {
    let declared = article.lang.as_deref().or(declared);
    article.lang = Some(code_of(declared, &article.title, &article.body, fallback));
}

/// The `lang` an article is given: [`decide`]'s language, or a declared
/// language veille does not analyse (`pl`, `ar`, `br`), kept as declared:
/// the detector, which knows only veille's languages, would name the
/// nearest of them (Polish as Portuguese). Such an article is indexed with
/// the French analysis.
pub fn code_of(declared: Option<&str>, title: &str, body: &str, fallback: Language) -> String {
    if let Some(code) = declared.and_then(other_language) {
        return code;
    }
    decide(declared, title, body, fallback).code().to_string()
}

/// The primary subtag of a language code veille does not analyse (`pl`
/// of `pl-PL`); `None` for one of veille's, or for what is no code.
fn other_language(code: &str) -> Option<String> {
    if Language::from_code(code).is_some() {
        return None;
    }
    let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (matches!(primary.len(), 2 | 3) && primary.bytes().all(|b| b.is_ascii_lowercase())).then_some(primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: &str = "The data centers of the big platforms draw more water every summer, and the \
        towns around them are told that the cooling towers will be fixed next year. Nobody who lives \
        there believes it any more, and the farmers have started to count the trucks.";
    const FRENCH: &str = "Les centres de données des grandes plateformes pompent chaque été davantage \
        d'eau, et l'on promet aux communes voisines que les tours de refroidissement seront réparées \
        l'an prochain. Plus personne n'y croit, et les paysans ont commencé à compter les camions.";

    #[test]
    fn codes_as_pages_write_them() {
        for code in ["fr", "FR", "fr-FR", "fr_CA", "fra", "français"] {
            assert_eq!(Language::from_code(code), Some(Language::French), "{code}");
        }
        assert_eq!(Language::from_code("en-GB"), Some(Language::English));
        assert_eq!(Language::from_code("br"), None, "Breton has no stemmer here");
        assert_eq!(Language::from_code(""), None);
        for language in ALL {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
    }

    #[test]
    fn a_translation_under_a_french_lang_is_english() {
        assert_eq!(decide(Some("fr"), "Water", ENGLISH, Language::French), Language::English);
        assert_eq!(decide(Some("en"), "L'eau", FRENCH, Language::French), Language::French);
        assert_eq!(decide(None, "", ENGLISH, Language::French), Language::English);
    }

    #[test]
    fn names_do_not_make_a_french_text_spanish() {
        // French, full of Spanish names: whatlang says Spanish, and is sure.
        let french = "Au festival de Guadalajara, La Hija del Trueno affronte El Gran Halcón, Los \
            Hermanos Dinamita, La Sombra Azul y Los Guerreros del Sol dans un combat qui réunit aussi \
            Rey Escorpión, Niño Fantasma et Dama Plateada pour le Campeonato Nacional de Parejas; elle \
            perd contre El Señor de los Cielos et ne garde pas le Campeonato Mundial Femenil.";
        assert_eq!(detect(french).map(|d| d.language), Some(Language::Spanish));
        assert_eq!(decide(None, "", french, Language::French), Language::French);
        assert_eq!(decide(Some("fr"), "", french, Language::French), Language::French);
        // A Spanish text stays Spanish in a French archive.
        let spanish = "El ayuntamiento ha instalado cámaras cuyas imágenes son analizadas por un \
            programa que señala los comportamientos considerados anormales, y los vecinos del barrio \
            han escrito a la prefectura para pedir la retirada del sistema antes del verano.";
        assert_eq!(decide(None, "", spanish, Language::French), Language::Spanish);
    }

    #[test]
    fn a_language_veille_does_not_analyse_is_kept_as_declared() {
        let polish = "Mieszkańcy dzielnicy napisali do prefektury z prośbą o usunięcie systemu, a w \
            czwartek wieczorem w domu związkowym odbędzie się zebranie publiczne w tej sprawie.";
        assert_eq!(code_of(Some("pl-PL"), "", polish, Language::French), "pl");
        assert_eq!(code_of(Some("fr"), "", ENGLISH, Language::French), "en");
        assert_eq!(code_of(Some("not a code"), "", FRENCH, Language::French), "fr");
    }

    #[test]
    fn a_short_text_keeps_what_is_declared() {
        assert_eq!(decide(Some("fr"), "Data center news", "", Language::French), Language::French);
        assert_eq!(decide(None, "Data center news", "", Language::French), Language::French);
        assert_eq!(decide(Some("it"), "Contro il nanomondo", "", Language::French), Language::Italian);
        assert_eq!(decide(None, "", "", Language::French), Language::French);
        assert_eq!(decide(Some("xx"), "", "", Language::German), Language::German);
    }
}
