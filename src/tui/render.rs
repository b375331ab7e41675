//! An article's Markdown body as terminal lines.
//!
//! This module owns the reader's layout: word wrapping by display width,
//! block prefixes (quote bars, list bullets and their hanging indent), link
//! numbering with the list of targets at the end, footnotes gathered after
//! the body, code blocks and tables. Every piece of article text goes through
//! [`sanitize_line`] before it becomes a span, so nothing a page says can reach
//! the terminal as a control character.

use std::collections::HashMap;
use std::mem;

use pulldown_cmark::{Event, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::sanitize::{clusters, sanitize_line, truncate_to_width};
use crate::tui::theme::Styles;

/// Narrowest layout rendered; smaller widths are laid out as this one.
const MIN_WIDTH: usize = 20;
/// Columns always left to text, however deep quotes and lists nest.
const MIN_TEXT: usize = 10;
/// Columns a footnote label may take in its marker.
const MAX_LABEL: usize = 12;
const TAB_STOP: usize = 4;

/// A rendered body: wrapped lines ready to draw, and the link targets in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<String>,
}

/// Renders Markdown wrapped to `width` columns (widths under 20 are laid out at 20).
///
/// Footnote definitions follow the body, then the links as `[n] URL`, each
/// group after a blank line.
pub fn render(markdown: &str, width: u16, styles: &Styles) -> Rendered {
    let mut renderer = Renderer::new(styles, usize::from(width).max(MIN_WIDTH));
    // Escape sequences are removed whole before Markdown cuts the text at
    // its brackets (each piece is sanitised again below).
    let markdown = crate::tui::sanitize::sanitize_source(markdown);
    for event in crate::corpus::markdown::parser(&markdown) {
        renderer.event(event);
    }
    renderer.finish()
}

/// The text of a line, spans concatenated (to search inside a rendered article).
pub fn plain(line: &Line) -> String {
    line.spans.iter().map(|span| span.content.as_ref()).collect()
}

/// A run of text and its style.
type Seg = (String, Style);

/// Inline content of the block being read, wrapped when the block ends.
enum Piece {
    /// Text that may wrap at its spaces.
    Text(String, Style),
    /// Text that stays with the word before it (link numbers, footnote references).
    Glue(String, Style),
    /// A hard line break.
    Break,
}

/// What a block inside others adds before each of its lines.
enum Frame {
    Quote,
    /// A list item or a footnote: `marker` on its first line, as many spaces after.
    Item {
        marker: String,
        shown: bool,
    },
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Vec<Piece>>>,
    row: Vec<Vec<Piece>>,
    head_rows: usize,
}

/// Where the reader was when a footnote definition interrupted it.
struct Saved {
    frames: Vec<Frame>,
    blank: Option<usize>,
}

struct Renderer<'s> {
    styles: &'s Styles,
    width: usize,
    frames: Vec<Frame>,
    /// Inline style of the text being read: each entry is the full style at that depth.
    style_stack: Vec<Style>,
    pieces: Vec<Piece>,
    body: Vec<Line<'static>>,
    notes: Vec<Line<'static>>,
    /// Set while a footnote definition is rendered into `notes`.
    saved: Option<Saved>,
    /// A blank line owed before the next line, showing the prefixes of that many frames.
    blank: Option<usize>,
    /// Nothing emitted yet in this footnote: notes follow each other without blank lines.
    fresh: bool,
    links: Vec<String>,
    link_numbers: HashMap<String, usize>,
    open_links: Vec<Option<usize>>,
    /// Numbers of the ordered lists being read (`None` for bullets).
    lists: Vec<Option<u64>>,
    image_alt: Option<String>,
    code: Option<String>,
    table: Option<Table>,
}

impl<'s> Renderer<'s> {
    fn new(styles: &'s Styles, width: usize) -> Self {
        Renderer {
            styles,
            width,
            frames: Vec::new(),
            style_stack: Vec::new(),
            pieces: Vec::new(),
            body: Vec::new(),
            notes: Vec::new(),
            saved: None,
            blank: None,
            fresh: false,
            links: Vec::new(),
            link_numbers: HashMap::new(),
            open_links: Vec::new(),
            lists: Vec::new(),
            image_alt: None,
            code: None,
            table: None,
        }
    }

