//! French typography for brochures, done in Rust before any layout, so that
//! Markdown, HTML, EPUB and PDF all print the same text: no-break spaces
//! before `: ; ! ?` and inside « », French quotes for straight ones,
//! typographic apostrophes and ellipses. Also the cleaning every archived
//! string goes through first (control characters and terminal escape
//! sequences out), and French dates and lists.
//!
//! Only prose goes through [`french`]: callers never pass code, URLs or link
//! destinations, and tokens that look like URLs, e-mail addresses, times or
//! numbers are left untouched even inside prose.

use chrono::{Datelike, NaiveDate};

/// No-break space, before `:`.
pub const NBSP: char = '\u{a0}';
/// Narrow no-break space, before `; ! ?` and inside « ».
pub const NNBSP: char = '\u{202f}';

/// Spaces that may sit before a punctuation mark on one line: the ones this
/// module writes and the ones writers type.
fn is_inline_space(c: char) -> bool {
    matches!(c, ' ' | NBSP | NNBSP | '\u{2007}' | '\u{2008}' | '\u{2009}' | '\u{200a}')
}

/// What may come right before `: ; ! ?` or a closing quote for a space to be
/// added when the writer forgot it: the end of a word or of a bracket.
fn ends_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '»' | ')' | ']' | '’' | '"')
}

