//! Telling an imposed booklet (a cahier: landscape sheets holding two pages
//! each, in folding order, not reading order) from a 2-up reading copy or an
//! ordinary landscape document. Two witnesses: the page numbers of each
//! sheet's halves (their sum is the same on every side of a cahier, and
//! each sits where folding puts its page), and, when there are none, the
//! text itself, on sheets whose middle no line crosses: a sentence cut at
//! the foot of a page goes on at the top of the next page, which in a
//! cahier sits on another side of a sheet; and a cahier's first sheet holds
//! the back cover on the left and the title page on the right.

use std::collections::HashMap;

use super::glyphs::Page;
use super::layout::{Row, page_number_value, rows_of};

/// Whether the pages are the sides of an imposed booklet.
pub(super) fn is_imposed(pages: &[Page]) -> bool {
    let landscape: Vec<(usize, &Page)> =
        pages.iter().enumerate().filter(|(_, p)| p.width > p.height * 1.2 && !p.glyphs.is_empty()).collect();
    if landscape.len() < 2 || landscape.len() * 5 < pages.len() * 4 {
        return false;
    }
    let sides: Vec<Side> = landscape.iter().map(|(i, page)| Side::of(*i, page)).collect();
    numbers_say_so(&sides) || numbers_sit_in_folding_order(&sides) || text_says_so(&sides)
}

/// The pages of side `i` (0-based) of a cahier of `n` pages, as (left, right):
/// the first side holds the last page and the first, the second side the
/// second and the one before last, and so on.
fn folded_pages(i: usize, n: usize) -> (usize, usize) {
    if i.is_multiple_of(2) { (n - i, i + 1) } else { (i + 1, n - i) }
}

/// One face of a sheet: the lines of its left and right halves.
struct Side {
    /// Page numbers found at the top or foot of each half.
    numbers: (Option<u32>, Option<u32>),
    /// The text lines of each half, top to bottom, page numbers left out.
    lines: (Vec<String>, Vec<String>),
    /// The biggest type on each half.
    biggest: (f32, f32),
    /// Rows, and rows with a glyph across the sheet's middle (a line of a
    /// landscape page, which a cahier's gutter never has).
    rows: usize,
    crossing: usize,
}

impl Side {
    fn of(index: usize, page: &Page) -> Side {
        let mid = page.width / 2.0;
        let mut numbers = (None, None);
        let mut lines = (Vec::new(), Vec::new());
        let biggest =
            page.glyphs.iter().filter(|g| !g.text.trim().is_empty()).fold((0.0f32, 0.0f32), |b, g| {
                if g.x < mid { (b.0.max(g.size), b.1) } else { (b.0, b.1.max(g.size)) }
            });
        let (mut rows, mut crossing) = (0, 0);
        for row in rows_of(index, page) {
            rows += 1;
            if row.glyphs.iter().any(|g| g.x < mid && g.x + g.width > mid && !g.text.trim().is_empty()) {
                crossing += 1;
            }
            let band = row.y > 0.85 * page.height || row.y < 0.1 * page.height;
            for left in [true, false] {
                let glyphs: Vec<_> = row.glyphs.iter().filter(|g| (g.x < mid) == left).cloned().collect();
                if glyphs.is_empty() {
                    continue;
                }
                let mut part = Row::new(row.page, glyphs);
                part.render();
                let number = band.then(|| page_number_value(&part.text)).flatten();
                let (n, l) =
                    if left { (&mut numbers.0, &mut lines.0) } else { (&mut numbers.1, &mut lines.1) };
                match number {
                    Some(value) => *n = n.or(Some(value)),
                    None if !part.text.trim().is_empty() => l.push(part.text.trim().to_string()),
                    None => {}
                }
            }
        }
        Side { numbers, lines, biggest, rows, crossing }
    }
}