    fn style(&self) -> Style {
        self.style_stack.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, style: Style) {
        self.style_stack.push(self.style().patch(style));
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) => {
                if let Some(alt) = &mut self.image_alt {
                    alt.push_str(&text);
                } else {
                    let style = self.style().patch(self.styles.code);
                    self.push_text(&text, style);
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.pieces.push(Piece::Break),
            Event::Rule => {
                self.flush();
                self.request_blank();
                let (first, _, avail) = self.prefixes(None);
                let rule = vec![("─".repeat(avail), self.styles.marker)];
                let line = line_of(&first, rule);
                self.emit(line);
                self.request_blank();
            }
            Event::TaskListMarker(done) => {
                self.pieces.push(Piece::Glue((if done { "☒ " } else { "☐ " }).into(), self.styles.marker));
            }
            Event::FootnoteReference(label) => {
                let label = truncate_to_width(&sanitize_line(&label), MAX_LABEL);
                self.pieces.push(Piece::Glue(format!("[^{label}]"), self.styles.marker));
            }
            Event::Html(html) | Event::InlineHtml(html)
                if crate::corpus::text::page_marker(&html).is_some() =>
            {
                // Where a page of a PDF starts: a quiet mark, so a reader can cite the page.
                let page = crate::corpus::text::page_marker(&html).expect("checked");
                self.pieces.push(Piece::Glue(format!("⟨p. {page}⟩ "), self.styles.marker));
            }
            Event::Html(html) => {
                let text = crate::corpus::markdown::strip_tags(&html);
                self.text(&text);
            }
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').trim_start_matches('/');
                if tag.get(..2).is_some_and(|t| t.eq_ignore_ascii_case("br")) {
                    self.pieces.push(Piece::Break);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => {
                self.flush();
                self.request_blank();
            }
            Tag::Heading { .. } => {
                self.flush();
                self.request_blank();
                self.push_style(self.styles.heading);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.request_blank();
                self.frames.push(Frame::Quote);
                self.push_style(self.styles.quote);
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.request_blank();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                // A list nested in an item hangs under it; other lists are blocks of their own.
                if !self.frames.iter().any(|f| matches!(f, Frame::Item { .. })) {
                    self.request_blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n = n.saturating_add(1);
                        marker
                    }
                    _ => "• ".to_owned(),
                };
                self.frames.push(Frame::Item { marker, shown: false });
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                let label = truncate_to_width(&sanitize_line(&label), MAX_LABEL);
                let frames = vec![Frame::Item { marker: format!("[^{label}] "), shown: false }];
                let previous = mem::replace(&mut self.frames, frames);
                if self.saved.is_none() {
                    self.saved = Some(Saved { frames: previous, blank: self.blank.take() });
                }
                self.fresh = true;
            }
            Tag::Table(_) => {
                self.flush();
                self.request_blank();
                self.table = Some(Table::default());
            }
            Tag::TableHead => self.push_style(self.styles.strong),
            Tag::TableRow | Tag::TableCell => self.pieces.clear(),
            Tag::Emphasis => self.push_style(self.styles.emphasis),
            Tag::Strong => self.push_style(self.styles.strong),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                let url = sanitize_line(&dest_url).trim().to_owned();
                let number = (!url.is_empty()).then(|| self.link_number(url));
                self.open_links.push(number);
                self.push_style(self.styles.link);
            }
            Tag::Image { .. } => {
                self.image_alt.get_or_insert_with(String::new);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.style_stack.pop();
                self.request_blank();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.frames.pop();
                self.style_stack.pop();
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.code_block(&code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.frames.pop();
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                if let Some(saved) = self.saved.take() {
                    self.frames = saved.frames;
                    self.blank = saved.blank;
                }
                self.fresh = false;
            }
            TagEnd::TableCell => {
                let cell = mem::take(&mut self.pieces);
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = mem::take(&mut table.row);
                    table.rows.push(row);
                    if tag == TagEnd::TableHead {
                        table.head_rows = table.rows.len();
                    }
                }
                if tag == TagEnd::TableHead {
                    self.style_stack.pop();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.render_table(table);
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.style_stack.pop();
            }
            TagEnd::Link => {
                self.style_stack.pop();
                if let Some(Some(n)) = self.open_links.pop() {
                    let number = format!(" [{n}]");
                    match &mut self.image_alt {
                        // A link inside an image's description: its number stays inside the description.
                        Some(alt) => alt.push_str(&number),
                        None => self.pieces.push(Piece::Glue(number, self.styles.marker)),
                    }
                }
            }
            TagEnd::Image => {
                if let Some(alt) = self.image_alt.take() {
                    let alt = sanitize_line(&alt);
                    let alt = alt.trim();
                    let text = if alt.is_empty() { "[image]".to_owned() } else { format!("[image: {alt}]") };
                    self.pieces.push(Piece::Text(text, self.style().patch(self.styles.marker)));
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(alt) = &mut self.image_alt {
            alt.push_str(text);
        } else if let Some(code) = &mut self.code {
            code.push_str(text);
        } else {
            self.push_text(text, self.style());
        }
    }

    fn push_text(&mut self, text: &str, style: Style) {
        let text = sanitize_line(text);
        if !text.is_empty() {
            self.pieces.push(Piece::Text(text.into_owned(), style));
        }
    }

    fn link_number(&mut self, url: String) -> usize {
        if let Some(&n) = self.link_numbers.get(&url) {
            return n;
        }
        self.links.push(url.clone());
        let n = self.links.len();
        self.link_numbers.insert(url, n);
        n
    }

    fn out(&mut self) -> &mut Vec<Line<'static>> {
        if self.saved.is_some() { &mut self.notes } else { &mut self.body }
    }

    /// Asks for one blank line before whatever comes next (never at the start, never doubled).
    fn request_blank(&mut self) {
        if self.fresh {
            return;
        }
        let depth = self.frames.len();
        self.blank = Some(self.blank.map_or(depth, |d| d.min(depth)));
    }

    fn emit(&mut self, line: Line<'static>) {
        if let Some(depth) = self.blank.take()
            && !self.out().is_empty()
        {
            let blank = self.blank_line(depth);
            self.out().push(blank);
        }
        self.fresh = false;
        self.out().push(line);
    }

    /// A blank line inside quotes still shows their bars, so a quote reads as one block.
    fn blank_line(&self, depth: usize) -> Line<'static> {
        let bars = self.frames.iter().take(depth).filter(|f| matches!(f, Frame::Quote)).count();
        if bars == 0 {
            return Line::default();
        }
        let mut text = "│ ".repeat(bars);
        text.pop();
        Line::from(Span::styled(text, self.styles.marker))
    }

    /// First-line and continuation prefixes of the next block, and the columns left for text.
    ///
    /// Showing them uses up the markers of the items being started.
    fn prefixes(&mut self, extra: Option<&str>) -> (Vec<Seg>, Vec<Seg>, usize) {
        let mut first = Vec::new();
        let mut rest = Vec::new();
        for frame in &mut self.frames {
            match frame {
                Frame::Quote => {
                    push_seg(&mut first, "│ ", self.styles.marker);
                    push_seg(&mut rest, "│ ", self.styles.marker);
                }
                Frame::Item { marker, shown } => {
                    let pad = " ".repeat(marker.width());
                    if *shown {
                        push_seg(&mut first, &pad, Style::new());
                    } else {
                        push_seg(&mut first, marker, self.styles.marker);
                        *shown = true;
                    }
                    push_seg(&mut rest, &pad, Style::new());
                }
            }
        }
        if let Some(extra) = extra {
            push_seg(&mut first, extra, Style::new());
            push_seg(&mut rest, extra, Style::new());
        }
        let most = self.width - MIN_TEXT;
        let first = cap_prefix(first, most);
        let rest = cap_prefix(rest, most);
        let used = seg_width(&first).max(seg_width(&rest));
        (first, rest, self.width - used)
    }

    /// Wraps the pending inline content as one block.
    fn flush(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        let pieces = mem::take(&mut self.pieces);
        let has_text = pieces.iter().any(|p| match p {
            Piece::Text(t, _) | Piece::Glue(t, _) => !t.trim().is_empty(),
            Piece::Break => false,
        });
        if !has_text {
            return;
        }
        let (first, rest, avail) = self.prefixes(None);
        let mut wrapper = Wrapper::new(avail);
        for piece in pieces {
            match piece {
                Piece::Text(text, style) => wrapper.text(&text, style),
                Piece::Glue(text, style) => wrapper.glue(&text, style),
                Piece::Break => wrapper.hard_break(),
            }
        }
        for (i, content) in wrapper.finish().into_iter().enumerate() {
            let line = line_of(if i == 0 { &first } else { &rest }, content);
            self.emit(line);
        }
    }

    /// Code keeps its lines and spacing; only lines too long for the screen are cut.
    fn code_block(&mut self, code: &str) {
        let (first, rest, avail) = self.prefixes(Some("  "));
        let style = self.style().patch(self.styles.code);
        let mut n = 0;
        for source in code.lines() {
            let expanded = expand_tabs(source);
            let text = sanitize_line(&expanded);
            let text = text.trim_end();
            let chunks = if text.is_empty() { vec![String::new()] } else { hard_break(text, avail) };
            for chunk in chunks {
                let content = if chunk.is_empty() { Vec::new() } else { vec![(chunk, style)] };
                let line = line_of(if n == 0 { &first } else { &rest }, content);
                self.emit(line);
                n += 1;
            }
        }
    }

    fn render_table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let rows: Vec<Vec<Vec<Seg>>> =
            table.rows.into_iter().map(|row| row.into_iter().map(cell_segs).collect()).collect();
        let mut widths = vec![0; columns];
        for row in &rows {
            for (j, cell) in row.iter().enumerate() {
                widths[j] = widths[j].max(seg_width(cell));
            }
        }
        let separator = " │ ";
        let total = widths.iter().sum::<usize>() + separator.width() * (columns - 1);
        let (first, rest, avail) = self.prefixes(None);
        if total <= avail {
            for (i, row) in rows.into_iter().enumerate() {
                let mut content = Vec::new();
                let cells = row.len();
                for (j, cell) in row.into_iter().enumerate() {
                    if j > 0 {
                        push_seg(&mut content, separator, self.styles.marker);
                    }
                    let pad = widths[j] - seg_width(&cell);
                    for (text, style) in cell {
                        push_seg(&mut content, &text, style);
                    }
                    // Padding aligns the next column; the last cell needs none.
                    if j + 1 < cells && pad > 0 {
                        push_seg(&mut content, &" ".repeat(pad), Style::new());
                    }
                }
                let line = line_of(if i == 0 { &first } else { &rest }, content);
                self.emit(line);
                if i + 1 == table.head_rows {
                    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                    let rule = vec![(rule.join("─┼─"), self.styles.marker)];
                    let line = line_of(&rest, rule);
                    self.emit(line);
                }
            }
        } else {
            // Too wide to align: each row becomes a wrapped paragraph of its cells.
            for (i, row) in rows.into_iter().enumerate() {
                if i > 0 {
                    self.request_blank();
                }
                for (j, cell) in row.into_iter().enumerate() {
                    if j > 0 {
                        self.pieces.push(Piece::Text(separator.to_owned(), self.styles.marker));
                    }
                    self.pieces.extend(cell.into_iter().map(|(text, style)| Piece::Text(text, style)));
                }
                self.flush();
            }
        }
    }