/// Words after which a straight apostrophe is an elision even when the next
/// letter is out of sight (in the next run of text, after some markup).
const ELISIONS: &[&str] =
    &["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];

/// French typography for one run of prose; see [`French`] for runs that
/// follow each other in the same paragraph.
///
/// ```
/// use veille::brochure::typography::french;
/// assert_eq!(french("Pourquoi? Parce que..."), "Pourquoi\u{202f}? Parce que…");
/// ```
pub fn french(text: &str) -> String {
    French::new().run(text)
}

/// French typography over the runs of text of one block (a paragraph, a
/// heading, a list item) that markup splits apart: `*Pourquoi*?` arrives as
/// `Pourquoi` then `?`, and the space before `?` depends on the first run.
/// Call [`French::reset`] at each new block.
#[derive(Debug, Clone, Default)]
pub struct French {
    /// The last character written by a previous run of the same block.
    prev: Option<char>,
    /// Whether a quotation is open, to tell an opening `"` from a closing one.
    quote_open: bool,
}

impl French {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the previous runs: the next one starts a block.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The typographed run.
    pub fn run(&mut self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let protected = protected_mask(&chars);
        let mut out = String::with_capacity(text.len() + 8);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if protected[i] {
                out.push(c);
                i += 1;
                continue;
            }
            let next = chars.get(i + 1).copied();
            match c {
                '.' if is_ellipsis(&chars, &protected, i) => {
                    out.push('…');
                    i += 3;
                    continue;
                }
                '\'' => {
                    let before = self.last(&out);
                    let elision = before.is_some_and(char::is_alphabetic)
                        && (next.is_some_and(char::is_alphabetic)
                            || (!next.is_some_and(char::is_whitespace) && ends_with_elision(&out)));
                    out.push(if elision { '’' } else { '\'' });
                }
                '"' => {
                    let before = self.last(&out);
                    let opening_context =
                        before.is_none_or(|p| p.is_whitespace() || "([{«—–-/‘“".contains(p));
                    let closing_context = next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}…»".contains(n));
                    let open = match (opening_context, closing_context) {
                        (true, false) => true,
                        (false, true) => false,
                        _ => !self.quote_open,
                    };
                    if open {
                        i = self.open_quote(&mut out, &chars, i);
                        continue;
                    }
                    self.space_before(&mut out, NNBSP, true);
                    out.push('»');
                    self.quote_open = false;
                }
                '«' => {
                    i = self.open_quote(&mut out, &chars, i);
                    continue;
                }
                '»' => {
                    self.space_before(&mut out, NNBSP, true);
                    out.push('»');
                    self.quote_open = false;
                }
                ':' | ';' | '!' | '?' => {
                    let space = if c == ':' { NBSP } else { NNBSP };
                    let had_space = trailing_space(&out) || (out.is_empty() && self.prev_is_space());
                    // Followed by a space, the end, or a closing mark, it ends a
                    // phrase; `12:30`, `3:1`, `a:b` are no punctuation. (`"` and `»`
                    // come out with a space before them, hence in both lists.)
                    let glued = match c {
                        ':' => next.is_none_or(|n| n.is_whitespace() || "»\"".contains(n)),
                        _ => next.is_none_or(|n| n.is_whitespace() || "?!»)\"".contains(n)),
                    };
                    let entity = c == ';' && ends_with_entity(&out);
                    if had_space || (glued && !entity) {
                        self.space_before(&mut out, space, false);
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
            i += 1;
        }
        if let Some(last) = out.chars().next_back() {
            self.prev = Some(last);
        }
        out
    }

    /// Writes `«` and one narrow space in place of the spaces after it;
    /// returns the index of the first character after them.
    fn open_quote(&mut self, out: &mut String, chars: &[char], i: usize) -> usize {
        out.push('«');
        let mut j = i + 1;
        while chars.get(j).copied().is_some_and(is_inline_space) {
            j += 1;
        }
        if chars.get(j) != Some(&'\n') {
            out.push(NNBSP);
        }
        self.quote_open = true;
        j
    }

    /// The character before the one being written, in this run or the last.
    fn last(&self, out: &str) -> Option<char> {
        out.chars().next_back().or(self.prev)
    }

    fn prev_is_space(&self) -> bool {
        self.prev.is_some_and(is_inline_space)
    }

    /// Puts `space` before the punctuation about to be written: in place of
    /// the spaces already there, or added after a word (after anything but
    /// another punctuation mark when `after_anything`).
    fn space_before(&self, out: &mut String, space: char, after_anything: bool) {
        let trimmed = out.trim_end_matches(is_inline_space).len();
        if trimmed < out.len() {
            out.truncate(trimmed);
            out.push(space);
            return;
        }
        if out.is_empty() && self.prev_is_space() {
            // The space ended the previous run, which is already written.
            return;
        }
        match self.last(out) {
            None | Some('\n') => {}
            Some(p) if after_anything && !p.is_whitespace() => out.push(space),
            Some(p) if ends_word(p) => out.push(space),
            Some(_) => {}
        }
    }
}

fn trailing_space(out: &str) -> bool {
    out.chars().next_back().is_some_and(is_inline_space)
}

/// Whether `out` ends with an entity name such as `&amp`, whose `;` must stay
/// glued (Markdown sources hold entities).
fn ends_with_entity(out: &str) -> bool {
    let name = out.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '#');
    name.len() < out.len() && name.ends_with('&')
}

fn ends_with_elision(out: &str) -> bool {
    let word_start = out.trim_end_matches(char::is_alphabetic).len();
    let word = out[word_start..].to_lowercase();
    ELISIONS.contains(&word.as_str())
}

/// Exactly three dots, outside a protected token.
fn is_ellipsis(chars: &[char], protected: &[bool], i: usize) -> bool {
    i + 2 < chars.len()
        && chars[i..i + 3].iter().all(|&c| c == '.')
        && !protected[i..i + 3].iter().any(|&p| p)
        && (i == 0 || chars[i - 1] != '.')
        && chars.get(i + 3) != Some(&'.')
}

/// Which characters belong to a token that typography must not touch: URLs,
/// e-mail addresses, and numbers, times or ratios (`12:30`, `1.5`, `3:1`:
/// a digit, then only digits and ASCII punctuation).
/// The quotes or brackets around such a token are not part of it.
fn protected_mask(chars: &[char]) -> Vec<bool> {
    // Either way round: a straight `"` may become `«` or `»`.
    const WRAPPERS: &str = "\"«»“”‘’()<>[]";
    let mut mask = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        if chars[start].is_whitespace() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < chars.len() && !chars[end].is_whitespace() {
            end += 1;
        }
        let mut core_start = start;
        while core_start < end && WRAPPERS.contains(chars[core_start]) {
            core_start += 1;
        }
        let mut core_end = end;
        while core_end > core_start && WRAPPERS.contains(chars[core_end - 1]) {
            core_end -= 1;
        }
        let core: String = chars[core_start..core_end].iter().collect();
        if is_protected_token(&core) {
            mask[core_start..core_end].iter_mut().for_each(|m| *m = true);
        }
        start = end;
    }
    mask
}

