//! Text from archived pages made safe to draw.
//!
//! Everything an archived page says is hostile data: a title or a body could
//! carry escape sequences (colours, cursor moves, OSC 52 clipboard writes,
//! OSC 8 links), C0/C1 controls, bidi overrides that reorder what is shown, or
//! invisible characters that hide text. This module owns the filter every
//! piece of article text goes through before it becomes a span, the display
//! width helpers built on unicode-width, and the notion of a "cluster" (what a
//! terminal draws in one go) used to cut text without splitting a character.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_width::UnicodeWidthStr;

const ESC: char = '\u{1b}';
const ZWJ: char = '\u{200d}';
/// WAVING BLACK FLAG: the only base that tag characters may follow (subdivision flags).
const BLACK_FLAG: char = '\u{1f3f4}';

/// `text` without controls, escape sequences, bidi controls or hiding characters, in NFC.
///
/// Newlines are kept (a lone `\r` or `\r\n` becomes `\n`); tabs, vertical tabs and
/// form feeds become one space. Borrowed when nothing had to change.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    clean(text, false, false)
}

/// As [`sanitize`], keeping tabs: for Markdown about to be parsed, whose
/// code blocks expand tabs to columns (every piece is sanitised again after).
pub fn sanitize_source(text: &str) -> Cow<'_, str> {
    clean(text, false, true)
}

/// As [`sanitize`], for one-line fields (titles, sites, snippets): line breaks become spaces.
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    clean(text, true, false)
}

/// `text` cut to at most `width` display columns, ending with `…` when something was cut.
///
/// Cuts fall between clusters, so a wide character, a combining sequence or an
/// emoji sequence is either shown whole or not at all.
pub fn truncate_to_width(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - 1; // the ellipsis takes one column
    let mut out = String::with_capacity(text.len().min(width * 4));
    let mut used = 0;
    for cluster in clusters(text) {
        let w = cluster.width();
        if used + w > budget {
            break;
        }
        used += w;
        out.push_str(cluster);
    }
    // "Le titre …" reads worse than "Le titre…".
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The units a terminal draws in one go: a base character with what attaches to it
/// (combining marks, variation selectors, emoji modifiers, ZWJ sequences, flag pairs).
///
/// An approximation of extended grapheme clusters, enough to never cut inside one;
/// unicode-segmentation is not a dependency of this crate.
pub(crate) fn clusters(text: &str) -> Clusters<'_> {
    Clusters { rest: text }
}

/// Iterator returned by [`clusters`].
pub(crate) struct Clusters<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let mut chars = self.rest.char_indices();
        let (_, first) = chars.next()?;
        let mut prev = first;
        let mut regional = usize::from(is_regional_indicator(first));
        let mut end = self.rest.len();
        for (i, c) in chars {
            let joins = prev == ZWJ && !c.is_control()
                || is_zero_width(c)
                || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c) // skin tone modifiers
                || regional == 1 && is_regional_indicator(c);
            if !joins {
                end = i;
                break;
            }
            if is_regional_indicator(c) {
                regional += 1;
            }
            prev = c;
        }
        let (cluster, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(cluster)
    }
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

fn is_zero_width(c: char) -> bool {
    !c.is_control() && unicode_width::UnicodeWidthChar::width(c) == Some(0)
}

/// Characters removed (or replaced) whatever their context, besides controls.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        // Bidi embeddings, overrides, isolates and marks: they reorder what is
        // shown ("Trojan Source"), so a line could display other text than it holds.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        // Zero-width space and non-joiner, word joiner, invisible operators, BOM:
        // they hide text from the eye (and from search) and terminals disagree on
        // their width. ZWJ (U+200D) stays: emoji sequences are built with it.
        | '\u{200b}' | '\u{200c}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        // Soft hyphen: terminals draw it 0 or 1 column wide, which would shift
        // every column after it; the reader wraps at spaces anyway.
        | '\u{ad}'
        // Interlinear annotations carry text that is not meant to be shown inline.
        | '\u{fff9}'..='\u{fffb}'
        // Mongolian vowel separator, once zero-width space-like.
        | '\u{180e}'
    )
}

