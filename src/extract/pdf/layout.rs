//! Reading order: from positioned glyphs to a Markdown text. Rows of
//! glyphs sharing a baseline, split at a column gutter; columns read one
//! after the other; running heads and page numbers dropped (what repeats at
//! the top or bottom of pages); footnotes (small type at the foot of a page)
//! gathered at the end as Markdown footnotes; paragraphs rejoined across
//! lines, columns and pages; end-of-line hyphens undone where the joined
//! word is known. Pure: glyphs in, text out.

use std::collections::{HashMap, HashSet};

use super::glyphs::{Glyph, Page};
use super::imposition::is_imposed;

/// What the layout gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// The text in Markdown, with `<!-- page N -->` where page N starts (N ≥ 2).
    pub markdown: String,
    /// The biggest type of the first page, when it stands out (a title).
    pub title: Option<String>,
    /// The first page's text, to look for a date or a byline.
    pub first_page: String,
    /// The pages are sheets of an imposed booklet (two pages per landscape
    /// sheet, out of reading order).
    pub imposed: bool,
    /// Characters of text found.
    pub chars: usize,
}

/// A run of glyphs on one baseline, within one column.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) page: usize,
    x0: f32,
    x1: f32,
    pub(super) y: f32,
    size: f32,
    pub(super) glyphs: Vec<Glyph>,
    /// Raised small glyphs (note calls) merged into this row, by x.
    calls: Vec<Glyph>,
    /// Which column of its page block: 0 full width, 1 left, 2 right.
    column: u8,
    pub(super) text: String,
}

impl Row {
    pub(super) fn new(page: usize, glyphs: Vec<Glyph>) -> Row {
        let x0 = glyphs.iter().map(|g| g.x).fold(f32::MAX, f32::min);
        let x1 = glyphs.iter().map(|g| g.x + g.width).fold(f32::MIN, f32::max);
        let y = median(glyphs.iter().map(|g| g.y).collect());
        let size = dominant_size(&glyphs);
        Row { page, x0, x1, y, size, glyphs, calls: Vec::new(), column: 0, text: String::new() }
    }

    /// The row's text: glyphs in x order, a space where the gap is wide,
    /// note calls as Markdown footnote references.
    pub(super) fn render(&mut self) {
        let mut all: Vec<(bool, &Glyph)> =
            self.glyphs.iter().map(|g| (false, g)).chain(self.calls.iter().map(|g| (true, g))).collect();
        all.sort_by(|a, b| a.1.x.total_cmp(&b.1.x));
        let mut text = String::new();
        let mut end = f32::MIN;
        let mut last: Option<(&Glyph, bool)> = None;
        let mut in_call = false;
        // Where the last space glyph stood: some producers draw a space with
        // no advance where a soft hyphen was, inside a word.
        let mut space_at: Option<f32> = None;
        for (call, g) in all {
            // Fake bold draws each glyph twice, a hair apart.
            if let Some((prev, _)) = last
                && g.width > 0.0
                && prev.text == g.text
                && (prev.x - g.x).abs() < 0.15 * g.size.max(1.0)
            {
                continue;
            }
            if g.text.chars().all(char::is_whitespace) {
                space_at = Some(g.x);
                continue;
            }
            let gap = g.x - end;
            let size = g.size.max(last.map_or(0.0, |(p, _)| p.size));
            let spaced = gap > 0.16 * size
                || space_at.is_some_and(|at| g.width <= 0.0 || g.x > at + 0.05 * size || gap > 0.05 * size);
            space_at = None;
            let digits = call && g.text.chars().all(|c| c.is_ascii_digit());
            if in_call && !(digits && gap < 0.3 * size) {
                text.push(']');
                in_call = false;
            }
            if !text.is_empty() && !text.ends_with(' ') && spaced && !in_call && !call {
                text.push(' ');
            }
            if digits && !in_call {
                if text.ends_with(' ') && !spaced {
                    text.pop();
                }
                text.push_str("[^");
                in_call = true;
            }
            text.push_str(&g.text);
            end = g.x + g.width;
            last = Some((g, call));
        }
        if in_call {
            text.push(']');
        }
        self.text = clean_spaces(&text);
    }
}

fn clean_spaces(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Ligature glyphs mapped to their ligature code points; accents drawn
    // as combining marks (NFC puts them back on their letter).
    let text: String = text
        .replace(['\u{2010}', '\u{2011}'], "-")
        .replace('\u{fb00}', "ff")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb03}', "ffi")
        .replace('\u{fb04}', "ffl")
        .replace(['\u{fb05}', '\u{fb06}'], "st")
        .nfc()
        .collect();
    // A soft hyphen drawn inside a row is a visible hyphen: some producers
    // (Typst) map their one hyphen glyph to U+00AD. At the row's end it is
    // a hyphenation break, decided when rows are joined.
    let mut chars = text.chars().peekable();
    let mut text = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\u{ad}', Some(next)) if next.is_alphanumeric() => text.push('-'),
            ('\u{ad}', Some(_)) => {}
            _ => text.push(c),
        }
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn median(mut values: Vec<f32>) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

