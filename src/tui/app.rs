//! The UI's state and the one place it changes: [`App::update`] takes a
//! message (a key, a resize, an answer of the worker) and returns the
//! effects to run (a search to start, a URL to open…). Nothing here draws
//! or does I/O, so every behaviour is tested without a terminal.

use std::collections::{HashMap, HashSet};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::i18n::{self, Lang};
use super::keymap::{Action, Keymap, Scope};
use super::layout::{self, Areas, ScreenAreas};
use super::render::{self, Rendered};
use super::theme::{Palette, Styles};
use super::worker::{MarkChange, Request, Response};
use crate::corpus::basket::Basket;
use crate::corpus::{Annotations, Article};
use crate::index::search::{Hit, Mode, Sort};

/// Results asked of a search (the list shows them all; more is rarely read).
pub const RESULT_LIMIT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Main,
    Reader,
    Basket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Query,
    Themes,
    Results,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Filters,
    /// The brochure's title asked before the basket's brochure is made
    /// (the text is [`App::brochure_title`]).
    BrochureTitle,
    /// Labels to add (`+à-lire`, or the word alone) and remove (`-important`)
    /// on the selected article, typed in [`App::prompt`].
    Labels,
    /// The collective's note on the selected article, edited in [`App::prompt`].
    Note,
}

/// A line of the themes sidebar.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeRow {
    /// `None`: the whole archive.
    pub id: Option<String>,
    pub label: String,
    pub count: Option<usize>,
    /// Articles per month, oldest first.
    pub timeline: Vec<u64>,
}

/// Filters of the menu, added to the query as the query language's filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub site: Option<String>,
    pub kind: Option<&'static str>,
    pub since: Option<i32>,
    pub sort: Sort,
}

pub const KINDS: [&str; 4] = ["article", "communique", "document", "other"];

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub generation: u64,
    pub hits: Vec<Hit>,
    pub total: usize,
    pub mode: Option<Mode>,
    pub themes: HashMap<String, Vec<String>>,
    pub searching: bool,
    pub error: Option<String>,
    /// Set when the list shows articles similar to this title.
    pub similar_to: Option<String>,
}

/// The article being read.
#[derive(Debug, Clone)]
pub struct Reader {
    pub hit: Hit,
    pub article: Option<Result<Box<Article>, String>>,
    /// The body wrapped for a width.
    pub rendered: Option<(u16, Rendered)>,
    pub scroll: usize,
    /// Rendered lines holding a searched word.
    pub matches: Vec<usize>,
    pub current_match: Option<usize>,
    /// Titles of the articles of the archive that link here.
    pub cited_by: Vec<String>,
    /// A page's documents (PDFs), or the page a document came with.
    pub linked: Vec<String>,
}

impl Reader {
    /// Why a document's text could not be read (encrypted, scanned…), as
    /// its extraction noted it.
    pub fn document_status(&self) -> Option<&str> {
        let Some(Ok(article)) = &self.article else { return None };
        article.extra.get("status").and_then(|s| s.as_str())
    }
}

/// Everything the UI shows.
pub struct App {
    pub lang: Lang,
    pub keymap: Keymap,
    pub styles: Styles,
    pub palette: Palette,
    pub screen: Screen,
    pub focus: Focus,
    pub overlay: Overlay,
    pub query: String,
    /// Cursor position in the query, in characters.
    pub cursor: usize,
    pub themes: Vec<ThemeRow>,
    pub theme_selected: usize,
    pub results: Results,
    pub selected: usize,
    pub filters: Filters,
    pub filter_row: usize,
    pub sites: Vec<String>,
    pub years: Vec<i32>,
    pub archive_size: Option<usize>,
    pub reader: Option<Reader>,
    pub terms: Vec<String>,
    pub basket: Basket,
    pub baskets: Vec<String>,
    pub basket_hits: Vec<Hit>,
    pub basket_selected: usize,
    /// A short message in the status bar (what the last action did).
    pub status: Option<String>,
    pub width: u16,
    pub height: u16,
    pub mouse: bool,
    /// Where the basket's brochure is written ([`crate::Home::brochures_dir`]).
    pub brochures_dir: std::path::PathBuf,
    /// The title being typed for the basket's brochure.
    pub brochure_title: String,
    /// What is typed in the labels or note prompt.
    pub prompt: String,
    /// Every label the archive uses, for the labels prompt's completion.
    pub known_labels: Vec<String>,
    /// Opening an article marks it read (veille.toml `[tui] mark_read`).
    pub mark_read: bool,
    pub quit: bool,
    generation: u64,
    /// Analyses words to find the searched ones in an article.
    analyzer: Option<(crate::language::Language, tantivy::tokenizer::TextAnalyzer)>,
}

/// An input of [`App::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Worker(Response),
}

/// Work [`App::update`] asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Request(Request),
    OpenUrl(String),
    /// A document (PDF): its archived copy when there is one, else its URL.
    OpenDocument {
        path: String,
        url: String,
    },
    CopyUrl(String),
    SaveBasket,
    /// Switch to this basket (loaded from disk by the runtime).
    LoadBasket(String),
    Suspend,
    /// Hand the note of an article to $EDITOR (the runtime leaves the
    /// screen meanwhile), then save what it gives back.
    EditNote {
        id: String,
        path: String,
        note: String,
    },
}

impl App {
    pub fn new(lang: Lang, keymap: Keymap, styles: Styles, basket: Basket, baskets: Vec<String>) -> App {
        App {
            lang,
            keymap,
            styles,
            palette: Palette::default(),
            screen: Screen::Main,
            focus: Focus::Query,
            overlay: Overlay::None,
            query: String::new(),
            cursor: 0,
            themes: vec![ThemeRow {
                id: None,
                label: i18n::ALL.get(lang).into(),
                count: None,
                timeline: Vec::new(),
            }],
            theme_selected: 0,
            results: Results::default(),
            selected: 0,
            filters: Filters::default(),
            filter_row: 0,
            sites: Vec::new(),
            years: Vec::new(),
            archive_size: None,
            reader: None,
            terms: Vec::new(),
            basket,
            baskets,
            basket_hits: Vec::new(),
            basket_selected: 0,
            status: None,
            width: 80,
            height: 24,
            mouse: false,
            brochures_dir: std::path::PathBuf::new(),
            brochure_title: String::new(),
            prompt: String::new(),
            known_labels: Vec::new(),
            mark_read: true,
            quit: false,
            generation: 0,
            analyzer: None,
        }
    }

