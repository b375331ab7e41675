//! Drawing: a pure function of [`App`], into the areas [`Areas`] computes
//! for the frame. Every text that comes from an archived page goes through
//! [`sanitize_line`] (or the renderer) first, and the selection is shown in
//! reverse video, which needs no colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Focus, KINDS, Overlay, Reader, Screen};
use super::i18n;
use super::keymap::Scope;
use super::layout::{Areas, HitList, MainAreas, ReaderAreas, SPARKLINE_WIDTH, ScreenAreas, reader_head_rows};
use super::sanitize::{sanitize_line, truncate_to_width};
use crate::index::search::{Hit, Mode, Sort};

pub fn draw(frame: &mut Frame, app: &App) {
    let areas = Areas::new(frame.area(), app);
    match &areas.screen {
        ScreenAreas::Main(main) => draw_main(frame, app, main),
        ScreenAreas::Reader(reader) => draw_reader(frame, app, reader),
        ScreenAreas::Basket(list) => draw_basket(frame, app, list),
    }
    draw_status(frame, app, areas.status);
    draw_hints(frame, app, areas.hints);
    if let Some(popup) = areas.overlay {
        match app.overlay {
            Overlay::Help => draw_help(frame, app, popup),
            Overlay::Filters => draw_filters(frame, app, popup),
            Overlay::BrochureTitle => draw_brochure_title(frame, app, popup),
            Overlay::Labels => draw_labels(frame, app, popup),
            Overlay::Note => draw_note(frame, app, popup),
            Overlay::None => {}
        }
    }
}

fn block<'a>(title: String, focused: bool, app: &App) -> Block<'a> {
    let style = if focused { app.palette.accent.add_modifier(Modifier::BOLD) } else { app.palette.dim };
    Block::default().borders(Borders::ALL).border_style(style).title(Span::styled(title, style))
}

fn draw_main(frame: &mut Frame, app: &App, areas: &MainAreas) {
    let query_area = areas.query;
    let lang = app.lang;
    let typing = app.focus == Focus::Query;
    let query = Paragraph::new(Line::from(sanitize_line(&app.query).into_owned())).block(block(
        i18n::SEARCH.get(lang).to_string(),
        typing,
        app,
    ));
    frame.render_widget(query, query_area);
    if typing && app.overlay == Overlay::None {
        let before: String = app.query.chars().take(app.cursor).collect();
        let x = query_area.x + 1 + unicode_width::UnicodeWidthStr::width(before.as_str()) as u16;
        frame.set_cursor_position((x.min(query_area.right().saturating_sub(2)), query_area.y + 1));
    }
    if let Some(themes) = areas.themes {
        draw_themes(frame, app, themes);
    }
    draw_results(frame, app, &areas.results);
}

/// Articles per month as block characters, the last `width` months.
pub fn sparkline(timeline: &[u64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let tail = &timeline[timeline.len().saturating_sub(width)..];
    let max = tail.iter().copied().max().unwrap_or(0);
    tail.iter().map(|&n| if n == 0 || max == 0 { ' ' } else { BARS[((n * 7) / max) as usize] }).collect()
}

fn draw_themes(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Themes && app.screen == Screen::Main;
    let inner = area.width.saturating_sub(2) as usize;
    let spark = SPARKLINE_WIDTH.min(inner / 3);
    let lines: Vec<Line> = app
        .themes
        .iter()
        .enumerate()
        .map(|(i, theme)| {
            let count = match theme.count {
                Some(n) => n.to_string(),
                None => "…".into(),
            };
            let label_width = inner.saturating_sub(count.len() + spark + 2);
            let label = truncate_to_width(&sanitize_line(&theme.label), label_width);
            let pad = label_width.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
            let mark = if i == app.theme_selected { "▸" } else { " " };
            let style = if i == app.theme_selected && focused { app.palette.selected } else { Style::new() };
            Line::from(vec![
                Span::styled(format!("{mark}{label}{}", " ".repeat(pad)), style),
                Span::styled(format!(" {count:>w$}", w = count.len()), app.palette.dim),
                Span::styled(format!(" {}", sparkline(&theme.timeline, spark)), app.palette.accent),
            ])
        })
        .collect();
    let title = i18n::THEMES.get(app.lang).to_string();
    frame.render_widget(Paragraph::new(lines).block(block(title, focused, app)), area);
}

/// A snippet with its highlighted characters styled.
fn snippet_line<'a>(hit: &Hit, app: &App, width: usize) -> Line<'a> {
    let Some(snippet) = &hit.snippet else { return Line::default() };
    let chars: Vec<char> = snippet.text.chars().collect();
    let mut spans = Vec::new();
    if let Some(page) = snippet.page {
        spans.push(Span::styled(format!("p. {page} · "), app.palette.dim));
    }
    let mut at = 0;
    for &(start, end) in &snippet.highlights {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start > at {
            spans.push(Span::raw(chars[at..start].iter().collect::<String>()));
        }
        if end > start {
            spans.push(Span::styled(chars[start..end].iter().collect::<String>(), app.palette.matched));
        }
        at = at.max(end);
    }
    if at < chars.len() {
        spans.push(Span::raw(chars[at..].iter().collect::<String>()));
    }
    // Sanitise each piece, then cut the line to the width.
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let text = sanitize_line(&span.content).into_owned();
        let w = unicode_width::UnicodeWidthStr::width(text.as_str());
        if used + w > width {
            out.push(Span::styled(truncate_to_width(&text, width.saturating_sub(used)), span.style));
            break;
        }
        used += w;
        out.push(Span::styled(text, span.style));
    }
    Line::from(out)
}