/// The size most characters are set in (rounded to a quarter point).
fn dominant_size(glyphs: &[Glyph]) -> f32 {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for g in glyphs {
        *counts.entry((g.size * 4.0).round() as i32).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(size, n)| (n, size)).map_or(0.0, |(size, _)| size as f32 / 4.0)
}

/// Groups a page's glyphs into rows sharing a baseline.
pub(super) fn rows_of(page_index: usize, page: &Page) -> Vec<Row> {
    let mut glyphs: Vec<&Glyph> = page.glyphs.iter().filter(|g| g.size > 0.5 && g.y.is_finite()).collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    let mut base = f32::MIN;
    let mut size = 0.0f32;
    for g in glyphs {
        let tolerance = 0.25 * size.max(g.size).min(size.max(0.1) * 2.0);
        if rows.is_empty() || (g.y - base).abs() > tolerance {
            rows.push(Vec::new());
            base = g.y;
            size = g.size;
        }
        rows.last_mut().expect("pushed").push(g.clone());
    }
    rows.into_iter().map(|glyphs| Row::new(page_index, glyphs)).collect()
}

/// A band near the middle of the page that the text of most rows avoids:
/// the gutter between two columns.
fn gutter(rows: &[Row], width: f32) -> Option<(f32, f32)> {
    const BINS: usize = 200;
    if rows.len() < 6 || width <= 0.0 {
        return None;
    }
    let bin = width / BINS as f32;
    let mut covered = vec![0usize; BINS];
    for row in rows {
        for g in &row.glyphs {
            let from = ((g.x / bin).floor().max(0.0) as usize).min(BINS - 1);
            let to = (((g.x + g.width.max(0.1)) / bin).ceil().max(0.0) as usize).min(BINS);
            for c in &mut covered[from..to] {
                *c += 1;
            }
        }
    }
    let rows_at = |i: usize| covered[i];
    // The emptiest run of bins in the middle third of the page.
    let (lo, hi) = (BINS * 3 / 10, BINS * 7 / 10);
    // Full-width rows (titles, a head) cross the gutter: a few are allowed.
    let typical = median(covered[lo..hi].iter().map(|&c| c as f32).collect());
    let threshold = (rows.len() / 20).max((typical * 0.12) as usize);
    let mut best: Option<(usize, usize)> = None;
    let mut i = lo;
    while i < hi {
        if rows_at(i) <= threshold {
            let start = i;
            while i < hi && rows_at(i) <= threshold {
                i += 1;
            }
            if best.is_none_or(|(s, e)| i - start > e - s) {
                best = Some((start, i));
            }
        }
        i += 1;
    }
    tracing::debug!(?best, threshold, typical, rows = rows.len(), "gutter candidates");
    let (start, end) = best?;
    let (x0, x1) = (start as f32 * bin, end as f32 * bin);
    // Text on both sides, on a good share of the rows.
    let left = rows.iter().filter(|r| r.glyphs.iter().any(|g| g.x + g.width < x0 - 4.0 * bin)).count();
    let right = rows.iter().filter(|r| r.glyphs.iter().any(|g| g.x > x1 + 4.0 * bin)).count();
    tracing::debug!(x0, x1, left, right, size = typical_size(rows), "gutter");
    // A narrow gutter (LaTeX's `twocolumn` leaves 10 pt, and glyph widths
    // from the font's metrics can eat into it) counts when most rows have
    // text on both sides of it.
    let wide_enough = x1 - x0 >= 0.5 * typical_size(rows)
        || (x1 - x0 >= 0.25 * typical_size(rows) && left * 2 >= rows.len() && right * 2 >= rows.len());
    (left >= rows.len() / 5 && right >= rows.len() / 5 && wide_enough).then_some((x0, x1))
}

fn typical_size(rows: &[Row]) -> f32 {
    median(rows.iter().map(|r| r.size).collect())
}

