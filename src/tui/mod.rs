//! The terminal UI (`veille` with no command, or `veille tui`): search as
//! you type, themes with counts and timelines, a reader, baskets for
//! brochures. ratatui draws, crossterm reads the keyboard.
//!
//! Three threads: the input thread forwards terminal events, the worker
//! ([`worker`]) runs searches and loads articles, and the main thread owns
//! the state ([`app::App`]), applies each message with `App::update`, runs
//! the effects it returns and draws ([`view::draw`], a pure function of the
//! state) after every message. Nothing waits on a frame rate: a keystroke
//! is drawn as soon as it is applied, and results when they arrive.
//!
//! Where things sit on the screen is [`layout`]'s alone: drawing and the
//! mouse read the same [`layout::Areas`]. The look is [`theme`]'s.

pub mod app;
pub mod i18n;
pub mod keymap;
pub mod layout;
pub mod render;
pub mod replay;
pub mod sanitize;
pub mod theme;
pub mod view;
pub mod worker;

use std::io::{self, Write};
use std::sync::mpsc;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::corpus::basket::{self, Basket};
use crate::home::Home;
use crate::index::search::{Searcher, parse_themes};
use app::{App, Effect, Msg};

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("the terminal: {0}")]
    Terminal(#[from] io::Error),
    #[error("{0}")]
    Setup(String),
}

/// The UI's look and keys from veille.toml, and its language.
pub struct Setup {
    pub lang: i18n::Lang,
    pub keymap: keymap::Keymap,
    pub palette: theme::Palette,
    pub styles: theme::Styles,
    pub mouse: bool,
    pub mark_read: bool,
}

impl Setup {
    /// From the home's settings and the environment (LANG, NO_COLOR).
    pub fn from_home(home: &Home) -> Result<Setup, TuiError> {
        let settings = home.settings().map_err(|e| TuiError::Setup(e.to_string()))?;
        let file = home.config_file();
        let at = |e: keymap::SettingError| TuiError::Setup(format!("{}: {e}", file.display()));
        let keymap = keymap::Keymap::with_overrides(&settings.tui.keys).map_err(at)?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let palette = if no_color {
            theme::Palette::monochrome()
        } else {
            theme::Palette::default().with_colors(&settings.tui.colors).map_err(at)?
        };
        let styles = if no_color { theme::Styles::default() } else { theme::Styles::with_palette(&palette) };
        Ok(Setup {
            lang: i18n::Lang::from_env(),
            keymap,
            palette,
            styles,
            mouse: settings.tui.mouse,
            mark_read: settings.tui.mark_read,
        })
    }
}

/// Puts the terminal back as it was: on exit, on error and on panic.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Runs the UI on `home` with an open searcher until the user quits.
pub fn run(home: &Home, searcher: Searcher, setup: Setup) -> Result<(), TuiError> {
    let themes = home.themes().unwrap_or_default();
    let (parsed, _) = parse_themes(&themes, &home.themes_file());
    let baskets_dir = home.baskets_dir();
    let basket =
        Basket::load_or_new(&baskets_dir, basket::DEFAULT).map_err(|e| TuiError::Setup(e.to_string()))?;
    let baskets = Basket::list(&baskets_dir).unwrap_or_default();
    let mut app = App::new(setup.lang, setup.keymap, setup.styles, basket, baskets);
    app.palette = setup.palette;
    app.mouse = setup.mouse;
    app.mark_read = setup.mark_read;

    let (to_main, messages) = mpsc::channel::<Msg>();
    let (to_worker, requests) = mpsc::channel();
    app.brochures_dir = home.brochures_dir();
    let sources = worker::Sources {
        citations: Default::default(),
        searcher,
        baskets_dir: baskets_dir.clone(),
        themes,
        parsed,
        corpus_dir: home.corpus_dir(),
    };
    let answers = to_main.clone();
    std::thread::Builder::new()
        .name("veille-worker".into())
        .spawn(move || worker::run(sources, requests, |r| answers.send(Msg::Worker(r)).is_ok()))?;

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous_hook(info);
    }));
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    if app.mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    let dirs = Dirs { baskets: baskets_dir.clone(), corpus: home.corpus_dir(), raw: home.raw_dir() };
    let result = event_loop(&mut app, &messages, &to_main, &to_worker, &dirs);
    restore();
    result
}

fn spawn_input(to_main: mpsc::Sender<Msg>) -> io::Result<()> {
    std::thread::Builder::new().name("veille-input".into()).spawn(move || {
        loop {
            let message = match event::read() {
                Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => return,
            };
            if to_main.send(message).is_err() {
                return;
            }
        }
    })?;
    Ok(())
}