    fn finish(mut self) -> Rendered {
        self.flush();
        self.frames.clear();
        let notes = mem::take(&mut self.notes);
        if !notes.is_empty() {
            self.request_blank();
            for line in notes {
                self.emit(line);
            }
        }
        if !self.links.is_empty() {
            self.request_blank();
            let links = mem::take(&mut self.links);
            for (i, url) in links.iter().enumerate() {
                self.frames = vec![Frame::Item { marker: format!("[{}] ", i + 1), shown: false }];
                self.pieces.push(Piece::Text(url.clone(), self.styles.link));
                self.flush();
            }
            self.links = links;
        }
        Rendered { lines: self.body, links: self.links }
    }
}

/// Fills lines word by word; everything it does is linear in the text.
struct Wrapper {
    avail: usize,
    lines: Vec<Vec<Seg>>,
    line: Vec<Seg>,
    line_width: usize,
    word: Vec<Seg>,
    word_width: usize,
    /// A space is owed before the pending word, in this style (underlined inside a link).
    space: Option<Style>,
}

impl Wrapper {
    fn new(avail: usize) -> Self {
        Wrapper {
            avail,
            lines: Vec::new(),
            line: Vec::new(),
            line_width: 0,
            word: Vec::new(),
            word_width: 0,
            space: None,
        }
    }