/// Splits rows at the gutter; orders a page: full-width rows in place, and
/// each run of two-column rows as the left column, then the right one.
fn read_page(page_index: usize, page: &Page) -> Vec<Row> {
    let rows = rows_of(page_index, page);
    let Some((g0, g1)) = gutter(&rows, page.width) else { return rows };
    let mid = (g0 + g1) / 2.0;
    let mut split: Vec<Row> = Vec::new();
    for row in rows {
        let crosses = row.glyphs.iter().any(|g| g.x < g1 && g.x + g.width > g0 && !g.text.trim().is_empty());
        if crosses {
            split.push(row);
            continue;
        }
        let (left, right): (Vec<Glyph>, Vec<Glyph>) = row.glyphs.into_iter().partition(|g| g.x < mid);
        for (glyphs, column) in [(left, 1), (right, 2)] {
            if !glyphs.is_empty() {
                let mut part = Row::new(page_index, glyphs);
                part.column = column;
                split.push(part);
            }
        }
    }
    let mut ordered = Vec::with_capacity(split.len());
    let mut block: Vec<Row> = Vec::new();
    let flush = |block: &mut Vec<Row>, ordered: &mut Vec<Row>| {
        block.sort_by(|a, b| a.column.cmp(&b.column).then(a.y.total_cmp(&b.y)));
        ordered.append(block);
    };
    for row in split {
        if row.column == 0 {
            flush(&mut block, &mut ordered);
            ordered.push(row);
        } else {
            block.push(row);
        }
    }
    flush(&mut block, &mut ordered);
    ordered
}

/// Merges small raised rows (note calls, superscripts) into the row they sit on.
fn merge_raised(rows: &mut Vec<Row>, body: f32) {
    let mut i = 0;
    while i < rows.len() {
        let small = rows[i].size < 0.8 * body && rows[i].glyphs.len() <= 4;
        let target = small
            .then(|| {
                rows.iter().position(|r| {
                    r.page == rows[i].page
                        && r.size >= 0.8 * body
                        && r.y > rows[i].y
                        && r.y - rows[i].y < 0.7 * r.size
                        && rows[i].x0 >= r.x0 - r.size
                        && rows[i].x1 <= r.x1 + 2.0 * r.size
                })
            })
            .flatten();
        if let Some(t) = target {
            let raised = rows.remove(i);
            let t = if t > i { t - 1 } else { t };
            let row = &mut rows[t];
            row.calls.extend(raised.glyphs);
            row.x1 = row.x1.max(raised.x1);
            continue;
        }
        i += 1;
    }
}