fn is_protected_token(token: &str) -> bool {
    token.contains("://")
        || token.contains('@')
        || token.get(..4).is_some_and(|head| head.eq_ignore_ascii_case("www."))
        || (token.starts_with(|c: char| c.is_ascii_digit())
            && token.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_punctuation() && c != '"')))
}

/// `text` without the characters that have no place in a document: C0 and C1
/// controls (but `\n` and `\t`; `\r` becomes a line break), terminal escape
/// sequences whole (`ESC [ 31 m`, not just `ESC`), and the non-characters
/// U+FFFE and U+FFFF. What remains is valid in XML 1.0.
pub fn clean_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                Some(' '..='/') => {
                    while chars.next_if(|&c| matches!(c, ' '..='/')).is_some() {}
                    chars.next_if(|&c| matches!(c, '0'..='~'));
                }
                Some('0'..='~') => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{fffe}' | '\u{ffff}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips the parameters and final byte of a control sequence (`ESC [` or CSI).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.next_if(|&c| matches!(c, ' '..='?')).is_some() {}
    chars.next_if(|&c| matches!(c, '@'..='~'));
}

/// Skips an operating-system command or another control string up to its
/// terminator (BEL, `ESC \`, ST); a line break ends it too, so that a stray
/// `ESC ]` cannot swallow the rest of an article.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\n' => return,
            '\u{7}' | '\u{9c}' => {
                chars.next();
                return;
            }
            '\u{1b}' => {
                chars.next();
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

use crate::corpus::FRENCH_MONTHS as MONTHS;

/// A date the French way: `1er mars 2025`, `14 juillet 1789` (a no-break
/// space keeps the day with its month).
pub fn date(d: NaiveDate) -> String {
    let day = if d.day() == 1 { "1er".to_string() } else { d.day().to_string() };
    format!("{day}{NBSP}{} {}", MONTHS[d.month0() as usize], d.year())
}

/// A `YYYY-MM-DD` (or longer RFC 3339) date as [`date`] writes it; `YYYY-MM`
/// as a month; anything else as it is, cleaned.
pub fn date_str(s: &str) -> String {
    let s = s.trim();
    if let Some(d) = s.get(..10).and_then(|head| NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()) {
        return date(d);
    }
    month(s)
}

/// A `YYYY-MM` month: `mars 2025`; anything else as it is, cleaned.
pub fn month(s: &str) -> String {
    let s = s.trim();
    if s.len() == 7
        && s.as_bytes()[4] == b'-'
        && let (Ok(year), Ok(m)) = (s[..4].parse::<u32>(), s[5..].parse::<usize>())
        && (1..=12).contains(&m)
    {
        return format!("{} {year}", MONTHS[m - 1]);
    }
    clean_controls(s)
}

/// A French enumeration: `A`, `A et B`, `A, B et C`.
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} et {last}", head.join(", ")),
    }
}

