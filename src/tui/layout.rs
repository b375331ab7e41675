//! The frame's geometry: where the query box, the themes sidebar, the
//! results (and each result's rows), the reader, the status and hint bars
//! and the overlays sit. [`Areas::new`] computes them once per frame from
//! the terminal's size and the state; drawing ([`super::view`]) draws into
//! them and the mouse ([`super::app::App::update`]) hit-tests the same
//! ones, so a click always lands on what was drawn there.

use std::ops::Range;

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::widgets::Block;

use super::app::{App, Overlay, Reader, Screen, ThemeRow};
use super::sanitize::sanitize_line;

/// Rows a listed article takes: title, metadata, snippet.
pub const HIT_ROWS: u16 = 3;

/// Columns of a theme's sparkline in the sidebar (when the sidebar is wide enough).
pub const SPARKLINE_WIDTH: usize = 8;

/// Every area of one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// The whole terminal.
    pub frame: Rect,
    /// What the screen shows, above the two bars.
    pub screen: ScreenAreas,
    pub status: Rect,
    pub hints: Rect,
    /// The open overlay's box, drawn over the rest.
    pub overlay: Option<Rect>,
}

/// The areas of the screen shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreenAreas {
    Main(MainAreas),
    Reader(ReaderAreas),
    Basket(HitList),
}

/// The search screen: the query above, the themes beside the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainAreas {
    pub query: Rect,
    /// The sidebar's block; `None` on a screen too narrow for it.
    pub themes: Option<Rect>,
    pub results: HitList,
}

/// The reader: the article's head (title, source, links…) above its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderAreas {
    /// The head's lines under a top border.
    pub head: Rect,
    /// The text, with a border on its left.
    pub body: Rect,
}

/// Articles listed in a bordered block, [`HIT_ROWS`] rows each, scrolled so
/// that the selected one is in view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitList {
    /// The block, borders included.
    pub block: Rect,
    /// Inside the borders: the articles' rows.
    pub inner: Rect,
    /// The indices of the articles drawn, top to bottom.
    pub shown: Range<usize>,
}

impl Areas {
    /// The areas of a `frame` (the terminal's size) showing `app`.
    pub fn new(frame: Rect, app: &App) -> Areas {
        let [screen, status, hints] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)]).areas(frame);
        let screen = match app.screen {
            Screen::Main => ScreenAreas::Main(MainAreas::new(screen, app)),
            Screen::Reader => {
                ScreenAreas::Reader(ReaderAreas::new(screen, app.reader.as_ref().map_or(0, reader_head_rows)))
            }
            // A basket too low for one whole article still shows the selected one, cut.
            Screen::Basket => {
                ScreenAreas::Basket(HitList::new(screen, app.basket_selected, app.basket_hits.len(), 1))
            }
        };
        let overlay = match app.overlay {
            Overlay::None => None,
            Overlay::Help => {
                Some(centered(frame, frame.width.saturating_sub(4).min(100), frame.height.saturating_sub(2)))
            }
            Overlay::Filters => Some(centered(frame, 44, 6)),
            Overlay::BrochureTitle => Some(centered(frame, 60, 5)),
            Overlay::Labels | Overlay::Note => Some(centered(frame, 72, 6)),
        };
        Areas { frame, screen, status, hints, overlay }
    }
}

impl MainAreas {
    fn new(area: Rect, app: &App) -> MainAreas {
        let [query, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
        let sidebar = sidebar_width(area.width, &app.themes);
        let [themes, results] =
            Layout::horizontal([Constraint::Length(sidebar), Constraint::Min(10)]).areas(body);
        MainAreas {
            query,
            themes: (sidebar > 0).then_some(themes),
            results: HitList::new(results, app.selected, app.results.hits.len(), 0),
        }
    }

    /// The sidebar's row under `position`, one theme a row from the top
    /// (the row may be past the last theme).
    pub fn theme_at(&self, position: Position) -> Option<usize> {
        let inner = Block::bordered().inner(self.themes?);
        inner.contains(position).then(|| usize::from(position.y - inner.y))
    }
}

impl ReaderAreas {
    fn new(area: Rect, head_rows: u16) -> ReaderAreas {
        // One more row for the head's top border, which carries the title.
        let [head, body] =
            Layout::vertical([Constraint::Length(head_rows + 1), Constraint::Min(1)]).areas(area);
        ReaderAreas { head, body }
    }
}

impl HitList {
    /// The list in `block` of `len` articles with `selected` in view,
    /// drawing at least `at_least` of them when not one fits whole.
    fn new(block: Rect, selected: usize, len: usize, at_least: usize) -> HitList {
        let inner = Block::bordered().inner(block);
        let fit = usize::from(inner.height / HIT_ROWS);
        let first = selected.saturating_sub(fit.max(1) - 1);
        HitList { block, inner, shown: first..len.min(first + fit.max(at_least)) }
    }

