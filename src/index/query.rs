//! The query language people type, parsed into a tree.
//!
//! `eau sécheresse` (all words), `"phrase exacte"` (or « … »), `-exclu`,
//! `a OU b` (`OR`), parentheses, and field operators with French names and
//! English aliases: `titre:`/`title:`, `auteur:`/`author:`, `site:`,
//! `theme:`, `type:`/`kind:`, `tag:`, `depuis:`/`since:`, `avant:`/`before:`,
//! `annee:`/`year:`, `langue:`/`lang:` (`langue:en`), and the collective's marks: `etiquette:`/`label:`,
//! `lu:oui|non` (`read:yes|no`), `note:`.
//!
//! Text pasted from an article is a query too, so what is unbalanced is
//! read leniently, never as an error: a quote never closed runs to the end
//! of the query (as Xapian reads it), a parenthesis never closed closes at
//! the end, one that closes nothing is ignored, `OU` with nothing on one
//! side and a field name with nothing after its colon are plain words. What
//! is left as errors says something the person meant and the parser cannot
//! give (a date that is no date, an unknown kind, too many words), with a
//! [`QueryError`] pointing at the bad part; nothing here panics on any input.

use std::fmt;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use crate::corpus::Kind;

/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;
/// Most words, phrases and operators in one query.
const MAX_CLAUSES: usize = 256;

/// A text field a word can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// Title and subtitle.
    Title,
    Author,
    Tag,
    /// The collective's note.
    Note,
}

/// One node of a parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A word, searched in every text field unless `field` says otherwise.
    Word {
        text: String,
        field: Option<TextField>,
        span: Range<usize>,
    },
    /// Words that must follow each other.
    Phrase {
        text: String,
        field: Option<TextField>,
        span: Range<usize>,
    },
    Site(String),
    Kind(Kind),
    /// One of the collective's labels (normalised).
    Label(String),
    /// Opened by someone (`lu:oui`) or not (`lu:non`).
    Read(bool),
    /// Written in this language (`langue:en`).
    Lang(crate::language::Language),
    Theme {
        id: String,
        span: Range<usize>,
    },
    /// Published in `[from, to)`; either bound may be open.
    Published {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Node {
    /// Whether the node matches on words (scored) rather than filtering.
    pub fn is_text(&self) -> bool {
        matches!(self, Node::Word { .. } | Node::Phrase { .. })
    }
}

/// A query that cannot be read, with the byte range of the culprit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub message: String,
    pub span: Range<usize>,
}

impl QueryError {
    fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        QueryError { message: message.into(), span }
    }

    /// The query with a caret line under the bad part, for terminals.
    pub fn pointer(&self, query: &str) -> String {
        let start = self.span.start.min(query.len());
        let end = self.span.end.clamp(start, query.len());
        let lead = query[..start].chars().count();
        let width = query[start..end].chars().count().max(1);
        format!("  {}\n  {}{}", query, " ".repeat(lead), "^".repeat(width))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Lexeme {
    Open,
    Close,
    Or,
    Minus,
    /// A bare word (may hold a field prefix).
    Word(String),
    /// A quoted phrase, possibly after `field:`.
    Phrase {
        field: Option<String>,
        text: String,
    },
}

fn is_quote_open(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '«' => Some('»'),
        '“' => Some('”'),
        _ => None,
    }
}

/// Reads a quoted phrase whose opening `quote` (at byte `at`) was just
/// consumed; returns its text and the byte offset after the closing quote.
/// A quote never closed runs to the end of the query.
fn quoted(
    input: &str,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    at: usize,
    quote: char,
) -> (String, usize) {
    let close = is_quote_open(quote).expect("called on an opening quote");
    let text_start = at + quote.len_utf8();
    for (i, ch) in chars.by_ref() {
        // `"` closes any phrase: people mix « with ".
        if ch == close || ch == '"' {
            return (input[text_start..i].to_string(), i + ch.len_utf8());
        }
    }
    (input[text_start..].to_string(), input.len())
}