/// The number of a row that is a page number standing alone: `12`,
/// `- 12 -`, `– 12 –`, `— 12 —`, `[12]`.
pub(super) fn page_number_value(text: &str) -> Option<u32> {
    let t = text.trim().trim_matches(|c: char| "-–—‒[]()".contains(c) || c.is_whitespace());
    (!t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// A row that is only a page number ("12", "- 12 -", "12/40", "Page 12").
fn is_page_number(text: &str) -> bool {
    let t = text.trim().trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    let t = t
        .strip_prefix("Page ")
        .or_else(|| t.strip_prefix("page "))
        .or_else(|| t.strip_prefix("p. "))
        .unwrap_or(t);
    let mut parts = t.split(['/', ' ']).filter(|p| !p.is_empty() && *p != "sur" && *p != "of");
    let first = parts.next();
    first.is_some_and(|p| p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        && parts.all(|p| p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        || (t.len() <= 8 && !t.is_empty() && t.chars().all(|c| "ivxlcdm".contains(c.to_ascii_lowercase())))
}

/// The shape of a running head: digits and case do not count.
fn head_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c.to_lowercase().next().unwrap_or(c) })
        .collect()
}

/// Drops page numbers and running heads: rows in the top or bottom band of
/// a page that are a number, or whose shape repeats on other pages.
fn drop_furniture(pages: &mut [Vec<Row>], heights: &[f32]) {
    let band = |row: &Row| {
        let h = heights[row.page].max(1.0);
        if row.y < 0.12 * h {
            Some(true)
        } else if row.y > 0.88 * h {
            Some(false)
        } else {
            None
        }
    };
    // A running head comes back at the same height: a footnote that happens
    // to repeat (the same URL cited on two pages) does not.
    let key = |row: &Row| (head_key(&row.text), (row.y / 3.0).round() as i32);
    let mut seen: HashMap<(bool, (String, i32)), HashSet<usize>> = HashMap::new();
    for rows in pages.iter() {
        for row in rows {
            if let Some(top) = band(row) {
                seen.entry((top, key(row))).or_default().insert(row.page);
            }
        }
    }
    let page_count = pages.len();
    let repeats = |top: bool, row: &Row| {
        let n = seen.get(&(top, key(row))).map_or(0, HashSet::len);
        n >= 2 && (n * 4 >= page_count || n >= 3)
    };
    for rows in pages.iter_mut() {
        rows.retain(|row| match band(row) {
            Some(top) => !(is_page_number(&row.text) || repeats(top, row)),
            None => true,
        });
    }
}

/// Footnotes: the rows in small type below the text of a page.
fn split_notes(rows: Vec<Row>, body: f32) -> (Vec<Row>, Vec<Row>) {
    let last_body = rows.iter().rposition(|r| r.size >= 0.9 * body);
    let Some(last_body) = last_body else { return (rows, Vec::new()) };
    let (mut text, mut notes) = (Vec::new(), Vec::new());
    for (i, row) in rows.into_iter().enumerate() {
        // Below the page's last body row, or at the foot after it in reading order.
        if row.size < 0.9 * body && i > last_body {
            notes.push(row);
        } else {
            text.push(row);
        }
    }
    // A two-column page's notes sit under the columns: those after the last
    // body row in reading order are the right column's; left-column notes are
    // small rows lower than every body row of their column.
    let mut kept = Vec::new();
    let lowest: HashMap<u8, f32> =
        text.iter().filter(|r| r.size >= 0.9 * body).fold(HashMap::new(), |mut m, r| {
            let e = m.entry(r.column).or_insert(f32::MIN);
            *e = e.max(r.y);
            m
        });
    for row in text {
        if row.size < 0.9 * body && lowest.get(&row.column).is_some_and(|&y| row.y > y) {
            notes.push(row);
        } else {
            kept.push(row);
        }
    }
    (kept, notes)
}

/// Second halves of inversions and compounds with a pronoun or an adverb:
/// `a-t-elle`, `rendez-vous`, `elle-même`, `celle-ci`, `peut-être`.
const SECOND: [&str; 18] = [
    "vous", "nous", "ils", "elles", "elle", "il", "on", "je", "tu", "moi", "toi", "lui", "leur", "même",
    "mêmes", "là", "ci", "être",
];

/// The words a document uses, to decide whether a hyphen at a line's end
/// belongs to the word.
struct Vocabulary(HashSet<String>);

impl Vocabulary {
    fn new(rows: &[&Row]) -> Vocabulary {
        let mut words = HashSet::new();
        for row in rows {
            let inner = row.text.split_whitespace().collect::<Vec<_>>();
            // The last word of a row may be cut; the others are whole.
            for word in &inner[..inner.len().saturating_sub(1)] {
                let w: String = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                if !w.is_empty() {
                    words.insert(w);
                }
            }
        }
        Vocabulary(words)
    }

    /// Whether `left-` at a line's end and `right` at the next line's start
    /// are one word cut by hyphenation (`dépos-` + `session`), rather than a
    /// compound (`data-` + `centers`).
    fn is_hyphenation(&self, left: &str, right: &str) -> bool {
        let l: String = left
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let r: String = right.chars().take_while(|c| c.is_alphabetic()).collect();
        if l.is_empty() || r.is_empty() || !r.chars().next().is_some_and(char::is_lowercase) {
            return false;
        }
        let joined = format!("{l}{r}").to_lowercase();
        let compound = format!("{l}-{r}").to_lowercase();
        if self.0.contains(&compound) && !self.0.contains(&joined) {
            return false;
        }
        if self.0.contains(&joined) {
            return true;
        }
        if SECOND.contains(&r.to_lowercase().as_str()) || l == "t" {
            return false;
        }
        // Unknown to the document: a break French hyphenation rules allow.
        let mut at = 0;
        hypher::hyphenate(&joined, hypher::Lang::French).any(|syllable| {
            at += syllable.chars().count();
            at == l.chars().count()
        })
    }
}

impl Vocabulary {
    /// A soft hyphen at a line's end is a break, unless the document writes
    /// the word with a hyphen elsewhere, or it is `rendez-vous`, `a-t-elle`…
    fn is_compound(&self, left: &str, right: &str) -> bool {
        let l: String = left.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or_default().to_lowercase();
        let r: String = right.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
        if l.is_empty() || r.is_empty() {
            return false;
        }
        let compound = format!("{l}-{r}");
        (self.0.contains(&compound) && !self.0.contains(&format!("{l}{r}")))
            || !self.is_hyphenation(&l, &r) && (SECOND.contains(&r.as_str()) || l == "t")
    }

    fn is_lost_hyphenation(&self, left: &str, right: &str) -> bool {
        let alphabetic = |w: &str| !w.is_empty() && w.chars().all(char::is_alphabetic);
        if !alphabetic(left) || !alphabetic(right) || !right.starts_with(char::is_lowercase) {
            return false;
        }
        let (l, r) = (left.to_lowercase(), right.to_lowercase());
        !self.0.contains(&l) && !self.0.contains(&r) && self.0.contains(&format!("{l}{r}"))
    }
}

/// Note calls the file set as superscript glyphs on the baseline
/// (`collectif1`): digits glued to a word, when a note has that number.
fn note_calls(markdown: &str, notes: &HashSet<String>) -> String {
    if notes.is_empty() {
        return markdown.to_string();
    }
    static CALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(\p{Ll}{2}|[»).,;:])(\d{1,3})\b").expect("valid regex")
    });
    CALL.replace_all(markdown, |c: &regex::Captures| {
        if notes.contains(&c[2]) { format!("{}[^{}]", &c[1], &c[2]) } else { c[0].to_string() }
    })
    .into_owned()
}