fn indent(mut line: Line<'_>) -> Line<'_> {
    line.spans.insert(0, Span::raw("  "));
    line
}

fn theme_labels(app: &App, id: &str) -> String {
    app.results
        .themes
        .get(id)
        .map(|ids| {
            ids.iter()
                .map(|t| {
                    app.themes
                        .iter()
                        .find(|r| r.id.as_deref() == Some(t))
                        .map_or(t.as_str(), |r| r.label.as_str())
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The collective's labels (`#à-lire`) and a `✎` for a note; none when
/// the article has neither.
fn marks(hit: &Hit) -> Option<String> {
    let mut marks: Vec<String> = hit.labels.iter().map(|l| format!("#{}", sanitize_line(l))).collect();
    if hit.note.is_some() {
        marks.push("✎".into());
    }
    (!marks.is_empty()).then(|| marks.join(" "))
}

fn hit_lines<'a>(hit: &Hit, app: &App, width: usize, selected: bool, number: Option<usize>) -> Vec<Line<'a>> {
    let in_basket = if app.basket.contains(&hit.id) { "● " } else { "" };
    let number = number.map(|n| format!("{n}. ")).unwrap_or_default();
    let title = sanitize_line(&hit.title);
    // A mark that needs no colour, beside the reverse video.
    let mark = if selected { "▸ " } else { "  " };
    let title = truncate_to_width(&format!("{mark}{number}{in_basket}{title}"), width);
    let title_style =
        if selected { app.palette.title.patch(app.palette.selected) } else { app.palette.title };
    let mut meta = Vec::new();
    // The collective's marks first: what the collective said of it.
    if let Some(marks) = marks(hit) {
        meta.push(marks);
    }
    meta.push(sanitize_line(&hit.site_name).into_owned());
    if let Some(date) = &hit.published {
        meta.push(date.clone());
    }
    meta.push(hit.kind.clone());
    // A text in another language than French says so (`en`, `it`…).
    if !hit.lang.is_empty() && hit.lang != "fr" {
        meta.push(sanitize_line(&hit.lang).into_owned());
    }
    if hit.reprises > 0 {
        meta.push(format!("+{} {}", hit.reprises, i18n::REPRISES.get(app.lang).to_lowercase()));
    }
    if hit.partial {
        meta.push(i18n::SOME_WORDS.get(app.lang).to_string());
    }
    let themes = theme_labels(app, &hit.id);
    if !themes.is_empty() {
        meta.push(sanitize_line(&themes).into_owned());
    }
    let meta = truncate_to_width(&meta.join(" · "), width.saturating_sub(2));
    vec![
        Line::from(Span::styled(title, title_style)),
        Line::from(Span::styled(format!("  {meta}"), app.palette.dim)),
        indent(snippet_line(hit, app, width.saturating_sub(2))),
    ]
}

fn draw_results(frame: &mut Frame, app: &App, list: &HitList) {
    let lang = app.lang;
    let focused = app.focus == Focus::Results;
    let title = match &app.results.similar_to {
        Some(t) => format!("{} « {} »", i18n::SIMILAR.get(lang), truncate_to_width(&sanitize_line(t), 40)),
        None => i18n::RESULTS.get(lang).to_string(),
    };
    frame.render_widget(block(title, focused, app), list.block);
    let inner = list.inner;
    let width = inner.width as usize;
    let empty =
        |text: &str, style: Style| Paragraph::new(text.to_string()).style(style).wrap(Wrap { trim: true });
    if let Some(error) = &app.results.error {
        frame.render_widget(empty(&sanitize_line(error), app.palette.error), inner);
        return;
    }
    if app.results.hits.is_empty() {
        let text = if app.archive_size == Some(0) {
            i18n::EMPTY_ARCHIVE
        } else if app.results.searching {
            i18n::SEARCHING
        } else if app.full_query().is_empty() {
            i18n::TYPE_TO_SEARCH
        } else {
            i18n::NO_RESULTS
        };
        frame.render_widget(empty(text.get(lang), app.palette.dim), inner);
        return;
    }
    draw_hits(frame, list, &app.results.hits, |i, hit| hit_lines(hit, app, width, i == app.selected, None));
}

/// Each article of a list drawn in its rows, as `lines` gives them.
fn draw_hits<'a>(
    frame: &mut Frame,
    list: &HitList,
    hits: &[Hit],
    lines: impl Fn(usize, &Hit) -> Vec<Line<'a>>,
) {
    for (i, hit) in hits.iter().enumerate().take(list.shown.end).skip(list.shown.start) {
        if let Some(area) = list.hit_area(i) {
            frame.render_widget(Paragraph::new(lines(i, hit)), area);
        }
    }
}

fn draw_reader(frame: &mut Frame, app: &App, areas: &ReaderAreas) {
    let Some(reader) = &app.reader else { return };
    let lang = app.lang;
    let hit = &reader.hit;
    let head = reader_head(app, reader, areas.head.width.saturating_sub(2) as usize);
    debug_assert_eq!(head.len(), usize::from(reader_head_rows(reader)), "the layout's count of head lines");
    let in_basket = if app.basket.contains(&hit.id) { " ●" } else { "" };
    let title = format!("{}{in_basket}", i18n::READER.get(lang));
    frame.render_widget(
        Paragraph::new(head)
            .block(Block::default().borders(Borders::TOP).title(title).border_style(app.palette.accent)),
        areas.head,
    );
    let body = match (&reader.article, &reader.rendered) {
        (Some(Ok(_)), Some((_, rendered))) => {
            let current = reader.current_match.map(|i| reader.matches[i]);
            let lines: Vec<Line> = rendered
                .lines
                .iter()
                .enumerate()
                .skip(reader.scroll)
                .take(areas.body.height as usize)
                .map(|(i, line)| {
                    if Some(i) == current {
                        line.clone().patch_style(app.palette.selected)
                    } else if reader.matches.binary_search(&i).is_ok() {
                        let mut marked = line.clone();
                        marked.spans.insert(0, Span::styled("", app.palette.matched));
                        marked
                    } else {
                        line.clone()
                    }
                })
                .collect();
            Paragraph::new(lines)
        }
        (Some(Err(e)), _) => Paragraph::new(sanitize_line(e).into_owned()).style(app.palette.error),
        _ => Paragraph::new(i18n::SEARCHING.get(lang)).style(app.palette.dim),
    };
    frame.render_widget(
        body.block(Block::default().borders(Borders::LEFT).border_style(app.palette.dim)),
        areas.body,
    );
}

/// The reader's head, one line each of what the article has, cut to `width`
/// (the layout counts them: [`reader_head_rows`]).
fn reader_head<'a>(app: &App, reader: &Reader, width: usize) -> Vec<Line<'a>> {
    let lang = app.lang;
    let hit = &reader.hit;
    let mut head = vec![Line::from(Span::styled(
        truncate_to_width(&sanitize_line(&hit.title), width),
        app.palette.title,
    ))];
    if let Some(sub) = &hit.subtitle {
        head.push(Line::from(truncate_to_width(&sanitize_line(sub), width)));
    }
    // A collective publishing on its own site is named once.
    let mut meta = Vec::new();
    if !hit.authors.iter().any(|a| a.trim() == hit.site_name.trim()) {
        meta.push(sanitize_line(&hit.site_name).into_owned());
    }
    if !hit.authors.is_empty() {
        meta.push(sanitize_line(&hit.authors.join(", ")).into_owned());
    }
    if let Some(date) = &hit.published {
        meta.push(date.clone());
    }
    let themes = theme_labels(app, &hit.id);
    if !themes.is_empty() {
        meta.push(sanitize_line(&themes).into_owned());
    }
    head.push(Line::from(Span::styled(truncate_to_width(&meta.join(" · "), width), app.palette.dim)));
    if let Some(url) = &hit.url {
        head.push(Line::from(Span::styled(
            truncate_to_width(&sanitize_line(url), width),
            app.palette.accent,
        )));
    }
    let cited = if reader.cited_by.is_empty() {
        "—".to_string()
    } else {
        reader.cited_by.iter().map(|t| format!("« {} »", sanitize_line(t))).collect::<Vec<_>>().join(", ")
    };
    let reprises = if hit.also_on_names.is_empty() {
        "—".to_string()
    } else {
        sanitize_line(&hit.also_on_names.join(", ")).into_owned()
    };
    head.push(Line::from(Span::styled(
        truncate_to_width(
            &format!("{} : {cited}   {} : {reprises}", i18n::CITED_BY.get(lang), i18n::REPRISES.get(lang)),
            width,
        ),
        app.palette.dim,
    )));
    if !reader.linked.is_empty() {
        let label = if hit.kind == "document" { i18n::PUBLISHED_WITH } else { i18n::DOCUMENTS };
        let titles: Vec<String> = reader.linked.iter().map(|t| format!("« {} »", sanitize_line(t))).collect();
        head.push(Line::from(Span::styled(
            truncate_to_width(&format!("{} : {}", label.get(lang), titles.join(", ")), width),
            app.palette.dim,
        )));
    }
    // The collective's labels and note (what `t` and `N` change).
    if !hit.labels.is_empty() || hit.note.is_some() {
        let mut line = marks(hit).unwrap_or_default();
        if let Some(note) = &hit.note {
            let flat = note.split_whitespace().collect::<Vec<_>>().join(" ");
            line = format!("{line} {}", sanitize_line(&flat));
        }
        head.push(Line::from(Span::styled(truncate_to_width(line.trim(), width), app.palette.accent)));
    }
    // A document whose text could not be read says why (encrypted, scanned…).
    if let Some(status) = reader.document_status() {
        head.push(Line::from(Span::styled(
            truncate_to_width(&format!("⚠ {}", sanitize_line(status)), width),
            app.palette.accent,
        )));
    }
    head
}

fn draw_basket(frame: &mut Frame, app: &App, list: &HitList) {
    let lang = app.lang;
    let title = match &app.basket.title {
        Some(t) => format!("{} « {} » — {}", i18n::BASKET.get(lang), app.basket.name, sanitize_line(t)),
        None => format!("{} « {} »", i18n::BASKET.get(lang), app.basket.name),
    };
    let title = format!("{title} ({})", app.basket.articles.len());
    frame.render_widget(block(title, true, app), list.block);
    if app.basket.articles.is_empty() {
        frame.render_widget(Paragraph::new(i18n::BASKET_EMPTY.get(lang)).style(app.palette.dim), list.inner);
        return;
    }
    let width = list.inner.width as usize;
    draw_hits(frame, list, &app.basket_hits, |i, hit| {
        hit_lines(hit, app, width, i == app.basket_selected, Some(i + 1))
    });
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let mut parts = Vec::new();
    if app.screen == Screen::Main {
        if app.results.searching {
            parts.push(i18n::SEARCHING.get(lang).to_string());
        } else if let Some(mode) = app.results.mode {
            let shown = app.results.hits.len();
            let count = if shown < app.results.total {
                format!("{shown}/{} {}", app.results.total, i18n::ARTICLES.get(lang))
            } else {
                format!("{} {}", app.results.total, i18n::ARTICLES.get(lang))
            };
            let mode = match mode {
                _ if app.lists_newest() => i18n::NEWEST,
                Mode::AllWords => i18n::MODE_ALL,
                Mode::BestMatches => i18n::MODE_BEST,
                Mode::Typo => i18n::MODE_TYPO,
            };
            parts.push(format!("{count} · {}", mode.get(lang)));
        }
        let sort = match app.filters.sort {
            _ if app.lists_newest() => i18n::BY_DATE,
            Sort::Relevance => i18n::BY_RELEVANCE,
            Sort::Date => i18n::BY_DATE,
        };
        parts.push(format!("{} : {}", i18n::SORT.get(lang), sort.get(lang)));
        // The selected theme's whole name, which a narrow sidebar may cut.
        if let Some(theme) = app.themes.get(app.theme_selected).filter(|t| t.id.is_some()) {
            parts.push(format!("{} : {}", i18n::THEME.get(lang), sanitize_line(&theme.label)));
        }
    }
    if let Some(size) = app.archive_size {
        parts.push(format!("{size} {}", i18n::ARTICLES.get(lang)));
    }
    parts.push(format!("{} « {} » ({})", i18n::BASKET.get(lang), app.basket.name, app.basket.articles.len()));
    if let Some(status) = &app.status {
        parts.push(status.clone());
    }
    let text = truncate_to_width(&parts.join("  │  "), area.width as usize);
    frame.render_widget(Paragraph::new(text).style(app.palette.accent), area);
}

fn draw_hints(frame: &mut Frame, app: &App, area: Rect) {
    let scope = if app.overlay == Overlay::Filters { Scope::Menu } else { app.scope() };
    let mut spans = Vec::new();
    for (key, label) in app.keymap.hints(scope, app.lang) {
        spans.push(Span::styled(key, app.palette.title));
        spans.push(Span::styled(format!(" {label}  "), app.palette.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(frame: &mut Frame, app: &App, popup: Rect) {
    let lang = app.lang;
    let scope_name = |s: Scope| match s {
        Scope::Global => i18n::KEYS.get(lang),
        Scope::Lists => i18n::RESULTS.get(lang),
        Scope::Reader => i18n::READER.get(lang),
        Scope::Basket => i18n::BASKET.get(lang),
        Scope::Menu => i18n::FILTERS.get(lang),
    };
    // The keys of the screen in use, and the global ones.
    let here = app.scope();
    let mut rows: Vec<(Option<Scope>, String, &str)> = Vec::new();
    let mut last = None;
    for (scope, keys, label) in app.keymap.help(lang) {
        if scope != here && scope != Scope::Global {
            continue;
        }
        if last != Some(scope) {
            rows.push((Some(scope), String::new(), ""));
            last = Some(scope);
        }
        rows.push((None, keys, label));
    }
    let inner_rows = popup.height.saturating_sub(2) as usize;
    let columns = if rows.len() > inner_rows { 2 } else { 1 };
    let column_width = (popup.width.saturating_sub(2) as usize / columns).max(10);
    let keys_width = (column_width / 2).min(16);
    let cell = |(scope, keys, label): &(Option<Scope>, String, &str)| -> Vec<Span<'static>> {
        match scope {
            Some(s) => vec![Span::styled(format!("{:<column_width$}", scope_name(*s)), app.palette.title)],
            None => {
                let keys = truncate_to_width(keys, keys_width);
                let label = truncate_to_width(label, column_width.saturating_sub(keys_width + 3));
                let pad = column_width
                    .saturating_sub(keys_width + 3 + unicode_width::UnicodeWidthStr::width(label.as_str()));
                let keys_pad =
                    keys_width.saturating_sub(unicode_width::UnicodeWidthStr::width(keys.as_str()));
                vec![
                    Span::styled(format!("  {keys}{} ", " ".repeat(keys_pad)), app.palette.accent),
                    Span::raw(format!("{label}{}", " ".repeat(pad))),
                ]
            }
        }
    };
    let per_column = rows.len().div_ceil(columns);
    let lines: Vec<Line> = (0..per_column)
        .map(|r| {
            let mut spans = Vec::new();
            for c in 0..columns {
                if let Some(row) = rows.get(c * per_column + r) {
                    spans.extend(cell(row));
                }
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Clear, popup);
    let title = format!("{} — {}", i18n::HELP.get(lang), i18n::HELP_CLOSE.get(lang));
    frame.render_widget(Paragraph::new(lines).block(block(title, true, app)), popup);
}

fn draw_brochure_title(frame: &mut Frame, app: &App, popup: Rect) {
    let lang = app.lang;
    let inner = popup.width.saturating_sub(4) as usize;
    let text = sanitize_line(&app.brochure_title);
    // The end of a long title stays in view, with the cursor after it.
    let shown: String = {
        let chars: Vec<char> = text.chars().collect();
        chars[chars.len().saturating_sub(inner.saturating_sub(1))..].iter().collect()
    };
    let lines = vec![
        Line::from(Span::styled(format!(" {shown}▏"), app.palette.selected)),
        Line::from(Span::styled(format!(" {}", i18n::BROCHURE_TITLE_HINT.get(lang)), app.palette.dim)),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block(i18n::BROCHURE_TITLE.get(lang).to_string(), true, app)),
        popup,
    );
}

/// The end of `text` that fits `width` columns, for a prompt whose cursor
/// sits after it.
fn prompt_tail(text: &str, width: usize) -> String {
    let text = sanitize_line(text);
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(width.saturating_sub(1))..].iter().collect()
}

fn draw_labels(frame: &mut Frame, app: &App, popup: Rect) {
    let lang = app.lang;
    let inner = popup.width.saturating_sub(4) as usize;
    let current = app.selected_hit().map(|h| h.labels.clone()).unwrap_or_default();
    let current: Vec<String> = current.iter().map(|l| format!("#{}", sanitize_line(l))).collect();
    let candidates: Vec<String> =
        app.label_candidates().iter().map(|l| sanitize_line(l).into_owned()).collect();
    let lines = vec![
        Line::from(Span::styled(format!(" {}▏", prompt_tail(&app.prompt, inner)), app.palette.selected)),
        Line::from(Span::styled(
            truncate_to_width(&format!(" {}", current.join(" ")), inner),
            app.palette.accent,
        )),
        Line::from(Span::styled(
            truncate_to_width(&format!(" {}", candidates.join(" · ")), inner),
            app.palette.dim,
        )),
        Line::from(Span::styled(
            truncate_to_width(&format!(" {}", i18n::LABELS_HINT.get(lang)), inner),
            app.palette.dim,
        )),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block(i18n::LABELS.get(lang).to_string(), true, app)),
        popup,
    );
}

fn draw_note(frame: &mut Frame, app: &App, popup: Rect) {
    let lang = app.lang;
    let inner = popup.width.saturating_sub(4) as usize;
    let flat = app.prompt.replace('\n', " ⏎ ");
    let lines = vec![
        Line::from(Span::styled(format!(" {}▏", prompt_tail(&flat, inner)), app.palette.selected)),
        Line::from(""),
        Line::from(Span::styled(
            truncate_to_width(&format!(" {}", i18n::NOTE_HINT.get(lang)), inner),
            app.palette.dim,
        )),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block(i18n::NOTE.get(lang).to_string(), true, app)),
        popup,
    );
}

fn draw_filters(frame: &mut Frame, app: &App, popup: Rect) {
    let lang = app.lang;
    let any = i18n::ANY.get(lang).to_string();
    let values = [
        (i18n::SITE, app.filters.site.clone().unwrap_or_else(|| any.clone())),
        (i18n::KIND, app.filters.kind.map(str::to_string).unwrap_or_else(|| any.clone())),
        (i18n::SINCE, app.filters.since.map(|y| y.to_string()).unwrap_or_else(|| any.clone())),
        (
            i18n::SORT,
            match app.filters.sort {
                Sort::Relevance => i18n::BY_RELEVANCE.get(lang).to_string(),
                Sort::Date => i18n::BY_DATE.get(lang).to_string(),
            },
        ),
    ];
    debug_assert_eq!(KINDS.len(), 4);
    let lines: Vec<Line> = values
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let style = if i == app.filter_row { app.palette.selected } else { Style::new() };
            Line::from(Span::styled(format!(" {:<10} ‹ {} ›", label.get(lang), sanitize_line(value)), style))
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block(i18n::FILTERS.get(lang).to_string(), true, app)),
        popup,
    );
}