    fn text(&mut self, text: &str, style: Style) {
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                self.end_word();
                if self.space.is_none() {
                    self.space = Some(style);
                }
            }
            if !part.is_empty() {
                self.add(part, style);
            }
        }
    }

    fn glue(&mut self, text: &str, style: Style) {
        // After a space the separation is already there.
        let text = if self.word.is_empty() { text.trim_start() } else { text };
        if !text.is_empty() {
            self.add(text, style);
        }
    }

    fn hard_break(&mut self) {
        self.end_word();
        self.break_line();
        self.space = None;
    }

    fn add(&mut self, text: &str, style: Style) {
        self.word_width += text.width();
        push_seg(&mut self.word, text, style);
    }

    fn break_line(&mut self) {
        self.lines.push(mem::take(&mut self.line));
        self.line_width = 0;
    }

    fn push(&mut self, text: &str, style: Style, width: usize) {
        push_seg(&mut self.line, text, style);
        self.line_width += width;
    }

    fn end_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let word = mem::take(&mut self.word);
        let width = mem::take(&mut self.word_width);
        let space = self.space.take().filter(|_| !self.line.is_empty());
        let gap = usize::from(space.is_some());
        if self.line_width + gap + width <= self.avail {
            if let Some(style) = space {
                self.push(" ", style, 1);
            }
        } else if width <= self.avail || !self.line.is_empty() {
            self.break_line();
        }
        if self.line_width + width <= self.avail {
            for (text, style) in word {
                push_seg(&mut self.line, &text, style);
            }
            self.line_width += width;
            return;
        }
        // Longer than a whole line (a URL, a run of characters without spaces): cut
        // between clusters.
        for (text, style) in &word {
            for cluster in clusters(text) {
                let w = cluster.width();
                if self.line_width + w > self.avail && !self.line.is_empty() {
                    self.break_line();
                }
                self.push(cluster, *style, w);
            }
        }
    }

    fn finish(mut self) -> Vec<Vec<Seg>> {
        self.end_word();
        if !self.line.is_empty() {
            self.break_line();
        }
        while self.lines.last().is_some_and(Vec::is_empty) {
            self.lines.pop();
        }
        self.lines
    }
}

