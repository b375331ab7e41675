//! `veille tui` (and `veille` alone): the terminal UI on the home.

use std::io::IsTerminal;

use clap::Args;

use super::{Context, GlobalArgs, Status};
use crate::home::{Home, Lookup};

const EXAMPLES: &str = "\
Type to search (the query language of `veille search` works here), Tab to
move between themes and results, Enter to read, b or Space to put an article
in the basket, ? for every key. Keys, colours and the mouse are set in
veille.toml's [tui] table. Warnings go to corpus/state/tui.log.

Examples:
  veille
  veille --home ~/archive tui
  LANG=fr_FR.UTF-8 veille          interface in French";

/// Open the terminal UI (the default when no command is given)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct TuiArgs {}

/// Where the UI logs: the home's state folder, when there is a home.
pub fn log_file(global: &GlobalArgs) -> Option<std::path::PathBuf> {
    let lookup = Lookup { explicit: global.home.clone(), env: None, cwd: std::env::current_dir().ok()? };
    Home::discover(&lookup).ok().map(|home| home.state_dir().join("tui.log"))
}

pub fn run(context: &Context, _args: TuiArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the terminal UI needs a terminal; in scripts use `veille search`, `veille list` or `veille export`"
        );
    }
    let (searcher, _) = super::index::searcher(context, &home)?;
    let setup = crate::tui::Setup::from_home(&home)?;
    crate::tui::run(&home, searcher, setup)?;
    Ok(Status::Success)
}