/// Whether a brochure in `lang` gets French typography (`fr`, `fr-CA`…; an
/// empty language means the default, French).
pub fn is_french(lang: &str) -> bool {
    let lang = lang.trim();
    lang.is_empty() || lang.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("fr"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        // Tests spell the spaces they expect: `_` narrow, `~` no-break.
        s.replace('_', "\u{202f}").replace('~', "\u{a0}")
    }

    #[test]
    fn colon_gets_a_no_break_space() {
        assert_eq!(french("Il a dit : non."), n("Il a dit~: non."));
        assert_eq!(french("Deux choses: la terre et l'eau."), n("Deux choses~: la terre et l’eau."));
        assert_eq!(french("Il a dit  :  non."), n("Il a dit~:  non."));
    }

    #[test]
    fn semicolon_exclamation_question_get_a_narrow_space() {
        assert_eq!(french("Pourquoi? Parce que."), n("Pourquoi_? Parce que."));
        assert_eq!(french("Pourquoi ? Parce que."), n("Pourquoi_? Parce que."));
        assert_eq!(french("Quelle horreur!"), n("Quelle horreur_!"));
        assert_eq!(french("Il pleut ; il vente."), n("Il pleut_; il vente."));
        assert_eq!(french("Il pleut; il vente."), n("Il pleut_; il vente."));
    }

    #[test]
    fn existing_french_spaces_are_kept_and_never_doubled() {
        let done = n("Vraiment_? Oui~: c’est «_non_»_!");
        assert_eq!(french(&done), done);
        assert_eq!(french("Vraiment\u{a0}?"), n("Vraiment_?"));
    }

    #[test]
    fn only_the_first_of_several_marks_gets_a_space() {
        assert_eq!(french("Vraiment?!"), n("Vraiment_?!"));
        assert_eq!(french("Vraiment ?!"), n("Vraiment_?!"));
        assert_eq!(french("Quoi ?!?"), n("Quoi_?!?"));
    }

    #[test]
    fn nothing_is_added_without_a_word_before() {
        assert_eq!(french("?"), "?");
        assert_eq!(french("! Attention"), "! Attention");
        assert_eq!(french("ligne\n: suite"), "ligne\n: suite");
    }

    #[test]
    fn guillemets_get_narrow_spaces_inside() {
        assert_eq!(french("Il a dit «non»."), n("Il a dit «_non_»."));
        assert_eq!(french("Il a dit « non »."), n("Il a dit «_non_»."));
        assert_eq!(french("Il a dit «\u{a0}non\u{a0}»."), n("Il a dit «_non_»."));
    }

    #[test]
    fn straight_double_quotes_become_guillemets() {
        assert_eq!(french("Le mot \"progrès\" est piégé."), n("Le mot «_progrès_» est piégé."));
        assert_eq!(french("\"Non\", dit-elle."), n("«_Non_», dit-elle."));
        assert_eq!(french("Il a écrit \" bien sûr \" puis a ri."), n("Il a écrit «_bien sûr_» puis a ri."));
        assert_eq!(french("\"A\" et \"B\""), n("«_A_» et «_B_»"));
        assert_eq!(french("Elle demande : \"Pourquoi?\""), n("Elle demande~: «_Pourquoi_?_»"));
    }

    #[test]
    fn apostrophes_become_typographic() {
        assert_eq!(french("l'eau"), "l’eau");
        assert_eq!(french("aujourd'hui"), "aujourd’hui");
        assert_eq!(french("Qu'il parte, jusqu'à demain."), "Qu’il parte, jusqu’à demain.");
        assert_eq!(french("d'"), "d’", "an elision before markup that comes next");
        assert_eq!(french("'quoted'"), "'quoted'");
        assert_eq!(french("les parents' voitures"), "les parents' voitures");
    }

    #[test]
    fn three_dots_become_an_ellipsis() {
        assert_eq!(french("Et puis..."), "Et puis…");
        assert_eq!(french("Et... puis"), "Et… puis");
        assert_eq!(french("quatre...."), "quatre....");
    }

    #[test]
    fn urls_and_addresses_are_untouched() {
        for s in [
            "https://exemple.org/a:b?x=1!",
            "Voir https://exemple.org/a:b?x=1! pour la suite",
            "http://exemple.org/l'eau...",
            "www.exemple.org/x?y",
            "contact@exemple.org",
            "mailto:contact@exemple.org?subject=Salut!",
        ] {
            assert_eq!(french(s), s);
        }
        assert_eq!(french("(voir https://exemple.org/a?b)"), "(voir https://exemple.org/a?b)");
        assert_eq!(french("\"https://exemple.org/\""), n("«_https://exemple.org/_»"));
    }

    #[test]
    fn times_numbers_and_ratios_are_untouched() {
        for s in ["À 12:30 précises", "un rapport de 3:1", "1.5 million", "1...3", "Le 3:1!", "10h30"] {
            assert_eq!(french(s), s);
        }
        assert_eq!(french("Rendez-vous: 12:30"), n("Rendez-vous~: 12:30"));
    }

    #[test]
    fn entities_keep_their_semicolon() {
        assert_eq!(french("AT&amp;T et &#233;t&#233;"), "AT&amp;T et &#233;t&#233;");
    }

    #[test]
    fn runs_of_one_block_share_context() {
        let mut f = French::new();
        assert_eq!(f.run("Pourquoi"), "Pourquoi");
        assert_eq!(f.run("? Parce que"), n("_? Parce que"));
        let mut f = French::new();
        assert_eq!(f.run("Il dit \""), n("Il dit «_"));
        assert_eq!(f.run("non"), "non");
        assert_eq!(f.run("\"."), n("_»."));
        let mut f = French::new();
        assert_eq!(f.run("mot "), "mot ");
        assert_eq!(f.run("?"), "?", "the space is already written: none is added");
        f.reset();
        assert_eq!(f.run("?"), "?");
    }

    #[test]
    fn french_is_idempotent() {
        for s in [
            "Pourquoi? Parce que... \"Non\", dit-elle : l'eau ; « ah »!",
            "Vraiment?! À 12:30, https://exemple.org/a:b?x=1! et contact@exemple.org;",
            "\"Il a dit \"oui\" puis\" rien",
            "«»  : ; ! ? \" ' ...",
            "d' l' qu'",
        ] {
            let once = french(s);
            assert_eq!(french(&once), once, "{s:?}");
        }
    }

    #[test]
    fn french_is_idempotent_on_scrambled_text() {
        // A small deterministic generator: no dependency, same cases every run.
        let alphabet: Vec<char> =
            "ab l'eau d qu 12:30 3 . : ; ! ? \" « » \u{a0}\u{202f}\n &amp x@y https:// … ... ( ) www. ' \"1"
                .chars()
                .collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let len = (seed % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let once = french(&s);
            assert_eq!(french(&once), once, "{s:?}");
        }
    }

    #[test]
    fn real_sentences() {
        assert_eq!(
            french("La 5G? \"Un progrès\", disent-ils; nous, on n'en veut pas!"),
            n("La 5G_? «_Un progrès_», disent-ils_; nous, on n’en veut pas_!")
        );
        assert_eq!(
            french(
                "Rendez-vous à 18:30 au local : 12 rue de l'Usine (voir https://exemple.org/agenda?id=3)."
            ),
            n("Rendez-vous à 18:30 au local~: 12 rue de l’Usine (voir https://exemple.org/agenda?id=3).")
        );
        assert_eq!(french("R&amp; D"), "R&amp; D");
    }

    #[test]
    fn controls_and_escape_sequences_are_stripped() {
        assert_eq!(clean_controls("a\u{0}b\u{7}c\u{8}d"), "abcd");
        assert_eq!(clean_controls("ligne\r\nautre\rfin\tok"), "ligne\nautre\nfin\tok");
        assert_eq!(clean_controls("\u{1b}[31mrouge\u{1b}[0m"), "rouge");
        assert_eq!(clean_controls("\u{1b}]0;titre\u{7}texte"), "texte");
        assert_eq!(clean_controls("\u{1b}]8;;https://x\u{1b}\\lien\u{1b}]8;;\u{1b}\\"), "lien");
        assert_eq!(clean_controls("\u{1b}(Bx\u{1b}cy\u{1b}"), "xy");
        assert_eq!(clean_controls("\u{9b}2Jx\u{85}y\u{7f}z\u{fffe}"), "xyz");
        assert_eq!(clean_controls("\u{1b}]sans fin\nla suite"), "\nla suite");
        assert_eq!(clean_controls("É « » \u{202f} – ok"), "É « » \u{202f} – ok");
    }

    #[test]
    fn dates_months_and_lists() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(date(d), "1er\u{a0}mars 2025");
        assert_eq!(date_str("1789-07-14"), "14\u{a0}juillet 1789");
        assert_eq!(date_str("2024-12-25T10:00:00+01:00"), "25\u{a0}décembre 2024");
        assert_eq!(date_str("2024-08"), "août 2024");
        assert_eq!(date_str("hier\u{1b}[0m"), "hier");
        assert_eq!(month("2024-13"), "2024-13");
        assert_eq!(join(&[]), "");
        assert_eq!(join(&["A".into()]), "A");
        assert_eq!(join(&["A".into(), "B".into(), "C".into()]), "A, B et C");
        assert!(is_french("fr") && is_french("fr-CA") && is_french("") && !is_french("en"));
    }
}
