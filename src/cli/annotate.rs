//! `veille tag` and `veille note`: the collective's labels, note and read
//! mark on articles (see [`crate::corpus::annotations`]), on one article
//! or on every article a query finds; each change is indexed at once.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Context, Status};
use crate::corpus::annotations::{self, Annotations};
use crate::corpus::{Corpus, StoredArticle};
use crate::home::Home;
use crate::index::{IndexError, update};

const TAG_EXAMPLES: &str = "\
Labels are the collective's own (kept apart from the site's tags), one word
each (`à-lire`, `revue-48`), written in the article file's `[collective]`
table so that they travel with git. `+label` adds, `-label` removes; without
any, the article's labels are printed. Find them with `etiquette:à-lire`.

Examples:
  veille tag b4165fd3 +à-lire -important
  veille tag --query 'theme:eau depuis:2026-11' +revue-48
  veille tag b4165fd3 --read            mark as read (`lu:oui`)
  veille search etiquette:à-lire lu:non";

const NOTE_EXAMPLES: &str = "\
The note is the collective's free text on an article (Markdown), written in
the article file's `[collective]` table; the press review (`veille revue`)
prints it instead of the article's lead. Find notes with `note:mot`.

Examples:
  veille note b4165fd3 \"À citer dans la revue : les chiffres de l'agence de l'eau.\"
  veille note b4165fd3                 print the note
  veille note b4165fd3 --edit          edit it in $EDITOR
  veille note b4165fd3 --clear
  echo 'Texte long' | veille note b4165fd3 -";

/// Add or remove the collective's labels on articles (+label, -label)
#[derive(Debug, Args)]
#[command(after_help = TAG_EXAMPLES)]
pub struct TagArgs {
    /// The article's id (or a unique prefix), then +label / -label; with
    /// --query, only the labels
    #[arg(value_name = "ID +LABEL -LABEL", allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// Change every article this query finds (same language as `veille search`)
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Mark as read
    #[arg(long, conflicts_with = "unread")]
    pub read: bool,
    /// Mark as not read
    #[arg(long)]
    pub unread: bool,
}

/// Write, print or remove the collective's note on an article
#[derive(Debug, Args)]
#[command(after_help = NOTE_EXAMPLES)]
pub struct NoteArgs {
    /// The article's id (or a unique prefix)
    pub id: String,
    /// The note's text (`-`: read it from standard input); without it, the
    /// note is printed
    #[arg(value_name = "TEXT", conflicts_with_all = ["clear", "edit"])]
    pub text: Option<String>,
    /// Remove the note
    #[arg(long, conflicts_with = "edit")]
    pub clear: bool,
    /// Edit the note in $VISUAL or $EDITOR (else vi)
    #[arg(long)]
    pub edit: bool,
}

/// One change of labels asked on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Add(String),
    Remove(String),
}

fn parse_change(arg: &str) -> anyhow::Result<Change> {
    let (add, rest) = match arg.chars().next() {
        Some('+') => (true, &arg[1..]),
        Some('-') => (false, &arg[1..]),
        _ => bail!("{arg:?}: write +{arg} to add the label or -{arg} to remove it"),
    };
    let label = annotations::label(rest)?;
    Ok(if add { Change::Add(label) } else { Change::Remove(label) })
}

fn find(home: &Home, id: &str) -> anyhow::Result<StoredArticle> {
    home.corpus().find(id)?.ok_or_else(|| anyhow::anyhow!("no article with id {id:?} (try `veille list`)"))
}

/// Indexes the changed files at once; a busy index (a run writing it)
/// gets them at its next update, from their checksums.
pub fn reindex(home: &Home, paths: &[&Path]) -> anyhow::Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    match update::reindex_files(&home.corpus(), &home.index_dir(), paths) {
        Ok(_) => Ok(()),
        Err(IndexError::Busy) => {
            tracing::warn!(
                "the index is being written by another veille process: the change is in the files, and the next `veille index` indexes it"
            );
            Ok(())
        }
        Err(e) => Err(e).context("the change is in the files, but it could not be indexed"),
    }
}

/// Applies `change` to the marks of each of `paths`; returns the files changed.
fn annotate_all(
    home: &Home,
    paths: &[PathBuf],
    change: &dyn Fn(&mut Annotations),
) -> anyhow::Result<Vec<(PathBuf, Annotations)>> {
    let mut changed = Vec::new();
    for path in paths {
        let (article, did) = annotations::annotate(path, &home.state_dir(), change)?;
        if did {
            changed.push((path.clone(), article.annotations));
        }
    }
    Ok(changed)
}