fn event_loop(
    app: &mut App,
    messages: &mpsc::Receiver<Msg>,
    to_main: &mpsc::Sender<Msg>,
    to_worker: &mpsc::Sender<worker::Request>,
    dirs: &Dirs,
) -> Result<(), TuiError> {
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    spawn_input(to_main.clone())?;
    let mut effects = app.start();
    loop {
        for effect in effects.drain(..) {
            run_effect(app, effect, to_worker, dirs, &mut terminal)?;
        }
        if app.quit {
            return Ok(());
        }
        terminal.draw(|frame| view::draw(frame, app))?;
        let Ok(message) = messages.recv() else { return Ok(()) };
        effects = app.update(message);
        // Apply what else is already waiting before drawing again: a burst of
        // keys (a paste) is drawn once.
        while let Ok(more) = messages.try_recv() {
            effects.extend(app.update(more));
        }
    }
}

/// Where effects read and write in the home.
struct Dirs {
    baskets: std::path::PathBuf,
    corpus: std::path::PathBuf,
    raw: std::path::PathBuf,
}

fn run_effect(
    app: &mut App,
    effect: Effect,
    to_worker: &mpsc::Sender<worker::Request>,
    dirs: &Dirs,
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
) -> Result<(), TuiError> {
    let baskets_dir = dirs.baskets.as_path();
    match effect {
        Effect::Request(request) => {
            let _ = to_worker.send(request);
        }
        Effect::SaveBasket => {
            if let Err(e) = app.basket.save(baskets_dir) {
                app.status = Some(e.to_string());
            } else if !app.baskets.contains(&app.basket.name) {
                app.baskets.push(app.basket.name.clone());
                app.baskets.sort();
            }
        }
        Effect::LoadBasket(name) => match Basket::load_or_new(baskets_dir, &name) {
            Ok(basket) => {
                for e in app.basket_loaded(basket) {
                    run_effect(app, e, to_worker, dirs, terminal)?;
                }
            }
            Err(e) => app.status = Some(e.to_string()),
        },
        Effect::OpenUrl(url) => open_url(&url),
        Effect::OpenDocument { path, url } => match archived_copy(dirs, &path) {
            Some(file) => open_url(&file.to_string_lossy()),
            None => open_url(&url),
        },
        Effect::CopyUrl(url) => copy(&url),
        Effect::EditNote { id, path, note } => {
            // The editor gets the terminal, as a suspended UI gives it up.
            restore();
            let edited = crate::editor::edit(&note);
            enable_raw_mode()?;
            execute!(io::stdout(), EnterAlternateScreen)?;
            if app.mouse {
                execute!(io::stdout(), EnableMouseCapture)?;
            }
            terminal.clear()?;
            match edited {
                Ok(note) => {
                    let change = worker::MarkChange::Note(note);
                    let _ = to_worker.send(worker::Request::Annotate { id, path, change });
                }
                Err(e) => app.status = Some(e.to_string()),
            }
        }
        Effect::Suspend => {
            restore();
            // SAFETY: raising a signal in our own process; the shell resumes us with SIGCONT.
            unsafe { libc::raise(libc::SIGTSTP) };
            enable_raw_mode()?;
            execute!(io::stdout(), EnterAlternateScreen)?;
            if app.mouse {
                execute!(io::stdout(), EnableMouseCapture)?;
            }
            terminal.clear()?;
        }
    }
    Ok(())
}

/// A document (PDF, ODT, DOCX, EPUB) as archived, written to the temporary
/// directory under its format's extension so that it opens offline; `None`
/// when it is not in the raw archive.
fn archived_copy(dirs: &Dirs, path: &str) -> Option<std::path::PathBuf> {
    let article = crate::corpus::Corpus::read(&dirs.corpus.join(path)).ok()?;
    let at = article.warc.as_ref()?;
    let page = crate::archive::read_page(&dirs.raw, &at.file, at.offset, u64::MAX).ok()?;
    let extension = crate::extract::document::Format::sniff(&page.body).map_or("pdf", |f| f.extension());
    let file = std::env::temp_dir().join(format!("veille-{}.{extension}", article.id));
    std::fs::write(&file, &page.body).ok()?;
    Some(file)
}

/// Opens a URL in the desktop's browser, detached, its output discarded.
fn open_url(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Copies through the terminal (OSC 52, which works over ssh), and through
/// the system clipboard tool when one is installed.
fn copy(text: &str) {
    let encoded = data_encoding::BASE64.encode(text.as_bytes());
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
    for (tool, args) in
        [("wl-copy", &[][..]), ("xclip", &["-selection", "clipboard"][..]), ("pbcopy", &[][..])]
    {
        let child = std::process::Command::new(tool)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
            return;
        }
    }
}
