//! What the integration tests share: the `veille` command, the demo home,
//! local HTTP sites, PDFs made to measure.

pub mod demo;
pub mod pdf;
pub mod server;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// The `veille` binary run from `dir` with a clean environment (no
/// `VEILLE_HOME`, no `VEILLE_LOG`, no colours), stopped after ten minutes
/// so that a hung run fails instead of blocking the suite.
pub fn veille(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("veille").unwrap();
    cmd.current_dir(dir)
        .env_remove("VEILLE_HOME")
        .env_remove("VEILLE_LOG")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(600));
    cmd
}
