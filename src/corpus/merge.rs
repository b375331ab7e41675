//! The 3-way merge of an article file that git runs as the `veille` merge
//! driver (`.gitattributes`: `corpus/articles/**/*.md merge=veille`).
//!
//! git's own text merge already merges most of what two clones do to an
//! article's marks, the layout being made for it (see
//! [`super::annotations`]); what it cannot is two changes at the very same
//! place, such as two first labels given to one article in two clones.
//! This merge takes the `[collective]` table apart and merges it as sets
//! ([`merge3`]), and leaves the rest of the file to `git merge-file`: a real
//! conflict there (two different titles) is git's usual conflict, with
//! markers, on the files as they were.

use std::io;
use std::path::Path;
use std::process::Command;

use super::Article;
use super::annotations::{Annotations, merge3};

/// A merged text, and whether it holds conflicts left to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflicts: bool,
}

/// Merges the article texts `base` (the common ancestor), `ours` and
/// `theirs`; `git` runs `git merge-file` when the texts without their marks
/// differ on both sides.
pub fn merge_article(base: &str, ours: &str, theirs: &str) -> io::Result<Merged> {
    let parsed = (Article::parse(base), Article::parse(ours), Article::parse(theirs));
    let (Ok(base_a), Ok(ours_a), Ok(theirs_a)) = parsed else {
        return text_merge(base, ours, theirs);
    };
    let marks = merge3(&base_a.annotations, &ours_a.annotations, &theirs_a.annotations);
    let unmarked =
        |a: &Article| Article { annotations: Annotations::default(), ..a.clone() }.to_file_string();
    let (base_rest, ours_rest, theirs_rest) = (unmarked(&base_a), unmarked(&ours_a), unmarked(&theirs_a));
    let rest = if ours_rest == theirs_rest || base_rest == theirs_rest {
        ours_rest
    } else if base_rest == ours_rest {
        theirs_rest
    } else {
        let merged = text_merge(&base_rest, &ours_rest, &theirs_rest)?;
        if merged.conflicts {
            // Markers in the front matter cannot be read back: git's merge
            // of the files as they are, for a person to settle.
            return text_merge(base, ours, theirs);
        }
        merged.text
    };
    match Article::parse(&rest) {
        Ok(mut article) => {
            article.annotations = marks;
            Ok(Merged { text: article.to_file_string(), conflicts: false })
        }
        Err(_) => text_merge(base, ours, theirs),
    }
}

/// git's line-by-line 3-way merge (`git merge-file -p`).
fn text_merge(base: &str, ours: &str, theirs: &str) -> io::Result<Merged> {
    let dir = tempfile::tempdir()?;
    let write = |name: &str, text: &str| -> io::Result<std::path::PathBuf> {
        let path = dir.path().join(name);
        std::fs::write(&path, text)?;
        Ok(path)
    };
    let (o, a, b) = (write("base", base)?, write("ours", ours)?, write("theirs", theirs)?);
    let output = Command::new("git")
        .args(["merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs"])
        .args([&a, &o, &b])
        .output()?;
    // Its status is the number of conflicts; a negative one (255…) an error.
    match output.status.code() {
        Some(code) if (0..128).contains(&code) => {
            Ok(Merged { text: String::from_utf8_lossy(&output.stdout).into_owned(), conflicts: code > 0 })
        }
        _ => Err(io::Error::other(format!(
            "git merge-file failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))),
    }
}

/// Merges the files as git's merge driver is asked to: the result replaces
/// `ours`. Returns whether conflicts are left.
pub fn merge_files(base: &Path, ours: &Path, theirs: &Path) -> io::Result<bool> {
    let read = |p: &Path| std::fs::read_to_string(p);
    let merged = merge_article(&read(base)?, &read(ours)?, &read(theirs)?)?;
    super::atomic::write_atomic(ours, merged.text.as_bytes())?;
    Ok(merged.conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(title: &str, labels: &[&str], note: Option<&str>) -> String {
        let mut a = Article::new("a1", "site", title);
        a.body = "Corps.".into();
        a.annotations.labels = labels.iter().map(|l| l.to_string()).collect();
        a.annotations.note = note.map(str::to_string);
        a.to_file_string()
    }

    #[test]
    fn marks_merge_as_sets_and_notes_keep_both_texts() {
        let base = file("T", &[], None);
        let ours = file("T", &["a-lire"], Some("la nôtre"));
        let theirs = file("T", &["important"], Some("la leur"));
        let merged = merge_article(&base, &ours, &theirs).unwrap();
        assert!(!merged.conflicts);
        let article = Article::parse(&merged.text).unwrap();
        assert_eq!(article.annotations.labels.iter().collect::<Vec<_>>(), ["a-lire", "important"]);
        assert_eq!(article.annotations.note.as_deref(), Some("la nôtre\n\nla leur"));
    }

    #[test]
    fn a_real_conflict_is_left_to_a_person() {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("git is not installed: skipped");
            return;
        }
        let merged =
            merge_article(&file("T", &[], None), &file("Un", &["x"], None), &file("Deux", &["y"], None))
                .unwrap();
        assert!(merged.conflicts);
        assert!(
            merged.text.contains("<<<<<<< ours") && merged.text.contains(">>>>>>> theirs"),
            "{}",
            merged.text
        );
    }
}
