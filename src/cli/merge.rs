//! `veille merge-file`: git's merge driver for article files, so that two
//! clones' labels and notes on one article merge without a conflict (see
//! [`crate::corpus::merge`]), and `--install`, which sets it up in a clone.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Context, Status};

const EXAMPLES: &str = "\
git runs it: `veille init` writes `corpus/articles/**/*.md merge=veille` in
the home's .gitattributes, and `veille merge-file --install` tells the
clone's git what `veille` means there (git config is not shared by clones:
each member runs it once). Without it, git merges the files line by line,
which the layout of `[collective]` makes work for most changes.

Examples:
  veille merge-file --install
  git config merge.veille.driver      # what --install wrote";

/// Merge two versions of an article file (git's merge driver)
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct MergeFileArgs {
    /// The common ancestor (git's %O)
    #[arg(required_unless_present = "install")]
    pub base: Option<PathBuf>,
    /// Our version, replaced by the result (git's %A)
    #[arg(required_unless_present = "install")]
    pub ours: Option<PathBuf>,
    /// Their version (git's %B)
    #[arg(required_unless_present = "install")]
    pub theirs: Option<PathBuf>,
    /// The file's path in the repository (git's %P), for messages
    pub path: Option<String>,
    /// Set this merge driver up in the git repository of the home
    #[arg(long, conflicts_with_all = ["base", "ours", "theirs", "path"])]
    pub install: bool,
}

pub fn run(context: &Context, args: MergeFileArgs) -> anyhow::Result<Status> {
    if args.install {
        let home = context.home()?;
        let exe = std::env::current_exe().context("cannot tell where veille is")?;
        let driver = format!("'{}' merge-file %O %A %B %P", exe.display().to_string().replace('\'', "'\\''"));
        for (key, value) in [("merge.veille.name", "veille: article files"), ("merge.veille.driver", &driver)]
        {
            let status = Command::new("git")
                .arg("-C")
                .arg(home.root())
                .args(["config", key, value])
                .status()
                .context("cannot run git")?;
            if !status.success() {
                bail!("git config {key} failed in {} (is it a git repository?)", home.root().display());
            }
        }
        return Ok(Status::Success);
    }
    let (Some(base), Some(ours), Some(theirs)) = (args.base, args.ours, args.theirs) else {
        bail!("give the three files: BASE OURS THEIRS");
    };
    let conflicts = crate::corpus::merge::merge_files(&base, &ours, &theirs)
        .with_context(|| format!("cannot merge {}", args.path.as_deref().unwrap_or("the article")))?;
    if conflicts {
        tracing::warn!("{}: conflicts left for you to settle", args.path.as_deref().unwrap_or("article"));
        return Ok(Status::Partial);
    }
    Ok(Status::Success)
}
