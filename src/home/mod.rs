//! The veille home: the directory holding `veille.toml`, `corpus/` and `index/`.
//!
//! A home is found the way git finds a repository: `--home`, else
//! `VEILLE_HOME`, else the current directory and its parents up to the first
//! one holding a `veille.toml`. `veille init` creates one, never overwriting
//! a file that is already there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub mod check;
pub mod lock;
pub mod runlog;
pub mod space;

use crate::config::{self, ConfigError, Settings, SiteNames, Source, Theme};
use crate::corpus::{Corpus, atomic};

/// The text of a file of the home that may not be there (a setting file,
/// a template the home may override): `None` when it does not exist.
pub fn read_if_present(path: &Path) -> io::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
pub use lock::{HomeLock, LockError};

/// The file that marks a directory as a home.
pub const MARKER: &str = "veille.toml";

/// The line of the home's `.gitattributes` that gives article files the
/// `veille` merge driver (`veille merge-file`).
const GITATTRIBUTES_LINE: &str = "corpus/articles/**/*.md merge=veille";

/// Lines `veille init` makes sure the home's `.gitignore` holds.
const GITIGNORE_LINES: [&str; 3] = ["/index/", "/corpus/raw/", "/corpus/state/"];

const SOURCES_FILE: &str = include_str!("../../corpus/sources.toml");
/// Where the demo archive's own `[[site]]` names start in its sources.toml:
/// a new home gets the file without them.
const DEMO_SITES_MARKER: &str = "# --- The demo archive's own sites";
const THEMES_TEMPLATE: &str = include_str!("../../corpus/themes.toml");

/// The sources.toml a new home starts with: the demo's, without its sites.
fn sources_template() -> &'static str {
    match SOURCES_FILE.find(DEMO_SITES_MARKER) {
        Some(at) => &SOURCES_FILE[..at],
        None => SOURCES_FILE,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error(
        "no veille home here: neither {} nor any parent holds a veille.toml; \
         create one with `veille init DIR`, or point to one with --home DIR or VEILLE_HOME",
        .0.display()
    )]
    NotFound(PathBuf),
    #[error(
        "{} is not a veille home (it has no veille.toml); create one with `veille init {}`",
        .0.display(), .0.display()
    )]
    NotAHome(PathBuf),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
}

/// Where the home was looked for, in order of precedence.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// `--home DIR`.
    pub explicit: Option<PathBuf>,
    /// `VEILLE_HOME`.
    pub env: Option<PathBuf>,
    /// The directory to walk up from.
    pub cwd: PathBuf,
}

/// What `init` did to each file or directory.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    pub created: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
    /// Files that existed and were completed (the .gitignore).
    pub amended: Vec<PathBuf>,
}