/// The halves' numbers add up to the same sum on at least two sides, and
/// on half the sides or more (a 2-up copy's sums grow: 3, 7, 11…).
fn numbers_say_so(sides: &[Side]) -> bool {
    let mut sums: HashMap<u32, usize> = HashMap::new();
    for side in sides {
        if let (Some(l), Some(r)) = side.numbers {
            *sums.entry(l + r).or_default() += 1;
        }
    }
    sums.values().max().is_some_and(|&n| n >= 2 && n * 2 >= sides.len())
}

/// Every page number found is where folding puts that page (at least two
/// of them): this holds when blank pages (a cahier's padding, its covers)
/// carry no number, so that few sides have both.
fn numbers_sit_in_folding_order(sides: &[Side]) -> bool {
    let n = sides.len() * 2;
    let mut matched = 0;
    for (i, side) in sides.iter().enumerate() {
        let (left, right) = folded_pages(i, n);
        for (found, want) in [(side.numbers.0, left), (side.numbers.1, right)] {
            match found {
                Some(number) if number as usize == want => matched += 1,
                Some(_) => return false,
                None => {}
            }
        }
    }
    matched >= 2
}

/// Without page numbers: sentences run on from page to page better when the
/// halves are read in folding order than when they are read sheet by sheet;
/// or the first sheet's left half, where a cahier puts its back cover, is
/// empty while its right half (the first page) is not; or the title (the
/// biggest type of the first sheet) is on its right half.
fn text_says_so(sides: &[Side]) -> bool {
    if sides.iter().any(|s| s.numbers.0.is_some() || s.numbers.1.is_some()) {
        return false;
    }
    let (rows, crossing) = sides.iter().fold((0, 0), |(r, c), s| (r + s.rows, c + s.crossing));
    if crossing * 10 > rows {
        return false;
    }
    let halves = sides.len() * 2;
    let half = |i: usize| if i.is_multiple_of(2) { &sides[i / 2].lines.0 } else { &sides[i / 2].lines.1 };
    let as_printed: Vec<&Vec<String>> = (0..halves).map(half).collect();
    // Page p (1-based) of an n-page cahier: on side i, the left half holds
    // n - i and the right half i + 1 when i is even, the other way round when odd.
    let mut folded: Vec<Option<&Vec<String>>> = vec![None; halves];
    for (i, side) in sides.iter().enumerate() {
        let (left, right) = folded_pages(i, halves);
        folded[left - 1] = Some(&side.lines.0);
        folded[right - 1] = Some(&side.lines.1);
    }
    let folded: Vec<&Vec<String>> = folded.into_iter().flatten().collect();
    let back_cover_first = sides[0].lines.0.is_empty() && !sides[0].lines.1.is_empty();
    let title_on_the_right = sides[0].biggest.1 > 1.2 * sides[0].biggest.0;
    tracing::debug!(
        folded = run_ons(&folded),
        as_printed = run_ons(&as_printed),
        back_cover_first,
        title_on_the_right,
        "sentences running on across pages"
    );
    run_ons(&folded) > run_ons(&as_printed) || (sides.len() >= 2 && (back_cover_first || title_on_the_right))
}

