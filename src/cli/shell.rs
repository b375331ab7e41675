//! `veille completions` and `veille man`: fitting into the user's shell.

use std::io::Write;

use clap::Args;

use super::Status;

/// Print shell completions (bash, zsh, fish, elvish, powershell)
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  veille completions bash > ~/.local/share/bash-completion/completions/veille\n  veille completions zsh > ~/.zfunc/_veille\n  veille completions fish > ~/.config/fish/completions/veille.fish"
)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    pub shell: clap_complete::Shell,
}

/// Print the man page (roff), or write one page per command into a directory
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  veille man | man -l -\n  veille man --dir ~/.local/share/man/man1")]
pub struct ManArgs {
    /// Write veille.1 and a page per subcommand (veille-import.1, …) into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<Status> {
    let mut command = super::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "veille", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(Status::Success)
}

pub fn man(args: ManArgs) -> anyhow::Result<Status> {
    let command = super::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            clap_mangen::generate_to(command, &dir)?;
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command).render(&mut out)?;
            std::io::stdout().lock().write_all(&out)?;
        }
    }
    Ok(Status::Success)
}