    /// What the runtime asks for when the UI opens: the theme counts, and
    /// the newest articles (as a mail reader opens on the newest mail).
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::Request(Request::ThemeCounts), Effect::Request(Request::Labels)];
        effects.extend(self.search());
        effects
    }

    /// Whether the list shows the newest articles (nothing typed) rather
    /// than the answer to a query.
    pub fn lists_newest(&self) -> bool {
        self.query.trim().is_empty() && self.results.similar_to.is_none()
    }

    /// The query as the search engine reads it: the words typed, the theme
    /// selected and the filters of the menu.
    pub fn full_query(&self) -> String {
        let mut parts = vec![self.query.trim().to_string()];
        if let Some(Some(id)) = self.themes.get(self.theme_selected).map(|t| t.id.clone()) {
            parts.push(format!("theme:{id}"));
        }
        if let Some(site) = &self.filters.site {
            parts.push(format!("site:{site}"));
        }
        if let Some(kind) = self.filters.kind {
            parts.push(format!("type:{kind}"));
        }
        if let Some(year) = self.filters.since {
            parts.push(format!("depuis:{year}-01-01"));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" ")
    }

    fn search(&mut self) -> Vec<Effect> {
        self.generation += 1;
        self.selected = 0;
        self.results.similar_to = None;
        let query = self.full_query();
        // Nothing typed: the newest articles (of the theme, with the filters).
        let sort = if self.lists_newest() { Sort::Date } else { self.filters.sort };
        self.results.searching = true;
        self.results.generation = self.generation;
        vec![Effect::Request(Request::Search {
            generation: self.generation,
            query,
            sort,
            limit: RESULT_LIMIT,
        })]
    }

    /// The scope of keys in the current state.
    pub fn scope(&self) -> Scope {
        match (self.overlay, self.screen) {
            (Overlay::Filters, _) => Scope::Menu,
            (_, Screen::Reader) => Scope::Reader,
            (_, Screen::Basket) => Scope::Basket,
            _ => Scope::Lists,
        }
    }

    /// Where everything is drawn at the terminal's size as last reported
    /// ([`Msg::Resize`]): the mouse hits what the frame shows there.
    pub fn areas(&self) -> Areas {
        Areas::new(Rect::new(0, 0, self.width, self.height), self)
    }

    pub fn selected_hit(&self) -> Option<&Hit> {
        match self.screen {
            Screen::Reader => self.reader.as_ref().map(|r| &r.hit),
            Screen::Basket => self.basket_hits.get(self.basket_selected),
            Screen::Main => self.results.hits.get(self.selected),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Resize(w, h) => {
                self.width = w;
                self.height = h;
                self.rerender();
                Vec::new()
            }
            Msg::Worker(response) => self.received(response),
            Msg::Key(key) => self.key(key),
            Msg::Mouse(mouse) => self.mouse(mouse),
        }
    }

    fn received(&mut self, response: Response) -> Vec<Effect> {
        match response {
            Response::Results { generation, hits, total, mode, themes, terms } => {
                // An answer to a search the user has since replaced is dropped.
                if generation == self.generation {
                    self.results.hits = hits;
                    self.results.total = total;
                    self.results.mode = Some(mode);
                    self.results.themes = themes;
                    self.results.searching = false;
                    self.results.error = None;
                    self.terms = terms;
                    self.selected = self.selected.min(self.results.hits.len().saturating_sub(1));
                }
            }
            Response::SearchFailed { generation, message } => {
                if generation == self.generation {
                    self.results.searching = false;
                    self.results.hits.clear();
                    self.results.total = 0;
                    self.results.error = Some(message);
                }
            }
            Response::ThemeCounts { all, themes, sites, years } => {
                self.archive_size = Some(all);
                let mut rows = vec![ThemeRow {
                    id: None,
                    label: i18n::ALL.get(self.lang).into(),
                    count: Some(all),
                    timeline: Vec::new(),
                }];
                rows.extend(themes.into_iter().map(|t| ThemeRow {
                    id: Some(t.id),
                    label: t.label,
                    count: Some(t.count),
                    timeline: t.timeline.into_iter().map(|(_, n)| n).collect(),
                }));
                self.themes = rows;
                self.theme_selected = self.theme_selected.min(self.themes.len() - 1);
                self.sites = sites;
                self.years = years;
            }
            Response::Article { id, article, cited_by, linked } => {
                if let Some(reader) = self.reader.as_mut().filter(|r| r.hit.id == id) {
                    reader.article = Some(article);
                    reader.cited_by = cited_by;
                    reader.linked = linked;
                    reader.rendered = None;
                    self.rerender();
                }
            }
            Response::Brochure(result) => {
                self.status = Some(match result {
                    Ok(files) => format!(
                        "{} {}",
                        i18n::EXPORTED.get(self.lang),
                        files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
                    ),
                    Err(e) => e,
                });
            }
            Response::Annotated { id, result } => match result {
                Ok(marks) => {
                    for label in &marks.labels {
                        if let Err(at) = self.known_labels.binary_search(label) {
                            self.known_labels.insert(at, label.clone());
                        }
                    }
                    self.set_marks(&id, &marks);
                }
                Err(e) => self.status = Some(e),
            },
            Response::Labels(labels) => self.known_labels = labels,
            Response::Hits { hits } => {
                self.basket_hits = hits;
                self.basket_selected = self.basket_selected.min(self.basket_hits.len().saturating_sub(1));
            }
        }
        Vec::new()
    }

    /// Wraps the article being read for the current width, and finds the
    /// lines holding a searched word.
    pub fn rerender(&mut self) {
        let width = layout::reader_text_width(self.width).max(20);
        let Some(reader) = self.reader.as_mut() else { return };
        let Some(Ok(article)) = &reader.article else { return };
        if reader.rendered.as_ref().is_some_and(|(w, _)| *w == width) {
            return;
        }
        let rendered = render::render(&article.body, width, &self.styles);
        let terms: HashSet<&str> = self.terms.iter().map(String::as_str).collect();
        reader.matches = if terms.is_empty() {
            Vec::new()
        } else {
            // The article is read with its own language's analyzer, as it was indexed.
            let language = article
                .lang
                .as_deref()
                .and_then(crate::language::Language::from_code)
                .unwrap_or(crate::language::Language::French);
            if self.analyzer.as_ref().is_none_or(|(cached, _)| *cached != language) {
                self.analyzer = Some((language, crate::index::analyzer::of_language(language)));
            }
            let (_, analyzer) = self.analyzer.as_mut().expect("set above");
            rendered
                .lines
                .iter()
                .enumerate()
                .filter(|(_, line)| {
                    let text = render::plain(line);
                    crate::index::analyzer::terms(analyzer, &text)
                        .iter()
                        .any(|(_, t)| terms.contains(t.as_str()))
                })
                .map(|(i, _)| i)
                .collect()
        };
        reader.current_match = None;
        reader.scroll = reader.scroll.min(rendered.lines.len().saturating_sub(1));
        reader.rendered = Some((width, rendered));
    }

    /// Shows the marks an article now has everywhere it is listed or read.
    fn set_marks(&mut self, id: &str, marks: &Annotations) {
        let hits = self.results.hits.iter_mut().chain(self.basket_hits.iter_mut());
        let reader = self.reader.as_mut().filter(|r| r.hit.id == id);
        let reader_hit = reader.map(|r| {
            if let Some(Ok(article)) = r.article.as_mut() {
                article.annotations = marks.clone();
            }
            &mut r.hit
        });
        for hit in hits.chain(reader_hit).filter(|h| h.id == id) {
            hit.labels = marks.labels.iter().cloned().collect();
            hit.note = marks.note.clone();
            hit.read = marks.read;
        }
    }

    /// The article the marks' keys act on: the one read, else the one selected.
    fn marks_target(&self) -> Option<&Hit> {
        match (self.screen, self.focus) {
            (Screen::Main, Focus::Themes) => None,
            _ => self.selected_hit(),
        }
    }

    fn ask_labels(&mut self) -> Vec<Effect> {
        if self.marks_target().is_some() {
            self.prompt.clear();
            self.overlay = Overlay::Labels;
        }
        Vec::new()
    }

    fn ask_note(&mut self) -> Vec<Effect> {
        if let Some(hit) = self.marks_target() {
            self.prompt = hit.note.clone().unwrap_or_default();
            self.overlay = Overlay::Note;
        }
        Vec::new()
    }

    /// The labels the word being typed may become: those of the archive
    /// starting with it (without its `+` or `-`).
    pub fn label_candidates(&self) -> Vec<&str> {
        let word = self.prompt.rsplit(' ').next().unwrap_or_default();
        let stem = word.trim_start_matches(['+', '-']).to_lowercase();
        self.known_labels.iter().map(String::as_str).filter(|l| l.starts_with(&stem)).collect()
    }

    /// Tab in the labels prompt: the word typed grows to what its
    /// candidates share (a whole label, and a space, when there is one).
    fn complete_label(&mut self) {
        let candidates: Vec<String> = self.label_candidates().into_iter().map(str::to_string).collect();
        let Some(first) = candidates.first() else { return };
        let mut shared: String = first.clone();
        for other in &candidates[1..] {
            let common = shared.chars().zip(other.chars()).take_while(|(a, b)| a == b).count();
            shared = shared.chars().take(common).collect();
        }
        let start = self.prompt.rfind(' ').map_or(0, |i| i + 1);
        let word = &self.prompt[start..];
        let sign: String = word.chars().take_while(|c| *c == '+' || *c == '-').collect();
        self.prompt.truncate(start);
        self.prompt.push_str(&sign);
        self.prompt.push_str(&shared);
        if candidates.len() == 1 {
            self.prompt.push(' ');
        }
    }

    /// Enter in the labels prompt: the words as changes; a word that is no
    /// label keeps the prompt open and says why.
    fn apply_labels(&mut self) -> Vec<Effect> {
        let Some(hit) = self.marks_target() else { return Vec::new() };
        let (id, path) = (hit.id.clone(), hit.path.clone());
        let (mut add, mut remove) = (Vec::new(), Vec::new());
        for word in self.prompt.split_whitespace() {
            let (list, text) = match word.strip_prefix('-') {
                Some(rest) => (&mut remove, rest),
                None => (&mut add, word.strip_prefix('+').unwrap_or(word)),
            };
            match crate::corpus::annotations::label(text) {
                Ok(label) => list.push(label),
                Err(e) => {
                    self.status = Some(e.to_string());
                    return Vec::new();
                }
            }
        }
        self.overlay = Overlay::None;
        if add.is_empty() && remove.is_empty() {
            return Vec::new();
        }
        self.status = Some(i18n::SAVED_MARKS.get(self.lang).to_string());
        vec![Effect::Request(Request::Annotate { id, path, change: MarkChange::Labels { add, remove } })]
    }

    /// A key in the labels or note prompt.
    fn edit_prompt(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let labels = self.overlay == Overlay::Labels;
        match key.code {
            KeyCode::Esc => self.overlay = Overlay::None,
            KeyCode::Enter if labels => return self.apply_labels(),
            KeyCode::Enter => {
                self.overlay = Overlay::None;
                let Some(hit) = self.marks_target() else { return Vec::new() };
                let (id, path) = (hit.id.clone(), hit.path.clone());
                self.status = Some(i18n::SAVED_MARKS.get(self.lang).to_string());
                let note = std::mem::take(&mut self.prompt);
                return vec![Effect::Request(Request::Annotate { id, path, change: MarkChange::Note(note) })];
            }
            KeyCode::Tab if labels => self.complete_label(),
            KeyCode::Char('e') if ctrl && !labels => {
                self.overlay = Overlay::None;
                let Some(hit) = self.marks_target() else { return Vec::new() };
                let (id, path) = (hit.id.clone(), hit.path.clone());
                return vec![Effect::EditNote { id, path, note: std::mem::take(&mut self.prompt) }];
            }
            KeyCode::Char('u') if ctrl => self.prompt.clear(),
            KeyCode::Backspace => {
                self.prompt.pop();
            }
            KeyCode::Char(c) if !ctrl && self.prompt.chars().count() < 2000 => self.prompt.push(c),
            _ => {}
        }
        Vec::new()
    }

    fn open(&mut self, hit: Hit) -> Vec<Effect> {
        let request = Request::Article { id: hit.id.clone(), path: hit.path.clone() };
        let mut effects = Vec::new();
        if self.mark_read && !hit.read {
            let (id, path) = (hit.id.clone(), hit.path.clone());
            effects.push(Effect::Request(Request::Annotate { id, path, change: MarkChange::Read }));
        }
        self.reader = Some(Reader {
            hit,
            article: None,
            rendered: None,
            scroll: 0,
            matches: Vec::new(),
            current_match: None,
            cited_by: Vec::new(),
            linked: Vec::new(),
        });
        self.screen = Screen::Reader;
        effects.insert(0, Effect::Request(request));
        effects
    }

    fn toggle_basket(&mut self) -> Vec<Effect> {
        let Some(id) = self.selected_hit().map(|h| h.id.clone()) else { return Vec::new() };
        let added = self.basket.toggle(&id);
        self.status = Some(if added { i18n::ADDED } else { i18n::REMOVED }.get(self.lang).to_string());
        if self.screen == Screen::Basket {
            self.basket_hits.retain(|h| self.basket.contains(&h.id));
            self.basket_selected = self.basket_selected.min(self.basket_hits.len().saturating_sub(1));
        }
        vec![Effect::SaveBasket]
    }

    fn url_action(&mut self, copy: bool) -> Vec<Effect> {
        let document = self.selected_hit().filter(|h| h.kind == "document").map(|h| h.path.clone());
        match self.selected_hit().and_then(|h| h.url.clone()) {
            Some(url) => {
                self.status = Some(if copy { i18n::COPIED } else { i18n::OPENED }.get(self.lang).to_string());
                vec![match (copy, document) {
                    (true, _) => Effect::CopyUrl(url),
                    (false, Some(path)) => Effect::OpenDocument { path, url },
                    (false, None) => Effect::OpenUrl(url),
                }]
            }
            None => {
                self.status = Some(i18n::NO_URL.get(self.lang).to_string());
                Vec::new()
            }
        }
    }

    fn similar(&mut self) -> Vec<Effect> {
        let Some(hit) = self.selected_hit().cloned() else { return Vec::new() };
        self.generation += 1;
        self.screen = Screen::Main;
        self.focus = Focus::Results;
        self.selected = 0;
        self.results.searching = true;
        self.results.generation = self.generation;
        self.results.similar_to = Some(hit.title.clone());
        vec![Effect::Request(Request::Similar { generation: self.generation, id: hit.id, limit: 30 })]
    }

    /// A key while the brochure's title is asked: text editing, Enter makes
    /// the brochure (and keeps the title in the basket), Esc gives up.
    fn edit_brochure_title(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            KeyCode::Enter => {
                let title = self.brochure_title.trim().to_string();
                if title.is_empty() {
                    return Vec::new();
                }
                self.overlay = Overlay::None;
                self.status = Some(i18n::EXPORTING.get(self.lang).to_string());
                let mut effects = Vec::new();
                if self.basket.title.as_deref() != Some(title.as_str()) {
                    self.basket.title = Some(title.clone());
                    effects.push(Effect::SaveBasket);
                }
                effects.push(Effect::Request(Request::Brochure {
                    basket: self.basket.name.clone(),
                    title,
                    dir: self.brochures_dir.clone(),
                }));
                effects
            }
            KeyCode::Backspace => {
                self.brochure_title.pop();
                Vec::new()
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.brochure_title.clear();
                Vec::new()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if self.brochure_title.chars().count() < 200 {
                    self.brochure_title.push(c);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn page(&self) -> usize {
        (self.height as usize).saturating_sub(8).max(1)
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.status = None;
        if self.overlay == Overlay::Help {
            // Any key closes the help; the quit keys also quit.
            self.overlay = Overlay::None;
            if self.keymap.action(Scope::Global, &key) == Some(Action::Quit) {
                self.quit = true;
            }
            return Vec::new();
        }
        if self.overlay == Overlay::BrochureTitle {
            return self.edit_brochure_title(key);
        }
        if matches!(self.overlay, Overlay::Labels | Overlay::Note) {
            return self.edit_prompt(key);
        }
        if self.focus == Focus::Query
            && self.screen == Screen::Main
            && self.overlay == Overlay::None
            && let Some(effects) = self.edit_query(key)
        {
            return effects;
        }
        match self.keymap.action(self.scope(), &key) {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    /// Typing in the query line; `None` when the key is not for the line.
    fn edit_query(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let chars: Vec<char> = self.query.chars().collect();
        match key.code {
            KeyCode::Char(c) if !ctrl => {
                let at = self.byte_at(self.cursor);
                self.query.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Char('u') if ctrl => {
                self.query.clear();
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.query.replace_range(a..b, "");
                self.cursor = start;
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                return Some(Vec::new());
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = chars.len();
                return Some(Vec::new());
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                self.query.replace_range(a..b, "");
                self.cursor -= 1;
            }
            KeyCode::Backspace => return Some(Vec::new()),
            KeyCode::Delete if self.cursor < chars.len() => {
                let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                self.query.replace_range(a..b, "");
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                return Some(Vec::new());
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(chars.len());
                return Some(Vec::new());
            }
            KeyCode::Home => {
                self.cursor = 0;
                return Some(Vec::new());
            }
            KeyCode::End => {
                self.cursor = chars.len();
                return Some(Vec::new());
            }
            KeyCode::Esc | KeyCode::Tab => {
                self.focus = Focus::Results;
                return Some(Vec::new());
            }
            KeyCode::Enter => {
                return Some(match self.results.hits.get(self.selected).cloned() {
                    Some(hit) => self.open(hit),
                    None => Vec::new(),
                });
            }
            KeyCode::Up => return Some(self.act(Action::Up)),
            KeyCode::Down => return Some(self.act(Action::Down)),
            KeyCode::PageUp => return Some(self.act(Action::PageUp)),
            KeyCode::PageDown => return Some(self.act(Action::PageDown)),
            _ => return None,
        }
        Some(self.search())
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.query.char_indices().nth(chars).map_or(self.query.len(), |(i, _)| i)
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match (self.scope(), action) {
            (_, Action::Quit) => {
                self.quit = true;
                Vec::new()
            }
            (_, Action::Suspend) => vec![Effect::Suspend],
            (_, Action::Help) => {
                self.overlay = Overlay::Help;
                Vec::new()
            }
            (_, Action::FocusSearch) => {
                self.screen = Screen::Main;
                self.overlay = Overlay::None;
                self.focus = Focus::Query;
                self.cursor = self.query.chars().count();
                Vec::new()
            }
            (Scope::Menu, action) => self.menu(action),
            (Scope::Reader, action) => self.reader_action(action),
            (Scope::Basket, action) => self.basket_action(action),
            (_, action) => self.list_action(action),
        }
    }

    fn list_action(&mut self, action: Action) -> Vec<Effect> {
        let on_themes = self.focus == Focus::Themes;
        let (len, at) = if on_themes {
            (self.themes.len(), self.theme_selected)
        } else {
            (self.results.hits.len(), self.selected)
        };
        let moved = match action {
            Action::Up => Some(at.saturating_sub(1)),
            Action::Down => Some((at + 1).min(len.saturating_sub(1))),
            Action::PageUp => Some(at.saturating_sub(self.page())),
            Action::PageDown => Some((at + self.page()).min(len.saturating_sub(1))),
            Action::Top => Some(0),
            Action::Bottom => Some(len.saturating_sub(1)),
            _ => None,
        };
        if let Some(to) = moved {
            if on_themes {
                if to != self.theme_selected {
                    self.theme_selected = to;
                    return self.search();
                }
            } else {
                self.selected = to;
            }
            return Vec::new();
        }
        match action {
            Action::NextPane => {
                self.focus = match self.focus {
                    Focus::Themes => Focus::Results,
                    _ => Focus::Themes,
                };
                Vec::new()
            }
            Action::Open if on_themes => {
                self.focus = Focus::Query;
                self.cursor = self.query.chars().count();
                Vec::new()
            }
            Action::Open => match self.results.hits.get(self.selected).cloned() {
                Some(hit) => self.open(hit),
                None => Vec::new(),
            },
            Action::ToggleBasket => self.toggle_basket(),
            Action::Similar => self.similar(),
            Action::OpenBrowser => self.url_action(false),
            Action::CopyUrl => self.url_action(true),
            Action::Filters => {
                self.overlay = Overlay::Filters;
                Vec::new()
            }
            Action::ToggleSort => {
                self.filters.sort = match self.filters.sort {
                    Sort::Relevance => Sort::Date,
                    Sort::Date => Sort::Relevance,
                };
                self.search()
            }
            Action::Labels => self.ask_labels(),
            Action::Note => self.ask_note(),
            Action::ShowBasket => {
                self.screen = Screen::Basket;
                vec![Effect::Request(Request::Hits { ids: self.basket.articles.clone() })]
            }
            _ => Vec::new(),
        }
    }

    fn reader_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page();
        match action {
            Action::Back => {
                self.screen = if self
                    .basket_hits
                    .iter()
                    .any(|h| Some(&h.id) == self.reader.as_ref().map(|r| &r.hit.id))
                    && self.results.hits.get(self.selected).map(|h| &h.id)
                        != self.reader.as_ref().map(|r| &r.hit.id)
                {
                    Screen::Basket
                } else {
                    Screen::Main
                };
                self.reader = None;
                self.focus = Focus::Results;
                Vec::new()
            }
            Action::ToggleBasket => self.toggle_basket(),
            Action::OpenBrowser => self.url_action(false),
            Action::CopyUrl => self.url_action(true),
            Action::Similar => self.similar(),
            Action::Labels => self.ask_labels(),
            Action::Note => self.ask_note(),
            Action::NextMatch | Action::PrevMatch => {
                let Some(reader) = self.reader.as_mut() else { return Vec::new() };
                if reader.matches.is_empty() {
                    self.status = Some(i18n::NO_MATCH_IN_TEXT.get(self.lang).to_string());
                    return Vec::new();
                }
                let n = reader.matches.len();
                let next = match (reader.current_match, action) {
                    (None, Action::NextMatch) => {
                        reader.matches.iter().position(|&l| l >= reader.scroll).unwrap_or(0)
                    }
                    (None, _) => reader.matches.iter().rposition(|&l| l < reader.scroll).unwrap_or(n - 1),
                    (Some(i), Action::NextMatch) => (i + 1) % n,
                    (Some(i), _) => (i + n - 1) % n,
                };
                reader.current_match = Some(next);
                reader.scroll = reader.matches[next].saturating_sub(2);
                self.status = Some(format!("{}/{n}", next + 1));
                Vec::new()
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                let Some(reader) = self.reader.as_mut() else { return Vec::new() };
                let last = reader.rendered.as_ref().map_or(0, |(_, r)| r.lines.len().saturating_sub(1));
                reader.scroll = match action {
                    Action::Up => reader.scroll.saturating_sub(1),
                    Action::Down => reader.scroll + 1,
                    Action::PageUp => reader.scroll.saturating_sub(page),
                    Action::PageDown => reader.scroll + page,
                    Action::Top => 0,
                    _ => last,
                }
                .min(last);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn basket_action(&mut self, action: Action) -> Vec<Effect> {
        let len = self.basket_hits.len();
        match action {
            Action::Back => {
                self.screen = Screen::Main;
                Vec::new()
            }
            Action::Up => {
                self.basket_selected = self.basket_selected.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                self.basket_selected = (self.basket_selected + 1).min(len.saturating_sub(1));
                Vec::new()
            }
            Action::MoveUp | Action::MoveDown => {
                let Some(id) = self.basket_hits.get(self.basket_selected).map(|h| h.id.clone()) else {
                    return Vec::new();
                };
                let Some(index) = self.basket.articles.iter().position(|a| *a == id) else {
                    return Vec::new();
                };
                let moved = if action == Action::MoveUp {
                    self.basket.move_up(index)
                } else {
                    self.basket.move_down(index)
                };
                if moved.is_none() {
                    return Vec::new();
                }
                let order: HashMap<&str, usize> =
                    self.basket.articles.iter().enumerate().map(|(i, a)| (a.as_str(), i)).collect();
                self.basket_hits.sort_by_key(|h| order.get(h.id.as_str()).copied().unwrap_or(usize::MAX));
                self.basket_selected = self.basket_hits.iter().position(|h| h.id == id).unwrap_or(0);
                vec![Effect::SaveBasket]
            }
            Action::Open => match self.basket_hits.get(self.basket_selected).cloned() {
                Some(hit) => self.open(hit),
                None => Vec::new(),
            },
            Action::ToggleBasket => self.toggle_basket(),
            Action::Similar => self.similar(),
            Action::OpenBrowser => self.url_action(false),
            Action::CopyUrl => self.url_action(true),
            Action::Export if !self.basket.articles.is_empty() => {
                // The title is asked first, prefilled with the basket's own.
                self.brochure_title = self.basket.title.clone().unwrap_or_default();
                self.overlay = Overlay::BrochureTitle;
                Vec::new()
            }
            Action::NextBasket if !self.baskets.is_empty() => {
                let at = self
                    .baskets
                    .iter()
                    .position(|b| *b == self.basket.name)
                    .map_or(0, |i| (i + 1) % self.baskets.len());
                vec![Effect::LoadBasket(self.baskets[at].clone())]
            }
            _ => Vec::new(),
        }
    }

    /// After the runtime loaded another basket.
    pub fn basket_loaded(&mut self, basket: Basket) -> Vec<Effect> {
        self.basket = basket;
        self.basket_selected = 0;
        vec![Effect::Request(Request::Hits { ids: self.basket.articles.clone() })]
    }

    fn menu(&mut self, action: Action) -> Vec<Effect> {
        const ROWS: usize = 4;
        match action {
            Action::Back => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            Action::Up => {
                self.filter_row = (self.filter_row + ROWS - 1) % ROWS;
                Vec::new()
            }
            Action::Down => {
                self.filter_row = (self.filter_row + 1) % ROWS;
                Vec::new()
            }
            Action::Left | Action::Right => {
                let forward = action == Action::Right;
                match self.filter_row {
                    0 => self.filters.site = cycle(&self.sites, self.filters.site.clone(), forward),
                    1 => {
                        let kinds: Vec<&'static str> = KINDS.to_vec();
                        self.filters.kind = cycle(&kinds, self.filters.kind, forward);
                    }
                    2 => {
                        let years: Vec<i32> = self.years.iter().rev().copied().collect();
                        self.filters.since = cycle(&years, self.filters.since, forward);
                    }
                    _ => {
                        self.filters.sort = match self.filters.sort {
                            Sort::Relevance => Sort::Date,
                            Sort::Date => Sort::Relevance,
                        }
                    }
                }
                self.search()
            }
            _ => Vec::new(),
        }
    }

    fn mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if !self.mouse {
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => self.act(Action::Down),
            MouseEventKind::ScrollUp => self.act(Action::Up),
            MouseEventKind::Down(_) if self.screen == Screen::Main && self.overlay == Overlay::None => {
                let ScreenAreas::Main(main) = self.areas().screen else { return Vec::new() };
                let at = Position::new(mouse.column, mouse.row);
                if let Some(index) = main.theme_at(at) {
                    if index < self.themes.len() && index != self.theme_selected {
                        self.focus = Focus::Themes;
                        self.theme_selected = index;
                        return self.search();
                    }
                } else if let Some(index) = main.results.hit_at(at) {
                    if self.selected == index && self.focus == Focus::Results {
                        return self.act(Action::Open);
                    }
                    self.focus = Focus::Results;
                    self.selected = index;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

/// The next (or previous) value of a menu row; `None` is "any", before the first.
fn cycle<T: Clone + PartialEq>(values: &[T], current: Option<T>, forward: bool) -> Option<T> {
    let at = current.as_ref().and_then(|c| values.iter().position(|v| v == c));
    let n = values.len();
    if n == 0 {
        return None;
    }
    let next = match (at, forward) {
        (None, true) => Some(0),
        (None, false) => Some(n - 1),
        (Some(i), true) if i + 1 < n => Some(i + 1),
        (Some(i), false) if i > 0 => Some(i - 1),
        _ => None,
    };
    next.map(|i| values[i].clone())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn hit(id: &str, title: &str) -> Hit {
        Hit {
            id: id.into(),
            title: title.into(),
            subtitle: None,
            site: "la-lime".into(),
            site_name: "La Lime".into(),
            kind: "article".into(),
            lang: "fr".into(),
            authors: vec![],
            published: Some("2025-03-11".into()),
            url: Some(format!("https://lalime.example/{id}")),
            path: format!("articles/la-lime/2025/03/{id}.md"),
            score: 1.0,
            snippet: None,
            also_on: vec![],
            also_on_names: vec![],
            reprises: 0,
            partial: false,
            labels: vec![],
            note: None,
            read: false,
        }
    }

    fn app() -> App {
        App::new(Lang::Fr, Keymap::default(), Styles::default(), Basket::new("panier").unwrap(), vec![])
    }

    /// The search screen of a `width`×`height` terminal with the mouse on,
    /// the sidebar's rows « Tout », « Eau », « Énergie » and `count` results
    /// for « eau » (titles "Article 0", "Article 1"…), the query focused.
    pub(crate) fn searched(width: u16, height: u16, count: usize) -> App {
        let mut app = app();
        app.mouse = true;
        app.update(Msg::Resize(width, height));
        let theme = |id: &str, label: &str| crate::index::themes::ThemeCount {
            id: id.into(),
            label: label.into(),
            count: 3,
            timeline: vec![],
        };
        app.update(Msg::Worker(Response::ThemeCounts {
            all: 64,
            themes: vec![theme("eau", "Eau"), theme("energie", "Énergie")],
            sites: vec![],
            years: vec![],
        }));
        let effects = typed(&mut app, "eau");
        let Some(Effect::Request(Request::Search { generation, .. })) = effects.last().cloned() else {
            panic!("typing searches")
        };
        let hits = (0..count).map(|i| hit(&i.to_string(), &format!("Article {i}"))).collect();
        results(&mut app, generation, hits);
        app
    }

    fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn typed(app: &mut App, text: &str) -> Vec<Effect> {
        text.chars().flat_map(|c| press(app, KeyCode::Char(c))).collect()
    }

    #[test]
    fn a_brochure_from_the_basket_asks_its_title_first() {
        let mut app = app();
        app.basket.articles.push("1".into());
        app.screen = Screen::Basket;
        assert!(typed(&mut app, "e").is_empty(), "nothing is made before the title is given");
        assert_eq!(app.overlay, Overlay::BrochureTitle);
        assert_eq!(app.brochure_title, "", "a basket without a title starts empty, not 'panier'");
        assert!(press(&mut app, KeyCode::Enter).is_empty(), "an empty title makes nothing");
        typed(&mut app, "L'eauX");
        press(&mut app, KeyCode::Backspace);
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(app.overlay, Overlay::None);
        assert!(matches!(effects[0], Effect::SaveBasket), "the title is kept in the basket");
        assert!(
            matches!(&effects[1], Effect::Request(Request::Brochure { title, basket, .. }) if title == "L'eau" && basket == "panier")
        );
        assert_eq!(app.basket.title.as_deref(), Some("L'eau"));
        // Next time the basket's title is offered; Esc gives up.
        typed(&mut app, "e");
        assert_eq!(app.brochure_title, "L'eau");
        assert!(press(&mut app, KeyCode::Esc).is_empty());
        assert_eq!(app.overlay, Overlay::None);
    }

    fn results(app: &mut App, generation: u64, hits: Vec<Hit>) {
        let total = hits.len();
        app.update(Msg::Worker(Response::Results {
            generation,
            hits,
            total,
            mode: Mode::AllWords,
            themes: HashMap::new(),
            terms: vec!["eau".into()],
        }));
    }

    #[test]
    fn typing_searches_and_a_newer_search_supersedes_an_older_one() {
        let mut app = app();
        let effects = typed(&mut app, "eau");
        assert_eq!(effects.len(), 3, "one search per keystroke");
        let Effect::Request(Request::Search { generation, query, .. }) = effects.last().unwrap().clone()
        else {
            panic!()
        };
        assert_eq!(query, "eau");
        results(&mut app, generation - 1, vec![hit("old", "Ancien")]);
        assert!(app.results.hits.is_empty(), "a stale answer is dropped");
        results(&mut app, generation, vec![hit("a", "A"), hit("b", "B")]);
        assert_eq!(app.results.hits.len(), 2);
        press(&mut app, KeyCode::Down);
        assert_eq!(app.selected, 1);
        press(&mut app, KeyCode::Backspace);
        assert_eq!(app.query, "ea");
        assert_eq!(app.selected, 0);
    }

    #[test]
    fn letters_are_text_in_the_query_and_keys_in_the_lists() {
        let mut app = app();
        typed(&mut app, "q");
        assert!(!app.quit && app.query == "q");
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.focus, Focus::Results);
        typed(&mut app, "?");
        assert_eq!(app.overlay, Overlay::Help);
        typed(&mut app, "x");
        assert_eq!(app.overlay, Overlay::None);
        typed(&mut app, "/");
        assert_eq!(app.focus, Focus::Query);
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(app.quit, "ctrl-c quits even while typing");
    }

    #[test]
    fn themes_and_filters_become_query_filters() {
        let mut app = app();
        app.update(Msg::Worker(Response::ThemeCounts {
            all: 64,
            themes: vec![crate::index::themes::ThemeCount {
                id: "eau".into(),
                label: "Eau".into(),
                count: 9,
                timeline: vec![],
            }],
            sites: vec!["la-lime".into(), "kiosque-breches".into()],
            years: vec![2024, 2025],
        }));
        typed(&mut app, "usine");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        assert_eq!(app.focus, Focus::Themes);
        let effects = typed(&mut app, "j");
        assert!(
            matches!(&effects[0], Effect::Request(Request::Search { query, .. }) if query == "usine theme:eau")
        );
        typed(&mut app, "f");
        assert_eq!(app.overlay, Overlay::Filters);
        typed(&mut app, "l");
        assert_eq!(app.filters.site.as_deref(), Some("la-lime"));
        typed(&mut app, "jl");
        assert_eq!(app.filters.kind, Some("article"));
        typed(&mut app, "jl");
        assert_eq!(app.filters.since, Some(2025));
        assert_eq!(app.full_query(), "usine theme:eau site:la-lime type:article depuis:2025-01-01");
        let effects = typed(&mut app, "jl");
        assert!(matches!(&effects[0], Effect::Request(Request::Search { sort: Sort::Date, .. })));
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay, Overlay::None);
    }

    #[test]
    fn mouse_clicks_select_then_open_and_the_wheel_scrolls_when_enabled() {
        use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
        let mouse =
            |kind, column, row| Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE });
        let mut app = app();
        app.update(Msg::Resize(120, 40));
        let effects = typed(&mut app, "eau");
        let Effect::Request(Request::Search { generation, .. }) = effects.last().unwrap().clone() else {
            panic!()
        };
        results(&mut app, generation, vec![hit("a", "A"), hit("b", "B"), hit("c", "C")]);
        // Off by default: nothing happens.
        assert!(app.update(mouse(MouseEventKind::Down(MouseButton::Left), 60, 7)).is_empty());
        assert_eq!(app.selected, 0);
        app.mouse = true;
        app.update(mouse(MouseEventKind::Down(MouseButton::Left), 60, 7));
        assert_eq!((app.focus, app.selected), (Focus::Results, 1), "the second result's rows");
        let effects = app.update(mouse(MouseEventKind::Down(MouseButton::Left), 60, 8));
        assert_eq!(app.screen, Screen::Reader, "a click on the selected result opens it");
        assert!(matches!(&effects[0], Effect::Request(Request::Article { id, .. }) if id == "b"));
        press(&mut app, KeyCode::Esc);
        app.update(mouse(MouseEventKind::ScrollDown, 60, 10));
        assert_eq!(app.selected, 2);
        app.update(mouse(MouseEventKind::ScrollUp, 60, 10));
        assert_eq!(app.selected, 1);
    }

    /// The terminal sizes the mouse is tried at (those of the snapshots).
    const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

    fn mouse(app: &mut App, kind: MouseEventKind, at: Position) -> Vec<Effect> {
        app.update(Msg::Mouse(MouseEvent { kind, column: at.x, row: at.y, modifiers: KeyModifiers::NONE }))
    }

    fn click(app: &mut App, at: Position) -> Vec<Effect> {
        mouse(app, MouseEventKind::Down(crossterm::event::MouseButton::Left), at)
    }

    fn main_areas(app: &App) -> layout::MainAreas {
        let ScreenAreas::Main(main) = app.areas().screen else { panic!("the search screen's areas") };
        main
    }

    #[test]
    fn a_click_anywhere_on_the_second_result_selects_it_and_a_second_click_opens_it() {
        for (width, height) in SIZES {
            let rows = main_areas(&searched(width, height, 3)).results.hit_area(1).unwrap();
            assert_eq!(rows.height, 3, "{width}×{height}: title, metadata, snippet");
            for at in rows.positions() {
                let mut app = searched(width, height, 3);
                assert!(click(&mut app, at).is_empty(), "{width}×{height} {at:?}");
                assert_eq!((app.focus, app.selected), (Focus::Results, 1), "{width}×{height} {at:?}");
            }
            let mut app = searched(width, height, 3);
            click(&mut app, Position::new(rows.x, rows.y));
            let effects = click(&mut app, Position::new(rows.right() - 1, rows.bottom() - 1));
            assert_eq!(
                app.screen,
                Screen::Reader,
                "{width}×{height}: a click on the selected result opens it"
            );
            // The article, and its read mark.
            assert!(matches!(&effects[..], [Effect::Request(Request::Article { id, .. }), _] if id == "1"));
        }
    }

    #[test]
    fn a_click_on_a_scrolled_list_selects_the_result_drawn_there() {
        for (width, height) in SIZES {
            let mut app = searched(width, height, 30);
            app.selected = 20;
            let list = main_areas(&app).results;
            let fit = usize::from(list.inner.height / layout::HIT_ROWS);
            assert_eq!(list.shown, 21 - fit..21, "{width}×{height}: the selected result is the last shown");
            let top = list.hit_area(list.shown.start).unwrap();
            click(&mut app, top.as_position());
            assert_eq!(app.selected, list.shown.start, "{width}×{height}");
        }
    }

    #[test]
    fn a_click_on_a_theme_selects_it_and_searches_in_it() {
        for (width, height) in SIZES {
            let mut app = searched(width, height, 3);
            let sidebar = main_areas(&app).themes.expect("a sidebar from 70 columns");
            // The sidebar's rows: « Tout », « Eau », « Énergie », under its top border.
            let energie = Position::new(sidebar.x + 3, sidebar.y + 1 + 2);
            let effects = click(&mut app, energie);
            assert_eq!((app.focus, app.theme_selected), (Focus::Themes, 2), "{width}×{height}");
            assert!(
                matches!(&effects[..], [Effect::Request(Request::Search { query, .. })] if query == "eau theme:energie"),
                "{width}×{height}: {effects:?}"
            );
            assert!(click(&mut app, energie).is_empty(), "{width}×{height}: the theme already selected");
            let tout = Position::new(sidebar.right() - 2, sidebar.y + 1);
            assert!(
                matches!(&click(&mut app, tout)[..], [Effect::Request(Request::Search { query, .. })] if query == "eau")
            );
            assert_eq!(app.theme_selected, 0, "{width}×{height}");
        }
    }

    #[test]
    fn the_wheel_over_the_results_moves_the_selection() {
        for (width, height) in SIZES {
            let mut app = searched(width, height, 3);
            let over = main_areas(&app).results.hit_area(0).unwrap().as_position();
            assert!(mouse(&mut app, MouseEventKind::ScrollDown, over).is_empty());
            assert_eq!(app.selected, 1, "{width}×{height}");
            mouse(&mut app, MouseEventKind::ScrollDown, over);
            mouse(&mut app, MouseEventKind::ScrollDown, over);
            assert_eq!(app.selected, 2, "{width}×{height}: the last result stays selected");
            mouse(&mut app, MouseEventKind::ScrollUp, over);
            assert_eq!(app.selected, 1, "{width}×{height}");
        }
    }

    #[test]
    fn a_click_on_nothing_clickable_changes_nothing() {
        for (width, height) in SIZES {
            // A short list, and one that fills the block; « Eau » selected.
            for count in [3, 30] {
                let searched = || {
                    let mut app = searched(width, height, count);
                    app.theme_selected = 1;
                    app
                };
                let app = searched();
                let areas = app.areas();
                let main = main_areas(&app);
                let (sidebar, list) = (main.themes.unwrap(), &main.results);
                let mut places = vec![
                    ("the query box", Position::new(main.query.x + 2, main.query.y + 1)),
                    ("the results' top border", Position::new(list.block.x + 5, list.block.y)),
                    ("the results' bottom border", Position::new(list.block.x + 5, list.block.bottom() - 1)),
                    ("the results' right border", Position::new(list.block.right() - 1, list.inner.y)),
                    ("the sidebar's top border", Position::new(sidebar.x + 3, sidebar.y)),
                    ("the sidebar under the last theme", Position::new(sidebar.x + 3, sidebar.y + 1 + 3)),
                    ("the status bar", Position::new(list.inner.x + 5, areas.status.y)),
                    ("the hint bar", Position::new(list.inner.x + 5, areas.hints.y)),
                ];
                let under_the_last = list.hit_area(list.shown.end - 1).unwrap().bottom();
                if under_the_last < list.inner.bottom() {
                    places.push((
                        "under the last result drawn",
                        Position::new(list.inner.x + 5, under_the_last),
                    ));
                }
                for (place, at) in places {
                    let mut app = searched();
                    let before = (app.screen, app.focus, app.selected, app.theme_selected);
                    assert!(click(&mut app, at).is_empty(), "{width}×{height}, {count} results: {place}");
                    assert_eq!(
                        (app.screen, app.focus, app.selected, app.theme_selected),
                        before,
                        "{width}×{height}, {count} results: {place}"
                    );
                }
            }
            // Nor does a click under an overlay, or with the mouse off.
            let mut app = searched(width, height, 3);
            let second = main_areas(&app).results.hit_area(1).unwrap().as_position();
            press(&mut app, KeyCode::Esc);
            typed(&mut app, "f");
            assert_eq!(app.overlay, Overlay::Filters);
            assert!(click(&mut app, second).is_empty());
            assert_eq!(app.selected, 0, "{width}×{height}: under the filters");
            let mut app = searched(width, height, 3);
            app.mouse = false;
            assert!(click(&mut app, second).is_empty());
            assert_eq!((app.focus, app.selected), (Focus::Query, 0), "{width}×{height}: mouse off");
        }
    }

    #[test]
    fn without_a_sidebar_the_results_take_the_whole_width() {
        let mut app = searched(60, 20, 3);
        let main = main_areas(&app);
        assert_eq!(main.themes, None, "no sidebar under 70 columns");
        let second = main.results.hit_area(1).unwrap();
        assert_eq!(second.x, 1, "just inside the results' left border");
        click(&mut app, second.as_position());
        assert_eq!((app.focus, app.selected), (Focus::Results, 1));
    }

    #[test]
    fn o_opens_a_documents_archived_copy() {
        let mut app = app();
        let effects = typed(&mut app, "eau");
        let Effect::Request(Request::Search { generation, .. }) = effects.last().unwrap().clone() else {
            panic!()
        };
        let mut document = hit("d", "Brochure");
        document.kind = "document".into();
        document.url = Some("https://kiosque.example/IMG/pdf/brochure.pdf".into());
        results(&mut app, generation, vec![document]);
        press(&mut app, KeyCode::Esc);
        assert_eq!(
            typed(&mut app, "o"),
            [Effect::OpenDocument {
                path: "articles/la-lime/2025/03/d.md".into(),
                url: "https://kiosque.example/IMG/pdf/brochure.pdf".into()
            }]
        );
        assert_eq!(
            typed(&mut app, "y"),
            [Effect::CopyUrl("https://kiosque.example/IMG/pdf/brochure.pdf".into())]
        );
    }

    #[test]
    fn reader_basket_and_actions() {
        let mut app = app();
        let effects = typed(&mut app, "eau");
        let Effect::Request(Request::Search { generation, .. }) = effects.last().unwrap().clone() else {
            panic!()
        };
        results(&mut app, generation, vec![hit("a", "A"), hit("b", "B")]);
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(app.screen, Screen::Reader);
        assert_eq!(
            effects,
            [
                Effect::Request(Request::Article {
                    id: "a".into(),
                    path: "articles/la-lime/2025/03/a.md".into()
                }),
                Effect::Request(Request::Annotate {
                    id: "a".into(),
                    path: "articles/la-lime/2025/03/a.md".into(),
                    change: MarkChange::Read
                })
            ]
        );
        let mut article = Article::new("a", "la-lime", "A");
        article.body = "Premier paragraphe.\n\nL’eau des rivières.\n\nAutre chose.\n\nEncore l'eau.".into();
        app.update(Msg::Worker(Response::Article {
            id: "a".into(),
            article: Ok(Box::new(article)),
            cited_by: vec![],
            linked: vec![],
        }));
        let reader = app.reader.as_ref().unwrap();
        assert_eq!(reader.matches.len(), 2, "lines with the searched word: {:?}", reader.matches);
        typed(&mut app, "n");
        assert_eq!(app.reader.as_ref().unwrap().current_match, Some(0));
        typed(&mut app, "n");
        assert_eq!(app.reader.as_ref().unwrap().current_match, Some(1));
        assert_eq!(typed(&mut app, "a"), [Effect::SaveBasket]);
        assert!(app.basket.contains("a"));
        assert_eq!(typed(&mut app, "o"), [Effect::OpenUrl("https://lalime.example/a".into())]);
        assert_eq!(typed(&mut app, "y"), [Effect::CopyUrl("https://lalime.example/a".into())]);
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.screen, Screen::Main);
        press(&mut app, KeyCode::Down);
        typed(&mut app, " ");
        assert_eq!(app.basket.articles, ["a", "b"]);
        let effects = typed(&mut app, "p");
        assert_eq!(app.screen, Screen::Basket);
        assert_eq!(effects, [Effect::Request(Request::Hits { ids: vec!["a".into(), "b".into()] })]);
        app.update(Msg::Worker(Response::Hits { hits: vec![hit("a", "A"), hit("b", "B")] }));
        typed(&mut app, "j");
        assert_eq!(typed(&mut app, "K"), [Effect::SaveBasket]);
        assert_eq!(app.basket.articles, ["b", "a"]);
        assert_eq!(app.basket_hits[0].id, "b");
        typed(&mut app, "d");
        assert_eq!(app.basket.articles, ["a"]);
        let effects = typed(&mut app, "s");
        assert!(matches!(&effects[0], Effect::Request(Request::Similar { id, .. }) if id == "a"));
        assert_eq!(app.screen, Screen::Main);
    }

    #[test]
    fn menu_values_cycle_through_any() {
        assert_eq!(cycle(&[1, 2], None, true), Some(1));
        assert_eq!(cycle(&[1, 2], Some(2), true), None);
        assert_eq!(cycle(&[1, 2], None, false), Some(2));
        assert_eq!(cycle::<i32>(&[], None, true), None);
    }
}