fn lex(input: &str) -> Result<Vec<(Lexeme, Range<usize>)>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '(' || c == ')' {
            chars.next();
            out.push((if c == '(' { Lexeme::Open } else { Lexeme::Close }, start..start + 1));
            continue;
        }
        if c == '-' {
            chars.next();
            match chars.peek() {
                Some(&(_, next)) if !next.is_whitespace() && next != ')' => {
                    out.push((Lexeme::Minus, start..start + 1));
                }
                // A lone dash is punctuation, not an operator.
                _ => {}
            }
            continue;
        }
        if is_quote_open(c).is_some() {
            chars.next();
            let (text, end) = quoted(input, &mut chars, start, c);
            out.push((Lexeme::Phrase { field: None, text }, start..end));
            continue;
        }
        // A word runs to whitespace, a parenthesis or a quote.
        let mut end = input.len();
        while let Some(&(i, ch)) = chars.peek() {
            if ch.is_whitespace() || ch == '(' || ch == ')' || is_quote_open(ch).is_some() {
                end = i;
                break;
            }
            chars.next();
        }
        let word = &input[start..end];
        // `titre:"effet rebond"`: a field prefix glued to a phrase.
        if let (Some(field), Some(&(q, quote))) = (word.strip_suffix(':'), chars.peek())
            && is_quote_open(quote).is_some()
            && field_name(field).is_some()
        {
            chars.next();
            let (text, end) = quoted(input, &mut chars, q, quote);
            out.push((Lexeme::Phrase { field: Some(field.to_string()), text }, start..end));
            continue;
        }
        let lexeme = match word {
            "OU" | "OR" | "|" => Lexeme::Or,
            _ => Lexeme::Word(word.to_string()),
        };
        out.push((lexeme, start..end));
    }
    Ok(out)
}

/// The field operators and their canonical names.
fn field_name(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "titre" | "title" => "title",
        "auteur" | "author" | "auteurs" | "authors" => "author",
        "site" => "site",
        "theme" | "thème" => "theme",
        "type" | "kind" => "kind",
        "tag" | "mot-cle" | "mot-clé" => "tag",
        "depuis" | "since" | "after" | "apres" | "après" => "since",
        "avant" | "before" | "until" => "before",
        "annee" | "année" | "year" => "year",
        "etiquette" | "étiquette" | "label" => "label",
        "lu" | "read" => "read",
        "note" => "note",
        "langue" | "lang" | "language" => "lang",
        _ => return None,
    })
}

/// Parses a partial date: `2025`, `2025-03` or `2025-03-11`; returns the
/// first day it covers and the first day after it.
fn parse_period(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = value.split('-').collect();
    let num = |s: &str| s.parse::<u32>().ok().filter(|_| s.bytes().all(|b| b.is_ascii_digit()));
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)? as i32;
            Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y + 1, 1, 1)?))
        }
        [y, m] if y.len() == 4 => {
            let first = NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, 1)?;
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
            };
            Some((first, next))
        }
        [y, m, d] if y.len() == 4 => {
            let day = NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)?;
            Some((day, day.succ_opt()?))
        }
        _ => None,
    }
}

struct Parser {
    lexemes: Vec<(Lexeme, Range<usize>)>,
    pos: usize,
    clauses: usize,
    end: usize,
}