/// How a row starts a block.
pub(super) fn list_item(text: &str) -> Option<String> {
    for bullet in ['•', '◦', '▪', '‣', '●', '■', '–', '—', '-', '*'] {
        if let Some(rest) = text.strip_prefix(bullet)
            && rest.starts_with(char::is_whitespace)
        {
            return Some(format!("- {}", rest.trim_start()));
        }
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &text[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ")) && rest.len() > 2 {
            return Some(format!("{}. {}", &text[..digits], rest[2..].trim_start()));
        }
    }
    None
}

/// Escapes what Markdown would read as markup in plain text.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a row's text but keeps its footnote references.
fn escape_row(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("[^") {
        let Some(end) = rest[at..].find(']') else { break };
        out.push_str(&escape(&rest[..at]));
        out.push_str(&rest[at..at + end + 1]);
        rest = &rest[at + end + 1..];
    }
    out.push_str(&escape(rest));
    out
}

/// Lays out the pages of a document.
pub fn layout(pages: &[Page]) -> Layout {
    let all: Vec<Glyph> = pages.iter().flat_map(|p| p.glyphs.iter().cloned()).collect();
    let chars = all.iter().filter(|g| !g.text.trim().is_empty()).count();
    if chars == 0 {
        return Layout::default();
    }
    if is_imposed(pages) {
        // Its text is out of order, but its title is on the first page: the
        // right half of the first sheet.
        let title = pages.first().and_then(|sheet| {
            let right: Vec<Glyph> =
                sheet.glyphs.iter().filter(|g| g.x >= sheet.width / 2.0).cloned().collect();
            let half = Page { glyphs: right, ..sheet.clone() };
            let mut rows = rows_of(0, &half);
            rows.iter_mut().for_each(Row::render);
            first_page_title(&rows, dominant_size(&all))
        });
        return Layout { imposed: true, chars, title, ..Default::default() };
    }
    let body = dominant_size(&all);
    let heights: Vec<f32> = pages.iter().map(|p| p.height).collect();
    let mut per_page: Vec<Vec<Row>> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let mut rows = read_page(i, page);
            merge_raised(&mut rows, body);
            for row in &mut rows {
                row.render();
            }
            rows.retain(|r| !r.text.is_empty());
            rows
        })
        .collect();
    drop_furniture(&mut per_page, &heights);
    let title = first_page_title(per_page.first().map(Vec::as_slice).unwrap_or(&[]), body);
    let first_page =
        per_page.first().map(|rows| rows.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n"));
    let mut text_rows = Vec::new();
    let mut note_rows = Vec::new();
    for rows in per_page {
        let (text, notes) = split_notes(rows, body);
        text_rows.extend(text);
        note_rows.extend(notes);
    }
    let vocabulary = Vocabulary::new(&text_rows.iter().chain(&note_rows).collect::<Vec<_>>());
    let mut markdown = paragraphs(&text_rows, body, &vocabulary, true);
    let notes = paragraphs(&note_rows, body * 0.8, &vocabulary, false);
    if !notes.trim().is_empty() {
        let notes = footnotes(&notes);
        let numbers: HashSet<String> = notes
            .split("\n\n")
            .filter_map(|n| n.strip_prefix("[^")?.split_once("]:").map(|(number, _)| number.to_string()))
            .collect();
        markdown = note_calls(&markdown, &numbers);
        markdown.push_str("\n\n");
        markdown.push_str(&notes);
    }
    Layout {
        markdown: markdown.trim().to_string() + "\n",
        title,
        first_page: first_page.unwrap_or_default(),
        imposed: false,
        chars,
    }
}

