//! How a failed command is told to a person: one line saying what, where,
//! and what to do.
//!
//! An error reaches the edge as a chain (our context, the library's error,
//! the crate's, the system's), and many layers print their source's text
//! inside their own, so that printing every layer repeats it two or three
//! times. A layer whose text is already in the line is left out. A full
//! disk, a used-up quota or a failing device gets its advice appended (see
//! [`crate::home::space`]).

use crate::home::space::Shortage;

/// The line printed after `veille: error: `.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for layer in error.chain() {
        let text = layer.to_string();
        let text = text.trim();
        if text.is_empty() || line.contains(text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(text);
    }
    // Messages are one line: a crate's multi-line text is folded. A
    // diagram (a query under a caret line, indented) is kept as drawn.
    if line.contains("\n ") {
        return line;
    }
    let mut line = line
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(shortage) = Shortage::find(error.as_ref()) {
        line.push_str("; ");
        line.push_str(shortage.advice());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::Arc;

    #[derive(Debug, thiserror::Error)]
    #[error("An IO error occurred: '{0}'")]
    struct CrateError(#[source] Arc<io::Error>);

    #[test]
    fn repeated_layers_are_said_once_and_a_full_disk_gets_advice() {
        let io = Arc::new(io::Error::from_raw_os_error(28));
        let error = anyhow::Error::new(CrateError(io.clone()))
            .context(format!("index: {}", CrateError(io)))
            .context("cannot index /home/c/index");
        assert_eq!(
            error_line(&error),
            "cannot index /home/c/index: index: An IO error occurred: 'No space left on device (os error 28)'; \
             the disk is full: free some space and run the same command again (what was written is kept, \
             nothing is written twice)"
        );
    }

    #[test]
    fn an_ordinary_error_is_its_layers_in_order() {
        let error = anyhow::anyhow!("line 3: expected `=`").context("cannot read sources.toml");
        assert_eq!(error_line(&error), "cannot read sources.toml: line 3: expected `=`");
    }
}