/// An existing home.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// Finds the home: `explicit`, else `env`, else `cwd` or its nearest parent with a veille.toml.
    pub fn discover(lookup: &Lookup) -> Result<Home, HomeError> {
        if let Some(dir) =
            lookup.explicit.as_ref().or(lookup.env.as_ref()).filter(|d| !d.as_os_str().is_empty())
        {
            let dir = absolute(dir)?;
            return if dir.join(MARKER).is_file() {
                Ok(Home { root: dir })
            } else {
                Err(HomeError::NotAHome(dir))
            };
        }
        let start = absolute(&lookup.cwd)?;
        start
            .ancestors()
            .find(|dir| dir.join(MARKER).is_file())
            .map(|dir| Home { root: dir.to_path_buf() })
            .ok_or(HomeError::NotFound(start))
    }

    /// Opens `dir` as a home without looking elsewhere.
    pub fn open(dir: impl AsRef<Path>) -> Result<Home, HomeError> {
        Home::discover(&Lookup { explicit: Some(dir.as_ref().to_path_buf()), ..Lookup::default() })
    }

    /// Creates a home in `dir` (made if missing), or completes one: files that
    /// exist are kept as they are; the `.gitignore` gains the lines it lacks.
    pub fn init(dir: &Path) -> Result<(Home, InitReport), HomeError> {
        let root = absolute(dir)?;
        if root.exists() && !root.is_dir() {
            return Err(HomeError::NotADirectory(root));
        }
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HomeError::Io { path, source }
        };
        let home = Home { root };
        let mut report = InitReport::default();
        for dir in [home.root.clone(), home.corpus().articles_dir()] {
            if dir.is_dir() {
                report.kept.push(dir);
            } else {
                fs::create_dir_all(&dir).map_err(io_err(&dir))?;
                report.created.push(dir);
            }
        }
        let files = [
            (home.config_file(), config::settings::TEMPLATE),
            (home.sources_file(), sources_template()),
            (home.themes_file(), THEMES_TEMPLATE),
        ];
        for (path, text) in files {
            if path.exists() {
                report.kept.push(path);
            } else {
                atomic::write_atomic(&path, text.as_bytes()).map_err(io_err(&path))?;
                report.created.push(path);
            }
        }
        // git's merge of article files goes through `veille merge-file`
        // once a clone has run `veille merge-file --install`.
        let gitattributes = home.root.join(".gitattributes");
        match fs::read_to_string(&gitattributes) {
            Ok(text) if text.lines().any(|l| l.trim() == GITATTRIBUTES_LINE) => {
                report.kept.push(gitattributes)
            }
            Ok(mut text) => {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(GITATTRIBUTES_LINE);
                text.push('\n');
                atomic::write_atomic(&gitattributes, text.as_bytes()).map_err(io_err(&gitattributes))?;
                report.amended.push(gitattributes);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let text = format!("{GITATTRIBUTES_LINE}\n");
                atomic::write_atomic(&gitattributes, text.as_bytes()).map_err(io_err(&gitattributes))?;
                report.created.push(gitattributes);
            }
            Err(e) => return Err(io_err(&gitattributes)(e)),
        }
        let gitignore = home.root.join(".gitignore");
        let existing = match fs::read_to_string(&gitignore) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&gitignore)(e)),
        };
        let present = |line: &str, text: &str| {
            text.lines().any(|l| l.trim() == line || l.trim() == line.trim_start_matches('/'))
        };
        let missing: Vec<_> = GITIGNORE_LINES
            .iter()
            .filter(|line| !existing.as_deref().is_some_and(|t| present(line, t)))
            .collect();
        if !missing.is_empty() {
            let mut text = existing.clone().unwrap_or_default();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("# veille: derived or local data, rebuilt by veille\n");
            for line in missing {
                text.push_str(line);
                text.push('\n');
            }
            atomic::write_atomic(&gitignore, text.as_bytes()).map_err(io_err(&gitignore))?;
            if existing.is_some() { report.amended.push(gitignore) } else { report.created.push(gitignore) }
        } else {
            report.kept.push(gitignore);
        }
        Ok((home, report))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config_file(&self) -> PathBuf {
        self.root.join(MARKER)
    }

    pub fn corpus_dir(&self) -> PathBuf {
        self.root.join("corpus")
    }

    /// The corpus, whose writers ask the index which file holds an id
    /// rather than read every file.
    pub fn corpus(&self) -> Corpus {
        Corpus::new(self.corpus_dir())
            .with_catalog(std::sync::Arc::new(crate::index::IndexCatalog::new(self.index_dir())))
    }

    pub fn sources_file(&self) -> PathBuf {
        self.corpus_dir().join("sources.toml")
    }

    pub fn themes_file(&self) -> PathBuf {
        self.corpus_dir().join("themes.toml")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    pub fn raw_dir(&self) -> PathBuf {
        self.corpus_dir().join("raw")
    }

    pub fn state_dir(&self) -> PathBuf {
        self.corpus_dir().join("state")
    }

    pub fn baskets_dir(&self) -> PathBuf {
        self.corpus_dir().join("baskets")
    }

    /// Where the terminal UI writes the brochures of its basket.
    pub fn brochures_dir(&self) -> PathBuf {
        self.root.join("brochures")
    }

    /// Takes the home's writer lock for `command` (see [`lock`]).
    pub fn lock(&self, command: &str, wait: bool) -> Result<HomeLock, LockError> {
        HomeLock::acquire(&self.state_dir(), command, wait)
    }

    pub fn settings(&self) -> Result<Settings, ConfigError> {
        Settings::load(&self.config_file())
    }

    pub fn sources(&self) -> Result<Vec<Source>, ConfigError> {
        config::sources::load(&self.sources_file())
    }

    /// The names sources.toml gives its sites (`[[source]] name`, `[[site]]`).
    pub fn site_names(&self) -> Result<SiteNames, ConfigError> {
        Ok(config::sources::load_file(&self.sources_file())?.names)
    }

    /// [`Home::site_names`], or none (with a warning) when sources.toml is
    /// broken: showing ids is better than not showing results.
    pub fn site_names_or_ids(&self) -> SiteNames {
        self.site_names().unwrap_or_else(|e| {
            tracing::warn!("{e}; sites are shown by their id");
            SiteNames::default()
        })
    }

    pub fn themes(&self) -> Result<Vec<Theme>, ConfigError> {
        config::themes::load(&self.themes_file())
    }
}

