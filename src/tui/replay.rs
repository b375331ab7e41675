//! The UI's speed measured on a real home: typed queries replayed,
//! keystroke by keystroke, through the real [`App`] state, the real index
//! (the worker's own code, run in line) and the real drawing code (into a
//! TestBackend of 120×40). `veille bench --tui` prints the figures.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Effect, Msg};
use super::worker::{self, Request, Sources};

/// Milliseconds of each measured step.
#[derive(Debug, Default)]
pub struct Figures {
    /// From a key to the frame showing it (query line, cursor, state).
    pub key_to_frame: Vec<f64>,
    /// From a key to the frame showing its search's results.
    pub key_to_results: Vec<f64>,
    pub keystrokes: usize,
}

/// Types each query into `app` (clearing the line first), drawing a frame
/// after each key and after each search's answer.
pub fn replay(app: &mut App, sources: &Sources, queries: &[String]) -> Figures {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test backend");
    app.update(Msg::Resize(120, 40));
    let mut figures = Figures::default();
    for query in queries {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        for c in query.chars() {
            let started = Instant::now();
            let effects = app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
            terminal.draw(|frame| super::view::draw(frame, app)).expect("drawing into memory");
            figures.key_to_frame.push(started.elapsed().as_secs_f64() * 1e3);
            for effect in effects {
                if let Effect::Request(request @ Request::Search { .. }) = effect {
                    let response = worker::answer(sources, request);
                    app.update(Msg::Worker(response));
                }
            }
            terminal.draw(|frame| super::view::draw(frame, app)).expect("drawing into memory");
            figures.key_to_results.push(started.elapsed().as_secs_f64() * 1e3);
            figures.keystrokes += 1;
        }
    }
    figures
}