/// Tag characters spell out hidden ASCII ("ASCII smuggling"); their one legitimate
/// use is the subdivision flags (🏴 + tags), where they are kept.
fn is_tag(c: char) -> bool {
    ('\u{e0000}'..='\u{e007f}').contains(&c)
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Whether `c` is changed or removed by [`clean`] (before normalisation).
fn needs_work(c: char, line: bool, keep_tabs: bool) -> bool {
    if c == '\n' {
        return line;
    }
    if c == '\t' {
        return !keep_tabs;
    }
    c.is_control() || is_invisible(c) || is_tag(c) || is_line_break(c)
}

fn clean(text: &str, line: bool, keep_tabs: bool) -> Cow<'_, str> {
    // Fast path: most text is already clean and in NFC; checking first spares a copy.
    let ascii_clean =
        text.bytes().all(|b| (0x20..0x7f).contains(&b) || (b == b'\n' && !line) || (b == b'\t' && keep_tabs));
    if ascii_clean || (!text.chars().any(|c| needs_work(c, line, keep_tabs)) && is_nfc(text)) {
        return Cow::Borrowed(text);
    }
    let newline = if line { ' ' } else { '\n' };
    let mut out = String::with_capacity(text.len());
    // Once a string sequence (OSC, DCS…) was found without terminator, none
    // after it can have one: remembering it keeps the scan linear.
    let mut unterminated = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ESC => chars = skip_escape(chars.as_str(), &mut unterminated).chars(),
            '\r' => {
                // "\r\n" is one line break, and a lone "\r" (old Mac files) one too:
                // left alone it would move the cursor back over the line.
                if chars.as_str().starts_with('\n') {
                    chars.next();
                }
                out.push(newline);
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(newline),
            '\t' if keep_tabs => out.push('\t'),
            '\t' | '\u{b}' | '\u{c}' => out.push(' '),
            c if c.is_control() || is_invisible(c) => {}
            c if is_tag(c) => {
                if out.ends_with(BLACK_FLAG) || out.chars().next_back().is_some_and(is_tag) {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    if is_nfc(&out) { Cow::Owned(out) } else { Cow::Owned(out.nfc().collect()) }
}

/// What follows the escape sequence whose ESC was just read, `rest` being the text after ESC.
fn skip_escape<'a>(rest: &'a str, unterminated: &mut bool) -> &'a str {
    let mut chars = rest.chars();
    match chars.next() {
        Some('[') => {
            // CSI: parameters and intermediates (0x20–0x3F), then one final byte (0x40–0x7E).
            // Anything else ends the sequence and is read as text again, as a terminal would.
            let body = chars.as_str();
            for (i, b) in body.bytes().enumerate() {
                match b {
                    0x20..=0x3f => {}
                    0x40..=0x7e => return &body[i + 1..],
                    _ => return &body[i..],
                }
            }
            ""
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            // OSC, DCS, SOS, PM, APC: a string up to BEL, ST (ESC \ or U+009C), or an
            // ESC that starts the next sequence.
            let body = chars.as_str();
            if !*unterminated {
                if let Some(i) = body.find(['\u{7}', ESC, '\u{9c}']) {
                    let tail = &body[i..];
                    return match tail.chars().next() {
                        Some(ESC) if tail[1..].starts_with('\\') => &tail[2..],
                        Some(ESC) => tail,
                        Some(end) => &tail[end.len_utf8()..],
                        None => tail,
                    };
                }
                *unterminated = true;
            }
            // No terminator: a terminal would swallow the rest of the text; here
            // only the introducer goes, and the payload shows as the harmless text it is.
            body
        }
        Some('\u{20}'..='\u{2f}') => {
            // nF sequences (charset designations such as ESC ( B): intermediates, then a final.
            let body = rest.trim_start_matches(|c: char| ('\u{20}'..='\u{2f}').contains(&c));
            match body.chars().next() {
                Some(c @ '\u{30}'..='\u{7e}') => &body[c.len_utf8()..],
                _ => body,
            }
        }
        // ESC + one character (ESC c resets the terminal, ESC 7 saves the cursor…).
        Some('\u{30}'..='\u{7e}') => chars.as_str(),
        // A bare ESC before a non-ASCII character, a control or the end: only the ESC goes.
        _ => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(text: &str) -> String {
        sanitize(text).into_owned()
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(sanitize("Le salarié a droit à un congé.\nSuite"), Cow::Borrowed(_)));
        assert!(matches!(sanitize_line("« Titre » — 🇫🇷 👨‍👩‍👧"), Cow::Borrowed(_)));
        assert!(matches!(sanitize_line("a\nb"), Cow::Owned(_)));
    }

    #[test]
    fn csi_sequences_go() {
        assert_eq!(owned("\x1b[31mrouge\x1b[0m"), "rouge");
        assert_eq!(owned("a\x1b[2Jb\x1b[1;1Hc\x1b[?25l"), "abc");
        // A sequence cut by a non-ASCII character ends there; the character stays.
        assert_eq!(owned("\x1b[31é"), "é");
        assert_eq!(owned("fin\x1b["), "fin");
    }

    #[test]
    fn osc_sequences_go() {
        assert_eq!(owned("\x1b]52;c;ZXZpbA==\x07x"), "x");
        assert_eq!(owned("\x1b]8;;https://evil.example/\x1b\\clic\x1b]8;;\x1b\\ ici"), "clic ici");
        assert_eq!(owned("\x1b]0;titre\u{9c}suite"), "suite");
        assert_eq!(owned("\x1bPq#0;2;0;0;0\x1b\\après"), "après");
        assert_eq!(owned("\x1b_apc\x1b\\z"), "z");
        // Unterminated: the introducer goes, the rest is left as plain text.
        assert_eq!(owned("\x1b]52;c;ZXZpbA== et la suite"), "52;c;ZXZpbA== et la suite");
    }

    #[test]
    fn short_escapes_go() {
        assert_eq!(owned("a\x1bcb"), "ab");
        assert_eq!(owned("a\x1b(Bb"), "ab");
        assert_eq!(owned("a\x1b"), "a");
        assert_eq!(owned("a\x1b\x1b[0mb"), "ab");
    }

    #[test]
    fn controls_go() {
        assert_eq!(owned("a\u{0}b\u{7}c\u{8}d\u{7f}e"), "abcde");
        assert_eq!(owned("x\u{9b}31my"), "x31my");
        assert_eq!(owned("\u{85}"), "\n");
        assert_eq!(owned("a\tb"), "a b");
        assert_eq!(owned("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(sanitize_line("a\r\nb\rc\nd\u{2028}e"), "a b c d e");
    }

    #[test]
    fn bidi_and_hiding_characters_go() {
        assert_eq!(owned("abc\u{202E}def"), "abcdef");
        assert_eq!(owned("\u{2066}a\u{2069}\u{200e}b\u{200f}\u{61c}"), "ab");
        assert_eq!(owned("mot\u{200b}caché\u{2060}\u{feff}"), "motcaché");
        assert_eq!(owned("anti\u{ad}constitutionnel"), "anticonstitutionnel");
        // Tags smuggle ASCII, except inside a subdivision flag.
        assert_eq!(owned("a\u{e0068}\u{e0069}b"), "ab");
        let england = "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}";
        assert_eq!(owned(england), england);
    }

    #[test]
    fn emoji_sequences_stay() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(owned(family), family);
        assert_eq!(owned("❤\u{fe0f} 👍🏽 🇫🇷"), "❤\u{fe0f} 👍🏽 🇫🇷");
    }

    #[test]
    fn text_is_composed() {
        assert_eq!(owned("e\u{301}"), "é");
        assert_eq!(owned("e\u{202e}\u{301}"), "é");
        assert!(matches!(sanitize("é"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate_to_width("court", 10), "court");
        assert_eq!(truncate_to_width("un titre trop long", 9), "un titre…");
        assert_eq!(truncate_to_width("abc", 0), "");
        // Wide CJK characters are never cut in half.
        let cut = truncate_to_width("日本語の新聞", 6);
        assert_eq!(cut, "日本…");
        assert!(cut.width() <= 6);
        assert_eq!(truncate_to_width("日本語の新聞", 7), "日本語…");
        // Emoji sequences and combining marks stay whole.
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(truncate_to_width(&format!("{family}{family}{family}"), 4), format!("{family}…"));
        assert_eq!(truncate_to_width("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(truncate_to_width("🇫🇷🇩🇪🇮🇹", 5), "🇫🇷🇩🇪…");
    }

    #[test]
    fn clusters_keep_sequences_whole() {
        let parts: Vec<&str> = clusters("ae\u{301}👍🏽🇫🇷🇩🇪❤\u{fe0f}👨\u{200d}👩").collect();
        assert_eq!(parts, ["a", "e\u{301}", "👍🏽", "🇫🇷", "🇩🇪", "❤\u{fe0f}", "👨\u{200d}👩"]);
    }
}
