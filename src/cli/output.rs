//! What commands print: colour decisions, counts of things, and the closed-pipe rule.

use std::io::{self, IsTerminal};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colours when standard output is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

/// Output settings shared by the commands.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Whether stdout gets ANSI colours.
    pub color: bool,
    /// Whether stderr is a terminal (progress bars are drawn only then).
    pub stderr_is_terminal: bool,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Output { color, stderr_is_terminal: io::stderr().is_terminal() }
    }

    /// `text` in bold when colours are on.
    pub fn bold(&self, text: &str) -> String {
        if self.color { format!("\x1b[1m{text}\x1b[0m") } else { text.to_string() }
    }

    /// `text` dimmed when colours are on.
    pub fn dim(&self, text: &str) -> String {
        if self.color { format!("\x1b[2m{text}\x1b[0m") } else { text.to_string() }
    }
}

/// A reader closing the pipe (`veille list | head`) is not an error.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// A count and its noun: "1 article", "3 articles".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