/// Appends `text` to the last run if it has the same style, so lines hold few spans.
fn push_seg(segs: &mut Vec<Seg>, text: &str, style: Style) {
    match segs.last_mut() {
        Some((last, last_style)) if *last_style == style => last.push_str(text),
        _ => segs.push((text.to_owned(), style)),
    }
}

fn seg_width(segs: &[Seg]) -> usize {
    segs.iter().map(|(text, _)| text.width()).sum()
}

/// A line of `prefix` then `content`; an empty line keeps no trailing spaces.
fn line_of(prefix: &[Seg], content: Vec<Seg>) -> Line<'static> {
    let mut segs: Vec<Seg> = Vec::with_capacity(prefix.len() + content.len());
    for (text, style) in prefix {
        push_seg(&mut segs, text, *style);
    }
    if content.is_empty() {
        while let Some((text, _)) = segs.last_mut() {
            let kept = text.trim_end().len();
            text.truncate(kept);
            if !text.is_empty() {
                break;
            }
            segs.pop();
        }
    }
    for (text, style) in content {
        push_seg(&mut segs, &text, style);
    }
    Line::from(segs.into_iter().map(|(text, style)| Span::styled(text, style)).collect::<Vec<_>>())
}

/// `prefix` without its leftmost columns if wider than `most`: deep nesting gives up
/// outer indentation before the text gets too narrow to read.
fn cap_prefix(prefix: Vec<Seg>, most: usize) -> Vec<Seg> {
    let mut excess = seg_width(&prefix).saturating_sub(most);
    if excess == 0 {
        return prefix;
    }
    let mut out = Vec::new();
    for (text, style) in prefix {
        if excess == 0 {
            out.push((text, style));
            continue;
        }
        let mut cut = 0;
        for cluster in clusters(&text) {
            if excess == 0 {
                break;
            }
            excess = excess.saturating_sub(cluster.width());
            cut += cluster.len();
        }
        if cut < text.len() {
            out.push((text[cut..].to_owned(), style));
        }
    }
    out
}