/// Note paragraphs that start with their number become Markdown footnote definitions.
fn footnotes(notes: &str) -> String {
    notes
        .split("\n\n")
        .map(|note| {
            // groff -ms raises the note's number as it raises the call: it
            // was read as a note call, `[^1] Directive…`.
            if let Some((number, rest)) = note.strip_prefix("[^").and_then(|n| n.split_once("] "))
                && (1..=3).contains(&number.len())
                && number.chars().all(|c| c.is_ascii_digit())
            {
                return format!("[^{number}]: {rest}");
            }
            let digits = note.chars().take_while(char::is_ascii_digit).count();
            if (1..=3).contains(&digits) {
                let rest = note[digits..].trim_start_matches(['.', ')', ' ']);
                format!("[^{}]: {}", &note[..digits], rest)
            } else {
                note.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The rows of the first page set clearly bigger than the text, at its top.
fn first_page_title(rows: &[Row], body: f32) -> Option<String> {
    let biggest = rows.iter().map(|r| r.size).fold(0.0f32, f32::max);
    let start = rows.iter().position(|r| (r.size - biggest).abs() < 0.5)?;
    // A little bigger is enough when it opens the page, as groff -ms sets its
    // `.TL` (two points over the text): a heading comes after some text.
    let big_enough = if start == 0 { 1.15 } else { 1.3 };
    if biggest < big_enough * body {
        return None;
    }
    let words: Vec<&str> = rows[start..]
        .iter()
        .take_while(|r| (r.size - biggest).abs() < 0.5)
        .map(|r| r.text.as_str())
        .collect();
    let title = words.join(" ");
    (title.chars().count() >= 3 && title.chars().count() <= 300).then_some(title)
}

/// Joins rows into Markdown blocks.
fn paragraphs(rows: &[Row], body: f32, vocabulary: &Vocabulary, mark_pages: bool) -> String {
    // Typical distance between two baselines of body text.
    let spacing = {
        let gaps: Vec<f32> = rows
            .windows(2)
            .filter(|w| {
                w[0].page == w[1].page && w[0].column == w[1].column && (w[0].size - body).abs() < 0.5
            })
            .map(|w| w[1].y - w[0].y)
            .filter(|g| *g > 0.0)
            .collect();
        let m = median(gaps);
        if m > 0.0 { m } else { body * 1.2 }
    };
    // The left and right edges of each column of each page.
    let mut edges: HashMap<(usize, u8), (f32, f32)> = HashMap::new();
    for r in rows.iter().filter(|r| (r.size - body).abs() < 0.5) {
        let e = edges.entry((r.page, r.column)).or_insert((f32::MAX, f32::MIN));
        e.0 = e.0.min(r.x0);
        e.1 = e.1.max(r.x1);
    }
    let edge = |r: &Row| edges.get(&(r.page, r.column)).copied().unwrap_or((r.x0, r.x1));
    let justified = {
        let full = rows.iter().filter(|r| (edge(r).1 - r.x1) < body).count();
        full * 2 > rows.len()
    };
    let mut out = String::new();
    let mut current = String::new();
    let mut heading = 0usize;
    let mut page = rows.first().map_or(0, |r| r.page);
    let mut prev: Option<&Row> = None;
    let finish = |out: &mut String, current: &mut String, heading: usize| {
        let text = current.trim();
        if !text.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            if heading > 0 {
                out.push_str(&"#".repeat(heading));
                out.push(' ');
            }
            out.push_str(text);
        }
        current.clear();
    };
    for row in rows {
        let level = heading_level(row.size, body);
        let item = list_item(&row.text);
        let new_page = row.page != page;
        let starts = match prev {
            None => true,
            Some(p) => {
                let same_flow = p.page == row.page && p.column == row.column;
                let gap = row.y - p.y;
                let (left, right) = edge(row);
                let (_, p_right) = edge(p);
                let short = justified && p.x1 < p_right - 2.0 * body;
                let indented = row.x0 > left + 0.8 * body && row.x0 < left + 4.0 * body;
                let ends_sentence = p.text.ends_with(['.', '!', '?', '»', ':', '"', '…']);
                level != heading_level(p.size, body)
                    || item.is_some()
                    || (same_flow && (gap > 1.45 * spacing || gap < 0.0))
                    || short
                    || (indented && (ends_sentence || !same_flow) && right > 0.0)
                    || (!same_flow && !justified && ends_sentence && row.text.starts_with(char::is_uppercase))
            }
        };
        let marker = (new_page && mark_pages).then(|| format!("<!-- page {} -->", row.page + 1));
        page = row.page;
        if starts {
            finish(&mut out, &mut current, heading);
            heading = level;
            if let Some(marker) = &marker {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(marker);
            }
            current.push_str(&item.map_or_else(|| escape_row(&row.text), |i| escape_list(&i)));
        } else {
            let text = escape_row(&row.text);
            join_line(&mut current, &text, vocabulary, marker.as_deref());
        }
        prev = Some(row);
    }
    finish(&mut out, &mut current, heading);
    out
}

fn escape_list(item: &str) -> String {
    let (mark, rest) = item.split_once(' ').unwrap_or((item, ""));
    format!("{mark} {}", escape_row(rest))
}

fn heading_level(size: f32, body: f32) -> usize {
    if size >= 1.6 * body {
        1
    } else if size >= 1.25 * body {
        2
    } else if size >= 1.12 * body {
        3
    } else {
        0
    }
}

/// Appends the next line of a paragraph: a soft hyphen or a hyphen that cut a
/// word is taken out, anything else gets a space.
fn join_line(current: &mut String, next: &str, vocabulary: &Vocabulary, marker: Option<&str>) {
    // wkhtmltopdf (Qt WebKit) writes the hyphen of a word cut at a line's
    // end after a zero-width space: `dépos\u{200b}-` is `dépos-`.
    if let Some(stem) = current.strip_suffix("\u{200b}-") {
        *current = format!("{stem}-");
    }
    let (first, rest) = match next.split_once(' ') {
        Some((first, rest)) => (first, Some(rest)),
        None => (next, None),
    };
    let glued = if let Some(stem) = current.strip_suffix('\u{ad}') {
        let stem = stem.to_string();
        let compound = vocabulary.is_compound(&stem, first);
        *current = stem;
        if compound {
            current.push('-');
        }
        true
    } else if current.ends_with('-') && vocabulary.is_hyphenation(&current[..current.len() - 1], first) {
        current.pop();
        true
    } else if current.ends_with('-') {
        current.chars().rev().nth(1).is_some_and(char::is_alphabetic) && first.starts_with(char::is_lowercase)
    } else {
        // A hyphen the file did not keep as text: two halves no one uses
        // alone, whose join the document uses elsewhere.
        let last = current.rsplit(' ').next().unwrap_or_default();
        vocabulary.is_lost_hyphenation(last, first)
    };
    if glued {
        current.push_str(first);
        if let Some(marker) = marker {
            current.push(' ');
            current.push_str(marker);
        }
        if let Some(rest) = rest {
            current.push(' ');
            current.push_str(rest);
        }
    } else {
        if let Some(marker) = marker {
            current.push(' ');
            current.push_str(marker);
        }
        current.push(' ');
        current.push_str(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with one glyph per word, each word 5 points per character wide.
    fn page(lines: &[(f32, f32, f32, &str)]) -> Page {
        let mut glyphs = Vec::new();
        for &(x, y, size, text) in lines {
            let mut at = x;
            for word in text.split(' ') {
                for c in word.chars() {
                    glyphs.push(Glyph { text: c.to_string(), x: at, y, width: size * 0.5, size });
                    at += size * 0.5;
                }
                at += size * 0.3;
            }
        }
        Page { width: 400.0, height: 600.0, glyphs, has_images: false, image_dpi: None }
    }

    #[test]
    fn lines_rejoin_into_paragraphs_and_hyphens_are_undone() {
        let p = page(&[
            (40.0, 100.0, 10.0, "La question de la dépos-"),
            (40.0, 112.0, 10.0, "session revient souvent."),
            (40.0, 140.0, 10.0, "Un autre paragraphe parle de data-"),
            (40.0, 152.0, 10.0, "centers et de data-centers ici."),
        ]);
        let out = layout(&[p]);
        assert_eq!(
            out.markdown,
            "La question de la dépossession revient souvent.\n\nUn autre paragraphe parle de data-centers et de data-centers ici.\n"
        );
    }

    #[test]
    fn running_heads_and_page_numbers_are_dropped() {
        let pages: Vec<Page> = (1..=3)
            .map(|n| {
                let number = n.to_string();
                page(&[
                    (40.0, 30.0, 8.0, "Brochure sur l'eau"),
                    (40.0, 100.0, 10.0, "Texte de la page qui continue"),
                    (40.0, 112.0, 10.0, "sur la ligne suivante"),
                    (200.0, 580.0, 8.0, number.as_str()),
                ])
            })
            .collect();
        let out = layout(&pages);
        assert!(!out.markdown.contains("Brochure"), "{}", out.markdown);
        assert!(!out.markdown.contains(" 2\n") && !out.markdown.contains("\n3"), "{}", out.markdown);
        assert!(out.markdown.contains("<!-- page 2 -->"), "{}", out.markdown);
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut lines = Vec::new();
        let left =
            ["gauche un", "gauche deux", "gauche trois", "gauche quatre", "gauche cinq", "gauche six."];
        let right =
            ["droite un", "droite deux", "droite trois", "droite quatre", "droite cinq", "droite six."];
        for (i, (l, r)) in left.iter().zip(right).enumerate() {
            let y = 100.0 + 12.0 * i as f32;
            lines.push((40.0, y, 10.0, *l));
            lines.push((220.0, y, 10.0, r));
        }
        let out = layout(&[page(&lines)]);
        let text = out.markdown.replace('\n', " ");
        let last_left = text.find("gauche six").unwrap();
        let first_right = text.find("droite un").unwrap();
        assert!(last_left < first_right, "{text}");
    }

    #[test]
    fn a_big_first_line_is_the_title_and_small_type_at_the_foot_is_a_note() {
        let p = page(&[
            (40.0, 60.0, 20.0, "Le titre"),
            (40.0, 100.0, 10.0, "Le texte cite une source."),
            (40.0, 112.0, 10.0, "Et puis il continue encore."),
            (40.0, 540.0, 7.0, "1 La source en question."),
        ]);
        let out = layout(&[p]);
        assert_eq!(out.title.as_deref(), Some("Le titre"));
        assert!(out.markdown.starts_with("# Le titre\n\n"), "{}", out.markdown);
        assert!(out.markdown.ends_with("[^1]: La source en question.\n"), "{}", out.markdown);
    }

    #[test]
    fn slightly_bigger_type_is_a_title_only_when_it_opens_the_page() {
        let body = [
            (40.0, 100.0, 11.0, "Le texte cite une source et continue sur la ligne."),
            (40.0, 114.0, 11.0, "Et puis il continue encore sur une autre ligne."),
            (40.0, 128.0, 11.0, "Une troisième ligne du texte suit les deux autres."),
        ];
        let mut lines = vec![(40.0, 60.0, 13.0, "Le titre de groff")];
        lines.extend(body);
        assert_eq!(layout(&[page(&lines)]).title.as_deref(), Some("Le titre de groff"));
        let mut lines = body.to_vec();
        lines.push((40.0, 150.0, 13.0, "Un intertitre"));
        lines.push((40.0, 170.0, 11.0, "La suite du texte après son intertitre, assez longue."));
        assert_eq!(layout(&[page(&lines)]).title, None);
    }

    #[test]
    fn ligatures_and_combining_accents_come_out_as_letters() {
        assert_eq!(clean_spaces("e\u{301}\u{fb01}n  du   \u{fb02}ot"), "éfin du flot");
    }

    #[test]
    fn page_numbers_are_recognised() {
        for yes in ["12", "- 12 -", "— 12 —", "– 12 –", "12/40", "Page 3", "page 3 sur 9", "xiv"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for (text, n) in [("12", Some(12)), ("- 2 -", Some(2)), ("— 2 —", Some(2)), ("[7]", Some(7))] {
            assert_eq!(page_number_value(text), n, "{text}");
        }
        assert_eq!(page_number_value("2 025 €"), None);
        for no in ["2025 : une année", "Le chapitre 3", "12 000 personnes"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn note_calls_glued_to_words_become_references() {
        let notes: HashSet<String> = ["1".to_string(), "2".to_string()].into_iter().collect();
        assert_eq!(
            note_calls("le collectif1 et les JO 2024, fin.2", &notes),
            "le collectif[^1] et les JO 2024, fin.[^2]"
        );
        assert_eq!(note_calls("la COP28 et le G7", &notes), "la COP28 et le G7");
    }

    #[test]
    fn hyphenation_uses_the_document_and_french_rules() {
        let v = Vocabulary(["data-centers".to_string()].into_iter().collect());
        assert!(!v.is_hyphenation("data", "centers"));
        assert!(v.is_hyphenation("dépos", "session"));
        assert!(!v.is_hyphenation("Saint", "Alban"));
        assert!(!v.is_hyphenation("rendez", "vous"));
        assert!(!v.is_hyphenation("a-t", "elle"));
        let v = Vocabulary(["laboratoire".to_string()].into_iter().collect());
        assert!(v.is_lost_hyphenation("labo", "ratoire"));
        assert!(!v.is_lost_hyphenation("le", "laboratoire"));
    }

    #[test]
    fn a_raised_number_opening_a_note_is_its_number() {
        assert_eq!(
            footnotes("[^1] Directive de 2023.\n\n2. Une autre."),
            "[^1]: Directive de 2023.\n\n[^2]: Une autre."
        );
    }

    #[test]
    fn a_hyphen_after_a_zero_width_space_is_a_line_end_hyphen() {
        let v = Vocabulary(HashSet::new());
        let mut line = "la dépos\u{200b}-".to_string();
        join_line(&mut line, "session des gestes", &v, None);
        assert_eq!(line, "la dépossession des gestes");
    }
}