/// Page turns where a sentence left unfinished goes on in lower case,
/// less those where it is followed by a capital (a new sentence or a title).
fn run_ons(order: &[&Vec<String>]) -> isize {
    order
        .windows(2)
        .map(|pair| {
            let (Some(last), Some(first)) = (pair[0].last(), pair[1].first()) else { return 0 };
            let unfinished =
                last.chars().last().is_some_and(|c| c.is_alphanumeric() || ",-\u{ad}".contains(c));
            match first.chars().find(|c| c.is_alphabetic()) {
                Some(c) if unfinished && c.is_lowercase() => 1,
                Some(c) if unfinished && c.is_uppercase() => -1,
                _ => 0,
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::glyphs::Glyph;

    /// A landscape sheet with text lines on each half and, when given, a number at each half's foot.
    fn sheet(left: &[&str], right: &[&str], numbers: Option<(&str, &str)>) -> Page {
        let mut glyphs = Vec::new();
        let mut put = |x: f32, y: f32, text: &str| {
            for (i, c) in text.chars().enumerate() {
                glyphs.push(Glyph { text: c.to_string(), x: x + i as f32 * 5.0, y, width: 5.0, size: 10.0 });
            }
        };
        for (i, line) in left.iter().enumerate() {
            put(40.0, 80.0 + 14.0 * i as f32, line);
        }
        for (i, line) in right.iter().enumerate() {
            put(460.0, 80.0 + 14.0 * i as f32, line);
        }
        if let Some((l, r)) = numbers {
            put(200.0, 560.0, l);
            put(620.0, 560.0, r);
        }
        Page { width: 842.0, height: 595.0, glyphs, has_images: false, image_dpi: None }
    }

    #[test]
    fn equal_sums_of_page_numbers_make_a_cahier_growing_ones_a_2_up_copy() {
        let cahier = [
            sheet(&["Fin."], &["Titre"], Some(("- 8 -", "- 1 -"))),
            sheet(&["Texte"], &["Texte"], Some(("2", "7"))),
            sheet(&["Texte"], &["Texte"], Some(("— 6 —", "— 3 —"))),
            sheet(&["Texte"], &["Texte"], Some(("4", "5"))),
        ];
        assert!(is_imposed(&cahier));
        let two_up = [
            sheet(&["Titre"], &["Texte"], Some(("1", "2"))),
            sheet(&["Texte"], &["Texte"], Some(("3", "4"))),
        ];
        assert!(!is_imposed(&two_up));
    }

    #[test]
    fn numbers_where_folding_puts_them_make_a_cahier_even_with_blank_pages() {
        // Three pages and a blank back cover: the first side has only "1".
        let cahier =
            [sheet(&[], &["Titre"], Some(("", "1"))), sheet(&["Texte"], &["Texte"], Some(("2", "3")))];
        assert!(is_imposed(&cahier));
        let two_up =
            [sheet(&["Titre"], &["Texte"], Some(("", "2"))), sheet(&["Texte"], &["Texte"], Some(("3", "")))];
        assert!(!is_imposed(&two_up));
    }

    #[test]
    fn without_numbers_a_title_on_the_first_sheets_right_half_makes_a_cahier() {
        let mut first = sheet(&["Suite du texte."], &["Le texte commence."], None);
        for (i, c) in "Le titre".chars().enumerate() {
            first.glyphs.push(Glyph {
                text: c.to_string(),
                x: 460.0 + 12.0 * i as f32,
                y: 60.0,
                width: 12.0,
                size: 20.0,
            });
        }
        assert!(is_imposed(&[first.clone(), sheet(&["Texte."], &["Texte."], None)]));
        // The same sheets as a 2-up copy: the title is on the left.
        for g in &mut first.glyphs {
            g.x = if g.x >= 421.0 { g.x - 420.0 } else { g.x + 420.0 };
        }
        assert!(!is_imposed(&[first, sheet(&["Texte."], &["Texte."], None)]));
    }

    #[test]
    fn without_numbers_sentences_running_on_across_sheets_make_a_cahier() {
        // Pages 1-4 of a text: 1 and 2, 3 and 4 end mid-sentence.
        let p = [
            vec!["Le titre", "Une phrase qui continue"],
            vec!["sur la page deux.", "Et une autre qui"],
            vec!["passe à la page trois,", "puis encore"],
            vec!["jusqu'à la fin."],
        ];
        let cahier = [sheet(&p[3], &p[0], None), sheet(&p[1], &p[2], None)];
        assert!(is_imposed(&cahier));
        let two_up = [sheet(&p[0], &p[1], None), sheet(&p[2], &p[3], None)];
        assert!(!is_imposed(&two_up));
    }
}
