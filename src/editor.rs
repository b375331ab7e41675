//! The person's text editor ($VISUAL, else $EDITOR, else vi) run on a
//! text: how `veille note --edit` and the terminal UI's note editing hand
//! a note over, as git hands over a commit message.

use std::io;

/// Runs the editor on a temporary file holding `text` and returns what the
/// file holds when it exits; an error when it cannot run or fails.
pub fn edit(text: &str) -> io::Result<String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .ok()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let file = tempfile::Builder::new().prefix("veille-note-").suffix(".md").tempfile()?;
    std::fs::write(file.path(), text)?;
    // Through the shell, as git runs $EDITOR: it may hold arguments.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run the editor {editor:?}: {e}")))?;
    if !status.success() {
        return Err(io::Error::other(format!("the editor {editor:?} failed ({status})")));
    }
    std::fs::read_to_string(file.path())
}