/// `text` in pieces of at most `width` columns, cut between clusters.
fn hard_break(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut chunk = String::new();
    let mut used = 0;
    for cluster in clusters(text) {
        let w = cluster.width();
        if used + w > width && !chunk.is_empty() {
            out.push(mem::take(&mut chunk));
            used = 0;
        }
        chunk.push_str(cluster);
        used += w;
    }
    if !chunk.is_empty() {
        out.push(chunk);
    }
    out
}

/// Tabs to spaces up to the next stop, so that code keeps its alignment.
fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\t') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len() + TAB_STOP * 2);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    out.into()
}

/// A table cell on one line.
fn cell_segs(pieces: Vec<Piece>) -> Vec<Seg> {
    let mut segs = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text, style) | Piece::Glue(text, style) => push_seg(&mut segs, &text, style),
            Piece::Break => push_seg(&mut segs, " ", Style::new()),
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(markdown: &str, width: u16) -> Vec<String> {
        render(markdown, width, &Styles::default()).lines.iter().map(plain).collect()
    }

    fn assert_fits(lines: &[String], width: usize) {
        for line in lines {
            assert!(line.width() <= width, "{line:?} is {} columns wide", line.width());
        }
    }

    #[test]
    fn paragraph_wraps_within_width() {
        let text = "La vidéosurveillance algorithmique, expérimentée pendant les Jeux olympiques, \
                    devait prendre fin en mars 2025 ; le gouvernement propose de la prolonger \
                    jusqu'en 2027, sans évaluation indépendante publiée à ce jour.";
        let out = lines(text, 30);
        assert!(out.len() > 3);
        assert_fits(&out, 30);
        let words: Vec<&str> = text.split_whitespace().collect();
        let joined = out.join(" ");
        assert_eq!(joined.split_whitespace().collect::<Vec<_>>(), words);
        // Lines are filled: the next word would not have fitted.
        for pair in out.windows(2) {
            let next = pair[1].split(' ').next().unwrap_or_default();
            assert!(pair[0].width() + 1 + next.width() > 30, "{pair:?}");
        }
    }

    #[test]
    fn narrow_widths_are_clamped() {
        let out = lines("un deux trois quatre cinq six sept huit neuf dix", 5);
        assert_fits(&out, 20);
        assert_eq!(out, ["un deux trois quatre", "cinq six sept huit", "neuf dix"]);
    }

    #[test]
    fn headings_and_paragraphs_are_spaced() {
        let out = lines(
            "Chapeau.\n\n## Un intertitre\n\nPremier paragraphe.\n\nSecond paragraphe.\n\n### Plus bas",
            40,
        );
        assert_eq!(
            out,
            [
                "Chapeau.",
                "",
                "Un intertitre",
                "",
                "Premier paragraphe.",
                "",
                "Second paragraphe.",
                "",
                "Plus bas"
            ]
        );
        assert_eq!(lines("## Titre\n\nTexte", 40), ["Titre", "", "Texte"]);
    }

    #[test]
    fn the_bodies_dialect_is_read_struck_text_and_tasks_included() {
        let rendered = render("Un mot ~~barré~~ ici.\n\n- [x] fait\n- [ ] à faire", 40, &Styles::default());
        let struck = rendered.lines[0].spans.iter().find(|s| s.content.contains("barré")).unwrap();
        assert!(struck.style.add_modifier.contains(Modifier::CROSSED_OUT), "{:?}", rendered.lines[0]);
        let text: Vec<String> = rendered.lines.iter().map(plain).collect();
        assert!(!text[0].contains('~'), "{text:?}");
        assert!(
            text.iter().any(|l| l.contains("☒ fait")) && text.iter().any(|l| l.contains("☐ à faire")),
            "{text:?}"
        );
    }

    #[test]
    fn heading_style_is_applied() {
        let rendered = render("## Titre\n\nTexte *penché*", 40, &Styles::default());
        let heading = &rendered.lines[0].spans[0];
        assert_eq!(heading.content, "Titre");
        assert!(heading.style.add_modifier.contains(Modifier::BOLD));
        let body = &rendered.lines[2];
        assert!(!body.spans[0].style.add_modifier.contains(Modifier::BOLD));
        let emphasis = body.spans.iter().find(|s| s.content == "penché").map(|s| s.style);
        assert!(emphasis.is_some_and(|s| s.add_modifier.contains(Modifier::ITALIC)));
    }

    #[test]
    fn lists_nest_and_hang() {
        let md = "- premier point assez long pour passer à la ligne suivante\n\
                  - second\n  - imbriqué lui aussi assez long pour être coupé\n  - court\n\
                  - dernier\n\n1. un\n2. deux";
        let out = lines(md, 30);
        assert_eq!(
            out,
            [
                "• premier point assez long",
                "  pour passer à la ligne",
                "  suivante",
                "• second",
                "  • imbriqué lui aussi assez",
                "    long pour être coupé",
                "  • court",
                "• dernier",
                "",
                "1. un",
                "2. deux",
            ]
        );
    }

    #[test]
    fn loose_lists_keep_their_blank_lines() {
        assert_eq!(lines("- un\n\n- deux\n\nAprès.", 30), ["• un", "", "• deux", "", "Après."]);
        assert_eq!(lines("Avant.\n\n3. trois\n4. quatre", 30), ["Avant.", "", "3. trois", "4. quatre"]);
    }

    #[test]
    fn quotes_mark_every_line() {
        let md = "Avant.\n\n> Une citation assez longue pour tenir sur plusieurs lignes à trente colonnes.\n>\n> Suite.\n\nAprès.";
        let out = lines(md, 30);
        assert_eq!(out[0], "Avant.");
        assert_eq!(out[1], "");
        let quote = &out[2..out.len() - 2];
        assert!(quote.len() >= 4);
        for line in quote {
            assert!(line.starts_with('│'), "{line:?}");
        }
        assert!(quote.contains(&"│".to_owned()));
        assert_eq!(quote.last().map(String::as_str), Some("│ Suite."));
        assert_eq!(&out[out.len() - 2..], ["", "Après."]);
        assert_fits(&out, 30);
    }

    #[test]
    fn links_are_numbered_and_listed() {
        let md = "Voir [le rapport](https://a.example/rapport) et [la loi](https://b.example/loi), \
                  puis [encore le rapport](https://a.example/rapport) et <https://c.example/>.";
        let rendered = render(md, 80, &Styles::default());
        assert_eq!(
            rendered.links,
            ["https://a.example/rapport", "https://b.example/loi", "https://c.example/"]
        );
        let out: Vec<String> = rendered.lines.iter().map(plain).collect();
        assert_eq!(
            out,
            [
                "Voir le rapport [1] et la loi [2], puis encore le rapport [1] et",
                "https://c.example/ [3].",
                "",
                "[1] https://a.example/rapport",
                "[2] https://b.example/loi",
                "[3] https://c.example/",
            ]
        );
        let link = rendered.lines[0].spans.iter().find(|s| s.content == "le rapport").map(|s| s.style);
        assert!(link.is_some_and(|s| s.add_modifier.contains(Modifier::UNDERLINED)));
    }

    #[test]
    fn long_links_wrap_under_their_number() {
        let url = format!("https://a.example/{}", "x".repeat(60));
        let out = lines(&format!("[lien]({url})"), 30);
        assert_eq!(out[0], "lien [1]");
        assert_eq!(out[1], "");
        assert!(out[2].starts_with("[1] https://"));
        assert!(out[3..].iter().all(|l| l.starts_with("    ")));
        assert_eq!(out[2..].iter().map(|l| &l[4..]).collect::<String>(), url);
        assert_fits(&out, 30);
    }

    #[test]
    fn images_show_their_alt_text() {
        assert_eq!(
            lines("![Une manifestation](https://x.example/a.jpg)", 40),
            ["[image: Une manifestation]"]
        );
        assert_eq!(lines("![](https://x.example/a.jpg)", 40), ["[image]"]);
    }

    #[test]
    fn footnotes_come_before_links() {
        let md = "Un fait[^1] sourcé [ici](https://x.example/).\n\n[^1]: La note, avec un texte assez long pour être coupée.\n\nFin.";
        let out = lines(md, 30);
        assert_eq!(
            out,
            [
                "Un fait[^1] sourcé ici [1].",
                "",
                "Fin.",
                "",
                "[^1] La note, avec un texte",
                "     assez long pour être",
                "     coupée.",
                "",
                "[1] https://x.example/",
            ]
        );
    }

    #[test]
    fn code_keeps_its_lines() {
        let md = "Avant.\n\n```\nfn main() {\n\tprintln!(\"a    b\");\n\n}\n```\n\nAprès `code`.";
        let out = lines(md, 40);
        assert_eq!(
            out,
            ["Avant.", "", "  fn main() {", "      println!(\"a    b\");", "", "  }", "", "Après code."]
        );
        let long = lines(&format!("```\n{}\n```", "y".repeat(50)), 20);
        assert_eq!(
            long,
            [
                "  ".to_owned() + &"y".repeat(18),
                "  ".to_owned() + &"y".repeat(18),
                "  yyyyyyyyyyyyyy".to_owned()
            ]
        );
    }

    #[test]
    fn rules_and_tables() {
        let out = lines("Un.\n\n---\n\nDeux.", 20);
        assert_eq!(out, ["Un.", "", "─".repeat(20).as_str(), "", "Deux."]);
        let out = lines("| A | Bé |\n| --- | --- |\n| 1 | 22 |", 40);
        assert_eq!(out, ["A │ Bé", "──┼───", "1 │ 22"]);
        let wide = format!("| {} | {} |\n| --- | --- |\n| x | y |", "a ".repeat(20), "b ".repeat(20));
        let out = lines(&wide, 30);
        assert_fits(&out, 30);
        assert!(out.iter().any(|l| l == "x │ y"));
    }

    #[test]
    fn hostile_text_never_reaches_a_span() {
        let md = "# Titre\x1b[2J\n\nTexte \u{202E}inversé\x1b]52;c;ZXZpbA==\x07 et [lien\x1b[31m](https://x.example/\x1b[2J) \
                  `code\x1b[0m`[^n]\n\n> cité\u{9b}\n\n```\nbloc\x1b[2J\tfin\n```\n\n![alt\u{202e}](https://x.example/i)\n\n\
                  [^n\u{202e}]: note\x1b[2J";
        let rendered = render(md, 40, &Styles::default());
        assert!(!rendered.lines.is_empty());
        for line in &rendered.lines {
            for span in &line.spans {
                assert!(
                    !span.content.chars().any(|c| c.is_control() || c == '\u{202e}'),
                    "{:?}",
                    span.content
                );
            }
        }
        for link in &rendered.links {
            assert!(!link.chars().any(char::is_control));
        }
    }

    #[test]
    fn a_megabyte_line_is_fast() {
        let words = ["surveillance ", "algorithmique ", "données ", "éthique ", "numérique "];
        let mut text = String::with_capacity(1 << 20);
        let mut i = 0;
        while text.len() < 1 << 20 {
            text.push_str(words[i % words.len()]);
            i += 1;
        }
        let started = std::time::Instant::now();
        let rendered = render(&text, 80, &Styles::default());
        let spent = started.elapsed();
        assert!(spent.as_millis() < 1000, "{spent:?}");
        assert!(rendered.lines.len() > 10_000);
        // One unbroken megabyte cuts into full lines too.
        let started = std::time::Instant::now();
        let rendered = render(&"x".repeat(1 << 20), 80, &Styles::default());
        assert!(started.elapsed().as_millis() < 1000);
        assert_eq!(rendered.lines.len(), (1 << 20) / 80 + 1);
    }

    #[test]
    fn wide_characters_wrap_within_width() {
        let md = "日本語の新聞記事はとても長いので、何行にも折り返されます。 \
                  👨\u{200d}👩\u{200d}👧 🇫🇷 ❤\u{fe0f} 👍🏽 une famille, un drapeau, un cœur et un pouce levé.";
        for width in [20u16, 23, 31] {
            let out = lines(md, width);
            assert_fits(&out, usize::from(width));
            let joined: String = out.concat();
            assert!(joined.contains("👨\u{200d}👩\u{200d}👧"));
            assert!(joined.contains("🇫🇷"));
        }
    }

    #[test]
    fn deep_nesting_keeps_room_for_text() {
        let md = "> > > > > > > > > > > > > profond et assez long pour passer à la ligne";
        let out = lines(md, 20);
        assert_fits(&out, 20);
        assert_eq!(out.join(" ").split_whitespace().filter(|w| *w != "│").count(), 9);
    }
}