fn absolute(path: &Path) -> Result<PathBuf, HomeError> {
    std::path::absolute(path).map_err(|source| HomeError::Io { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_discover_from_a_subdirectory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        let (_, report) = Home::init(&root).unwrap();
        assert!(report.created.iter().any(|p| p.ends_with("veille.toml")));
        assert!(report.created.iter().any(|p| p.ends_with(".gitignore")));
        let deep = root.join("corpus/articles");
        let home = Home::discover(&Lookup { cwd: deep, ..Lookup::default() }).unwrap();
        assert_eq!(home.root(), root);
        home.settings().unwrap();
        assert!(home.themes().unwrap().len() >= 10);
        home.sources().unwrap();
        assert!(SOURCES_FILE.contains(DEMO_SITES_MARKER), "the demo's sites are marked");
        assert_eq!(home.site_names().unwrap(), SiteNames::default(), "a new home has not the demo's sites");
    }

    #[test]
    fn precedence_is_explicit_then_env_then_cwd() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        Home::init(&a).unwrap();
        Home::init(&b).unwrap();
        let lookup = Lookup { explicit: Some(a.clone()), env: Some(b.clone()), cwd: b.clone() };
        assert_eq!(Home::discover(&lookup).unwrap().root(), a);
        let lookup = Lookup { explicit: None, env: Some(b.clone()), cwd: a.clone() };
        assert_eq!(Home::discover(&lookup).unwrap().root(), b);
    }

    #[test]
    fn missing_home_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Home::discover(&Lookup { cwd: dir.path().into(), ..Lookup::default() }).unwrap_err();
        assert!(err.to_string().contains("veille init"), "{err}");
        let err = Home::open(dir.path()).unwrap_err();
        assert!(matches!(err, HomeError::NotAHome(_)));
    }

    #[test]
    fn init_never_overwrites_and_completes_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("veille.toml"), "[archive]\nname = \"À nous\"\n").unwrap();
        fs::write(dir.path().join(".gitignore"), "/target/\n/index/").unwrap();
        let (_, report) = Home::init(dir.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("veille.toml")).unwrap(),
            "[archive]\nname = \"À nous\"\n"
        );
        assert!(report.kept.iter().any(|p| p.ends_with("veille.toml")));
        let gitignore = fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert!(gitignore.starts_with("/target/\n/index/\n"), "{gitignore}");
        assert_eq!(gitignore.matches("/index/").count(), 1);
        assert!(gitignore.contains("/corpus/raw/") && gitignore.contains("/corpus/state/"));
        // A second init changes nothing at all.
        let (_, report) = Home::init(dir.path()).unwrap();
        assert!(report.created.is_empty() && report.amended.is_empty());
    }

    #[test]
    fn init_on_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(matches!(Home::init(&file), Err(HomeError::NotADirectory(_))));
    }
}