/// Parses a query. An empty query (or only whitespace) is `And([])`.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    let mut lexemes = lex(input)?;
    // A parenthesis that closes nothing is punctuation of pasted text.
    let mut open = 0usize;
    lexemes.retain(|(lexeme, _)| match lexeme {
        Lexeme::Open => {
            open += 1;
            true
        }
        Lexeme::Close if open == 0 => false,
        Lexeme::Close => {
            open -= 1;
            true
        }
        _ => true,
    });
    // `OU` with nothing on one side is a word (a stop word, so nothing).
    for i in 0..lexemes.len() {
        if lexemes[i].0 == Lexeme::Or {
            let before = i.checked_sub(1).map(|j| &lexemes[j].0);
            let after = lexemes.get(i + 1).map(|(l, _)| l);
            let empty_before = matches!(before, None | Some(Lexeme::Open | Lexeme::Or | Lexeme::Minus));
            let empty_after = matches!(after, None | Some(Lexeme::Close | Lexeme::Or));
            if empty_before || empty_after {
                let span = lexemes[i].1.clone();
                lexemes[i].0 = Lexeme::Word(input[span].to_string());
            }
        }
    }
    let mut parser = Parser { lexemes, pos: 0, clauses: 0, end: input.len() };
    let node = parser.or(0)?;
    if let Some((_, span)) = parser.lexemes.get(parser.pos) {
        return Err(QueryError::new("this parenthesis closes nothing", span.clone()));
    }
    Ok(node)
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.pos).map(|(l, _)| l)
    }

    fn span(&self) -> Range<usize> {
        self.lexemes.get(self.pos).map_or(self.end..self.end, |(_, s)| s.clone())
    }

    fn or(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut branches = vec![self.and(depth)?];
        while self.peek() == Some(&Lexeme::Or) {
            let or_span = self.span();
            self.pos += 1;
            let branch = self.and(depth)?;
            if matches!(&branch, Node::And(v) if v.is_empty())
                || matches!(branches.last(), Some(Node::And(v)) if v.is_empty())
            {
                return Err(QueryError::new("OU needs something on both sides", or_span));
            }
            branches.push(branch);
        }
        Ok(if branches.len() == 1 { branches.pop().expect("one branch") } else { Node::Or(branches) })
    }

    fn and(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut items = Vec::new();
        while let Some(lexeme) = self.peek() {
            match lexeme {
                Lexeme::Or | Lexeme::Close => break,
                _ => items.push(self.unary(depth)?),
            }
        }
        Ok(if items.len() == 1 { items.pop().expect("one item") } else { Node::And(items) })
    }

    fn unary(&mut self, depth: usize) -> Result<Node, QueryError> {
        if self.peek() == Some(&Lexeme::Minus) {
            let span = self.span();
            self.pos += 1;
            return match self.peek() {
                None | Some(Lexeme::Or | Lexeme::Close | Lexeme::Minus) => {
                    Err(QueryError::new("nothing to exclude after '-'", span))
                }
                _ => Ok(Node::Not(Box::new(self.atom(depth)?))),
            };
        }
        self.atom(depth)
    }

    /// The word a field operator was written as, without its colon.
    fn lexeme_text(&self, span: &Range<usize>) -> String {
        let word = self.lexemes.iter().find(|(_, s)| s == span).map(|(l, _)| l);
        match word {
            Some(Lexeme::Word(w)) => w.trim_end_matches(':').to_string(),
            Some(Lexeme::Phrase { field: Some(f), .. }) => f.clone(),
            _ => String::new(),
        }
    }

    fn count(&mut self, span: &Range<usize>) -> Result<(), QueryError> {
        self.clauses += 1;
        if self.clauses > MAX_CLAUSES {
            return Err(QueryError::new(format!("too many words (at most {MAX_CLAUSES})"), span.clone()));
        }
        Ok(())
    }

    fn atom(&mut self, depth: usize) -> Result<Node, QueryError> {
        let (lexeme, span) = self.lexemes[self.pos].clone();
        self.pos += 1;
        self.count(&span)?;
        match lexeme {
            Lexeme::Open => {
                if depth >= MAX_DEPTH {
                    return Err(QueryError::new("parentheses nested too deep", span));
                }
                let inner = self.or(depth + 1)?;
                // A parenthesis never closed closes at the end.
                if self.peek() == Some(&Lexeme::Close) {
                    self.pos += 1;
                }
                Ok(inner)
            }
            Lexeme::Phrase { field: None, text } => Ok(Node::Phrase { text, field: None, span }),
            Lexeme::Phrase { field: Some(field), text } => {
                let name = field_name(&field).expect("lexer checked the field");
                self.field(name, &text, true, span)
            }
            Lexeme::Word(word) => {
                if let Some((field, value)) = word.split_once(':')
                    && let Some(name) = field_name(field)
                {
                    return self.field(name, value, false, span);
                }
                Ok(Node::Word { text: word, field: None, span })
            }
            Lexeme::Close | Lexeme::Or | Lexeme::Minus => Err(QueryError::new("expected a word here", span)),
        }
    }

    fn field(
        &mut self,
        name: &str,
        value: &str,
        quoted: bool,
        span: Range<usize>,
    ) -> Result<Node, QueryError> {
        let value = value.trim();
        if value.is_empty() {
            // `Titre : …` pasted from a page: the field's name is a word.
            let word = self.lexeme_text(&span);
            return Ok(Node::Word { text: word, field: None, span });
        }
        let text_field = |field| {
            if quoted {
                Node::Phrase { text: value.to_string(), field: Some(field), span: span.clone() }
            } else {
                Node::Word { text: value.to_string(), field: Some(field), span: span.clone() }
            }
        };
        Ok(match name {
            "title" => text_field(TextField::Title),
            "author" => {
                // Names are matched as phrases: auteur:"Hélène Marchal".
                Node::Phrase { text: value.to_string(), field: Some(TextField::Author), span }
            }
            "tag" => Node::Phrase { text: value.to_string(), field: Some(TextField::Tag), span },
            "site" => Node::Site(value.to_string()),
            "label" => Node::Label(
                crate::corpus::annotations::label(value).map_err(|e| QueryError::new(e.to_string(), span))?,
            ),
            "read" => Node::Read(match value.to_lowercase().as_str() {
                "oui" | "yes" | "true" | "1" => true,
                "non" | "no" | "false" | "0" => false,
                _ => return Err(QueryError::new(format!("lu: takes oui or non, not {value:?}"), span)),
            }),
            "note" => text_field(TextField::Note),
            "lang" => Node::Lang(crate::language::Language::from_code(value).ok_or_else(|| {
                let known: Vec<&str> = crate::language::ALL.iter().map(|l| l.code()).collect();
                QueryError::new(
                    format!("no language {value:?} (languages: {})", known.join(", ")),
                    span.clone(),
                )
            })?),
            "theme" => Node::Theme { id: value.to_string(), span },
            "kind" => Node::Kind(value.parse::<Kind>().map_err(|e| QueryError::new(e.to_string(), span))?),
            "since" | "before" | "year" => {
                let Some((first, after)) = parse_period(value) else {
                    return Err(QueryError::new(
                        format!("{value:?} is not a date (write 2025, 2025-03 or 2025-03-11)"),
                        span,
                    ));
                };
                match name {
                    "since" => Node::Published { from: Some(first), to: None },
                    "before" => Node::Published { from: None, to: Some(first) },
                    _ => Node::Published { from: Some(first), to: Some(after) },
                }
            }
            _ => unreachable!("field_name returns only the names above"),
        })
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextField::Title => "titre",
            TextField::Author => "auteur",
            TextField::Tag => "tag",
            TextField::Note => "note",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Node {
        Node::Word { text: text.into(), field: None, span: 0..0 }
    }

    /// Spans make trees hard to compare: zero them.
    fn strip(node: Node) -> Node {
        match node {
            Node::Word { text, field, .. } => Node::Word { text, field, span: 0..0 },
            Node::Phrase { text, field, .. } => Node::Phrase { text, field, span: 0..0 },
            Node::Theme { id, .. } => Node::Theme { id, span: 0..0 },
            Node::Not(n) => Node::Not(Box::new(strip(*n))),
            Node::And(v) => Node::And(v.into_iter().map(strip).collect()),
            Node::Or(v) => Node::Or(v.into_iter().map(strip).collect()),
            other => other,
        }
    }

    fn p(q: &str) -> Node {
        strip(parse(q).unwrap_or_else(|e| panic!("{q}: {e}")))
    }

    #[test]
    fn words_phrases_and_operators() {
        assert_eq!(p("eau sécheresse"), Node::And(vec![word("eau"), word("sécheresse")]));
        assert_eq!(
            p("\"effet rebond\""),
            Node::Phrase { text: "effet rebond".into(), field: None, span: 0..0 }
        );
        assert_eq!(
            p("« effet rebond »"),
            Node::Phrase { text: " effet rebond ".into(), field: None, span: 0..0 }
        );
        assert_eq!(p("eau -nucléaire"), Node::And(vec![word("eau"), Node::Not(Box::new(word("nucléaire")))]));
        assert_eq!(p("lithium OU cuivre"), Node::Or(vec![word("lithium"), word("cuivre")]));
        assert_eq!(p("lithium OR cuivre"), p("lithium OU cuivre"));
        assert_eq!(
            p("(lithium OU cuivre) mine"),
            Node::And(vec![Node::Or(vec![word("lithium"), word("cuivre")]), word("mine")])
        );
        assert_eq!(p("ou"), word("ou"), "lower-case ou is a word");
        assert_eq!(p("data-center"), word("data-center"));
        assert_eq!(p("a - b"), Node::And(vec![word("a"), word("b")]), "a lone dash is punctuation");
        assert_eq!(p(""), Node::And(vec![]));
        assert_eq!(p("   "), Node::And(vec![]));
    }

    #[test]
    fn field_operators_in_french_and_english() {
        assert_eq!(
            p("titre:eau"),
            Node::Word { text: "eau".into(), field: Some(TextField::Title), span: 0..0 }
        );
        assert_eq!(p("title:eau"), p("titre:eau"));
        assert_eq!(
            p("titre:\"effet rebond\""),
            Node::Phrase { text: "effet rebond".into(), field: Some(TextField::Title), span: 0..0 }
        );
        assert_eq!(
            p("auteur:Marchal"),
            Node::Phrase { text: "Marchal".into(), field: Some(TextField::Author), span: 0..0 }
        );
        assert_eq!(p("site:la-lime"), Node::Site("la-lime".into()));
        assert_eq!(p("langue:en"), Node::Lang(crate::language::Language::English));
        assert_eq!(p("lang:IT"), Node::Lang(crate::language::Language::Italian));
        assert_eq!(p("type:communique"), Node::Kind(Kind::Communique));
        assert_eq!(p("kind:communiqué"), Node::Kind(Kind::Communique));
        assert_eq!(p("theme:eau"), Node::Theme { id: "eau".into(), span: 0..0 });
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(p("depuis:2024-01"), Node::Published { from: d(2024, 1, 1), to: None });
        assert_eq!(p("since:2024-01"), p("depuis:2024-01"));
        assert_eq!(p("avant:2025-03-01"), Node::Published { from: None, to: d(2025, 3, 1) });
        assert_eq!(p("annee:2025"), Node::Published { from: d(2025, 1, 1), to: d(2026, 1, 1) });
        assert_eq!(p("year:2024-12"), Node::Published { from: d(2024, 12, 1), to: d(2025, 1, 1) });
        assert_eq!(p("12:30"), word("12:30"), "an unknown prefix is a plain word");
        assert_eq!(p("etiquette:À-lire"), Node::Label("à-lire".into()));
        assert_eq!(p("label:à-lire"), p("étiquette:à-lire"));
        assert_eq!(p("lu:non"), Node::Read(false));
        assert_eq!(p("read:yes"), Node::Read(true));
        assert_eq!(
            p("note:barrage"),
            Node::Word { text: "barrage".into(), field: Some(TextField::Note), span: 0..0 }
        );
        assert!(parse("lu:peut-être").unwrap_err().message.contains("oui or non"));
    }

    #[test]
    fn bad_queries_point_at_the_culprit() {
        let cases = [
            ("eau -", 4..4, ""),
            ("depuis:2024-13", 0..14, "not a date"),
            ("type:tract", 0..10, "unknown kind"),
        ];
        for (query, span, message) in cases {
            match parse(query) {
                Err(e) => {
                    assert!(e.message.contains(message), "{query}: {}", e.message);
                    if !span.is_empty() {
                        assert_eq!(e.span, span, "{query}");
                    }
                }
                Ok(node) => assert!(span.is_empty(), "{query} parsed as {node:?}"),
            }
        }
        let e = parse("depuis:hier").unwrap_err();
        assert_eq!(e.pointer("depuis:hier"), "  depuis:hier\n  ^^^^^^^^^^^");
    }

    #[test]
    fn pasted_text_is_read_leniently() {
        let phrase = |t: &str| Node::Phrase { text: t.into(), field: None, span: 0..0 };
        // A quote never closed runs to the end (Xapian's reading).
        assert_eq!(p("eau \"effet rebond"), Node::And(vec![word("eau"), phrase("effet rebond")]));
        assert_eq!(p("« effet rebond"), phrase(" effet rebond"));
        // A parenthesis never closed closes at the end; one closing nothing is ignored.
        assert_eq!(p("(eau OU cuivre"), Node::Or(vec![word("eau"), word("cuivre")]));
        assert_eq!(p("eau)"), word("eau"));
        assert_eq!(p("mines (de lithium) en Serbie)"), p("mines (de lithium) en Serbie"));
        // OU with nothing on one side is the word.
        assert_eq!(p("eau OU"), Node::And(vec![word("eau"), word("OU")]));
        assert_eq!(p("OU eau"), Node::And(vec![word("OU"), word("eau")]));
        // A field name with nothing after its colon is a word.
        assert_eq!(p("titre: la guerre"), Node::And(vec![word("titre"), word("la"), word("guerre")]));
        assert_eq!(p("Titre:"), word("Titre"));
        let headline = "« L’IA militaire » : le (grand) silence des \"experts";
        assert!(parse(headline).is_ok());
    }

    #[test]
    fn hostile_queries_do_not_panic() {
        let long = "mot ".repeat(2500);
        assert!(parse(&long).unwrap_err().message.contains("too many"));
        let deep = "(".repeat(1000) + &")".repeat(1000);
        assert!(parse(&deep).is_err());
        for q in
            ["\"", "«", "-", "--", "()", "(((", ")))", ":", "titre:\"", "é\u{301}:x", "\0", "-(", "OU OU"]
        {
            let _ = parse(q);
        }
    }
}