    /// Where the `index`-th article is drawn, if it is.
    pub fn hit_area(&self, index: usize) -> Option<Rect> {
        if !self.shown.contains(&index) {
            return None;
        }
        let y = self.inner.y + (index - self.shown.start) as u16 * HIT_ROWS;
        Some(Rect { y, height: HIT_ROWS, ..self.inner }.intersection(self.inner))
    }

    /// The article drawn under `position`.
    pub fn hit_at(&self, position: Position) -> Option<usize> {
        if !self.inner.contains(position) {
            return None;
        }
        let index = self.shown.start + usize::from((position.y - self.inner.y) / HIT_ROWS);
        self.shown.contains(&index).then_some(index)
    }
}

/// The themes sidebar: as wide as its longest row (mark, label, count,
/// sparkline, borders), at least 20 columns and at most a third of the
/// screen; none on a screen narrower than 70 columns.
pub fn sidebar_width(width: u16, themes: &[ThemeRow]) -> u16 {
    if width < 70 {
        return 0;
    }
    let widest = themes
        .iter()
        .map(|t| {
            let label = unicode_width::UnicodeWidthStr::width(sanitize_line(&t.label).as_ref());
            let count = t.count.map_or(1, |n| n.to_string().len());
            // Borders 2, mark 1, spaces 2, sparkline.
            2 + 1 + label + 1 + count + 1 + SPARKLINE_WIDTH
        })
        .max()
        .unwrap_or(0);
    (widest as u16).clamp(20, (width / 3).max(20))
}

/// Rows of the reader's head, one per line it has: title, subtitle, source
/// and date, URL, citations and reprises, linked articles, the reason a
/// document's text is missing ([`super::view`] draws them in that order).
pub fn reader_head_rows(reader: &Reader) -> u16 {
    let hit = &reader.hit;
    let optional = [
        hit.subtitle.is_some(),
        hit.url.is_some(),
        !reader.linked.is_empty(),
        reader.document_status().is_some(),
        !hit.labels.is_empty() || hit.note.is_some(),
    ];
    3 + optional.iter().filter(|&&line| line).count() as u16
}

/// Columns an article's text is wrapped to in a terminal `width` wide: the
/// body's left border and a column of margin on the right are left out.
pub fn reader_text_width(width: u16) -> u16 {
    width.saturating_sub(2)
}

/// A box of at most `width`×`height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;

    use super::*;
    use crate::tui::app::Msg;
    use crate::tui::app::tests::{hit, searched};
    use crate::tui::view;

    const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

