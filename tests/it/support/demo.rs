//! A temporary home holding a copy of the demo archive, so that tests that
//! index or write never touch the repository's own `index/` or `corpus/`.

#![allow(dead_code)]

use std::fs;
use std::path::Path;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The demo's veille.toml, articles and themes in a fresh directory.
pub fn demo_home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("veille.toml"), dir.path().join("veille.toml")).unwrap();
    copy_dir(&repo().join("corpus/articles"), &dir.path().join("corpus/articles"));
    fs::copy(repo().join("corpus/themes.toml"), dir.path().join("corpus/themes.toml")).unwrap();
    fs::copy(repo().join("corpus/sources.toml"), dir.path().join("corpus/sources.toml")).unwrap();
    dir
}