pub fn tag(context: &Context, args: TagArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    // `--read` after the labels is taken as one of them by clap (labels
    // may start with `-`): it is the flag all the same.
    let mut read_flag = None;
    let words: Vec<&String> = args
        .args
        .iter()
        .filter(|w| match w.as_str() {
            "--read" => {
                read_flag = Some(true);
                false
            }
            "--unread" => {
                read_flag = Some(false);
                false
            }
            _ => true,
        })
        .collect();
    let mut words = words.into_iter();
    let target = match &args.query {
        Some(query) => Target::Query(query.clone()),
        None => match words.next() {
            Some(id) => Target::One(id.clone()),
            None => bail!("give an article's id, or --query QUERY"),
        },
    };
    let changes = words.map(|w| parse_change(w)).collect::<anyhow::Result<Vec<_>>>()?;
    let read = if args.read {
        Some(true)
    } else if args.unread {
        Some(false)
    } else {
        read_flag
    };
    let (paths, broken) = match &target {
        Target::One(id) => (vec![find(&home, id)?.path], 0),
        Target::Query(query) => {
            if changes.is_empty() && read.is_none() {
                bail!("say which labels to add (+label) or remove (-label) on the articles of the query");
            }
            let (articles, broken) = super::selection::select(context, &home, query)?;
            (articles.into_iter().map(|s| s.path).collect(), broken)
        }
    };
    let apply = |marks: &mut Annotations| {
        for change in &changes {
            match change {
                Change::Add(label) => {
                    marks.labels.insert(label.clone());
                }
                Change::Remove(label) => {
                    marks.labels.remove(label);
                }
            }
        }
        if let Some(read) = read {
            marks.read = read;
        }
    };
    let changed = annotate_all(&home, &paths, &apply)?;
    let changed_paths: Vec<&Path> = changed.iter().map(|(p, _)| p.as_path()).collect();
    reindex(&home, &changed_paths)?;
    let mut out = io::stdout().lock();
    match target {
        Target::One(_) => {
            let article = Corpus::read(&paths[0])?;
            let labels: Vec<&str> = article.annotations.labels.iter().map(String::as_str).collect();
            let read = if article.annotations.read { " (lu)" } else { "" };
            writeln!(out, "{}\t{}{read}", article.id, labels.join(" "))?;
        }
        Target::Query(_) if !context.global.quiet => {
            writeln!(
                out,
                "{} changed, {} already so",
                super::output::counted(changed.len(), "article", "articles"),
                paths.len() - changed.len()
            )?;
        }
        Target::Query(_) => {}
    }
    Ok(if broken == 0 { Status::Success } else { Status::Partial })
}

enum Target {
    One(String),
    Query(String),
}

pub fn note(context: &Context, args: NoteArgs) -> anyhow::Result<Status> {
    let home = context.home()?;
    let stored = find(&home, &args.id)?;
    let text = if args.clear {
        String::new()
    } else if args.edit {
        crate::editor::edit(stored.article.annotations.note.as_deref().unwrap_or_default())
            .context("the note is unchanged")?
    } else {
        match args.text.as_deref() {
            None => {
                if let Some(note) = &stored.article.annotations.note {
                    writeln!(io::stdout().lock(), "{note}")?;
                }
                return Ok(Status::Success);
            }
            Some("-") => {
                let mut text = String::new();
                io::stdin().read_to_string(&mut text).context("cannot read the note from standard input")?;
                text
            }
            Some(text) => text.to_string(),
        }
    };
    let changed = annotate_all(&home, std::slice::from_ref(&stored.path), &|marks| marks.set_note(&text))?;
    let paths: Vec<&Path> = changed.iter().map(|(p, _)| p.as_path()).collect();
    reindex(&home, &paths)?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_need_a_sign_and_a_good_label() {
        assert_eq!(parse_change("+À-lire").unwrap(), Change::Add("à-lire".into()));
        assert_eq!(parse_change("-important").unwrap(), Change::Remove("important".into()));
        assert!(parse_change("lire").unwrap_err().to_string().contains("+lire"));
        assert!(parse_change("+à lire").unwrap_err().to_string().contains("space"));
    }
}