    /// The frame [`view::draw`] draws of `app` at its size.
    fn drawn(app: &App) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
        terminal.draw(|frame| view::draw(frame, app)).unwrap();
        terminal.backend().buffer().clone()
    }

    /// The text of the first row of `area`, trailing spaces left out.
    fn text(buffer: &Buffer, area: Rect) -> String {
        let cells = area.left()..area.right();
        cells.map(|x| buffer[(x, area.y)].symbol()).collect::<String>().trim_end().to_string()
    }

    #[test]
    fn each_result_and_theme_is_drawn_where_the_layout_puts_it() {
        for (width, height) in SIZES {
            let mut app = searched(width, height, 30);
            app.selected = 20;
            let buffer = drawn(&app);
            let ScreenAreas::Main(main) = Areas::new(buffer.area, &app).screen else { panic!() };
            let list = &main.results;
            assert_eq!(list.shown.end, 21, "{width}×{height}: the selected result is the last shown");
            for i in list.shown.clone() {
                let mark = if i == 20 { "▸" } else { " " };
                let title = text(&buffer, list.hit_area(i).unwrap());
                assert_eq!(title, format!("{mark} Article {i}"), "{width}×{height}");
            }
            let after = list.hit_area(20).unwrap().bottom();
            assert!(
                after >= list.inner.bottom() || text(&buffer, Rect { y: after, ..list.inner }).is_empty()
            );
            let sidebar = Block::bordered().inner(main.themes.unwrap());
            for (row, label) in ["▸Tout", " Eau", " Énergie"].iter().enumerate() {
                let at = Rect { y: sidebar.y + row as u16, ..sidebar };
                assert!(text(&buffer, at).starts_with(label), "{width}×{height}: {label}");
                assert_eq!(main.theme_at(at.as_position()), Some(row));
            }
        }
    }

    #[test]
    fn the_readers_head_has_a_row_per_line_and_the_text_starts_under_it() {
        for (width, height) in SIZES {
            let mut app = searched(width, height, 1);
            let mut document = hit("0", "Article 0");
            document.subtitle = Some("Un sous-titre".into());
            let mut article = crate::corpus::Article::new("0", "la-lime", "Article 0");
            article.body = "Le texte.".into();
            article.extra.insert("status".into(), "chiffré".into());
            app.reader = Some(Reader {
                hit: document,
                article: Some(Ok(Box::new(article))),
                rendered: None,
                scroll: 0,
                matches: vec![],
                current_match: None,
                cited_by: vec![],
                linked: vec!["Le communiqué".into()],
            });
            app.screen = Screen::Reader;
            app.update(Msg::Resize(width, height));
            // Title, subtitle, source, URL, citations, linked, status.
            assert_eq!(reader_head_rows(app.reader.as_ref().unwrap()), 7);
            let buffer = drawn(&app);
            let ScreenAreas::Reader(reader) = Areas::new(buffer.area, &app).screen else { panic!() };
            assert_eq!(reader.head.height, 1 + 7, "{width}×{height}: the top border and the lines");
            assert_eq!(text(&buffer, Rect { y: reader.head.bottom() - 1, ..reader.head }), "⚠ chiffré");
            assert_eq!(text(&buffer, reader.body), "│Le texte.", "{width}×{height}");
        }
    }

    #[test]
    fn overlays_are_drawn_in_their_boxes() {
        for (width, height) in SIZES {
            for overlay in
                [Overlay::Help, Overlay::Filters, Overlay::BrochureTitle, Overlay::Labels, Overlay::Note]
            {
                let mut app = searched(width, height, 3);
                app.overlay = overlay;
                let buffer = drawn(&app);
                let popup = Areas::new(buffer.area, &app).overlay.unwrap();
                let corner = |x, y| buffer[(x, y)].symbol().to_string();
                assert_eq!(corner(popup.x, popup.y), "┌", "{width}×{height} {overlay:?}");
                assert_eq!(
                    corner(popup.right() - 1, popup.bottom() - 1),
                    "┘",
                    "{width}×{height} {overlay:?}"
                );
            }
        }
    }

    fn row(label: &str, count: usize) -> ThemeRow {
        ThemeRow { id: Some(label.into()), label: label.into(), count: Some(count), timeline: vec![] }
    }

    #[test]
    fn the_sidebar_fits_the_longest_theme_name_up_to_a_third_of_the_screen() {
        let demo = [row("Énergie et nucléaire", 39), row("Surveillance et VSA", 23), row("Eau", 32)];
        // Borders, mark, label, count, sparkline: the longest name is whole.
        assert_eq!(sidebar_width(120, &demo), 2 + 1 + 20 + 1 + 2 + 1 + 8);
        // A longer one takes a third of the screen at most (the status bar
        // shows it whole when selected); never under 20 columns.
        let long = [row("Extractivisme et matières premières", 16)];
        assert_eq!(sidebar_width(120, &long), 40);
        assert_eq!(sidebar_width(90, &long), 30);
        assert_eq!(sidebar_width(120, &[row("Eau", 3)]), 20);
        assert_eq!(sidebar_width(60, &demo), 0, "no sidebar under 70 columns");
    }
}
